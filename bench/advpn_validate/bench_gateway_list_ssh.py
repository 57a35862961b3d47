# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hub's gateway list with N dial-up instances, read over SSH by ike_gateway_facts: time and memory vs N.

For each N (default 100, 300, 1000) a lab of one hub and N spokes (bench/simulator/advpn_lab.py without BGP:
only the tunnels matter here) is started; once the hub lists N instances, one ansible-playbook run on the hub
(network_cli, libssh) does, in order:

1. ``cli_command: get system status`` - the SSH login, kept by the persistent connection;
2. ``ike_gateway_facts`` with ``name: EDGE_0`` - one gateway: module start-up, one command, parse of one block;
   this is the baseline, measured in the same run;
3. ``ike_gateway_facts`` - all N instances.

Steps 2 and 3 alternate ``--repeat`` times (default 3); the best of each is kept. Timed: each task's duration
from the json callback. Memory: while the playbook runs, the RSS of every
process under ansible-playbook is sampled every 20 ms from /proc; the peaks of the two module processes
(``AnsiballZ_ike_gateway_facts``) and of the persistent connection (``ansible-connection``) are kept.
Growth is linear when the cost per instance beyond the baseline, (t(N) - t(1)) / N, stays within a factor 2
across N (and the same for the module's RSS above the baseline); the script prints PASS or FAIL and exits 1
on FAIL.

Usage: python bench/advpn_validate/bench_gateway_list_ssh.py [--sizes 100 300 1000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench" / "simulator"))
from advpn_lab import lab_yaml  # noqa: E402  (the simulator benchmarks' ADVPN lab)

PLAYBOOK_HEAD = """
- hosts: HUB1
  gather_facts: false
  vars:
    ansible_connection: ansible.netcommon.network_cli
  tasks:
    - name: log in
      ansible.netcommon.cli_command:
        command: get system status
"""
PLAYBOOK_READ = """
    - name: {label} {run}
      overlay.fortigate.ike_gateway_facts:{options}
"""
PLAYBOOK_COUNT = """
    - name: count
      ansible.builtin.debug:
        msg: "{{ ansible_facts.fortios_ike_summary.gateways }} {{ ansible_facts.fortios_ike_summary.ike_up }}"
"""


def playbook_text(repeat):
    """Log in, then (one gateway, all gateways) ``repeat`` times in turn, then count what the last read found."""
    reads = "".join(PLAYBOOK_READ.format(label="one", run=run, options="\n        name: EDGE_0")
                    + PLAYBOOK_READ.format(label="all", run=run, options="") for run in range(repeat))
    return PLAYBOOK_HEAD + reads + PLAYBOOK_COUNT


BGP_BLOCK = re.compile(r"^config router bgp$.*?^end$\n?", re.MULTILINE | re.DOTALL)


def sim(*args):
    return subprocess.run([sys.executable, "-m", "fortigate_sim", *args], capture_output=True, text=True, check=True)


def tunnels_only(spokes):
    """advpn_lab's lab without its BGP sections (a hub with N instances, nothing else converging)."""
    lab = yaml.safe_load(lab_yaml(spokes))
    for device in lab["devices"]:
        device["config"] = BGP_BLOCK.sub("", device["config"])
    lab["lab"] = "bench-gateway-list-%d" % spokes
    return yaml.safe_dump(lab, sort_keys=False)


def descendants(root):
    """{pid: (cmdline, rss KiB)} of every process below ``root``."""
    children, info = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path("/proc/%s/status" % entry).read_text()
            cmdline = Path("/proc/%s/cmdline" % entry).read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        children.setdefault(int(fields["PPid"].strip()), []).append(int(entry))
        rss = int(fields.get("VmRSS", "0 kB").split()[0])
        info[int(entry)] = (cmdline, rss)
    found, stack = {}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found[child] = info[child]
            stack.append(child)
    return found


def run_playbook(workdir, playbook):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=str(REPO / ".devcollections"),
               ANSIBLE_HOME=str(REPO / ".cache" / "ansible-home"), ANSIBLE_LOCAL_TEMP=str(REPO / ".cache" / "ansible-tmp"),
               ANSIBLE_PERSISTENT_COMMAND_TIMEOUT="300")
    process = subprocess.Popen([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                                str(workdir / "inventory.yml"), str(playbook)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks, order, done = {}, [], threading.Event()

    def sample():
        while not done.is_set():
            for pid, (cmdline, rss) in descendants(process.pid).items():
                if pid not in peaks:
                    order.append(pid)
                peaks[pid] = (cmdline, max(rss, peaks.get(pid, ("", 0))[1]))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate(timeout=900)
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError("ansible-playbook failed:\n%s\n%s" % (out[-3000:], err[-2000:]))
    report = json.loads(out[out.index("{"):])
    durations = {}
    for task in report["plays"][0]["tasks"]:
        times = task["task"]["duration"]
        durations[task["task"]["name"]] = _seconds(times["end"]) - _seconds(times["start"])
        if task["task"]["name"] == "count":
            counted = task["hosts"]["HUB1"]["msg"]
    # The module's Python process (not the /bin/sh that starts it), in the order the tasks ran.
    modules = [peaks[pid][1] for pid in order
               if "AnsiballZ_ike_gateway_facts" in peaks[pid][0] and not peaks[pid][0].startswith("/bin/sh")]
    connection = max((rss for cmdline, rss in peaks.values() if "ansible_connection_cli_stub" in cmdline), default=0)
    return durations, modules, connection, counted


def _seconds(stamp):
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + float("0." + stamp[20:26])


def measure(spokes, tmp, repeat):
    workdir, lab_file = tmp / ("lab-%d" % spokes), tmp / ("lab-%d.yml" % spokes)
    lab_file.write_text(tunnels_only(spokes))
    sim("start", "--lab", str(lab_file), "--workdir", str(workdir), "--timeout", "900")
    try:
        deadline = time.monotonic() + 600
        while True:  # every spoke's tunnel up on the hub
            text = sim("exec", "--workdir", str(workdir), "--device", "HUB1", "--", "diagnose", "vpn", "ike", "gateway",
                       "list").stdout
            if text.count("name: EDGE_") >= spokes or time.monotonic() > deadline:
                break
            time.sleep(1)
        playbook = tmp / "read.yml"
        playbook.write_text(playbook_text(repeat))
        durations, modules, connection, counted = run_playbook(workdir, playbook)
    finally:
        sim("stop", "--workdir", str(workdir))
    if counted != "%d %d" % (spokes, spokes):
        raise RuntimeError("expected %d gateways, all up; the facts say %s" % (spokes, counted))
    # Best of the repeats (the least disturbed by other load); modules alternate one/all.
    return {"instances": spokes, "bytes": len(text.encode()),
            "one_s": min(durations["one %d" % run] for run in range(repeat)),
            "all_s": min(durations["all %d" % run] for run in range(repeat)),
            "module_one_mib": max(modules[0::2]) / 1024, "module_all_mib": max(modules[1::2]) / 1024,
            "connection_mib": connection / 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="reads of each kind per size (best is kept)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gateway-list-") as tmp:
        rows = [measure(size, Path(tmp), args.repeat) for size in args.sizes]

    print("hub gateway list over SSH (network_cli, libssh) with ike_gateway_facts; baseline = the same task with "
          "name: EDGE_0 (one gateway) in the same run")
    header = ("instances", "output MB", "1 gw s", "all s", "ms/instance", "module MiB", "1 gw MiB", "KiB/instance",
              "conn MiB")
    print("%9s %9s %9s %9s %12s %10s %10s %12s %11s" % header)
    for row in rows:
        row["ms_per_instance"] = (row["all_s"] - row["one_s"]) / row["instances"] * 1000
        row["kib_per_instance"] = max(row["module_all_mib"] - row["module_one_mib"], 0) * 1024 / row["instances"]
        print("%9d %9.2f %9.2f %9.2f %12.2f %10.1f %10.1f %12.1f %11.1f" % (
            row["instances"], row["bytes"] / 1e6, row["one_s"], row["all_s"], row["ms_per_instance"],
            row["module_all_mib"], row["module_one_mib"], row["kib_per_instance"], row["connection_mib"]))
    times = [row["ms_per_instance"] for row in rows]
    memory = [row["kib_per_instance"] for row in rows if row["instances"] >= 300]
    linear = max(times) <= 2 * min(times) and (not memory or max(memory) <= 2 * max(min(memory), 1))
    first, last = rows[0], rows[-1]
    print("time beyond the baseline grows %.1fx for %.1fx the instances; %s (per-instance cost within 2x across sizes)"
          % ((last["all_s"] - last["one_s"]) / max(first["all_s"] - first["one_s"], 1e-9),
             last["instances"] / first["instances"], "PASS" if linear else "FAIL"))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))
    return 0 if linear else 1


if __name__ == "__main__":
    sys.exit(main())

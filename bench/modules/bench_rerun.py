# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: an unchanged re-run over N objects, our modules against fortinet.fortios.

Starts a one-device simulated lab holding N route-based tunnels (phase1-interface and
phase2-interface pairs), brings them to the wanted state once with each collection, then
times an unchanged re-run of each, in the same run:

  ours      overlay.fortigate.ipsec_phase2_autonegotiate (auto_negotiate/keepalive) and
            overlay.fortigate.cmdb_object (a firewall address per tunnel)
  official  fortinet.fortios.fortios_vpn_ipsec_phase2_interface and fortios_firewall_address
            with the same values

For each: CMDB requests by method (from the device's request log), writes, tasks reported
changed, and wall time of the ansible-playbook run. The device compares PSKs in plain text
(behaviour switch) so the official modules can be idempotent at all.

Usage: python bench/modules/bench_rerun.py [--objects N] [--json FILE]
"""

import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = pathlib.Path(sys.executable).parent

PLAYBOOK_OURS = """
- hosts: FGT
  gather_facts: false
  module_defaults:
    group/overlay.fortigate.fortigate: {access_token: "{{ fortios_access_token }}"}
  tasks:
    - overlay.fortigate.ipsec_phase2_autonegotiate:
        name: "T{{ item }}"
        kind: route
        auto_negotiate: true
        keepalive: true
      loop: "{{ range(objects | int) | list }}"
    - overlay.fortigate.cmdb_object:
        path: firewall/address
        mkey: "net{{ item }}"
        config: {subnet: "10.{{ item // 250 }}.{{ item % 250 }}.0/24", comment: bench}
      loop: "{{ range(objects | int) | list }}"
"""

PLAYBOOK_OFFICIAL = """
- hosts: FGT
  gather_facts: false
  tasks:
    - fortinet.fortios.fortios_vpn_ipsec_phase2_interface:
        access_token: "{{ fortios_access_token }}"
        vdom: root
        state: present
        vpn_ipsec_phase2_interface:
          name: "T{{ item }}"
          phase1name: "T{{ item }}"
          auto_negotiate: enable
          keepalive: enable
      loop: "{{ range(objects | int) | list }}"
    - fortinet.fortios.fortios_firewall_address:
        access_token: "{{ fortios_access_token }}"
        vdom: root
        state: present
        firewall_address:
          name: "net{{ item }}"
          subnet: "10.{{ item // 250 }}.{{ item % 250 }}.0 255.255.255.0"
          comment: bench
      loop: "{{ range(objects | int) | list }}"
"""


def lab_yaml(objects):
    lines = ["config vpn ipsec phase1-interface"]
    for index in range(objects):
        lines += ['    edit "T%d"' % index, '        set interface "port1"', "        set proposal aes256-sha256",
                  "        set remote-gw 192.0.2.%d" % (index + 2), '        set psksecret "bench-psk"', "    next"]
    lines += ["end", "config vpn ipsec phase2-interface"]
    for index in range(objects):
        lines += ['    edit "T%d"' % index, '        set phase1name "T%d"' % index, "    next"]
    lines.append("end")
    return {
        "lab": "bench-modules",
        "defaults": {"admin": {"user": "admin", "password": "auto"}, "api_token": "auto"},
        "devices": [{
            "name": "FGT", "version": "7.4.4", "behaviour": {"psk_resend_changes_revision": False},
            "interfaces": [{"name": "port1", "ip": "192.0.2.1/24", "allowaccess": "ping https", "role": "wan"}],
            "config": "\n".join(lines) + "\n",
        }],
    }


def simctl(*args):
    subprocess.run([sys.executable, "-m", "fortigate_sim", *args], check=True, capture_output=True, timeout=300)


def run_playbook(workdir, text, objects):
    playbook = workdir / "play.yml"
    playbook.write_text(text)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / ".devcollections"),
               ANSIBLE_HOME=str(REPO / ".cache" / "ansible-home"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    log = workdir / "FGT" / "requests.jsonl"
    mark = len(log.read_text().splitlines())
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(workdir / "inventory.yml"), str(playbook),
                           "-e", "objects=%d" % objects], capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit("playbook failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-2000:]))
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    requests = [json.loads(line) for line in log.read_text().splitlines()[mark:]]
    cmdb = [r for r in requests if "/api/v2/cmdb/" in r["path"]]
    return {
        "seconds": round(elapsed, 2),
        "requests": len(requests),
        "cmdb_requests": dict(collections.Counter(r["method"] for r in cmdb)),
        "writes": sum(1 for r in cmdb if r["method"] != "GET"),
        "changed_tasks": report["stats"]["FGT"]["changed"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--objects", type=int, default=50)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-modules-") as tmp:
        workdir = pathlib.Path(tmp)
        (workdir / "lab.in.yml").write_text(yaml.safe_dump(lab_yaml(args.objects)))
        simctl("start", "--lab", str(workdir / "lab.in.yml"), "--workdir", str(workdir))
        try:
            run_playbook(workdir, PLAYBOOK_OURS, args.objects)          # converge
            run_playbook(workdir, PLAYBOOK_OFFICIAL, args.objects)      # same values: a no-op for both
            ours = run_playbook(workdir, PLAYBOOK_OURS, args.objects)
            official = run_playbook(workdir, PLAYBOOK_OFFICIAL, args.objects)
        finally:
            simctl("stop", "--workdir", str(workdir))
    figures = {"objects": args.objects * 2, "ours": ours, "official": official,
               "request_ratio": round(official["requests"] / max(ours["requests"], 1), 2),
               "time_ratio": round(official["seconds"] / max(ours["seconds"], 0.01), 2)}
    print("unchanged re-run, %d objects (%d phase2 + %d addresses), 1 device, same run" % (
        figures["objects"], args.objects, args.objects))
    print("  %-9s %8s %9s %7s %8s  %s" % ("", "seconds", "requests", "writes", "changed", "CMDB requests"))
    for name in ("ours", "official"):
        row = figures[name]
        print("  %-9s %8.2f %9d %7d %8d  %s" % (name, row["seconds"], row["requests"], row["writes"],
                                                row["changed_tasks"], row["cmdb_requests"]))
    print("  official/ours: %.2fx the requests, %.2fx the wall time" % (figures["request_ratio"], figures["time_ratio"]))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(figures, indent=2))
    if ours["writes"] or ours["changed_tasks"]:
        print("FAIL: our unchanged re-run wrote or reported a change")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where one ADVPN deploy spends its time: per-task wall time and the requests each device receives.

Builds the same generated lab and plan as bench_deploy.py (1 hub + N spokes, plan as host variables),
runs playbooks/advpn_deploy.yml once with the ansible.posix.profile_tasks callback, and prints the
slowest tasks, the number of tasks per host, and the requests per device by method and path
(logins, CMDB reads and writes, schema reads), from the device request logs.

Usage: python bench/advpn/profile_deploy.py [--spokes 4] [--forks 10] [--rerun]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_deploy  # noqa: E402  pylint: disable=wrong-import-position


def request_kind(path):
    """A request's path without object names, query or VDOM (``/api/v2/cmdb/firewall/address``)."""
    path = path.split("?", 1)[0]
    match = re.match(r"(/api/v2/(?:cmdb|monitor)/[^/]+/[^/]+)", path)
    return match.group(1) if match else path


def deploy(tmp, workdir, forks):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(bench_deploy.REPO / ".devcollections"),
               ANSIBLE_HOME=str(bench_deploy.REPO / ".cache" / "ansible-home"), ANSIBLE_FORKS=str(forks),
               ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="all",
               PROFILE_TASKS_SORT_ORDER="descending", OVERLAY_FORTIGATE_ADVPN_PSK=bench_deploy.PSK,
               PATH="%s:%s" % (bench_deploy.BIN, os.environ.get("PATH", "")))
    logs = sorted(workdir.glob("*/requests.jsonl"))
    marks = {log: len(log.read_text().splitlines()) for log in logs}
    start = time.perf_counter()
    proc = subprocess.run([str(bench_deploy.BIN / "ansible-playbook"), "-i", str(workdir / "inventory.yml"),
                           "-i", str(tmp / "hosts.yml"), str(bench_deploy.REPO / "playbooks" / "advpn_deploy.yml")],
                          capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-4000:] + proc.stderr[-2000:])
    per_device = {}
    for log in logs:
        lines = log.read_text().splitlines()[marks[log]:]
        per_device[log.parent.name] = collections.Counter(
            "%s %s" % (r["method"], request_kind(r["path"])) for r in map(json.loads, lines))
    return elapsed, proc.stdout, per_device


def report(label, elapsed, stdout, per_device):
    print("== %s: %.1f s wall" % (label, elapsed))
    # profile_tasks prints its summary after the last "=====" line: one line per task, slowest first.
    lines = stdout.splitlines()
    marks = [index for index, line in enumerate(lines) if set(line.strip()) == {"="}]
    tasks = [line for line in lines[marks[-1] + 1:] if re.search(r"\d+\.\d+s$", line)] if marks else []
    print("tasks, slowest first (profile_tasks: wall time of each task across all hosts):")
    for line in tasks:
        print("  " + line)
    recap = [line for line in stdout.splitlines() if re.match(r"^\S+\s+: ok=", line)]
    print("per-host recap (first 3):")
    for line in recap[:3]:
        print("  " + " ".join(line.split()))
    print("requests per device (hub, then first spoke):")
    for name in sorted(per_device)[:2]:
        counts = per_device[name]
        print("  %s: %d requests" % (name, sum(counts.values())))
        for kind, count in counts.most_common():
            print("    %4d %s" % (count, kind))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--spokes", type=int, default=4)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--rerun", action="store_true", help="also profile an unchanged re-run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="profile-advpn-") as tmp:
        tmp = pathlib.Path(tmp)
        lab_file = tmp / "lab.yml"
        bench_deploy.sim("lab", "advpn", "--hubs", "1", "--overlays", "1", "--spokes", str(args.spokes),
                         "-o", str(lab_file))
        lab = yaml.safe_load(lab_file.read_text())
        fabric, hosts = bench_deploy.intent_from(lab)
        plans = bench_deploy.plans_for(fabric, hosts)
        (tmp / "host_vars").mkdir()
        for name, plan in plans.items():
            (tmp / "host_vars" / ("%s.yml" % name)).write_text(
                yaml.safe_dump({"advpn_fabric": fabric, "advpn_plan": plan}))
        (tmp / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {name: None for name in plans}}}))
        workdir = tmp / "lab"
        bench_deploy.sim("start", "--lab", str(lab_file), "--workdir", str(workdir))
        try:
            report("deploy", *deploy(tmp, workdir, args.forks))
            if args.rerun:
                report("re-run", *deploy(tmp, workdir, args.forks))
        finally:
            bench_deploy.sim("stop", "--workdir", str(workdir))


if __name__ == "__main__":
    sys.exit(main())

# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: deploying an ADVPN of 1 hub + N spokes, our role against fortinet.fortios modules.

Generates an underlay-only lab (``fortigate-sim lab advpn --hubs 1 --overlays O --spokes N``) twice,
derives the intent from the lab's ``addressing:`` and plans it once with the plan library, so both
sides write exactly the same objects, then, in the same run:

  ours      playbooks/advpn_deploy.yml (the overlay.fortigate.advpn_deploy role: one batched
            cmdb_object task per device, plus the read of what the fabric owns), plan given
  baseline  one fortinet.fortios module call per object (fortios_system_settings,
            fortios_system_interface, fortios_firewall_address, fortios_vpn_ipsec_phase1_interface,
            fortios_vpn_ipsec_phase2_interface, fortios_router_static, fortios_firewall_policy) and one
            fortios_router_bgp call per device carrying its neighbor-group, neighbor-range, neighbor and
            network tables, with the same values

each on its own fresh lab: the first deploy, then an unchanged re-run. For each: wall time of the
ansible-playbook run, requests and CMDB requests by method from all devices' request logs, writes,
and whether the overlay came up (every spoke's BGP sessions Established, read from the lab model).
Both sides run with the same forks. The devices compare PSKs in plain text (behaviour switch), so
the official modules can be idempotent at all.

Usage: python bench/advpn/bench_deploy.py [--spokes 20] [--overlays 1] [--forks 10] [--sides both|ours|baseline]
       [--json FILE]
"""

from __future__ import annotations

import argparse
import collections
import importlib
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
PSK = "bench-advpn-psk"
# plan path -> fortinet.fortios module (and its top-level option, the module name without fortios_)
MODULES = {
    "system/settings": "fortios_system_settings",
    "system/interface": "fortios_system_interface",
    "firewall/address": "fortios_firewall_address",
    "vpn.ipsec/phase1-interface": "fortios_vpn_ipsec_phase1_interface",
    "vpn.ipsec/phase2-interface": "fortios_vpn_ipsec_phase2_interface",
    "router/static": "fortios_router_static",
    "firewall/policy": "fortios_firewall_policy",
}
BGP_MEMBERS = {"router/bgp/neighbor-group": "neighbor_group", "router/bgp/neighbor-range": "neighbor_range",
               "router/bgp/neighbor": "neighbor", "router/bgp/network": "network"}
BGP_KEYS = {"router/bgp/neighbor-group": "name", "router/bgp/neighbor-range": "id", "router/bgp/neighbor": "ip",
            "router/bgp/network": "id"}

BASELINE = """
- name: Baseline - every plan object with its fortinet.fortios module
  hosts: all
  gather_facts: false
  tasks:
{tasks}
"""
BASELINE_TASK = """
    - name: {module}
      fortinet.fortios.{module}:
        access_token: "{{{{ fortios_access_token }}}}"
        vdom: root
{state}        {option}: "{{{{ item }}}}"
      loop: "{{{{ baseline['{module}'] | default([]) }}}}"
      loop_control: {{label: "{{{{ item.name | default(item.policyid) | default(item.seq_num) | default('') }}}}"}}
"""


def sim(*args):
    subprocess.run([sys.executable, "-m", "fortigate_sim", *args], check=True, capture_output=True, timeout=600)


def intent_from(lab):
    """The ADVPN intent of a generated lab, from its ``addressing:`` (hub HUB1, spokes by index)."""
    addressing = lab["addressing"]
    overlays = sorted(next(iter(addressing.values()))["wan"])
    hosts = {}
    for name, site in addressing.items():
        host = {"advpn_wan": {isp: {"interface": wan["interface"], "address": wan["address"]}
                              for isp, wan in site["wan"].items()},
                "advpn_lans": [{"prefix": site["lan"]["prefix"], "interface": site["lan"]["interface"]}]}
        if site["role"] == "hub":
            host["advpn_loopback"] = "10.200.255.%d" % site["index"]
        else:
            host["advpn_site_id"] = site["index"]
        hosts[name] = host
    fabric = {"name": "bench", "bgp_as": 65001, "loopback_summary": "10.200.0.0/16", "lan_summary": "10.0.0.0/8",
              "overlays": [{"name": isp} for isp in overlays], "hubs": ["HUB1"], "psk": PSK}
    return fabric, hosts


def plans_for(fabric, hosts):
    sys.path.insert(0, str(REPO / ".devcollections"))
    advpn = importlib.import_module("ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn")
    return advpn.build_plans({name: dict(host, advpn_fabric=fabric) for name, host in hosts.items()})["bench"]


class FortiosSchema:
    """Turns plan config (FortiOS REST names and values) into a fortinet.fortios module option."""

    def __init__(self):
        sys.path.insert(0, str(REPO / ".devcollections"))
        self.cache = {}

    def schema(self, module):
        if module not in self.cache:
            source = importlib.import_module("ansible_collections.fortinet.fortios.plugins.modules." + module)
            self.cache[module] = source.versioned_schema
        return self.cache[module]

    def convert(self, config, schema):
        children = schema.get("children") or {}
        out = {}
        for key, value in config.items():
            name = key.replace("-", "_")
            field = children.get(name) or {}
            if isinstance(value, list) and value and isinstance(value[0], dict):
                out[name] = [self.convert(item, field) for item in value]
            elif field.get("type") == "list" and not field.get("children"):
                out[name] = value.split() if isinstance(value, str) else value
            else:
                out[name] = value
        return out


def baseline_vars(plan, schema):
    """host_vars for the baseline play: per module the list of its objects; BGP as one object."""
    per_module = collections.defaultdict(list)
    bgp = {}
    for obj in plan["objects"]:
        config = dict(obj.get("config") or {})
        if obj.get("secret_refs"):
            config.update({attribute: PSK for attribute in obj["secret_refs"]})
        path = obj["path"]
        if path in MODULES:
            module = MODULES[path]
            if obj.get("mkey") is not None:
                config[obj.get("mkey_attribute") or "name"] = obj["mkey"]
            per_module[module].append(schema.convert(config, schema.schema(module)))
        elif path == "router/bgp":
            bgp.update(schema.convert(config, schema.schema("fortios_router_bgp")))
        elif path in BGP_MEMBERS:
            member_schema = schema.schema("fortios_router_bgp")["children"][BGP_MEMBERS[path]]
            config[obj.get("mkey_attribute") or BGP_KEYS[path]] = obj["mkey"]
            bgp.setdefault(BGP_MEMBERS[path], []).append(schema.convert(config, member_schema))
        else:
            raise SystemExit("no baseline module for %s" % path)
    if bgp:
        per_module["fortios_router_bgp"] = [bgp]
    return {"baseline": dict(per_module)}


def baseline_playbook():
    """One looped task per module, in the plan's dependency order (MODULES), BGP last."""
    tasks = []
    for module in list(MODULES.values()) + ["fortios_router_bgp"]:
        singleton = module in ("fortios_system_settings", "fortios_router_bgp")
        tasks.append(BASELINE_TASK.format(module=module, option=module[len("fortios_"):],
                                          state="" if singleton else "        state: present\n"))
    return BASELINE.format(tasks="".join(tasks))


def run(workdir, inventory, playbook, forks):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / ".devcollections"),
               ANSIBLE_HOME=str(REPO / ".cache" / "ansible-home"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_FORKS=str(forks), OVERLAY_FORTIGATE_ADVPN_PSK=PSK,
               PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    logs = sorted(workdir.glob("*/requests.jsonl"))
    marks = {log: len(log.read_text().splitlines()) for log in logs}
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "ansible-playbook"), *sum((["-i", str(i)] for i in inventory), []),
                           str(playbook)], capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit("%s failed:\n%s\n%s" % (playbook, proc.stdout[-4000:], proc.stderr[-2000:]))
    requests = [json.loads(line) for log in logs for line in log.read_text().splitlines()[marks[log]:]]
    cmdb = [r for r in requests if "/api/v2/cmdb/" in r["path"]]
    return {"seconds": round(elapsed, 1), "requests": len(requests),
            "cmdb_requests": dict(sorted(collections.Counter(r["method"] for r in cmdb).items())),
            "writes": sum(1 for r in cmdb if r["method"] != "GET")}


def overlay_up(workdir, spokes):
    """Every spoke's BGP sessions Established, from the lab model (waits up to 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        text = subprocess.run([sys.executable, "-m", "fortigate_sim", "model", "--workdir", str(workdir)],
                              capture_output=True, text=True, check=True).stdout
        established = sum(1 for line in text.splitlines() if line.strip().startswith("bgp") and "Established" in line)
        if established >= spokes or time.monotonic() > deadline:
            return established
        time.sleep(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--spokes", type=int, default=20)
    parser.add_argument("--overlays", type=int, default=1)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--sides", choices=("both", "ours", "baseline"), default="both",
                        help="run one side only (a size where the other does not fit in the time); no ratios then")
    args = parser.parse_args()
    sides = ("ours", "baseline") if args.sides == "both" else (args.sides,)
    figures = {"hubs": 1, "spokes": args.spokes, "overlays": args.overlays, "forks": args.forks}
    with tempfile.TemporaryDirectory(prefix="bench-advpn-") as tmp:
        tmp = pathlib.Path(tmp)
        lab_file = tmp / "lab.yml"
        sim("lab", "advpn", "--hubs", "1", "--overlays", str(args.overlays), "--spokes", str(args.spokes),
            "-o", str(lab_file))
        lab = yaml.safe_load(lab_file.read_text())
        for device in lab["devices"]:  # the official modules resend the PSK; compare it in plain text
            device.setdefault("behaviour", {})["psk_resend_changes_revision"] = False
        lab_file.write_text(yaml.safe_dump(lab))
        fabric, hosts = intent_from(lab)
        plans = plans_for(fabric, hosts)
        schema = FortiosSchema()
        figures["objects"] = sum(len(plan["objects"]) for plan in plans.values())
        # Ours gets the plan as host_vars (design skipped), the baseline its module arguments.
        for side in ("ours", "baseline"):
            (tmp / side / "host_vars").mkdir(parents=True)
            for name, plan in plans.items():
                data = {"advpn_fabric": fabric, "advpn_plan": plan} if side == "ours" else baseline_vars(plan, schema)
                (tmp / side / "host_vars" / ("%s.yml" % name)).write_text(yaml.safe_dump(data))
            (tmp / side / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {name: None for name in plans}}}))
        (tmp / "baseline.yml").write_text(baseline_playbook())
        playbooks = {"ours": REPO / "playbooks" / "advpn_deploy.yml", "baseline": tmp / "baseline.yml"}
        for side in sides:
            workdir = tmp / ("lab-" + side)
            sim("start", "--lab", str(lab_file), "--workdir", str(workdir))
            try:
                inventory = [workdir / "inventory.yml", tmp / side / "hosts.yml"]
                first = run(workdir, inventory, playbooks[side], args.forks)
                first["bgp_established"] = overlay_up(workdir, args.spokes)
                again = run(workdir, inventory, playbooks[side], args.forks)
                figures[side] = {"deploy": first, "rerun": again}
            finally:
                sim("stop", "--workdir", str(workdir))
    report(figures, sides)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(figures, indent=2))
    ok = (all(figures[side]["deploy"]["bgp_established"] >= args.spokes for side in sides)
          and ("ours" not in figures or figures["ours"]["rerun"]["writes"] == 0))
    if not ok:
        print("FAIL: our re-run wrote, or an overlay did not come up")
    return 0 if ok else 1


def report(figures, sides=("ours", "baseline")):
    print("ADVPN deploy, 1 hub + %d spokes, %d overlay(s), %d plan objects, forks %d, same run" % (
        figures["spokes"], figures["overlays"], figures["objects"], figures["forks"]))
    print("  %-9s %-7s %8s %9s %7s %5s  %s" % ("", "run", "seconds", "requests", "writes", "BGP", "CMDB requests"))
    for side in sides:
        for run_name in ("deploy", "rerun"):
            row = figures[side][run_name]
            print("  %-9s %-7s %8.1f %9d %7d %5s  %s" % (
                side, run_name, row["seconds"], row["requests"], row["writes"], row.get("bgp_established", ""),
                row["cmdb_requests"]))
    for run_name in ("deploy", "rerun") if len(sides) == 2 else ():
        ours, base = figures["ours"][run_name], figures["baseline"][run_name]
        print("  %s: baseline/ours %.2fx the requests, %.2fx the wall time" % (
            run_name, base["requests"] / max(ours["requests"], 1), base["seconds"] / max(ours["seconds"], 0.1)))


if __name__ == "__main__":
    sys.exit(main())

"""Fault matrix over a whole deploy: each write method x each fault the lab injects -> outcome.

One lab (1 hub + 1 spoke, `fortigate-sim lab advpn --hubs 1 --overlays 1 --spokes 1`), deployed
once. Each cell then drifts SPOKE1 so that the next deploy needs all three write methods - POST
(the BGP network entry of its LAN was deleted), PUT (the fabric's LAN address object was changed),
DELETE (a stale address carrying the fabric's marker was added) - injects one fault on one method
(`fortigate-sim fault --method M --count 1`) and runs overlay.fortigate.advpn_deploy on SPOKE1.

Outcomes: "converged" - the run succeeded and the device holds exactly the plan (read back over
REST); "failed cleanly" - the run failed naming the device, the object and the error, the object
under fault is either untouched or fully written, and a re-run without the fault converged.
Anything else is "BAD" and the script exits 1. Writes bench/advpn/fault_matrix.md.

    .venv/bin/python bench/advpn/fault_matrix.py [--out bench/advpn/fault_matrix.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "integration"), str(REPO / "tests" / "integration" / "advpn_scale")]

from lab_support import running_lab  # noqa: E402
from scale_support import make_lab, write_lab  # noqa: E402

SPOKE = "SPOKE1"
METHODS = ["POST", "PUT", "DELETE"]
FAULTS = {
    "500": ["--status", "500"],
    "503": ["--status", "503"],
    "429 Retry-After 1": ["--status", "429", "--retry-after", "1"],
    "401 session expiry": ["--status", "401"],
    "dropped connection": ["--drop"],
    "2 s latency": ["--latency", "2"],
}
NETWORK = "/api/v2/cmdb/router/bgp/network/1010"
LAN = "/api/v2/cmdb/firewall/address/advpn-corp-lan"
STALE = "/api/v2/cmdb/firewall/address/advpn-corp-stale"
OBJECT_OF = {"POST": "router/bgp/network 1010", "PUT": "firewall/address advpn-corp-lan",
             "DELETE": "firewall/address advpn-corp-stale"}


def drift(lab):
    """Make the next deploy need one POST, one PUT and one DELETE on SPOKE1."""
    lab.rest_request(SPOKE, "DELETE", NETWORK)
    lab.rest_request(SPOKE, "PUT", LAN, {"subnet": "10.0.0.0 255.255.0.0"})
    lab.rest_request(SPOKE, "POST", "/api/v2/cmdb/firewall/address",
                     {"name": "advpn-corp-stale", "type": "ipmask", "subnet": "192.0.2.0 255.255.255.0",
                      "comment": "advpn:corp"})


def device_correct(lab):
    """Problems with SPOKE1's objects under test (empty: it holds exactly the plan)."""
    problems = []
    network = lab.rest_get(SPOKE, NETWORK).get("results") or []
    if not network or network[0].get("prefix") != "10.1.1.0 255.255.255.0":
        problems.append(f"network 1010: {network}")
    lan = (lab.rest_get(SPOKE, LAN).get("results") or [{}])[0]
    if lan.get("subnet") != "10.0.0.0 255.0.0.0":
        problems.append(f"advpn-corp-lan subnet {lan.get('subnet')}")
    if lab.rest_get(SPOKE, STALE).get("results"):
        problems.append("advpn-corp-stale still there")
    return problems


def deploy(lab):
    started = time.monotonic()
    report, proc = lab.advpn("advpn_deploy.yml", extra_vars={"advpn_hosts": SPOKE})
    message = ""
    for play in report["plays"]:
        for task in play["tasks"]:
            result = task["hosts"].get(SPOKE) or {}
            if result.get("failed"):
                message = "%s: %s" % (SPOKE, result.get("msg", ""))
    assert lab.psk not in proc.stdout + proc.stderr, "the PSK appeared in the output"
    return proc.returncode, message, time.monotonic() - started


def cell(lab, method, fault_args):
    drift(lab)
    lab.fault(SPOKE, "--method", method, "--count", "1", *fault_args)
    rc, message, seconds = deploy(lab)
    lab.clear_faults()
    if rc == 0:
        problems = device_correct(lab)
        return ("converged" if not problems else "BAD: " + "; ".join(problems)), seconds, ""
    # Ansible attributes the failure to the host (the device); the message must name the object's table.
    named = OBJECT_OF[method].split()[0] in message
    rerun_rc, rerun_message, _ = deploy(lab)
    problems = device_correct(lab)
    if named and rerun_rc == 0 and not problems:
        return "failed cleanly, re-run converged", seconds, message.splitlines()[0][:160]
    return f"BAD: named={named} rerun_rc={rerun_rc} {rerun_message[:120]} {problems}", seconds, message[:160]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "advpn" / "fault_matrix.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lab_file, intent_file = write_lab(Path(tmp), 1)
        with running_lab(Path(tmp) / "lab", lab_file, make_lab(intent_file)) as lab:
            report, proc = lab.advpn("advpn_deploy.yml")
            assert proc.returncode == 0, proc.stdout[-3000:]
            for fault, fault_args in FAULTS.items():
                for method in METHODS:
                    outcome, seconds, message = cell(lab, method, fault_args)
                    rows.append((fault, method, outcome, seconds, message))
                    print(f"{fault:22} {method:6} {outcome} ({seconds:.1f} s) {message}", flush=True)
    lines = ["# Fault matrix: one fault on one write method during a whole ADVPN deploy", "",
             "Generated by `bench/advpn/fault_matrix.py` (1 hub + 1 spoke lab; each cell: drift SPOKE1 so the",
             "deploy needs a POST, a PUT and a DELETE, inject the fault once on one method, deploy SPOKE1,",
             "read the objects back; a failed run is re-run without the fault).", "",
             "| fault | method | outcome | deploy s | error reported |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {f} | {m} | {o} | {s:.1f} | {msg.replace('|', '/')} |" for f, m, o, s, msg in rows]
    args.out.write_text("\n".join(lines) + "\n")
    return 1 if any(row[2].startswith("BAD") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Cells of the fault matrix: one fault on one write method during a whole ADVPN deploy of SPOKE1.

Shared by bench/advpn/fault_matrix.py (all cells, writes bench/advpn/fault_matrix.md) and
test_fault_matrix.py (a few cells in make test). A cell drifts SPOKE1 so that the next deploy
needs all three write methods - POST (the BGP network entry of its LAN was deleted), PUT (the
fabric's LAN address object was changed), DELETE (a stale address carrying the fabric's marker was
added) - injects one fault on one method (`fortigate-sim fault --method M --count 1`) and runs
overlay.fortigate.advpn_deploy on SPOKE1.

Outcomes: "converged" - the run succeeded and the device holds exactly the plan (read back over
REST); "failed cleanly, re-run converged" - the run failed on SPOKE1 with a message naming the
object and the error, the object under fault was either untouched or fully written (never
half-written), and a re-run without the fault converged. Anything else starts with "BAD".
"""

from __future__ import annotations

import time

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
PLANNED_PREFIX, PLANNED_SUBNET = "10.1.1.0 255.255.255.0", "10.0.0.0 255.0.0.0"
DRIFTED_SUBNET, STALE_SUBNET = "10.0.0.0 255.255.0.0", "192.0.2.0 255.255.255.0"


def drift(lab):
    """Make the next deploy need one POST, one PUT and one DELETE on SPOKE1."""
    lab.rest_request(SPOKE, "DELETE", NETWORK)
    lab.rest_request(SPOKE, "PUT", LAN, {"subnet": DRIFTED_SUBNET})
    lab.rest_request(SPOKE, "POST", "/api/v2/cmdb/firewall/address",
                     {"name": "advpn-corp-stale", "type": "ipmask", "subnet": STALE_SUBNET, "comment": "advpn:corp"})


def _first(lab, path):
    return (lab.rest_get(SPOKE, path).get("results") or [None])[0]


def device_correct(lab):
    """Problems with SPOKE1's objects under test (empty: it holds exactly the plan)."""
    problems = []
    network = _first(lab, NETWORK)
    if not network or network.get("prefix") != PLANNED_PREFIX:
        problems.append(f"network 1010: {network}")
    lan = _first(lab, LAN) or {}
    if lan.get("subnet") != PLANNED_SUBNET:
        problems.append(f"advpn-corp-lan subnet {lan.get('subnet')}")
    if _first(lab, STALE):
        problems.append("advpn-corp-stale still there")
    return problems


def whole(lab, method):
    """Whether the object the fault hit is as before the run or as planned, nothing in between."""
    if method == "POST":
        network = _first(lab, NETWORK)
        return network is None or network.get("prefix") == PLANNED_PREFIX
    if method == "PUT":
        return (_first(lab, LAN) or {}).get("subnet") in (DRIFTED_SUBNET, PLANNED_SUBNET)
    stale = _first(lab, STALE)
    return stale is None or (stale.get("subnet") == STALE_SUBNET and stale.get("comment") == "advpn:corp")


def deploy(lab):
    """Deploy SPOKE1: (return code, SPOKE1's failure message, seconds)."""
    started = time.monotonic()
    report, proc = lab.advpn("advpn_deploy.yml", extra_vars={"advpn_hosts": SPOKE})
    message = ""
    for play in report["plays"]:
        for task in play["tasks"]:
            result = task["hosts"].get(SPOKE) or {}
            if result.get("failed"):
                message = result.get("msg", "")
    assert lab.psk not in proc.stdout + proc.stderr, "the PSK appeared in the output"
    return proc.returncode, message, time.monotonic() - started


def cell(lab, method, fault):
    """Run one cell; (outcome, seconds of the faulted run, first line of the error reported)."""
    drift(lab)
    lab.fault(SPOKE, "--method", method, "--count", "1", *FAULTS[fault])
    try:
        rc, message, seconds = deploy(lab)
    finally:
        lab.clear_faults()
    if rc == 0:
        problems = device_correct(lab)
        return ("converged" if not problems else "BAD: " + "; ".join(problems)), seconds, ""
    first_line = message.splitlines()[0] if message else ""
    named = OBJECT_OF[method] in message and method in message
    intact = whole(lab, method)
    rerun_rc, rerun_message = deploy(lab)[:2]
    problems = device_correct(lab)
    if named and intact and rerun_rc == 0 and not problems:
        return "failed cleanly, re-run converged", seconds, first_line
    return (f"BAD: named={named} whole={intact} rerun_rc={rerun_rc} {rerun_message[:120]} {problems}",
            seconds, first_line)

"""advpn_check's host reading (bad or missing plans fail before any report) and its failure lines."""

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.overlay.fortigate.plugins.action.advpn_check import ActionModule, failure_line

PLAN = {"fabric": "corp", "device": "SPOKE1", "role": "spoke", "expected": {"tunnels": []}}


def read(hostvars, hosts):
    return ActionModule.read_hosts(None, hosts, hostvars, "advpn_plan", "advpn_validate_observed")


def test_plans_and_observed_state_per_host():
    plans, observed = read({"SPOKE1": {"advpn_plan": PLAN, "advpn_validate_observed": {"rest": {}, "gateways": []}},
                            "SPOKE2": {"advpn_plan": dict(PLAN, device="SPOKE2")}}, ["SPOKE1", "SPOKE2"])
    assert plans["SPOKE1"] == PLAN and observed["SPOKE1"] == {"rest": {}, "gateways": []}
    assert observed["SPOKE2"] == {"errors": {"rest": "advpn_validate_observed was not set for SPOKE2 "
                                                     "(the role advpn_validate reads it)"}}


@pytest.mark.parametrize("hostvars, message", [
    ({"SPOKE1": {}}, "SPOKE1 has no advpn_plan: run the role overlay.fortigate.advpn_design first"),
    ({"SPOKE1": {"advpn_plan": {"fabric": "corp", "role": "spoke"}}}, "SPOKE1: advpn_plan.expected is missing"),
    ({"SPOKE1": {"advpn_plan": "text"}}, "SPOKE1: advpn_plan.fabric/role/expected is missing"),
])
def test_missing_or_malformed_plan_names_the_host_and_the_fix(hostvars, message):
    with pytest.raises(AnsibleActionFail, match=message):
        read(hostvars, ["SPOKE1"])


def test_failure_line_names_device_overlay_check_values_cause_and_fix():
    check = {"device": "SPOKE3", "tunnel": "H1_ISP2", "subject": "H1_ISP2", "overlay": "ISP2", "check": "peer_overlay",
             "expected": "10.200.255.1", "seen": "0.0.0.0", "cause": "HUB1 EDGE_ISP2 sends no exchange-ip-addr4",
             "fix": "set exchange-ip-addr4 10.200.255.1 on HUB1 EDGE_ISP2"}
    assert failure_line(check) == ("SPOKE3 H1_ISP2 (ISP2) peer_overlay: expected 10.200.255.1, seen 0.0.0.0: HUB1 "
                                   "EDGE_ISP2 sends no exchange-ip-addr4; fix: set exchange-ip-addr4 10.200.255.1 on "
                                   "HUB1 EDGE_ISP2")

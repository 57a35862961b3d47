"""The validate gate's narrowed plan: only what involves the device or the members already up."""

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_gate import GateError, gate_plan

SPOKE = {
    "device": "SPOKE3", "role": "spoke",
    "expected": {
        "tunnels": [{"name": "H1_ISP1", "peer": "HUB1"}, {"name": "H2_ISP1", "peer": "HUB2"}],
        "bgp": {"as": 65001, "neighbors": [{"address": "10.200.255.1", "peer": "HUB1"},
                                           {"address": "10.200.255.2", "peer": "HUB2"}]},
        "routes": [{"prefix": "10.200.255.1/32", "peer": "HUB1"}, {"prefix": "10.200.0.0/16", "peer": None}],
        "prefixes_received": [{"prefix": "10.0.1.0/24", "origin": "HUB1"}, {"prefix": "10.1.1.0/24", "origin": "SPOKE1"},
                              {"prefix": "10.1.5.0/24", "origin": "SPOKE5"}],
        "shortcuts": True,
    },
}
HUB = {
    "device": "HUB1", "role": "hub",
    "expected": {"tunnels": [{"name": "EDGE_ISP1", "peer": None, "instances": [{"peer": "SPOKE1"}, {"peer": "SPOKE5"}]}],
                 "bgp": {"neighbors": [{"address": "10.200.0.11", "peer": "SPOKE1"}]},
                 "routes": [], "prefixes_received": []},
}


def test_a_spoke_expects_only_members_already_up():
    narrowed = gate_plan(SPOKE, ["HUB1", "SPOKE1", "SPOKE3"])["expected"]
    assert [t["peer"] for t in narrowed["tunnels"]] == ["HUB1"]
    assert [n["peer"] for n in narrowed["bgp"]["neighbors"]] == ["HUB1"]
    assert [r["prefix"] for r in narrowed["routes"]] == ["10.200.255.1/32", "10.200.0.0/16"]
    assert [p["origin"] for p in narrowed["prefixes_received"]] == ["HUB1", "SPOKE1"]
    assert narrowed["shortcuts"] is True


def test_a_hub_keeps_its_parent_tunnels_with_the_instances_of_members_only():
    narrowed = gate_plan(HUB, ["SPOKE1"])["expected"]
    assert narrowed["tunnels"][0]["name"] == "EDGE_ISP1"
    assert narrowed["tunnels"][0]["instances"] == [{"peer": "SPOKE1"}]


def test_the_input_plan_is_not_changed():
    gate_plan(SPOKE, [])
    assert len(SPOKE["expected"]["prefixes_received"]) == 3


@pytest.mark.parametrize(("plan", "members", "names"), [
    ({"device": "X"}, [], "'expected' mapping"),
    (SPOKE, "HUB1", "members must be a list of device names"),
])
def test_bad_input_is_named(plan, members, names):
    with pytest.raises(GateError, match=names):
        gate_plan(plan, members)

"""Firewall policies decide traffic (lab ``labs/model-policy.yml``): what a missing, disabled or
denying policy does to BGP on loopback, spoke-to-spoke pings, ADVPN shortcuts and health-check
pings, seen over SSH (``execute ping``, ``get router info bgp summary``) and REST (monitors), and
that the right policy restores each. Every test puts back what it changed."""

from __future__ import annotations

import contextlib
from ipaddress import IPv4Address
from pathlib import Path

import lab_support
import pytest

from fortigate_sim.lab import LabRuntime
from fortigate_sim.schema import TABLES
from fortigate_sim.store import Target

LAB = str(Path(__file__).parent / "labs" / "model-policy.yml")
HUB_LO, HUB_HC = "10.200.1.253", "10.200.99.1"
POLICY = "/api/v2/cmdb/firewall/policy"
BGP_MONITOR = "/api/v2/monitor/router/bgp/neighbors"
LOST = "5 packets transmitted, 0 packets received, 100% packet loss"
ALL_BACK = "5 packets transmitted, 5 packets received, 0% packet loss"


@pytest.fixture
def lab(model_labs):
    lab = model_labs(LAB)
    lab.clear_shortcuts("SPOKE1", "SPOKE2")
    return lab


def ssh(lab, device: str, text: str) -> str:
    return lab_support.ssh_exec(lab.host(device), text)


def bgp_states(lab, device: str) -> list[tuple[str, str]]:
    return [(n["neighbor_ip"], n["state"]) for n in lab.get(device, BGP_MONITOR).json["results"]]


def summary_state(lab, device: str) -> str:
    """Last column of the hub neighbor's line: a prefix count when Established, else the state."""
    summary = ssh(lab, device, "get router info bgp summary")
    return next(line for line in summary.splitlines() if line.startswith(HUB_LO + " ")).split()[-1]


def shortcuts(lab, device: str) -> list[str]:
    return [m["name"] for m in lab.get(device, "/api/v2/monitor/vpn/ipsec").json["results"] if m["name"] != "H1_ISP1"]


@contextlib.contextmanager
def changed(lab, device: str, path: str, change: dict):
    """PUT ``change`` on ``path`` and put the previous values back afterwards."""
    before = lab.get(device, path).json["results"][0]
    lab.put(device, path, change)
    try:
        yield
    finally:
        lab.put(device, path, {key: before[key] for key in change})


def test_reference_policies_let_bgp_pings_and_shortcuts_through(lab):
    for spoke in ("SPOKE1", "SPOKE2"):
        assert bgp_states(lab, spoke) == [(HUB_LO, "Established")]
        assert summary_state(lab, spoke).isdigit()
        assert ALL_BACK in ssh(lab, spoke, f"execute ping {HUB_HC}")  # health check: Health-Check policy
    assert [n["neighbor_ip"] for n in lab.get("HUB", BGP_MONITOR).json["results"]] == ["10.200.1.1", "10.200.1.2"]
    # The hub's Peering policy carries BGP only: its loopback does not answer pings from the overlay.
    assert LOST in ssh(lab, "SPOKE1", f"execute ping {HUB_LO}")
    assert ALL_BACK in ssh(lab, "SPOKE1", "execute ping 10.0.2.1")
    assert shortcuts(lab, "SPOKE1") == ["H1_ISP1_0"] and shortcuts(lab, "SPOKE2") == ["H1_ISP1_0"]


def test_without_the_peering_policy_bgp_stays_active_until_it_is_back(lab):
    peering = lab.get("HUB", f"{POLICY}/2").json["results"][0]
    assert lab.request("HUB", "DELETE", f"{POLICY}/2").status == 200
    try:
        for spoke in ("SPOKE1", "SPOKE2"):
            assert bgp_states(lab, spoke) == [(HUB_LO, "Active")]
            assert summary_state(lab, spoke) == "Active"
        assert lab.get("HUB", BGP_MONITOR).json["results"] == []
        assert "10.0.2.0/24" not in ssh(lab, "SPOKE1", "get router info routing-table all")
        reasons = [n["reason"] for n in lab.admin("GET", "/model")["bgp_neighbors"] if n["node"] == "SPOKE1/root"]
        assert reasons == ["HUB: no policy allows EDGE_ISP1 -> Lo for BGP 10.200.1.1 -> 10.200.1.253 "
                           "(implicit deny, policy 0)"], reasons
    finally:
        body = {k: peering[k] for k in ("policyid", "name", "srcintf", "dstintf", "srcaddr", "dstaddr",
                                        "service", "action", "schedule")}
        assert lab.request("HUB", "POST", POLICY, body).status == 200  # appended at the end
        assert lab.request("HUB", "PUT", f"{POLICY}/2?action=move&before=3").status == 200
    for spoke in ("SPOKE1", "SPOKE2"):
        assert bgp_states(lab, spoke) == [(HUB_LO, "Established")]
    assert "10.0.2.0/24" in ssh(lab, "SPOKE1", "get router info routing-table all")


def test_first_match_wins_a_deny_above_the_accept_and_disable(lab):
    deny = {"policyid": 20, "name": "no-bgp", "srcintf": [{"name": "EDGE_ISP1"}], "dstintf": [{"name": "Lo"}],
            "srcaddr": [{"name": "all"}], "dstaddr": [{"name": "all"}], "service": [{"name": "BGP"}],
            "action": "deny"}
    assert lab.request("HUB", "POST", POLICY, deny).status == 200
    try:
        assert bgp_states(lab, "SPOKE1") == [(HUB_LO, "Established")]  # below the accept: never reached
        assert lab.request("HUB", "PUT", f"{POLICY}/20?action=move&before=2").status == 200
        order = [p["policyid"] for p in lab.get("HUB", POLICY).json["results"]]
        assert order.index(20) + 1 == order.index(2), order
        assert bgp_states(lab, "SPOKE1") == [(HUB_LO, "Active")]
        assert summary_state(lab, "SPOKE2") == "Active"
        ssh(lab, "HUB", "config firewall policy\nedit 20\nset status disable\nnext\nend")
        assert bgp_states(lab, "SPOKE1") == [(HUB_LO, "Established")]
        assert summary_state(lab, "SPOKE2").isdigit()
    finally:
        assert lab.request("HUB", "DELETE", f"{POLICY}/20").status == 200


def test_without_the_edge_edge_policy_no_spoke_traffic_crosses_the_hub_and_no_shortcut(lab):
    def hub_sent_to_spoke2() -> int:
        tunnels = lab.get("HUB", "/api/v2/monitor/vpn/ipsec").json["results"]
        return next(t["outgoing_bytes"] for t in tunnels if t.get("rgwy") == "192.0.2.12")

    with changed(lab, "HUB", f"{POLICY}/1", {"status": "disable"}):
        sent = hub_sent_to_spoke2()
        assert LOST in ssh(lab, "SPOKE1", "execute ping 10.0.2.1")
        assert hub_sent_to_spoke2() == sent  # nothing forwarded to SPOKE2
        assert shortcuts(lab, "SPOKE1") == [] and shortcuts(lab, "SPOKE2") == []
        assert bgp_states(lab, "SPOKE1") == [(HUB_LO, "Established")]  # BGP needs Peering only
    assert ALL_BACK in ssh(lab, "SPOKE1", "execute ping 10.0.2.1")
    assert hub_sent_to_spoke2() > sent
    assert shortcuts(lab, "SPOKE1") == ["H1_ISP1_0"] and shortcuts(lab, "SPOKE2") == ["H1_ISP1_0"]


def test_traffic_over_a_shortcut_needs_the_remote_spokes_policy(lab):
    ssh(lab, "SPOKE1", "execute ping -c 1 10.0.2.1")
    assert shortcuts(lab, "SPOKE1") == ["H1_ISP1_0"]
    assert "recursive via H1_ISP1_0" in ssh(lab, "SPOKE1", "get router info routing-table all")
    with changed(lab, "SPOKE2", f"{POLICY}/2", {"status": "disable"}):  # Corporate-in
        assert LOST in ssh(lab, "SPOKE1", "execute ping 10.0.2.1")
        assert shortcuts(lab, "SPOKE1") == ["H1_ISP1_0"]  # the shortcut stays; its traffic is dropped
        assert ALL_BACK in ssh(lab, "SPOKE1", f"execute ping {HUB_HC}")  # other destinations are unaffected
    assert ALL_BACK in ssh(lab, "SPOKE1", "execute ping 10.0.2.1")


def test_health_check_pings_to_loopbacks_need_the_policy_and_allowaccess(lab):
    with changed(lab, "HUB", f"{POLICY}/3", {"status": "disable"}):
        assert LOST in ssh(lab, "SPOKE1", f"execute ping {HUB_HC}")
    with changed(lab, "HUB", "/api/v2/cmdb/system/interface/Lo-HC", {"allowaccess": ""}):
        assert LOST in ssh(lab, "SPOKE2", f"execute ping {HUB_HC}")  # a policy alone does not open ping
    assert ALL_BACK in ssh(lab, "SPOKE2", f"execute ping {HUB_HC}")
    # The other way: the hub probes a spoke loopback (overlay -> Lo PING on the spoke).
    assert ALL_BACK in ssh(lab, "HUB", "execute ping 10.200.1.1")
    with changed(lab, "SPOKE1", f"{POLICY}/3", {"status": "disable"}):
        assert LOST in ssh(lab, "HUB", "execute ping 10.200.1.1")
        assert ALL_BACK in ssh(lab, "HUB", "execute ping 10.200.1.2")


def test_own_interface_addresses_follow_allowaccess(lab, model_labs):
    assert ALL_BACK in ssh(lab, "SPOKE1", "execute ping 203.0.113.1")
    with changed(lab, "HUB", "/api/v2/cmdb/system/interface/port1", {"allowaccess": "https ssh"}):
        assert LOST in ssh(lab, "SPOKE1", "execute ping 203.0.113.1")
        # IKE to the WAN address has no allowaccess keyword: the tunnels and BGP stay up.
        assert lab.cli("HUB", "diagnose vpn ike gateway clear") == ""
        assert bgp_states(lab, "SPOKE1") == [(HUB_LO, "Established")]
    # A tunnel interface's own address (KB 253455 lab: SiteB-to-SiteA 1.1.1.2, allowaccess ping).
    kb = model_labs("kb-exchange-interface-ip")
    kb.cli("FGT_1", "execute ping -c 1 1.1.1.2")  # phase2 waits for traffic: this one brings it up
    assert "4 packets transmitted, 4 packets received" in kb.cli("FGT_1", "execute ping -c 4 1.1.1.2")
    with changed(kb, "FGT2", "/api/v2/cmdb/system/interface/SiteB-to-SiteA", {"allowaccess": ""}):
        assert "4 packets transmitted, 0 packets received" in kb.cli("FGT_1", "execute ping -c 4 1.1.1.2")
    assert "4 packets transmitted, 4 packets received" in kb.cli("FGT_1", "execute ping -c 4 1.1.1.2")


# ---- health-check probes (the model's entry point for SD-WAN health checks), in process -----------

@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """The same lab in process (no servers), clock frozen: the model's API without the views."""
    runtime = LabRuntime(tmp_path_factory.mktemp("policy-probe"), Path(LAB))
    for device in runtime.devices.values():
        device.load()
    runtime.clock.set_speed(0)
    return runtime


def set_policy(runtime, device: str, policyid: int, status: str) -> None:
    runtime.devices[device].store.write(Target(TABLES["firewall/policy"], "root", policyid), {"status": status},
                                        create=False)


def test_health_check_probe_through_a_member_needs_the_hub_policy(runtime):
    model, spoke, server, source = runtime.model, ("SPOKE1", "root"), IPv4Address(HUB_HC), IPv4Address("10.200.1.1")
    assert model.probe(spoke, server, source, "H1_ISP1").ok
    set_policy(runtime, "HUB", 3, "disable")  # Health-Check
    try:
        refused = model.probe(spoke, server, source, "H1_ISP1")
        assert not refused.ok
        assert refused.reason == "HUB: no policy allows EDGE_ISP1 -> Lo-HC for PING 10.200.1.1 -> 10.200.99.1 " \
                                 "(implicit deny, policy 0)"
    finally:
        set_policy(runtime, "HUB", 3, "enable")
    # Through the WAN member the hub's loopback is not reachable (the Internet does not route it).
    assert not model.probe(spoke, server, IPv4Address("198.51.100.11"), "port1").ok


def test_a_probe_forced_into_its_tunnel_does_not_need_bgp(runtime):
    model, spoke, server, source = runtime.model, ("SPOKE1", "root"), IPv4Address(HUB_HC), IPv4Address("10.200.1.1")
    set_policy(runtime, "HUB", 2, "disable")  # Peering: BGP goes down, the route to Lo-HC with it
    try:
        model.refresh()
        assert [a.session for a in model.routing.attempts if a.node == spoke] == [None]
        assert not model.probe(spoke, server, source).ok  # by the routing table: default route, Internet
        assert model.probe(spoke, server, source, "H1_ISP1").ok  # SD-WAN member: straight into the tunnel
    finally:
        set_policy(runtime, "HUB", 2, "enable")
    model.refresh()
    assert [a.session is not None for a in model.routing.attempts if a.node == spoke] == [True]

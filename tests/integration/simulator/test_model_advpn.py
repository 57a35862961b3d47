"""ADVPN with BGP on loopback (lab advpn-bgp-loopback), as in Fortinet's SD-WAN/SD-Branch architecture guide,
"BGP on loopback": https://docs.fortinet.com/document/fortigate/latest/sd-wan-sd-branch-architecture-for-mssps/53445."""

from __future__ import annotations

import re

import pytest

from gateway_shapes import parser

LAB = "advpn-bgp-loopback"
SPOKES = {"SPOKE1": ("10.200.1.1", "10.0.1.1"), "SPOKE2": ("10.200.1.2", "10.0.2.1")}
HUB_LO = "10.200.1.253"

parse = parser().parse_gateway_list


@pytest.fixture
def advpn(model_labs):
    lab = model_labs(LAB)
    lab.clear_shortcuts("SPOKE1", "SPOKE2")
    return lab


def neighbor_line(summary: str, neighbor: str) -> list[str]:
    line = next(line for line in summary.splitlines() if line.startswith(neighbor + " "))
    return line.split()


def test_every_spoke_establishes_bgp_to_the_hub_loopback(advpn):
    for spoke, (loopback, _lan) in SPOKES.items():
        summary = advpn.cli(spoke, "get router info bgp summary")
        assert summary.startswith(f"VRF 0 BGP router identifier {loopback}, local AS number 65001\n")
        fields = neighbor_line(summary, HUB_LO)
        assert fields[1:3] == ["4", "65001"] and fields[-1].isdigit() and int(fields[-1]) == 3, summary
        neighbors = advpn.get(spoke, "/api/v2/monitor/router/bgp/neighbors").json["results"]
        assert [(n["neighbor_ip"], n["local_ip"], n["remote_as"], n["state"]) for n in neighbors] == \
            [(HUB_LO, loopback, 65001, "Established")]
    hub = advpn.get("HUB", "/api/v2/monitor/router/bgp/neighbors").json["results"]
    assert [(n["neighbor_ip"], n["local_ip"], n["state"]) for n in hub] == \
        [("10.200.1.1", HUB_LO, "Established"), ("10.200.1.2", HUB_LO, "Established")]
    assert "Total number of neighbors 2" in advpn.cli("HUB", "get router info bgp summary")


def test_loopbacks_are_ike_routes_and_lans_recursive_bgp_routes(advpn):
    hub = advpn.cli("HUB", "get router info routing-table all")
    # Hub phase1 with net-device disable: parent tunnel + the spoke's tunnel id, its overlay address.
    assert "S       10.200.1.1/32 [15/0] via EDGE_ISP1 tunnel 10.200.1.1, [1/0]\n" in hub
    assert re.search(r"^B       10\.0\.2\.0/24 \[200/0\] via 10\.200\.1\.2 \(recursive via EDGE_ISP1 tunnel "
                     r"10\.200\.1\.2\), \d\d:\d\d:\d\d, \[1/0\]$", hub, re.M)
    spoke = advpn.cli("SPOKE1", "get router info routing-table all")
    assert "S       10.200.1.253/32 [15/0] via H1_ISP1 tunnel 203.0.113.1, [1/0]\n" in spoke
    # Reflected by the hub with the originating spoke's loopback as next hop.
    assert re.search(r"^B       10\.0\.2\.0/24 \[200/0\] via 10\.200\.1\.2 \(recursive via H1_ISP1 tunnel "
                     r"203\.0\.113\.1\)", spoke, re.M)
    routes = advpn.get("SPOKE1", "/api/v2/monitor/router/ipv4?type=bgp").json["results"]
    assert {r["ip_mask"] for r in routes} == {"10.0.0.0/24", "10.0.2.0/24", "10.200.1.0/24"}


def test_spoke_to_spoke_ping_creates_a_shortcut_on_both_spokes(advpn):
    output = advpn.cli("SPOKE1", "execute ping 10.0.2.1")
    assert "5 packets transmitted, 5 packets received, 0% packet loss" in output
    spoke1 = {g["name"]: g for g in parse(advpn.cli("SPOKE1", "diagnose vpn ike gateway list")).gateways}
    spoke2 = {g["name"]: g for g in parse(advpn.cli("SPOKE2", "diagnose vpn ike gateway list")).gateways}
    assert set(spoke1) == {"H1_ISP1", "H1_ISP1_0"} and set(spoke2) == {"H1_ISP1", "H1_ISP1_0"}
    s1, s2 = spoke1["H1_ISP1_0"], spoke2["H1_ISP1_0"]
    assert (s1["local_addr"], s1["remote_addr"]) == ("198.51.100.11", "192.0.2.12")
    assert (s2["local_addr"], s2["remote_addr"]) == ("192.0.2.12", "198.51.100.11")
    assert s1["auto_discovery"] == "2 receiver" and s2["auto_discovery"] == "2 receiver"
    assert s1["ike_sas"][0]["direction"] == "initiator" and s2["ike_sas"][0]["direction"] == "responder"
    # Loopbacks were exchanged over the shortcut: the BGP next hop now resolves through it.
    assert (s1["virtual_interface_addr_peer"], s2["virtual_interface_addr_peer"]) == ("10.200.1.2", "10.200.1.1")
    table = advpn.cli("SPOKE1", "get router info routing-table all")
    assert "(recursive via H1_ISP1_0 tunnel 192.0.2.12)" in table
    assert spoke1["H1_ISP1"]["auto_discovery"] == "2 receiver"
    hub = parse(advpn.cli("HUB", "diagnose vpn ike gateway list")).gateways
    assert {g["auto_discovery"] for g in hub} == {"1 sender"}
    monitor = advpn.get("SPOKE2", "/api/v2/monitor/vpn/ipsec?tunnel=H1_ISP1_0").json["results"]
    assert [(m["name"], m["parent"], m["type"], m["proxyid"][0]["status"]) for m in monitor] == \
        [("H1_ISP1_0", "H1_ISP1", "dialup", "up")]


def test_idle_shortcut_goes_away_after_idle_timeout(advpn):
    advpn.cli("SPOKE2", "execute ping -c 2 10.0.1.1")
    assert "'H1_ISP1_0'" in advpn.cli("SPOKE1", "get vpn ipsec tunnel summary")
    advpn.advance(15 * 60)  # idle-timeout enable, idle-timeoutinterval 15 (minutes)
    assert "H1_ISP1_0" not in advpn.cli("SPOKE1", "get vpn ipsec tunnel summary")
    assert "H1_ISP1_0" not in advpn.cli("SPOKE2", "get vpn ipsec tunnel summary")
    # Back through the hub; BGP to the hub stays up (its traffic keeps the hub tunnels in use).
    assert "(recursive via H1_ISP1 tunnel 203.0.113.1)" in advpn.cli("SPOKE1", "get router info routing-table all")
    assert neighbor_line(advpn.cli("SPOKE1", "get router info bgp summary"), HUB_LO)[-1].isdigit()


NEIGHBOR = "/api/v2/cmdb/router/bgp/neighbor/10.200.1.253"


@pytest.mark.parametrize("change, why", [
    ({"update-source": ""}, "sourced from the unnumbered tunnel, not the loopback"),
    ({"remote-as": "65002"}, "remote-as does not match the hub's AS"),
])
def test_bgp_stays_down_when_the_spoke_neighbor_is_wrong(advpn, change, why):
    original = {key: advpn.get("SPOKE2", NEIGHBOR).json["results"][0][key] for key in change}
    advpn.put("SPOKE2", NEIGHBOR, change)
    try:
        state = advpn.get("SPOKE2", "/api/v2/monitor/router/bgp/neighbors").json["results"][0]["state"]
        assert state == "Active", why
        assert neighbor_line(advpn.cli("SPOKE2", "get router info bgp summary"), HUB_LO)[-2:] == ["never", "Active"]
        hub = advpn.get("HUB", "/api/v2/monitor/router/bgp/neighbors").json["results"]
        assert [n["neighbor_ip"] for n in hub] == ["10.200.1.1"]
        assert "10.0.2.0/24" not in advpn.cli("SPOKE1", "get router info routing-table all")
    finally:
        advpn.put("SPOKE2", NEIGHBOR, original)
    assert advpn.get("SPOKE2", "/api/v2/monitor/router/bgp/neighbors").json["results"][0]["state"] == "Established"


def test_without_exchange_ip_addr4_the_hub_cannot_reach_the_spoke_loopback(advpn):
    """Reference §5.1 "one side only": the spoke still learns the hub loopback, but the hub has no
    route back to the spoke's loopback, so BGP on loopback stays down."""
    advpn.put("SPOKE2", "/api/v2/cmdb/vpn.ipsec/phase1-interface/H1_ISP1", {"exchange-ip-addr4": "0.0.0.0"})
    try:
        assert "S       10.200.1.253/32 [15/0] via H1_ISP1" in advpn.cli("SPOKE2", "get router info routing-table all")
        assert "10.200.1.2/32" not in advpn.cli("HUB", "get router info routing-table all")
        assert advpn.get("SPOKE2", "/api/v2/monitor/router/bgp/neighbors").json["results"][0]["state"] == "Active"
    finally:
        advpn.put("SPOKE2", "/api/v2/cmdb/vpn.ipsec/phase1-interface/H1_ISP1", {"exchange-ip-addr4": "10.200.1.2"})
    assert advpn.get("SPOKE2", "/api/v2/monitor/router/bgp/neighbors").json["results"][0]["state"] == "Established"

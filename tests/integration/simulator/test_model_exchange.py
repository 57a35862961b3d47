"""Fortinet KB 253455 (exchange-interface-ip) reproduced on the default lab; the article:
https://community.fortinet.com/t5/FortiGate/Technical-Tip-How-to-use-exchange-interface-IP-in-IPsec-Tunnel/ta-p/253455

Configuration goes through the REST API as a playbook would send it; what each FortiGate learned is
read from ``diagnose vpn ike gateway list`` (parsed by the collection's own parser), the routing
table and the REST monitors, all computed from one model state.
"""

from __future__ import annotations

import pytest

from gateway_shapes import parser

KB = "kb-exchange-interface-ip"
P1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"
SIDES = {"FGT_1": "SiteA-to-SiteB", "FGT2": "SiteB-to-SiteA"}
BASELINE = {"exchange-interface-ip": "disable", "exchange-ip-addr4": "0.0.0.0", "distance": 15}

parse = parser().parse_gateway_list


def gateway(lab, device: str) -> dict:
    result = parse(lab.cli(device, "diagnose vpn ike gateway list"))
    assert result.warnings == []
    assert len(result.gateways) == 1
    return result.gateways[0]


def set_phase1(lab, device: str, **attrs) -> None:
    body = {k.replace("_", "-"): v for k, v in attrs.items()}
    lab.put(device, f"{P1}/{SIDES[device]}", body)


@pytest.fixture
def kb(model_labs):
    lab = model_labs(KB)
    for device in SIDES:
        lab.put(device, f"{P1}/{SIDES[device]}", BASELINE)
    yield lab
    for device in SIDES:
        lab.put(device, f"{P1}/{SIDES[device]}", BASELINE)


def test_before_fgt2_shows_peer_tunnel_ip_0000(kb):
    text = kb.cli("FGT2", "diagnose vpn ike gateway list")
    assert "virtual-interface-addr: 1.1.1.2 -> 0.0.0.0\n" in text
    fgt2, fgt1 = gateway(kb, "FGT2"), gateway(kb, "FGT_1")
    assert fgt2["overlay_exchanged"] is False and fgt1["overlay_exchanged"] is False
    assert (fgt1["virtual_interface_addr_local"], fgt1["virtual_interface_addr_peer"]) == ("1.1.1.1", "0.0.0.0")
    # The tunnel itself is up (equal PSKs, matching proposals): IKE SA established on both sides.
    assert fgt1["ike_sa"]["established_current"] == 1 and fgt2["ike_sa"]["established_current"] == 1
    assert (fgt1["remote_addr"], fgt2["remote_addr"]) == ("10.47.1.80", "10.47.2.86")


def test_one_side_enabled_only_the_other_side_learns(kb):
    before = gateway(kb, "FGT2")["ike_sa"]["created_total"]
    set_phase1(kb, "FGT_1", exchange_interface_ip="enable")
    fgt1, fgt2 = gateway(kb, "FGT_1"), gateway(kb, "FGT2")
    assert fgt2["virtual_interface_addr_peer"] == "1.1.1.1" and fgt2["overlay_exchanged"] is True
    assert fgt1["virtual_interface_addr_peer"] == "0.0.0.0" and fgt1["overlay_exchanged"] is False
    # The change renegotiated the tunnel: FGT_1 (changed, gateway re-created) initiated it, FGT2's
    # gateway kept its counters and created a second IKE SA (the article's "created 1/2").
    assert fgt2["ike_sa"]["created_total"] == before + 1
    assert fgt1["ike_sa"]["created_total"] == 1
    assert fgt1["ike_sas"][0]["direction"] == "initiator" and fgt2["ike_sas"][0]["direction"] == "responder"

    set_phase1(kb, "FGT_1", exchange_interface_ip="disable")
    set_phase1(kb, "FGT2", exchange_interface_ip="enable")
    assert gateway(kb, "FGT_1")["virtual_interface_addr_peer"] == "1.1.1.2"
    assert gateway(kb, "FGT2")["virtual_interface_addr_peer"] == "0.0.0.0"


def test_both_sides_enabled_both_learn(kb):
    set_phase1(kb, "FGT_1", exchange_interface_ip="enable")
    set_phase1(kb, "FGT2", exchange_interface_ip="enable")
    assert "virtual-interface-addr: 1.1.1.1 -> 1.1.1.2\n" in kb.cli("FGT_1", "diagnose vpn ike gateway list")
    assert "virtual-interface-addr: 1.1.1.2 -> 1.1.1.1\n" in kb.cli("FGT2", "diag vpn ike gate list")


def test_exchange_ip_addr4_is_learned_and_routed_by_the_peer(kb):
    set_phase1(kb, "FGT_1", exchange_ip_addr4="10.255.0.1")
    assert gateway(kb, "FGT2")["virtual_interface_addr_peer"] == "10.255.0.1"
    assert gateway(kb, "FGT_1")["virtual_interface_addr_peer"] == "0.0.0.0"
    table = kb.cli("FGT2", "get router info routing-table all")
    assert "S       10.255.0.1/32 [15/0] via SiteB-to-SiteA tunnel 10.47.2.86, [1/0]\n" in table
    assert "10.255.0.1" not in kb.cli("FGT_1", "get router info routing-table all")

    routes = kb.get("FGT2", "/api/v2/monitor/router/ipv4?ip_mask=10.255.0.1/32").json["results"]
    assert len(routes) == 1
    route = routes[0]
    assert (route["type"], route["distance"], route["interface"], route["is_tunnel_route"]) == \
        ("static", 15, "SiteB-to-SiteA", True)

    # The receiver's phase1 distance applies; the route stays while phase1 is up and phase2 down.
    set_phase1(kb, "FGT2", distance=20)
    assert "S       10.255.0.1/32 [20/0] via SiteB-to-SiteA" in kb.cli("FGT2", "get router info routing-table all")
    ipsec = kb.get("FGT2", "/api/v2/monitor/vpn/ipsec").json["results"]
    assert ipsec[0]["proxyid"][0]["status"] == "down"
    assert "[20/0]" in kb.cli("FGT2", "get router info routing-table all | grep 10.255.0.1")


def test_exchange_ip_addr4_wins_over_the_interface_address(kb):
    set_phase1(kb, "FGT2", exchange_interface_ip="enable", exchange_ip_addr4="10.255.0.2")
    assert gateway(kb, "FGT_1")["virtual_interface_addr_peer"] == "10.255.0.2"
    monitor = kb.get("FGT_1", "/api/v2/monitor/vpn/ipsec?tunnel=SiteA-to-SiteB").json["results"]
    # A static tunnel's tun_id stays the peer's public address (the KB's capture: tun_id 10.47.1.80).
    assert [(m["name"], m["type"], m["rgwy"], m["tun_id"]) for m in monitor] == \
        [("SiteA-to-SiteB", "automatic", "10.47.1.80", "10.47.1.80")]

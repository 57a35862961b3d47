"""Phase2 life cycle per Fortinet KB 189536, on the default lab with a frozen clock; the article:
https://community.fortinet.com/t5/FortiGate/Technical-Tip-Using-the-IPSec-auto-negotiate-and-keepalive/ta-p/189536

Without auto-negotiate an SA waits for traffic; with it the SA comes up on its own (and after
``diagnose vpn ike gateway clear``), is retried every 5 s and never expires (keepalive implied);
without keepalive an idle SA expires at ``keylifeseconds``. Time only moves when a test advances it.
"""

from __future__ import annotations

import re

import pytest

from gateway_shapes import parser

KB = "kb-exchange-interface-ip"
P1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"
P2 = "/api/v2/cmdb/vpn.ipsec/phase2-interface"
NAMES = {"FGT_1": "SiteA-to-SiteB", "FGT2": "SiteB-to-SiteA"}
P2_BASELINE = {"auto-negotiate": "disable", "keepalive": "disable", "keylifeseconds": 43200}

parse = parser().parse_gateway_list


def selectors(lab, device: str) -> str:
    """``total/up`` from ``get vpn ipsec tunnel summary``."""
    match = re.search(r"selectors\(total,up\): (\d+/\d+)", lab.cli(device, "get vpn ipsec tunnel summary"))
    return match.group(1)


def ipsec_sa(lab, device: str) -> dict:
    result = parse(lab.cli(device, "diagnose vpn ike gateway list"))
    assert result.warnings == []
    return result.gateways[0]["ipsec_sa"]


def set_phase2(lab, device: str, **attrs) -> None:
    lab.put(device, f"{P2}/{NAMES[device]}", {k.replace("_", "-"): v for k, v in attrs.items()})


@pytest.fixture
def kb(model_labs):
    lab = model_labs(KB)
    for device, name in NAMES.items():
        lab.put(device, f"{P1}/{name}", {"exchange-interface-ip": "disable", "exchange-ip-addr4": "0.0.0.0"})
        lab.put(device, f"{P2}/{name}", P2_BASELINE)
    assert lab.cli("FGT_1", "diagnose vpn ike gateway clear") == ""  # fresh IKE SA, phase2 down
    yield lab
    for device, name in NAMES.items():
        lab.put(device, f"{P2}/{name}", P2_BASELINE)


def test_phase2_waits_for_traffic_then_ping_brings_it_up(kb):
    assert selectors(kb, "FGT_1") == "1/0" and selectors(kb, "FGT2") == "1/0"
    kb.advance(120)
    assert selectors(kb, "FGT_1") == "1/0"
    assert ipsec_sa(kb, "FGT2")["created_current"] == 0  # "IPsec SA: created 0/N"

    output = kb.cli("FGT_1", "execute ping 1.1.1.2")
    # The packet that triggers negotiation is dropped, the others are answered.
    assert output.startswith("PING 1.1.1.2 (1.1.1.2): 56 data bytes\n")
    assert "icmp_seq=0 " not in output and "64 bytes from 1.1.1.2: icmp_seq=1 ttl=255 time=" in output
    assert "5 packets transmitted, 4 packets received, 20% packet loss\n" in output
    assert re.search(r"round-trip min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms\n$", output)
    assert selectors(kb, "FGT_1") == "1/1" and selectors(kb, "FGT2") == "1/1"
    sa = ipsec_sa(kb, "FGT_1")
    assert (sa["created_current"], sa["established_current"]) == (1, 1)
    proxy = kb.get("FGT2", "/api/v2/monitor/vpn/ipsec").json["results"][0]["proxyid"][0]
    assert proxy["status"] == "up" and proxy["expire"] == 43200 and proxy["incoming_bytes"] == 4 * 84


def test_ping_options_source_and_count(kb):
    assert kb.cli("FGT_1", "execute ping-options source 1.1.1.1") == ""
    assert "Source Address: 1.1.1.1" in kb.cli("FGT_1", "execute ping-options view-settings")
    output = kb.cli("FGT_1", "exec ping -c 2 1.1.1.2")
    assert "2 packets transmitted, 1 packets received, 50% packet loss" in output
    assert "2 packets transmitted, 2 packets received, 0% packet loss" in kb.cli("FGT_1", "execute ping 1.1.1.2 -c 2")
    assert kb.cli("FGT_1", "execute ping-options reset") == ""
    # Nobody owns the address: every packet is lost, no round-trip line.
    lost = kb.cli("FGT_1", "execute ping -c 3 1.1.1.9")
    assert "3 packets transmitted, 0 packets received, 100% packet loss\n" in lost and "round-trip" not in lost


def test_auto_negotiate_brings_sa_up_alone_and_again_after_clear(kb):
    set_phase2(kb, "FGT_1", auto_negotiate="enable")
    assert selectors(kb, "FGT_1") == "1/1" and selectors(kb, "FGT2") == "1/1"
    assert "proxyid=SiteA-to-SiteB proto=0 sa=1 ref=2 serial=1 auto-negotiate\n" in \
        kb.cli("FGT_1", "diagnose vpn tunnel list")
    first = parse(kb.cli("FGT2", "diagnose vpn ike gateway list")).gateways[0]

    assert kb.cli("FGT2", "diagnose vpn ike gateway clear name SiteB-to-SiteA") == ""
    assert selectors(kb, "FGT_1") == "1/1" and selectors(kb, "FGT2") == "1/1"
    again = parse(kb.cli("FGT2", "diagnose vpn ike gateway list")).gateways[0]
    assert again["ike_sas"][0]["spi_initiator"] != first["ike_sas"][0]["spi_initiator"]
    assert again["ike_sa"]["created_total"] == first["ike_sa"]["created_total"] + 1
    assert again["ipsec_sa"]["created_total"] == first["ipsec_sa"]["created_total"] + 1

    set_phase2(kb, "FGT_1", auto_negotiate="disable")
    kb.cli("FGT_1", "diagnose vpn ike gateway clear")
    assert selectors(kb, "FGT_1") == "1/0"


def test_auto_negotiate_retries_every_five_seconds_after_tunnel_down(kb):
    set_phase2(kb, "FGT2", auto_negotiate="enable")
    assert selectors(kb, "FGT2") == "1/1"
    down = kb.request("FGT2", "POST", "/api/v2/monitor/vpn/ipsec/tunnel_down",
                      {"p1name": "SiteB-to-SiteA", "p2name": "SiteB-to-SiteA"})
    assert down.status == 200 and down.json["status"] == "success"
    assert selectors(kb, "FGT2") == "1/0" and selectors(kb, "FGT_1") == "1/0"
    kb.advance(4)
    assert selectors(kb, "FGT2") == "1/0"
    kb.advance(1)
    assert selectors(kb, "FGT2") == "1/1"


def test_tunnel_up_monitor_negotiates_without_auto_negotiate(kb):
    resp = kb.request("FGT2", "POST", "/api/v2/monitor/vpn/ipsec/tunnel_up",
                      {"p1name": "SiteB-to-SiteA", "p2name": "SiteB-to-SiteA"})
    assert resp.status == 200 and resp.json["action"] == "tunnel_up"
    assert selectors(kb, "FGT_1") == "1/1"
    missing = kb.request("FGT2", "POST", "/api/v2/monitor/vpn/ipsec/tunnel_up", {"p1name": "nope"})
    assert missing.status == 404 and missing.json["status"] == "error"


def test_idle_sa_expires_at_keylifeseconds(kb):
    for device in NAMES:
        set_phase2(kb, device, keylifeseconds=300)
    kb.cli("FGT_1", "diagnose vpn ike gateway clear")
    kb.cli("FGT_1", "execute ping -c 1 1.1.1.2")  # triggers the SA (that packet is lost)
    assert selectors(kb, "FGT_1") == "1/1"
    kb.advance(299)
    assert selectors(kb, "FGT_1") == "1/1"
    assert "timeout=1/300" in kb.cli("FGT_1", "diagnose vpn tunnel list")
    kb.advance(1)
    assert selectors(kb, "FGT_1") == "1/0" and selectors(kb, "FGT2") == "1/0"
    # The IKE SA (phase1) lives on: only the phase2 SA expired.
    assert parse(kb.cli("FGT2", "diagnose vpn ike gateway list")).gateways[0]["ike_sa"]["established_current"] == 1


def test_traffic_near_expiry_renews_once(kb):
    for device in NAMES:
        set_phase2(kb, device, keylifeseconds=300)
    kb.cli("FGT_1", "diagnose vpn ike gateway clear")
    kb.cli("FGT_1", "execute ping -c 1 1.1.1.2")
    created = ipsec_sa(kb, "FGT_1")["created_total"]  # the gateway counts every SA since it was set up
    kb.advance(290)
    kb.cli("FGT_1", "execute ping -c 1 1.1.1.2")  # inside the rekey window: renewed at expiry
    kb.advance(20)
    assert selectors(kb, "FGT_1") == "1/1"
    assert ipsec_sa(kb, "FGT_1")["created_total"] == created + 1
    kb.advance(300)  # idle for a whole lifetime: gone
    assert selectors(kb, "FGT_1") == "1/0"


@pytest.mark.parametrize("attrs", [{"keepalive": "enable"}, {"auto_negotiate": "enable"}],
                         ids=["keepalive", "auto-negotiate-implies-keepalive"])
def test_keepalive_renews_without_traffic(kb, attrs):
    for device in NAMES:
        set_phase2(kb, device, keylifeseconds=300)
    set_phase2(kb, "FGT2", **attrs)
    kb.cli("FGT_1", "diagnose vpn ike gateway clear")
    kb.request("FGT_1", "POST", "/api/v2/monitor/vpn/ipsec/tunnel_up", {"p1name": "SiteA-to-SiteB"})
    assert selectors(kb, "FGT_1") == "1/1"
    created = ipsec_sa(kb, "FGT_1")["created_total"]
    kb.advance(10 * 300 + 17)
    assert selectors(kb, "FGT_1") == "1/1"
    sa = ipsec_sa(kb, "FGT_1")
    assert sa["created_total"] == created + 10 and sa["created_current"] == 1
    expire = kb.get("FGT_1", "/api/v2/monitor/vpn/ipsec").json["results"][0]["proxyid"][0]["expire"]
    assert expire == 300 - 17


def test_clock_drives_created_and_rekey(kb):
    kb.advance(1000)
    gw = parse(kb.cli("FGT_1", "diagnose vpn ike gateway list")).gateways[0]
    sa = gw["ike_sas"][0]
    # The negotiation time (IKEv1: 0-20 ms in 10 ms steps) is the one the IKE SA counters show.
    took = re.fullmatch(r"established 1000-1000s ago = (\d+)ms", sa["status_raw"]).group(1)
    times = gw["ike_sa"]["time_ms"]
    assert int(took) in (0, 10, 20) and times["min"] <= int(took) <= times["max"], (took, times)
    assert sa["lifetime"] == 86400 and 86400 - 1000 - 330 <= sa["rekey"] <= 86400 - 1000 - 240


def test_phase1_without_auto_negotiate_waits_for_tunnel_up(kb):
    for device, name in NAMES.items():
        kb.put(device, f"{P1}/{name}", {"auto-negotiate": "disable"})
    try:
        gw = parse(kb.cli("FGT_1", "diagnose vpn ike gateway list")).gateways[0]
        assert gw["ike_sa"]["created_total"] == 0 and gw["ike_sas"] == []
        assert kb.get("FGT2", "/api/v2/monitor/vpn/ipsec").json["results"][0]["proxyid"][0]["status"] == "down"
        resp = kb.request("FGT2", "POST", "/api/v2/monitor/vpn/ipsec/tunnel_up", {"p1name": "SiteB-to-SiteA"})
        assert resp.status == 200
        gw = parse(kb.cli("FGT_1", "diagnose vpn ike gateway list")).gateways[0]
        assert gw["ike_sa"]["established_current"] == 1 and gw["ike_sas"][0]["direction"] == "responder"
        assert selectors(kb, "FGT_1") == "1/1"
    finally:
        for device, name in NAMES.items():
            kb.put(device, f"{P1}/{name}", {"auto-negotiate": "enable"})

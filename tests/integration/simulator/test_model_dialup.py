"""Dial-up (type dynamic) phase1s: instances, who may initiate phase2, overlay learning by a hub."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway_shapes import parser

LAB = str(Path(__file__).parent / "labs" / "model-dialup.yml")
P1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"
P2 = "/api/v2/cmdb/vpn.ipsec/phase2-interface"

parse = parser().parse_gateway_list


def selectors(lab, device: str, name: str) -> str:
    text = lab.cli(device, "get vpn ipsec tunnel summary")
    return re.search(rf"'{name}' \S+  selectors\(total,up\): (\d+/\d+)", text).group(1)


@pytest.fixture
def dialup(model_labs):
    lab = model_labs(LAB)
    yield lab
    lab.put("SPOKE_A", f"{P2}/TO_HUB", {"auto-negotiate": "disable"})
    lab.put("SPOKE_A", f"{P1}/TO_HUB", {"exchange-interface-ip": "disable"})


def test_dialup_instance_and_template_views(dialup):
    gateways = parse(dialup.cli("HUB_A", "diagnose vpn ike gateway list")).gateways
    assert [g["name"] for g in gateways] == ["DIAL_0"]  # the template is not listed, only instances
    assert gateways[0]["remote_addr"] == "198.51.100.21" and gateways[0]["tun_id"] == "198.51.100.21"
    results = dialup.get("HUB_A", "/api/v2/monitor/vpn/ipsec").json["results"]
    template, instance = results
    assert (template["name"], template["type"], template["rgwy"], template["proxyid"]) == ("DIAL", "", "0.0.0.0", [])
    assert (instance["name"], instance["parent"], instance["type"], instance["dialup_index"], instance["rgwy"]) == \
        ("DIAL_0", "DIAL", "dialup", 0, "198.51.100.21")
    assert instance["proxyid"][0]["status"] == "down"
    listing = dialup.cli("HUB_A", "diagnose vpn tunnel list")
    assert "mode=dialup/2" in listing and "mode=dial_inst/3" in listing and "parent=DIAL index=0" in listing


def test_dialup_server_never_initiates_by_default(dialup):
    # Both hubs' phase2 have auto-negotiate enable; only HUB_B's switch lets a dial-up server use it.
    assert selectors(dialup, "HUB_A", "DIAL_0") == "1/0"
    assert selectors(dialup, "HUB_B", "DIAL_0") == "1/1"
    refused = dialup.request("HUB_A", "PUT", f"{P2}/DIAL", {"auto-negotiate": "enable"})
    assert refused.status == 500 and refused.json["error"] == -651
    assert dialup.request("HUB_B", "PUT", f"{P2}/DIAL", {"auto-negotiate": "enable"}).status == 200


def test_spoke_auto_negotiate_brings_phase2_up(dialup):
    dialup.put("SPOKE_A", f"{P2}/TO_HUB", {"auto-negotiate": "enable"})
    assert selectors(dialup, "HUB_A", "DIAL_0") == "1/1"
    assert selectors(dialup, "SPOKE_A", "TO_HUB") == "1/1"


def test_hub_learns_spoke_tunnel_ip_only_when_spoke_sends_it(dialup):
    dialup.put("SPOKE_A", f"{P1}/TO_HUB", {"exchange-interface-ip": "enable"})
    hub = parse(dialup.cli("HUB_A", "diagnose vpn ike gateway list")).gateways[0]
    assert (hub["virtual_interface_addr_local"], hub["virtual_interface_addr_peer"]) == ("10.10.10.1", "10.10.10.2")
    assert hub["tun_id"] == "10.10.10.2"  # a dial-up instance is known by the learned overlay address
    spoke = parse(dialup.cli("SPOKE_A", "diagnose vpn ike gateway list")).gateways[0]
    assert spoke["virtual_interface_addr_peer"] == "0.0.0.0"
    # net-device disable (the default): the parent tunnel and the instance's tunnel id (issue 11 §2.2).
    assert "S       10.10.10.2/32 [15/0] via DIAL tunnel 10.10.10.2, [1/0]" in \
        dialup.cli("HUB_A", "get router info routing-table all")
    # Hub-side traffic over the existing IKE SA negotiates phase2 (the first packet is lost).
    assert "4 packets received" in dialup.cli("HUB_A", "execute ping 10.10.10.2")
    assert dialup.get("HUB_A", "/api/v2/monitor/vpn/ipsec?tunnel=DIAL_0").json["results"][0]["tun_id"] == "10.10.10.2"


def test_auto_discovery_alone_sends_the_tunnel_ip_only_with_its_switch(dialup):
    """Reference §5.1 (unverified): switch auto_discovery_sends_interface_ip on the sender."""
    gateways = {g["name"]: g for g in parse(dialup.cli("HUB_B", "diagnose vpn ike gateway list")).gateways}
    assert gateways["DIAL_1"]["remote_addr"] == "198.51.100.23"  # SPOKE_C: switch on, receiver on
    assert gateways["DIAL_1"]["virtual_interface_addr_peer"] == "10.10.10.3"
    assert gateways["DIAL_0"]["virtual_interface_addr_peer"] == "0.0.0.0"  # SPOKE_B: neither


def test_clear_on_the_hub_respawns_the_instance(dialup):
    before = parse(dialup.cli("HUB_A", "diagnose vpn ike gateway list")).gateways[0]
    assert dialup.cli("HUB_A", "diagnose vpn ike gateway clear name DIAL") == ""
    after = parse(dialup.cli("HUB_A", "diagnose vpn ike gateway list")).gateways[0]
    assert after["name"] == "DIAL_0" and after["ike_sa"]["created_total"] == 1
    assert after["ike_sas"][0]["id"] != before["ike_sas"][0]["id"]
    spoke = parse(dialup.cli("SPOKE_A", "diagnose vpn ike gateway list")).gateways[0]
    assert spoke["ike_sa"]["created_total"] >= 2  # the static side keeps counting its IKE SAs


def test_advpn_factory_is_only_underlay(model_labs):
    lab = model_labs("advpn-factory")
    for device in ("HUB", "SPOKE1", "SPOKE2"):
        assert lab.cli(device, "diagnose vpn ike gateway list") == ""
        assert lab.cli(device, "get router info bgp summary") == ""
    # WAN addresses reach each other through the ISPs; LANs do not (no overlay yet).
    assert "5 packets received" in lab.cli("SPOKE1", "execute ping 192.0.2.12")
    assert "0 packets received, 100% packet loss" in lab.cli("SPOKE1", "execute ping 10.0.2.1")
    table = lab.cli("HUB", "get router info routing-table all")
    assert "S*      0.0.0.0/0 [10/0] via 203.0.113.254, port1, [1/0]\n" in table
    assert "C       10.0.0.0/24 is directly connected, port2\n" in table

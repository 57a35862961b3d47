"""Issue 11 §2: behaviour and output details checked against real FortiOS line shapes or sources.

Each test names its source: a real capture in ``tests/unit/fixtures/``, the ADVPN reference
configuration, or a Fortinet document (listed in the simulator README's evidence table).
"""

from __future__ import annotations

import urllib.parse

import pytest

from fortigate_sim.schema import TABLES

LAB = "advpn-bgp-loopback"


@pytest.fixture
def advpn(model_labs):
    return model_labs(LAB)


def test_get_put_round_trip_of_every_object(advpn):
    """Whatever a GET returns, a PUT of it back is accepted and changes nothing (item 1)."""
    checked = 0
    for device in ("HUB", "SPOKE1"):
        for key, table in TABLES.items():
            url = f"/api/v2/cmdb/{key}"
            answer = advpn.get(device, f"{url}?vdom=root")
            if answer.status != 200:
                continue
            results = answer.json["results"]
            entries = [results] if table.singleton else results
            for entry in entries:
                target = url if table.singleton else f"{url}/{urllib.parse.quote(str(entry[table.mkey]), safe='')}"
                put = advpn.request(device, "PUT", f"{target}?vdom=root", entry)
                assert put.status == 200, (device, key, entry.get(table.mkey), put.json.get("cli_error"), put.json.get("error"))
                assert put.json.get("revision_changed") is False, (device, key, put.text)
                checked += 1
    assert checked > 20


def test_shortcut_of_net_device_disable_is_known_by_the_peer_overlay_address(advpn):
    """Item 2: with net-device disable a shortcut has no interface of its own; routes name the parent
    and the shortcut's tunnel id, which is the peer's overlay address (with net-device enable, as in
    the handbook capture ``handbook_advpn_shortcut_list_name``, it stays the public address)."""
    p1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface/H1_ISP1?vdom=root"
    try:
        for spoke in ("SPOKE1", "SPOKE2"):
            advpn.put(spoke, p1, {"net-device": "disable"})
        assert "0% packet loss" in advpn.cli("SPOKE1", "execute ping 10.0.2.1")
        assert "0% packet loss" in advpn.cli("SPOKE1", "execute ping 10.0.2.1")
        table = advpn.cli("SPOKE1", "get router info routing-table all")
        assert "S       10.200.1.2/32 [15/0] via H1_ISP1 tunnel 10.200.1.2, [1/0]\n" in table
        assert "(recursive via H1_ISP1 tunnel 10.200.1.2)" in table
        shortcut = advpn.cli("SPOKE1", "diagnose vpn ike gateway list name H1_ISP1_0")
        assert "\ntun_id: 10.200.1.2/::10.200.1.2\n" in shortcut
        assert "\naddr: 198.51.100.11:500 -> 192.0.2.12:500\n" in shortcut
    finally:
        for spoke in ("SPOKE1", "SPOKE2"):
            advpn.put(spoke, p1, {"net-device": "enable"})
            advpn.cli(spoke, "diagnose vpn ike gateway clear name H1_ISP1_0")
    assert "(recursive via H1_ISP1 tunnel 203.0.113.1)" in advpn.cli("SPOKE1", "get router info routing-table all")

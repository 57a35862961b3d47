"""ipsec_phase1_exchange's logic on the in-memory CMDB: what it writes, in which order, and what it refuses."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec import phase1_exchange
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError

from ..cmdb.fake_cmdb import refusal
from ..cmdb.lab import P1, client, lab


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused_before_any_request(name):
    device = lab()
    with pytest.raises(ReconcileError, match="name is empty: give the phase1-interface name"):
        phase1_exchange.reconcile(client(device), {"name": name, "exchange_interface_ip": True}, False)
    assert device.log == []


@pytest.mark.parametrize("address, problem", [
    ("fe80::1%port1", "an address with a zone index"),
    ("2001:db8::1/64", "not an IPv6 address"),
    ("ff02::1", "a multicast address"),
])
def test_exchange_ip_addr6_takes_a_plain_unicast_address(address, problem):
    device = lab()
    with pytest.raises(ReconcileError, match="exchange_ip_addr6: %r is %s" % (address, problem)):
        phase1_exchange.reconcile(client(device), {"name": "SiteA", "exchange_ip_addr6": address}, False)
    assert device.log == []


def exchange(device, check_mode=False, **params):
    return phase1_exchange.reconcile(client(device), dict({"name": "SiteA"}, **params), check_mode)


def test_first_run_changes_second_writes_nothing():
    device = lab()
    first = exchange(device, exchange_interface_ip=True)
    assert first["changed"] and first["exchange_interface_ip"] is True
    assert first["diff"] == {"before": {"exchange-interface-ip": "disable"}, "after": {"exchange-interface-ip": "enable"}}
    assert device.writes() == [("PUT", P1, "SiteA", {"exchange-interface-ip": "enable"})]
    device.log.clear()
    second = exchange(device, exchange_interface_ip=True)
    assert not second["changed"] and device.writes() == [] and second["requests"] == []


def test_check_mode_predicts_and_writes_nothing():
    device = lab()
    result = exchange(device, check_mode=True, exchange_ip_addr4="10.200.1.1")
    assert result["changed"] and device.writes() == []
    assert result["exchange_ip_addr4"] == "10.200.1.1"
    assert result["diff"]["after"] == {"exchange-ip-addr4": "10.200.1.1"}


def test_interface_ip_enabled_before_address_in_two_steps():
    device = lab()
    exchange(device, exchange_interface_ip=True, exchange_ip_addr4="10.200.1.1")
    assert [w[3] for w in device.writes()] == [{"exchange-interface-ip": "enable"}, {"exchange-ip-addr4": "10.200.1.1"}]


@pytest.fixture
def gated_device():
    """A release that accepts exchange-ip-addr4 only while exchange-interface-ip is enabled."""
    device = lab()

    def gated(method, path, mkey, body):
        if method == "PUT" and body and "exchange-ip-addr4" in body and \
                device.tables[P1][mkey]["exchange-interface-ip"] != "enable":
            return refusal(500, -651, "exchange-ip-addr4 is not available unless exchange-interface-ip enable\n"
                                      "Command fail. Return code -651")
        return None
    device.refuse.append(gated)
    return device


def test_gated_release_enables_interface_ip_first(gated_device):
    result = exchange(gated_device, exchange_ip_addr4="10.200.1.1")
    assert result["exchange_ip_addr4"] == "10.200.1.1" and result["exchange_interface_ip"] is True
    assert any("enabled exchange-interface-ip first" in w for w in result["warnings"])
    assert gated_device.tables[P1]["SiteA"]["exchange-ip-addr4"] == "10.200.1.1"


def test_gated_release_refuses_explicit_disable_without_writing(gated_device):
    with pytest.raises(ReconcileError, match="set exchange_interface_ip: true"):
        exchange(gated_device, exchange_interface_ip=False, exchange_ip_addr4="10.200.1.1")
    assert gated_device.tables[P1]["SiteA"]["exchange-ip-addr4"] == "0.0.0.0"


@pytest.mark.parametrize("params, message", [
    ({"exchange_ip_addr4": "10.0.0.300"}, "exchange_ip_addr4: '10.0.0.300' is not an IPv4 address"),
    ({"exchange_ip_addr6": "2001:db8::zz"}, "exchange_ip_addr6"),
    ({}, "nothing to manage"),
])
def test_bad_input_refused_before_any_request(params, message):
    device = lab()
    with pytest.raises(ReconcileError, match=message):
        exchange(device, **params)
    assert device.log == []


def test_unknown_tunnel_names_the_fix():
    device = lab()
    with pytest.raises(ReconcileError, match="phase1-interface nope does not exist.*create it first"):
        exchange(device, name="nope", exchange_interface_ip=True)
    assert device.writes() == []


def test_empty_address_unsets():
    device = lab()
    device.tables[P1]["SiteA"]["exchange-ip-addr4"] = "10.1.1.1"
    result = exchange(device, exchange_ip_addr4="")
    assert device.tables[P1]["SiteA"]["exchange-ip-addr4"] == "0.0.0.0" and result["exchange_ip_addr4"] == ""


def test_disabling_writes_the_address_first_then_interface_ip(gated_device):
    gated_device.tables[P1]["SiteA"].update({"exchange-interface-ip": "enable", "exchange-ip-addr4": "10.1.1.1"})
    result = exchange(gated_device, exchange_interface_ip=False, exchange_ip_addr4="")
    assert [w[3] for w in gated_device.writes()] == [{"exchange-ip-addr4": "0.0.0.0"}, {"exchange-interface-ip": "disable"}]
    assert result["exchange_interface_ip"] is False and result["exchange_ip_addr4"] == ""


def test_check_mode_warns_when_the_release_rule_matters():
    result = exchange(lab(), check_mode=True, exchange_ip_addr4="10.9.9.9")
    assert any("prediction assumes" in w for w in result["warnings"])


def test_ipv6_address_sent_and_compared_compressed():
    device = lab()
    result = exchange(device, exchange_ip_addr6="2001:DB8:0::1")
    assert device.writes()[-1][3] == {"exchange-ip-addr6": "2001:db8::1"} and result["exchange_ip_addr6"] == "2001:db8::1"
    device.log.clear()
    assert not exchange(device, exchange_ip_addr6="2001:db8::1")["changed"] and device.writes() == []

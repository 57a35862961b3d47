"""ipsec_phase1_exchange's logic: names and addresses refused before any request (issue 9)."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec import phase1_exchange
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError

from .cmdb_lab import client, lab


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

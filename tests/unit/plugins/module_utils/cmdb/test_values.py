"""Comparing FortiOS values in the spellings the device and the user give them."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import normalise, same


@pytest.mark.parametrize("attribute, wanted, current, equal", [
    ("ip", "10.0.0.1/24", "10.0.0.1 255.255.255.0", True),
    ("allowaccess", "ping https", "https ping", True),
    ("proposal", "aes256-sha256 aes128-sha1", "aes128-sha1 aes256-sha256", False),
    ("keylife", "86400", 86400, True),
    ("remote-as", 65000, "65000", True),
    ("status", True, "enable", True),
    ("srcintf", [{"name": "port1"}], [{"name": "port1", "q_origin_key": "port1"}], True),
    ("srcintf", [{"name": "port1"}], [{"name": "port2", "q_origin_key": "port2"}], False),
])
def test_value_comparison(attribute, wanted, current, equal):
    assert same(attribute, wanted, current) is equal
    assert (normalise(attribute, wanted) == normalise(attribute, current)) is equal

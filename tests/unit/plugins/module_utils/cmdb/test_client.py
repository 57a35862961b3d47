"""The CMDB client's messages: unknown VDOMs, long device errors, empty keys (issue 9)."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbClient, CmdbError

from .lab import P1, lab
from .fake_cmdb import refusal


def test_an_unknown_vdom_is_named_with_the_vdoms_the_device_has():
    device = lab()
    with pytest.raises(CmdbError) as caught:
        CmdbClient(device.send, vdom="custmer-a").get(P1, "SiteA")
    message = str(caught.value)
    assert "vdom 'custmer-a' does not exist on the device or this API user cannot see it" in message
    assert "VDOMs it shows: root, blue" in message and "write permission" not in message


def test_a_forbidden_request_in_an_existing_vdom_stays_a_permission_problem():
    device = lab()
    device.refuse.append(lambda m, p, k, b: refusal(403, -37, None) if m == "PUT" else None)
    with pytest.raises(CmdbError, match="access profile lacks write permission"):
        CmdbClient(device.send, vdom="blue").request("PUT", P1, "SiteA", {"comments": "x"})


def test_an_empty_key_never_reads_the_whole_table():
    device = lab()
    with pytest.raises(ValueError, match="empty key"):
        CmdbClient(device.send).get(P1, "")
    assert device.log == []


def test_long_words_of_a_device_error_are_cut():
    device = lab()
    device.refuse.append(lambda m, p, k, b: refusal(500, -651, "value parse error before '%s'" % ("x" * 5000)))
    with pytest.raises(CmdbError) as caught:
        CmdbClient(device.send).request("PUT", P1, "SiteA", {"comments": "x" * 5000})
    assert caught.value.field == "comments" and len(str(caught.value)) < 400 and "(5000 characters)" in str(caught.value)


@pytest.mark.parametrize("cli_error", ["Attribute 'remote-gw' Must be set", "remote-gw must be set"])
def test_a_missing_mandatory_attribute_is_named_as_the_refused_field(cli_error):
    error = CmdbError("POST", "vpn.ipsec/phase1-interface", 500,
                      {"status": "error", "error": -651, "cli_error": cli_error}, body={"name": "EDGE", "type": "static"})
    assert error.field == "remote-gw"

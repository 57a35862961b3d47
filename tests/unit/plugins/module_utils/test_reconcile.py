"""The reconcile engine and the module logic on an in-memory CMDB."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb import objects as cmdb_object
from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec import phase1_exchange, phase2_autonegotiate
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import normalise, same
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError, WriteError

from .cmdb_lab import P1, P2, client, lab
from .fake_cmdb import refusal


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


def gated(method, path, mkey, body):
    """A release that accepts exchange-ip-addr4 only while exchange-interface-ip is enabled."""
    if method == "PUT" and body and "exchange-ip-addr4" in body:
        return None if GATED_DEVICE.tables[P1][mkey]["exchange-interface-ip"] == "enable" else refusal(
            500, -651, "exchange-ip-addr4 is not available unless exchange-interface-ip enable\nCommand fail. Return code -651")
    return None


GATED_DEVICE = None


@pytest.fixture
def gated_device():
    global GATED_DEVICE
    GATED_DEVICE = lab()
    GATED_DEVICE.refuse.append(gated)
    return GATED_DEVICE


def test_gated_release_enables_interface_ip_first(gated_device):
    result = exchange(gated_device, exchange_ip_addr4="10.200.1.1")
    assert result["exchange_ip_addr4"] == "10.200.1.1" and result["exchange_interface_ip"] is True
    assert any("enabled exchange-interface-ip first" in w for w in result["warnings"])
    assert gated_device.tables[P1]["SiteA"]["exchange-ip-addr4"] == "10.200.1.1"


def test_gated_release_refuses_explicit_disable_without_writing(gated_device):
    with pytest.raises(ReconcileError, match="set exchange_interface_ip: true"):
        exchange(gated_device, exchange_interface_ip=False, exchange_ip_addr4="10.200.1.1")
    assert gated_device.tables[P1]["SiteA"]["exchange-ip-addr4"] == "0.0.0.0"


def test_failed_second_step_rolls_back_the_first():
    device = lab()
    device.refuse.append(lambda m, p, k, b: refusal(500, -651, "persistent failure")
                         if m == "PUT" and b and "exchange-ip-addr4" in b else None)
    with pytest.raises(WriteError, match="persistent failure.*1 earlier step\\(s\\) of this change were undone"):
        exchange(device, exchange_interface_ip=True, exchange_ip_addr4="10.200.1.1")
    assert device.tables[P1]["SiteA"]["exchange-interface-ip"] == "disable"
    assert [w[3] for w in device.writes()][-1] == {"exchange-interface-ip": "disable"}


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


def autoneg(device, check_mode=False, **params):
    return phase2_autonegotiate.reconcile(client(device), dict({"name": "SiteA", "kind": "auto"}, **params), check_mode)


def test_autonegotiate_reports_implied_keepalive():
    device = lab()
    result = autoneg(device, auto_negotiate=True, keepalive=False)
    assert result["auto_negotiate"] and not result["keepalive"] and result["keepalive_effective"]
    assert any("in effect anyway" in w for w in result["warnings"])
    assert device.tables[P2]["SiteA"]["auto-negotiate"] == "enable"


def test_autonegotiate_refused_on_dialup_before_any_write():
    device = lab()
    with pytest.raises(ReconcileError, match="dial-up server.*never be the initiator"):
        autoneg(device, name="HUB", auto_negotiate=True)
    assert device.writes() == []


def test_policy_based_phase2_found_when_kind_auto():
    device = lab()
    result = autoneg(device, name="policy-p2", keepalive=True)
    assert result["kind"] == "policy" and device.tables["vpn.ipsec/phase2"]["policy-p2"]["keepalive"] == "enable"


def test_unknown_phase2_names_both_tables():
    with pytest.raises(ReconcileError, match="nor phase2 \\(policy-based\\)"):
        autoneg(lab(), name="nope", keepalive=True)


def cmdb(device, check_mode=False, **params):
    base = {"update_secrets": "on_create", "state": "present", "objects": None}
    base.update(params)
    return cmdb_object.reconcile(client(device), base, check_mode)


def test_member_of_sub_table_without_touching_others():
    device = lab()
    cmdb(device, path="router/bgp/neighbor", mkey="10.0.0.2", config={"remote-as": "65000"})
    assert device.writes() == [("POST", "router/bgp/neighbor", None, {"remote-as": "65000", "ip": "10.0.0.2"})]
    assert set(device.tables["router/bgp/neighbor"]) == {"10.0.0.1", "10.0.0.2"}


def test_normalised_values_are_not_rewritten():
    device = lab()
    result = cmdb(device, path="system/interface", mkey="Lo0",
                  config={"ip": "10.200.1.1/32", "allowaccess": ["https", "ping"]})
    assert not result["changed"] and device.writes() == []


def test_unchanged_secret_not_rewritten_and_rotation_explicit():
    device = lab()
    assert not cmdb(device, path=P1, mkey="SiteA", secrets={"psksecret": "old"})["changed"]
    rotated = cmdb(device, path=P1, mkey="SiteA", secrets={"psksecret": "new"}, update_secrets="always")
    assert rotated["changed"] and device.tables[P1]["SiteA"]["psksecret"] == "new"
    assert "new" not in repr(rotated) and "old" not in repr(rotated["diff"])


def test_secret_in_config_is_refused_with_the_fix():
    with pytest.raises(ReconcileError, match="^config.psksecret is a secret: give it under secrets"):
        cmdb(lab(), path=P1, mkey="SiteA", config={"psksecret": "x"})


def test_secret_in_a_child_table_is_refused_with_its_path():
    with pytest.raises(ReconcileError, match="^config.neighbor\\[0\\].password is a secret"):
        cmdb(lab(), path="router/bgp", config={"neighbor": [{"ip": "10.0.0.9", "password": "s3cr3t"}]})


def test_any_attribute_given_as_secret_is_treated_as_one():
    device = lab()
    device.tables["system/interface"]["Lo0"]["auth-pwd"] = "ENC Zm9v"
    result = cmdb(device, path="system/interface", mkey="Lo0", secrets={"auth-pwd": "hunter22"})
    assert not result["changed"] and device.writes() == []
    rotated = cmdb(device, path="system/interface", mkey="Lo0", secrets={"auth-pwd": "hunter23"},
                   update_secrets="always")
    assert rotated["changed"] and "hunter23" not in repr(rotated) and "ENC Zm9v" not in repr(rotated["diff"])


def test_several_objects_checked_before_first_write():
    device = lab()
    with pytest.raises(ReconcileError, match="objects\\[1\\].*no such CMDB table"):
        cmdb(device, path=None, objects=[
            {"path": "system/interface", "mkey": "Lo1", "config": {"type": "loopback"}},
            {"path": "vpn.ipsec/phase9", "mkey": "x", "config": {"a": 1}},
        ])
    assert device.writes() == []


def test_singleton_and_absent():
    device = lab()
    result = cmdb(device, path="router/bgp", config={"router_id": "10.200.1.9"})
    assert result["changed"] and device.singletons["router/bgp"]["router-id"] == "10.200.1.9"
    cmdb(device, path="router/bgp/neighbor", mkey="10.0.0.1", state="absent")
    assert "10.0.0.1" not in device.tables["router/bgp/neighbor"]
    assert not cmdb(device, path="router/bgp/neighbor", mkey="10.0.0.1", state="absent")["changed"]


def test_device_error_message_names_object_field_and_cli_error():
    device = lab()
    device.refuse.append(lambda m, p, k, b: refusal(
        500, -651, "node_check_object fail! for interface port99\nCommand fail. Return code -651")
        if m == "PUT" else None)
    with pytest.raises(WriteError) as caught:
        cmdb(device, path=P1, mkey="SiteA", config={"interface": "port99"})
    message = str(caught.value)
    assert "vpn.ipsec/phase1-interface/SiteA (vdom root)" in message
    assert "FortiOS error -651 (input value is invalid)" in message and "field 'interface'" in message
    assert "node_check_object fail! for interface port99" in message


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


def test_a_failed_undo_says_the_object_is_half_written_what_it_holds_and_how_to_recover():
    device = lab()
    puts = []

    def second_and_third_put_fail(method, path, mkey, body):
        if method == "PUT":
            puts.append(body)
            if len(puts) > 1:
                return refusal(503, -1, None)
        return None
    device.refuse.append(second_and_third_put_fail)
    with pytest.raises(WriteError) as caught:
        exchange(device, exchange_interface_ip=True, exchange_ip_addr4="10.200.1.1")
    message = str(caught.value)
    assert message.startswith("phase1-interface SiteA: PUT vpn.ipsec/phase1-interface/SiteA (vdom root) failed: HTTP 503")
    assert "phase1-interface SiteA IS HALF-WRITTEN: undoing the earlier step(s) failed too (PUT " in message
    assert "It now holds (as read back): exchange-interface-ip='enable', exchange-ip-addr4='0.0.0.0'" in message
    assert "re-run the task" in message and "put back exchange-interface-ip='disable' by hand" in message
    assert caught.value.half_written and not caught.value.undone
    assert device.tables[P1]["SiteA"]["exchange-interface-ip"] == "enable"  # what the message says

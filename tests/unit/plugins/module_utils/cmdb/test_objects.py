"""cmdb_object's logic on the in-memory CMDB: names checked against the device's schema, keys
validated, objects named in every message, absent checks in one request (issue 9)."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb import objects as cmdb_object
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError, WriteError

from .lab import P1, client, lab
from .fake_cmdb import refusal


def cmdb(device, check_mode=False, **params):
    base = {"update_secrets": "on_create", "state": "present", "objects": None, "path": None, "mkey": None,
            "mkey_attribute": None, "config": None, "secrets": None}
    base.update(params)
    return cmdb_object.reconcile(client(device), base, check_mode)


def schema_reads(device):
    return [entry for entry in device.log if entry[0] == "GET" and entry[2] is None and entry[1] in (P1, "router/bgp", "system/interface")]


# ---- item 3: attribute names checked against the device's schema --------------------------------
@pytest.mark.parametrize("mkey", ["NEW", "SiteA"])
def test_a_misspelt_attribute_is_refused_with_the_closest_names(mkey):
    device = lab()
    with pytest.raises(ReconcileError) as caught:
        cmdb(device, path=P1, mkey=mkey, config={"remote_gateway": "10.0.0.9", "ike-version": "2"})
    message = str(caught.value)
    assert message.startswith("config: remote_gateway is not an attribute of vpn.ipsec/phase1-interface on this device")
    assert "closest: remote-gw" in message and "ike-version" not in message
    assert device.writes() == []


def test_misspelt_secrets_and_child_table_attributes_are_refused_too():
    device = lab()
    with pytest.raises(ReconcileError, match=r"objects\[0\].secrets: psksecrte is not an attribute .*closest: psksecret"):
        cmdb(device, objects=[{"path": P1, "mkey": "SiteA", "secrets": {"psksecrte": "x"}}])
    with pytest.raises(ReconcileError, match=r"config.neighbor\[0\]: remote_ass is not an attribute of router/bgp neighbor"):
        cmdb(device, path="router/bgp", config={"neighbor": [{"ip": "10.0.0.9", "remote_ass": "1"}]})
    assert device.writes() == []


def test_the_schema_is_read_once_per_task_and_not_at_all_when_nothing_changes():
    device = lab()
    cmdb(device, objects=[{"path": P1, "mkey": "T%d" % n, "config": {"interface": "port1", "remote-gw": "10.9.9.%d" % n}}
                          for n in range(3)])
    assert len([e for e in device.log if e[0] == "GET" and e[1] == P1 and e[2] is None]) == 1
    device.log.clear()
    again = cmdb(device, objects=[{"path": P1, "mkey": "T%d" % n, "config": {"interface": "port1"}} for n in range(3)])
    assert not again["changed"] and [e[0] for e in device.log] == ["GET"] * 3


def test_check_mode_refuses_a_misspelt_attribute_too():
    with pytest.raises(ReconcileError, match="not an attribute"):
        cmdb(lab(), check_mode=True, path="system/interface", mkey="Lo0", config={"alowaccess": "ping"})


# ---- item 7: keys validated before anything is written ------------------------------------------
@pytest.mark.parametrize("mkey, problem", [
    (["a", "b"], "must be a string or an integer, not a list"),
    ({"name": "a"}, "must be a string or an integer, not a dict"),
    (True, "must be a string or an integer, not a bool"),
    ("Lo\n1", r"holds a control character \('\\n' at position 2\)"),
    ("Lo\t1", "holds a control character"),
    (" Lo1", "starts or ends with spaces"),
])
def test_a_bad_key_is_refused_before_any_request(mkey, problem):
    device = lab()
    with pytest.raises(ReconcileError, match="objects\\[1\\].mkey .*" + problem):
        cmdb(device, objects=[{"path": "system/interface", "mkey": "Lo9", "config": {"type": "loopback"}},
                              {"path": "system/interface", "mkey": mkey, "config": {"type": "loopback"}}])
    assert device.log == []


def test_a_key_longer_than_the_table_allows_is_refused_before_writing():
    device = lab()
    with pytest.raises(ReconcileError, match="mkey 'tunnel-with-a-long-name' is 23 characters long; "
                                             "vpn.ipsec/phase1-interface keys have at most 15"):
        cmdb(device, path=P1, mkey="tunnel-with-a-long-name", config={"interface": "port1"})
    assert device.writes() == []


# ---- item 8: empty objects, and refusals name the object and the field ----------------------------
def test_an_empty_objects_list_says_so():
    with pytest.raises(ReconcileError, match="objects is empty: give at least one object"):
        cmdb(lab(), objects=[])


def test_a_refused_create_names_the_object_its_key_and_the_field():
    device = lab()
    device.refuse.append(lambda m, p, k, b: refusal(500, -651, "The string 'x' is too long (max 1)\nCommand fail. Return code -651")
                         if m == "POST" and p == P1 else None)
    with pytest.raises(WriteError) as caught:
        cmdb(device, objects=[{"path": "system/interface", "mkey": "Lo0", "config": {"description": "ok"}},
                              {"path": P1, "mkey": "NEW", "config": {"interface": "port1", "comments": "x"}}])
    message = str(caught.value)
    assert message.startswith("objects[1] (vpn.ipsec/phase1-interface NEW): POST vpn.ipsec/phase1-interface (vdom root) failed")
    assert "field 'comments'" in message and caught.value.device_error.field == "comments"


def test_a_top_level_object_is_not_called_objects_0():
    with pytest.raises(ReconcileError) as caught:
        cmdb(lab(), path="router/bgp", mkey="x", config={"as": "1"})
    assert str(caught.value) == "mkey: router/bgp is a singleton; remove mkey"


# ---- item 9: long values cut in messages --------------------------------------------------------
def test_a_refused_long_value_is_cut_in_the_message():
    device = lab()
    value = "c" * 100000
    device.refuse.append(lambda m, p, k, b: refusal(
        500, -651, "The string '%s' is too long (max 255)\nCommand fail. Return code -651" % value) if m == "PUT" else None)
    with pytest.raises(WriteError) as caught:
        cmdb(device, path=P1, mkey="SiteA", config={"comments": value})
    message = str(caught.value)
    assert len(message) < 500 and "(100000 characters)" in message and "field 'comments'" in message
    assert len(caught.value.device_error.cli_error) < 300


# ---- item 11: an absent check costs one request -------------------------------------------------
def test_removing_a_missing_object_costs_one_request():
    device = lab()
    result = cmdb(device, path="system/interface", mkey="Lo-gone", state="absent")
    assert not result["changed"] and [(e[0], e[1], e[2]) for e in device.log] == [("GET", "system/interface", "Lo-gone")]


def test_removing_an_existing_object_reads_it_once_then_deletes():
    device = lab()
    result = cmdb(device, path="system/interface", mkey="Lo0", state="absent")
    assert result["changed"] and [e[0] for e in device.log] == ["GET", "DELETE"]
    assert result["diff"][0]["before"] == {} and "Lo0" not in device.tables["system/interface"]


def test_absent_without_a_key_is_refused():
    with pytest.raises(ReconcileError, match="state=absent needs mkey"):
        cmdb(lab(), path="router/bgp", state="absent")


# ---- any table, singleton or member; secrets; several objects -------------------------------------
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

"""cmdb_info: whole tables in one GET each, secrets masked, unknown paths named."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbClient
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.info import read_tables
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError

from .fake_cmdb import FakeCmdb


def test_tables_read_with_one_get_each_and_secrets_masked():
    device = FakeCmdb(tables={"vpn.ipsec/phase1-interface": {"H1": {"name": "H1", "psksecret": "ENC abc"}}},
                      singletons={"router/bgp": {"as": "65001"}})
    client = CmdbClient(device.send)
    result = read_tables(client, {"tables": [{"path": "vpn.ipsec/phase1-interface", "filter": "comments=@x"},
                                             {"path": "/router/bgp/"}]})
    assert result["changed"] is False
    assert result["tables"]["vpn.ipsec/phase1-interface"][0]["psksecret"] == "********"
    assert result["tables"]["router/bgp"] == [{"as": "65001"}]
    assert [entry[0] for entry in device.log] == ["GET", "GET"] and client.requests == []


def test_unknown_table_is_named():
    client = CmdbClient(FakeCmdb().send)
    with pytest.raises(ReconcileError, match=r"tables\[0\].path 'router/nope': the device has no such CMDB table"):
        read_tables(client, {"tables": [{"path": "router/nope"}]})


def test_entry_keys_are_not_mistaken_for_secrets():
    device = FakeCmdb(tables={"router/static": {"7": {"seq-num": 7, "comment": "x"}}}, mkeys={"router/static": "seq-num"})
    (entry,) = read_tables(CmdbClient(device.send), {"tables": [{"path": "router/static"}]})["tables"]["router/static"]
    assert entry["q_origin_key"] == 7

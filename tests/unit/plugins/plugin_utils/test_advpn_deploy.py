"""The advpn_deploy role's controller-side logic: secrets filled from refs, stale objects, summary."""

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_deploy import (
    DeployError,
    module_objects,
    owned_filters,
    stale_objects,
    summary,
)

MARKER = "advpn:corp"
OWNED = {"marker": MARKER, "tables": [
    {"path": "system/interface", "attribute": "description"},
    {"path": "vpn.ipsec/phase1-interface", "attribute": "comments"},
    {"path": "vpn.ipsec/phase2-interface", "attribute": "comments"},
    {"path": "router/static", "attribute": "comment"},
    {"path": "firewall/policy", "attribute": "comments"},
]}


def plan(*objects):
    return {"fabric": "corp", "device": "HUB1", "objects": list(objects), "owned": OWNED}


PHASE1 = {"path": "vpn.ipsec/phase1-interface", "mkey": "EDGE_ISP1",
          "config": {"type": "dynamic", "comments": MARKER}, "secret_refs": {"psksecret": "psk"}}
PHASE2 = {"path": "vpn.ipsec/phase2-interface", "mkey": "EDGE_ISP1", "config": {"phase1name": "EDGE_ISP1"}}
SETTINGS = {"path": "system/settings", "config": {"location-id": "10.200.255.1"}}


def test_secret_refs_become_secrets_and_nothing_else_changes():
    objects = module_objects(plan(SETTINGS, PHASE1, PHASE2), {"psk": "s3cret"})
    assert objects == [
        {"path": "system/settings", "config": {"location-id": "10.200.255.1"}},
        {"path": "vpn.ipsec/phase1-interface", "mkey": "EDGE_ISP1", "config": {"type": "dynamic", "comments": MARKER},
         "secrets": {"psksecret": "s3cret"}},
        {"path": "vpn.ipsec/phase2-interface", "mkey": "EDGE_ISP1", "config": {"phase1name": "EDGE_ISP1"}},
    ]
    assert "secret_refs" in PHASE1  # the plan itself is not modified


@pytest.mark.parametrize("secrets", [{}, {"psk": ""}, None])
def test_a_missing_psk_fails_naming_the_object_and_where_to_give_it(secrets):
    with pytest.raises(DeployError) as error:
        module_objects(plan(SETTINGS, PHASE1), secrets)
    assert str(error.value) == (
        "advpn_plan.objects[1] (vpn.ipsec/phase1-interface EDGE_ISP1): psksecret needs the fabric secret 'psk', "
        "which is not set; give advpn_fabric.psk (from a vault) or set the environment variable "
        "OVERLAY_FORTIGATE_ADVPN_PSK on the controller")


def test_a_plan_without_objects_fails_clearly():
    with pytest.raises(DeployError, match="advpn_plan is not set for this host"):
        module_objects(None, {})
    with pytest.raises(DeployError, match=r"advpn_plan.objects\[0\] has no path"):
        module_objects(plan({"mkey": "x"}), {})


def test_owned_tables_are_read_filtered_on_the_marker():
    assert owned_filters(plan())[:2] == [
        {"path": "system/interface", "filter": "description=@advpn:corp"},
        {"path": "vpn.ipsec/phase1-interface", "filter": "comments=@advpn:corp"},
    ]
    with pytest.raises(DeployError, match="advpn_plan.owned must give marker"):
        owned_filters({"objects": []})


def device_tables(**extra):
    tables = {
        "system/interface": [
            {"name": "Lo0", "q_origin_key": "Lo0", "type": "loopback", "description": MARKER},
            {"name": "EDGE_ISP2", "q_origin_key": "EDGE_ISP2", "type": "tunnel", "description": MARKER},
        ],
        "vpn.ipsec/phase1-interface": [
            {"name": "EDGE_ISP1", "q_origin_key": "EDGE_ISP1", "comments": MARKER},
            {"name": "EDGE_ISP2", "q_origin_key": "EDGE_ISP2", "comments": MARKER},
            {"name": "HANDMADE", "q_origin_key": "HANDMADE", "comments": "made by hand, mentions advpn:corpx"},
        ],
        "vpn.ipsec/phase2-interface": [
            {"name": "EDGE_ISP1", "q_origin_key": "EDGE_ISP1", "comments": MARKER},
            {"name": "EDGE_ISP2", "q_origin_key": "EDGE_ISP2", "comments": "%s overlay ISP2" % MARKER},
        ],
        "router/static": [{"seq-num": 901, "q_origin_key": 901, "comment": MARKER},
                          {"seq-num": 7, "comment": "mine"}],
        "firewall/policy": [{"policyid": 903, "comments": MARKER}, {"policyid": 901, "comments": MARKER}],
    }
    tables.update(extra)
    return tables


def test_stale_objects_are_what_carries_the_marker_minus_the_plan_in_reverse_dependency_order():
    wanted = plan(SETTINGS, {"path": "system/interface", "mkey": "Lo0"}, PHASE1, PHASE2,
                  {"path": "router/static", "mkey": 901}, {"path": "firewall/policy", "mkey": 901})
    assert stale_objects(wanted, device_tables()) == [
        {"path": "firewall/policy", "mkey": 903, "state": "absent"},
        {"path": "vpn.ipsec/phase2-interface", "mkey": "EDGE_ISP2", "state": "absent"},
        {"path": "vpn.ipsec/phase1-interface", "mkey": "EDGE_ISP2", "state": "absent"},
    ]


def test_nothing_is_stale_when_the_plan_has_everything_the_fabric_owns():
    wanted = plan(*[{"path": path, "mkey": key} for path, key in [
        ("system/interface", "Lo0"), ("vpn.ipsec/phase1-interface", "EDGE_ISP1"),
        ("vpn.ipsec/phase1-interface", "EDGE_ISP2"), ("vpn.ipsec/phase2-interface", "EDGE_ISP1"),
        ("vpn.ipsec/phase2-interface", "EDGE_ISP2"), ("router/static", "901"), ("firewall/policy", 901),
        ("firewall/policy", 903)]])
    assert stale_objects(wanted, device_tables()) == []


def test_an_empty_plan_removes_everything_the_fabric_owns_and_only_that():
    stale = stale_objects(plan(), device_tables())
    assert [(item["path"], item["mkey"]) for item in stale] == [
        ("firewall/policy", 901), ("firewall/policy", 903),
        ("router/static", 901),
        ("vpn.ipsec/phase2-interface", "EDGE_ISP2"), ("vpn.ipsec/phase2-interface", "EDGE_ISP1"),
        ("vpn.ipsec/phase1-interface", "EDGE_ISP2"), ("vpn.ipsec/phase1-interface", "EDGE_ISP1"),
        ("system/interface", "Lo0"),
    ]


def test_tables_the_role_does_not_know_are_deleted_before_known_ones():
    owned = dict(OWNED, tables=OWNED["tables"] + [{"path": "system/sdwan/zone", "attribute": "comment"}])
    stale = stale_objects(dict(plan(), owned=owned),
                          device_tables(**{"system/sdwan/zone": [{"name": "overlay", "comment": MARKER}]}))
    assert stale[0] == {"path": "system/sdwan/zone", "mkey": "overlay", "state": "absent"}


def test_a_table_missing_from_the_read_is_an_error():
    tables = device_tables()
    del tables["router/static"]
    with pytest.raises(DeployError, match="router/static"):
        stale_objects(plan(), tables)


def test_summary_counts_actions_tables_and_write_requests():
    written = {"changed": True, "requests": [{"method": "POST"}, {"method": "PUT"}], "results": [
        {"path": "system/interface", "mkey": "Lo0", "action": "create"},
        {"path": "router/bgp", "mkey": None, "action": "update"},
        {"path": "router/bgp/network", "mkey": 1, "action": "none"},
    ]}
    removed = {"changed": True, "requests": [{"method": "DELETE"}], "results": [
        {"path": "vpn.ipsec/phase1-interface", "mkey": "EDGE_ISP2", "action": "delete"}]}
    assert summary(written, removed) == {
        "objects": 4, "unchanged": 1, "actions": {"create": 1, "update": 1, "delete": 1},
        "tables": {"system/interface": {"create": 1}, "router/bgp": {"update": 1},
                   "vpn.ipsec/phase1-interface": {"delete": 1}},
        "changed": ["create system/interface Lo0", "update router/bgp", "delete vpn.ipsec/phase1-interface EDGE_ISP2"],
        "write_requests": 3,
    }
    assert summary(written, {"skipped": True})["write_requests"] == 2


def test_tables_without_comments_are_owned_by_id_range_and_read_unfiltered():
    owned = {"marker": MARKER, "tables": [{"path": "router/bgp/network", "attribute": None, "mkey_range": [1000, 1999]}]}
    ranged = {"objects": [{"path": "router/bgp/network", "mkey": 1000}], "owned": owned}
    assert owned_filters(ranged) == [{"path": "router/bgp/network"}]
    networks = [{"id": 1000, "q_origin_key": 1000}, {"id": 1001, "q_origin_key": 1001},
                {"id": 5, "q_origin_key": 5}, {"id": 2000, "q_origin_key": 2000}]
    assert stale_objects(ranged, {"router/bgp/network": networks}) == [
        {"path": "router/bgp/network", "mkey": 1001, "state": "absent"}]


def test_a_table_with_neither_attribute_nor_range_is_refused():
    owned = {"marker": MARKER, "tables": [{"path": "router/bgp/network", "attribute": None}]}
    with pytest.raises(DeployError, match=r"owned.tables\[0\] needs path and either attribute .* or mkey_range"):
        owned_filters({"owned": owned})

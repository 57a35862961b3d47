"""ipsec_phase2_autonegotiate's logic on the in-memory CMDB: the phase2 it finds, what it refuses."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec import phase2_autonegotiate
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError

from ..cmdb.lab import P2, client, lab


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_name_is_refused_before_any_request(name):
    device = lab()
    with pytest.raises(ReconcileError, match="name is empty: give the phase2 name"):
        phase2_autonegotiate.reconcile(client(device), {"name": name, "kind": "auto", "auto_negotiate": True}, False)
    assert device.log == []


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

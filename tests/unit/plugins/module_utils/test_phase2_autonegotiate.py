"""ipsec_phase2_autonegotiate's logic: an empty name never acts on another phase2 (issue 9)."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec import phase2_autonegotiate
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError

from .cmdb_lab import client, lab


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_name_is_refused_before_any_request(name):
    device = lab()
    with pytest.raises(ReconcileError, match="name is empty: give the phase2 name"):
        phase2_autonegotiate.reconcile(client(device), {"name": name, "kind": "auto", "auto_negotiate": True}, False)
    assert device.log == []

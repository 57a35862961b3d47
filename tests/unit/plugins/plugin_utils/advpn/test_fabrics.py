"""Several fabrics in one inventory are planned independently; a hub of another fabric is refused."""

import copy

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import IntentError, build_plans

from .support import INTENTS, load


def lab_hosts(hubs=None):
    """The single-hub intent with its hosts renamed LAB-*, so it can share an inventory with corp."""
    lab = {}
    for name, hostvars in copy.deepcopy(load(INTENTS / "single_hub.yml")["hosts"]).items():
        hostvars["advpn_fabric"]["hubs"] = hubs or ["LAB-HUB"]
        lab["LAB-" + name] = hostvars
    return lab


def test_two_fabrics_planned_as_if_alone():
    corp = load(INTENTS / "dual_hub.yml")["hosts"]
    both = build_plans(dict(corp, **lab_hosts()))
    assert sorted(both["corp"]) == sorted(corp) and sorted(both["lab"]) == ["LAB-HUB", "LAB-SPOKE1", "LAB-SPOKE2"]
    assert both == {"corp": build_plans(corp)["corp"], "lab": build_plans(lab_hosts())["lab"]}


def test_hub_of_another_fabric_is_not_a_member():
    corp = load(INTENTS / "dual_hub.yml")["hosts"]
    with pytest.raises(IntentError) as caught:
        build_plans(dict(corp, **lab_hosts(hubs=["HUB1"])))  # corp's hub
    assert caught.value.errors[0] == (
        "LAB-HUB: advpn_fabric.hubs: HUB1 is not in the inventory (or its advpn_fabric.name differs); add it with "
        "advpn_fabric.name lab to the inventory, or remove it from advpn_fabric.hubs")

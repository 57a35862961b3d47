"""The advpn_design action's own logic: which hosts form a fabric, the PSK kept out, CLI files."""

import copy

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.overlay.fortigate.plugins.action.advpn_design import collect_hosts, write_configs
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import build_plans

from ..plugin_utils.advpn.support import INTENTS, load

PSK = "s3cret-value"


def inventory():
    hosts = copy.deepcopy(load(INTENTS / "dual_hub.yml")["hosts"])
    for hostvars in hosts.values():
        hostvars["advpn_fabric"]["psk"] = PSK
        hostvars["ansible_host"] = "192.0.2.1"
    hosts["jumphost"] = {"ansible_host": "192.0.2.9"}
    return hosts


def test_members_are_play_hosts_plus_the_hubs_they_name():
    hosts = collect_hosts(inventory(), ["SPOKE1", "jumphost"])
    assert sorted(hosts) == ["HUB1", "HUB2", "SPOKE1"]
    assert set(hosts["SPOKE1"]) == {"advpn_fabric", "advpn_site_id", "advpn_wan", "advpn_lans"}
    # The key itself never leaves the inventory: only the fact that there is one.
    assert all(vars_["advpn_fabric"]["psk"] is True for vars_ in hosts.values())
    assert PSK not in repr(build_plans(hosts))


def test_a_spoke_alone_in_the_play_gets_the_same_plan_as_in_the_whole_fabric():
    alone = build_plans(collect_hosts(inventory(), ["SPOKE1"]))["corp"]["SPOKE1"]
    whole = build_plans(collect_hosts(inventory(), list(inventory())))["corp"]["SPOKE1"]
    assert alone["objects"] == whole["objects"] and alone["cli"] == whole["cli"]


def test_config_files_written_only_when_changed(tmp_path):
    plans = build_plans(collect_hosts(inventory(), list(inventory())))
    target = tmp_path / "intended"
    assert write_configs(str(target), plans, check_mode=True) and not target.exists()
    written = write_configs(str(target), plans, check_mode=False)
    assert sorted(p.rsplit("/", 1)[1] for p in written) == ["HUB1.cfg", "HUB2.cfg", "SPOKE1.cfg", "SPOKE2.cfg",
                                                            "SPOKE3.cfg", "SPOKE4.cfg"]
    assert (target / "HUB1.cfg").read_text() == plans["corp"]["HUB1"]["cli"]
    assert write_configs(str(target), plans, check_mode=False) == []
    (target / "SPOKE2.cfg").write_text("edited by hand\n")
    assert write_configs(str(target), plans, check_mode=False) == [str(target / "SPOKE2.cfg")]


def test_unknown_host_named():
    with pytest.raises(AnsibleActionFail, match="hosts: NOPE not in the inventory"):
        collect_hosts(inventory(), ["SPOKE1", "NOPE"])

"""The CMDB's refusals in FortiOS's own words (simulator/README.md "Error messages and their
evidence"): each text the simulator prints, through the store (REST's ``cli_error``) and the CLI."""

from __future__ import annotations

import pytest
from fortigate_sim import cli_lang
from fortigate_sim.behaviour import Behaviour
from fortigate_sim.enc import SecretBox
from fortigate_sim.errors import CmdbError
from fortigate_sim.schema import TABLES
from fortigate_sim.store import DeviceStore, Target

PHASE1 = {"name": "T1", "interface": "port1", "remote-gw": "192.0.2.1", "proposal": "aes256-sha256",
          "psksecret": "lab-psk-1"}


def _store():
    store = DeviceStore("7.4.4", Behaviour.for_version("7.4.4"), SecretBox(SecretBox.new_key()))
    store.write(Target(TABLES["system/interface"], "root"), {"name": "port1", "type": "physical"},
                create=True, origin="lab")
    return store


def _refusal(store, path, body, create=True, mkey=None) -> CmdbError:
    with pytest.raises(CmdbError) as info:
        store.write(Target(TABLES[path], "root", mkey), body, create=create, origin="rest")
    return info.value


def test_a_missing_required_attribute_is_named_as_fortios_test_automation_expects():
    store = _store()
    body = {key: value for key, value in PHASE1.items() if key != "remote-gw"}
    refused = _refusal(store, "vpn.ipsec/phase1-interface", body)
    assert refused.cli_error == "Attribute 'remote-gw' Must be set\nCommand fail. Return code -651\n"


def test_commit_time_checks_use_the_node_check_object_line():
    store = _store()
    refused = _refusal(store, "system/interface", {"name": "port9", "type": "physical"})
    assert refused.cli_error == "node_check_object fail! for type physical\nCommand fail. Return code -651\n"
    vlan = {"name": "vl1", "type": "vlan", "interface": "port1", "vlanid": 10}
    store.write(Target(TABLES["system/interface"], "root"), vlan, create=True, origin="rest")
    changed = _refusal(store, "system/interface", {"type": "loopback"}, create=False, mkey="vl1")
    assert changed.cli_error == "node_check_object fail! for type loopback\nCommand fail. Return code -651\n"


def test_value_checks_without_a_known_text_use_the_value_parse_error():
    store = _store()
    refused = _refusal(store, "vpn.ipsec/phase1-interface", {**PHASE1, "comments": "c" * 2000})
    assert refused.cli_error == f"value parse error before '{'c' * 2000}'\nCommand fail. Return code -651\n"
    forged = _refusal(store, "vpn.ipsec/phase1-interface", {**PHASE1, "psksecret": "ENC AAAA"})
    assert forged.cli_error == "value parse error before 'ENC'\nCommand fail. Return code -651\n"


def test_refusals_without_a_reason_line_print_the_return_code_alone():
    store = _store()
    with pytest.raises(CmdbError) as info:
        store.delete(Target(TABLES["system/interface"], "root", "port1"), origin="rest")
    assert info.value.cli_error == "Command fail. Return code -651\n"
    store.write(Target(TABLES["vpn.ipsec/phase1-interface"], "root"), PHASE1, create=True, origin="rest")
    again = _refusal(store, "vpn.ipsec/phase1-interface", PHASE1)
    # REST: HTTP 500, error -5 and no text (terraform-provider-fortios issue #244); CLI: the code alone.
    assert (again.http_status, again.error, again.with_cli_error) == (500, -5, False)
    assert again.cli_error == "Command fail. Return code -5\n"


def test_a_set_without_a_value_is_an_incomplete_command():
    with pytest.raises(cli_lang.CliError) as info:
        cli_lang.execute(_store(), cli_lang.parse("config system interface\n edit port1\n set mtu\n next\nend\n"))
    assert (info.value.message, info.value.code) == ("incomplete command in the end", -160)


def test_a_word_out_of_place_is_a_command_parse_error():
    with pytest.raises(cli_lang.CliError) as info:
        cli_lang.execute(_store(), cli_lang.parse("config system interface\n rename port1\nend\n"))
    assert info.value.message == "command parse error before 'rename'"

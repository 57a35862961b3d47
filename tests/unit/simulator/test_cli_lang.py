"""The FortiOS CLI configuration language on its own (no lab process needed)."""

from __future__ import annotations

import pytest

from fortigate_sim import cli_lang
from fortigate_sim.behaviour import Behaviour
from fortigate_sim.enc import SecretBox
from fortigate_sim.schema import TABLES
from fortigate_sim.store import DeviceStore, Target

CONFIG = r'''
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip 10.200.1.1/32
        set allowaccess ping
        append allowaccess https
        set description "say \"hi\" there"
    next
end
config vpn ipsec phase1-interface
    edit "HUB 1"
        set type dynamic
        set interface "port1"
        set ike-version 2
        set peertype any
        set proposal aes256-sha256 aes128-sha256
        set add-route disable
        set exchange-ip-addr4 10.200.1.1
        set network-overlay enable
        set network-id 9
        set psksecret 'pre shared'
    next
end
config router bgp
    set as 65000
    set router-id 10.200.1.1
    config neighbor-group
        edit "EDGE"
            set remote-as 65000
            set update-source "Lo0"
        next
    end
    config neighbor-range
        edit 1
            set prefix 10.200.0.0 255.255.255.0
            set neighbor-group "EDGE"
        next
    end
end
config firewall policy
    edit 5
        set srcintf "port1" "HUB 1"
        set dstintf "port1"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
        set action accept
        unselect srcintf "port1"
    end
'''


def _store():
    store = DeviceStore("7.4.4", Behaviour.for_version("7.4.4"), SecretBox(SecretBox.new_key()))
    store.write(Target(TABLES["system/interface"], "root"), {"name": "port1", "type": "physical"},
                create=True, origin="lab")
    return store


def test_tokenize_quotes_and_escapes():
    assert cli_lang.tokenize(r'set description "say \"hi\"" x') == ["set", "description", 'say "hi"', "x"]
    assert cli_lang.tokenize("set psksecret 'a b'") == ["set", "psksecret", "a b"]
    with pytest.raises(cli_lang.CliSyntaxError):
        cli_lang.tokenize('set alias "open', 3)


def test_execute_and_render_round_trip():
    store = _store()
    cli_lang.execute(store, cli_lang.parse(CONFIG))
    lo0 = store.read(Target(TABLES["system/interface"], "root", "Lo0"))
    assert lo0["ip"] == "10.200.1.1 255.255.255.255" and lo0["allowaccess"] == "ping https"
    assert lo0["description"] == 'say "hi" there'
    hub = store.read(Target(TABLES["vpn.ipsec/phase1-interface"], "root", "HUB 1"))
    assert hub["network-id"] == 9 and hub["psksecret"].startswith("ENC ")
    assert store.reveal(hub["psksecret"]) == "pre shared"
    assert store.exists("system/interface", "root", "HUB 1")  # tunnel interface side effect
    policy = store.read(Target(TABLES["firewall/policy"], "root", 5))
    assert policy["srcintf"] == [{"name": "HUB 1"}]  # `end` closed the edit and the config

    text = cli_lang.render(store)
    assert 'edit "HUB 1"' in text and "set psksecret ENC " in text and "set network-id 9" in text
    assert "set keylife" not in text  # defaults are not shown
    replay = _store()
    replay.box = store.box
    cli_lang.execute(replay, cli_lang.parse(text))
    assert replay.to_state() == store.to_state()
    assert "set keylife 86400" in cli_lang.render(store, full=True)


@pytest.mark.parametrize("text, fragment", [
    ("config system interface\n edit port9\n set type bogus\n next\nend\n", "line 2"),
    ("config vpn ipsec phase2-interface\n edit p2\n set phase1name nope\n next\nend\n", "node_check_object"),
    ("config no such\nend\n", "line 1: command parse error before 'no'"),
    ("config system interface\n edit port1\n set mtu 1500\n", "missing"),
    ("set hostname x\n", "inside a 'config' block"),
])
def test_errors_name_the_line(text, fragment):
    with pytest.raises(ValueError) as info:
        cli_lang.execute(_store(), cli_lang.parse(text))
    assert fragment in str(info.value)

"""Issue 11 §2.6: ``show`` prints attributes in FortiOS's order, whatever order they were set in.

Each case is the sequence of attribute names in a Fortinet administration-guide configuration
example (URL given); the configuration is typed in reverse order and ``show`` must give them back in
the example's order.
"""

from __future__ import annotations

import pytest

from fortigate_sim import cli_lang
from fortigate_sim.behaviour import Behaviour
from fortigate_sim.enc import SecretBox
from fortigate_sim.schema import TABLES
from fortigate_sim.store import DeviceStore, Target

ADVPN_GUIDE = "https://docs.fortinet.com/document/fortigate/7.4.3/administration-guide/677459"
BGP_GUIDE = "https://docs.fortinet.com/document/fortigate/7.0.3/administration-guide/773406"

CASES = [
    (ADVPN_GUIDE, "vpn ipsec phase1-interface", '"advpn-hub"', [
        ("type", "dynamic"), ("interface", '"port9"'), ("peertype", "any"), ("net-device", "enable"),
        ("proposal", "aes128-sha256 aes256-sha256"), ("add-route", "disable"), ("dpd", "on-idle"),
        ("auto-discovery-sender", "enable"), ("psksecret", "sample"), ("dpd-retryinterval", "5")]),
    (ADVPN_GUIDE, "vpn ipsec phase2-interface", '"advpn-hub"', [
        ("phase1name", '"advpn-hub"'), ("proposal", "aes128-sha1 aes256-sha256"), ("auto-negotiate", "enable"),
        ("src-subnet", "10.1.100.0 255.255.255.0"), ("dst-subnet", "172.16.101.0 255.255.255.0")]),
    (ADVPN_GUIDE, "router static", "1", [("gateway", "22.1.1.2"), ("device", '"port9"')]),
    (BGP_GUIDE, "router bgp", None, [
        ("as", "65505"), ("router-id", "11.11.11.11"), ("ibgp-multipath", "enable")]),
    (BGP_GUIDE, "router bgp neighbor-group", '"gr1"', [
        ("capability-default-originate", "enable"), ("remote-as", "65505"), ("route-reflector-client", "enable")]),
    (BGP_GUIDE, "router bgp neighbor-range", "1", [
        ("prefix", "10.10.0.0 255.255.0.0"), ("neighbor-group", '"gr1"')]),
]


def _store() -> DeviceStore:
    store = DeviceStore("7.4.4", Behaviour.for_version("7.4.4"), SecretBox(SecretBox.new_key()))
    for port in ("port9", "port10"):
        store.write(Target(TABLES["system/interface"], "root"), {"name": port, "type": "physical"},
                    create=True, origin="lab")
    return store


def _config(path: str, key: str | None, settings: list[tuple[str, str]]) -> str:
    words = path.split()
    body = [f"set {name} {value}" for name, value in reversed(settings)]
    if words[:2] == ["router", "bgp"] and len(words) == 3:  # a child table of the singleton
        lines = ["config router bgp", "set as 65505", f"config {words[2]}", f"edit {key}", *body, "next", "end", "end"]
        if words[2] == "neighbor-range":
            lines = ["config router bgp", "set as 65505", "config neighbor-group", 'edit "gr1"', "set remote-as 65505",
                     "next", "end", "config neighbor-range", f"edit {key}", *body, "next", "end", "end"]
        return "\n".join(lines) + "\n"
    if key is None:
        return "\n".join([f"config {path}", *body, "end"]) + "\n"
    return "\n".join([f"config {path}", f"edit {key}", *body, "next", "end"]) + "\n"


@pytest.mark.parametrize("source, path, key, settings", CASES, ids=[f"{c[1]}" for c in CASES])
def test_show_prints_attributes_in_the_documented_order(source, path, key, settings):
    store = _store()
    if path == "vpn ipsec phase2-interface":
        cli_lang.execute(store, cli_lang.parse(_config("vpn ipsec phase1-interface", key, [
            ("type", "dynamic"), ("interface", '"port9"'), ("proposal", "aes128-sha256"), ("psksecret", "x")])))
    cli_lang.execute(store, cli_lang.parse(_config(path, key, settings)))
    shown = cli_lang.render(store)
    section = shown[shown.index(f"config {' '.join(path.split()[:3 if path.startswith('vpn') else 2])}"):]
    if path.startswith("router bgp "):
        section = section[section.index(f"config {path.split()[2]}"):]
    names = [line.split()[1] for line in section.splitlines() if line.strip().startswith("set ")]
    wanted = [name for name, _value in settings]
    assert [name for name in names if name in wanted][:len(wanted)] == wanted, (source, names)

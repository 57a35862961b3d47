"""``run_operational_command``: FortiOS abbreviations, unknown input, grep, the other views."""

from __future__ import annotations

import re

import pytest

KB = "kb-exchange-interface-ip"


@pytest.fixture
def kb(model_labs):
    return model_labs(KB)


def raw(lab, device: str, command: str):
    return lab.admin("POST", f"/devices/{device}/command", {"command": command})["output"]


@pytest.mark.parametrize("abbreviated, full", [
    ("diag vpn ike gate list", "diagnose vpn ike gateway list"),
    ("d vpn ike g l", "diagnose vpn ike gateway list"),
    ("diag vpn ike gate list name SiteA-to-SiteB", "diagnose vpn ike gateway list name SiteA-to-SiteB"),
    ("get vpn ipsec tun sum", "get vpn ipsec tunnel summary"),
    ("get rout info routing-table al", "get router info routing-table all"),
    ("get sys stat", "get system status"),
    ("diag vpn tunnel list", "diagnose vpn tunnel list"),
    ("diagnose vpn tu li name SiteA-to-SiteB", "diagnose vpn tunnel list name SiteA-to-SiteB"),
])
def test_abbreviations_fortios_accepts_give_the_full_commands_output(kb, abbreviated, full):
    expected = raw(kb, "FGT_1", full)
    assert expected and raw(kb, "FGT_1", abbreviated) == expected


@pytest.mark.parametrize("command", [
    "e ping 1.1.1.2",  # execute/exit/end
    "get s status",  # system/switch-controller/sctp-filter
    "get system sta",  # status/startup-error-log
    "diagnose vpn tunnel l",  # list/log
    "diagnose vpn ike gateway list name",  # name without a value
    "show vpn ipsec phase1-interface",  # configuration, not operational
    "config vpn ipsec phase1-interface", "frobnicate", "", "get system status extra",
])
def test_unknown_or_ambiguous_lines_give_none(kb, command):
    assert raw(kb, "FGT_1", command) is None


def test_unknown_device_or_vdom_gives_none(kb):
    assert kb.admin("POST", "/devices/FGT_1/command", {"command": "get system status", "vdom": "nope"})["output"] is None


def test_grep_like_fortios(kb):
    assert kb.cli("FGT_1", "get system status | grep 'Virtual domain configuration'") == \
        "Virtual domain configuration: disable\n"
    assert kb.cli("FGT_1", "get system status | grep -v Virtual | grep -i ^hostname") == "Hostname: FGT_1\n"
    assert kb.cli("FGT_1", "get system status | grep -c ^Version") == "1\n"
    status = kb.cli("FGT_1", "get system status")
    assert status.startswith("Version: FortiGate-VM64 v7.4.4,build2662,")
    assert re.search(r"^Serial-Number: FGVM\w+$", status, re.M) and "Hostname: FGT_1\n" in status


def test_gateway_list_name_filter_and_empty_result(kb):
    assert kb.cli("FGT_1", "diagnose vpn ike gateway list name nope") == ""
    assert "name: SiteA-to-SiteB\n" in kb.cli("FGT_1", "diagnose vpn ike gateway list name SiteA-to-SiteB")


def test_cli_clock_and_exec_subcommands(kb):
    from conftest import sim
    shown = sim("exec", "--workdir", str(kb.workdir), "--device", "FGT2", "get", "vpn", "ipsec", "tunnel", "summary")
    assert shown.stdout.startswith("'SiteB-to-SiteA' 10.47.2.86:0  selectors(total,up): 1/")
    before = kb.admin("GET", "/clock")["now"]
    moved = sim("clock", "--workdir", str(kb.workdir), "--advance", "60")
    assert "speed 0x" in moved.stdout and kb.admin("GET", "/clock")["now"] == pytest.approx(before + 60)
    assert sim("exec", "--workdir", str(kb.workdir), "--device", "FGT2", "nonsense", check=False).returncode == 1
    explained = sim("model", "--workdir", str(kb.workdir)).stdout
    assert "static   FGT_1/root SiteA-to-SiteB <-> FGT2/root SiteB-to-SiteA (aes128-sha256" in explained
    assert kb.admin("GET", "/model")["phase1_without_peer"] == []

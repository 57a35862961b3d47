"""The SSH server's CLI session on in-memory devices (no lab process): config contexts and
commits through the CMDB store, show/get, pipes, and FortiOS's error lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from fortigate_sim.cli_grep import apply_pipes, split_pipes
from fortigate_sim.cli_session import CliSession, ConsoleSettings
from fortigate_sim.commands import run_operational_command
from fortigate_sim.device import Device
from fortigate_sim.enc import SecretBox
from fortigate_sim.lab import load_lab

LAB = Path(__file__).resolve().parents[2] / "integration" / "connection" / "labs" / "connection-lab.yml"


class _Lab:
    def __init__(self):
        _name, specs = load_lab(LAB, None)
        box = SecretBox(SecretBox.new_key())
        self.devices = {spec.name: Device(spec, box, None) for spec in specs}
        for device in self.devices.values():
            device.load()


@pytest.fixture
def session():
    lab = _Lab()

    def open_session(device="FGT_CLI"):
        return CliSession(lab, lab.devices[device], ConsoleSettings(), run_operational_command)

    return open_session


def run(cli: CliSession, text: str) -> str:
    """Run several lines; return the output of the last one."""
    output = ""
    for line in text.strip().splitlines():
        output = cli.execute(line.strip())
    return output


def test_singleton_with_child_tables_commits_at_end(session):
    cli = session()
    run(cli, """
        config router bgp
        set as 65001
        config neighbor
        edit 10.0.0.2
        set remote-as 65002
        next
        end
    """)
    assert cli.prompt == "FGT_CLI (bgp) # "
    assert run(cli, "show") == ""  # `show` inside a context: the stored state, nothing yet
    assert run(cli, "end") == "" and cli.prompt == "FGT_CLI # "
    shown = run(cli, "show router bgp")
    assert "    set as 65001\n" in shown
    assert '        edit "10.0.0.2"\n            set remote-as 65002\n' in shown


def test_abort_discards_a_pending_singleton(session):
    cli = session()
    before = run(cli, "show router bgp")
    run(cli, "config router bgp\nset as 65009\nabort")
    assert cli.prompt == "FGT_CLI # " and run(cli, "show router bgp") == before


def test_end_inside_edit_commits_and_leaves_the_table(session):
    cli = session()
    run(cli, "config firewall address\nedit net1\nset subnet 10.1.0.0/16")
    assert run(cli, "end") == "" and cli.prompt == "FGT_CLI # "
    assert "set subnet 10.1.0.0 255.255.0.0" in run(cli, "show firewall address net1")


def test_refused_commit_stays_in_the_entry(session):
    cli = session()
    run(cli, "config vpn ipsec phase2-interface\nedit p2\nset proposal aes256-sha256")
    output = run(cli, "next")
    assert output.startswith("Attribute 'phase1name' Must be set") and output.endswith("Command fail. Return code -651\n")
    assert cli.prompt == "FGT_CLI (p2) # "
    run(cli, 'set phase1name "SiteA-to-SiteB"')
    assert run(cli, "next") == "" and cli.prompt == "FGT_CLI (phase2-interface) # "


def test_a_set_without_its_value_is_an_incomplete_command(session):
    cli = session()
    run(cli, "config system interface\nedit port1")
    assert run(cli, "set mtu") == "incomplete command in the end\nCommand fail. Return code -160\n"


def test_delete_rename_and_in_use(session):
    cli = session()
    run(cli, "config firewall address\nedit a1\nset subnet 10.9.0.0/16\nnext")
    assert run(cli, "rename a1 to a2") == ""
    assert run(cli, "delete a2") == ""
    assert run(cli, "delete a2").startswith("entry not found in datasource")
    run(cli, "end")
    output = run(cli, "config vpn ipsec phase1-interface\ndelete SiteA-to-SiteB")
    assert output == "The entry is used by other 1 entries\nCommand fail. Return code -23\n"  # real CLI wording


def test_auto_numbered_entries(session):
    cli = session()
    run(cli, "config router static")
    assert run(cli, "edit 0") == "new entry '1' added\n" and cli.prompt == "FGT_CLI (1) # "
    run(cli, "set device port1\nset gateway 10.47.2.1\nnext")
    assert run(cli, "edit 0") == "new entry '2' added\n"
    assert run(cli, "abort") == "" and cli.prompt == "FGT_CLI (static) # "


def test_unknown_paths_and_attributes(session):
    cli = session()
    assert run(cli, "config system interfacez") == (
        "command parse error before 'interfacez'\nCommand fail. Return code -61\n")
    assert run(cli, "show vpn ipsec phase3-interface").startswith("command parse error before 'phase3-interface'")
    assert run(cli, "next") == "Unknown action 0\n"
    run(cli, "config vpn ipsec phase1-interface\nedit SiteA-to-SiteB")
    assert run(cli, "set name other").startswith("command parse error before 'name'")
    assert run(cli, "set keylife 5") == "value parse error before '5'\nCommand fail. Return code -651\n"
    assert run(cli, "set ike-version 3") == "value parse error before '3'\nCommand fail. Return code -651\n"
    assert run(cli, "config neighbor").startswith("command parse error before 'neighbor'")
    run(cli, "abort\nend")


def test_console_settings_are_shared_per_device(session):
    console = ConsoleSettings()
    first = session()
    first.console = console
    run(first, "config system console\nset output standard")
    assert run(first, "get system console | grep output") == "output              : standard\n"
    assert console.paging  # not before `end`
    run(first, "end")
    assert not console.paging
    assert run(first, "show system console") == "config system console\n    set output standard\nend\n"


def test_exit_closes_the_session(session):
    cli = session()
    run(cli, "config system interface\nexit")
    assert cli.closed


@pytest.mark.parametrize("line, command, stages", [
    ("show | grep x", "show", ["grep x"]),
    ('show | grep "a|b" | grep -v c', "show", ['grep "a|b"', "grep -v c"]),
    ("get system status", "get system status", []),
])
def test_split_pipes(line, command, stages):
    assert split_pipes(line) == (command, stages)


def test_grep_options():
    text = "alpha\nbeta\ngamma\ndelta\n"
    assert apply_pipes(text, ["grep -A 1 beta"]) == "beta\ngamma\n"
    assert apply_pipes(text, ["grep -B1 gamma"]) == "beta\ngamma\n"
    assert apply_pipes(text, ["grep -v -i A$"]) == ""
    assert apply_pipes(text, ["grep -c a"]) == "4\n"
    assert apply_pipes(text, ["grep -e ^d"]) == "delta\n"


def test_vdom_scopes(session):
    cli = session("FGT_VDOM")
    assert run(cli, "config system interface").startswith("command parse error before 'system'")
    assert run(cli, "config vdom\nedit nosuch").endswith("Return code -3\n")
    run(cli, "edit blue\nconfig firewall address\nedit b1\nset subnet 10.2.0.0/16\nnext\nend\nend")
    assert cli.prompt == "FGT_VDOM # "
    shown = run(cli, "show")
    assert shown.startswith("config global\n") and "config vdom\nedit root\n" in shown
    assert 'edit "b1"' in shown.split("edit blue\n")[1]
    assert run(cli, "show firewall address b1").startswith("entry not found")  # top level = management VDOM


def test_vdom_mode_lab_option_gives_the_article_prompt(tmp_path):
    """Issue 11 §2.8: with ``vdom_mode: multi-vdom`` (VDOMs on, root only) the default lab's FGT_1
    shows the prompt of Fortinet KB 253455, ``FGT_1 (root) #``, inside ``config vdom`` / ``edit root``."""
    import yaml
    from fortigate_sim.lab import embedded_lab

    raw = yaml.safe_load(embedded_lab().read_text())
    raw["defaults"]["vdom_mode"] = "multi-vdom"
    lab_file = tmp_path / "kb-vdoms.yml"
    lab_file.write_text(yaml.safe_dump(raw))
    _name, specs = load_lab(lab_file, None)
    box = SecretBox(SecretBox.new_key())
    lab = type("Lab", (), {})()
    lab.devices = {spec.name: Device(spec, box, None) for spec in specs}
    for device in lab.devices.values():
        device.load()
    cli = CliSession(lab, lab.devices["FGT_1"], ConsoleSettings(), run_operational_command)
    assert cli.prompt == "FGT_1 # "
    assert "Command fail" in run(cli, "config vpn ipsec phase1-interface")  # only global/vdom at the top
    run(cli, "config vdom\nedit root")
    assert cli.prompt == "FGT_1 (root) # "
    assert 'edit "SiteA-to-SiteB"' in run(cli, "show vpn ipsec phase1-interface")
    assert "Virtual domain configuration: multiple\n" in run(cli, "get system status")
    raw["defaults"]["vdom_mode"] = "on"
    lab_file.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="vdom_mode must be no-vdom or multi-vdom"):
        load_lab(lab_file, None)

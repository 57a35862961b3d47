"""The simulator's SSH CLI over real SSH (paramiko, PTY 80x24): login, prompts, paging, pipes,
errors, exec requests. Each test leaves the device's console setting as it found it."""

from __future__ import annotations

import paramiko
import pytest

MORE = "--More-- "


def test_wrong_password_is_refused(connection_lab):
    with pytest.raises(paramiko.AuthenticationException):
        connection_lab.shell("FGT_CLI", password="not-the-password")


def test_prompts_follow_config_and_edit_contexts(shell):
    cli = shell("FGT_CLI")
    assert cli.banner == "FGT_CLI # "
    assert cli.run("config vpn ipsec phase1-interface") == ("", "FGT_CLI (phase1-interface) # ")
    assert cli.run('edit "SiteA-to-SiteB"') == ("", "FGT_CLI (SiteA-to-SiteB) # ")
    assert cli.run("next") == ("", "FGT_CLI (phase1-interface) # ")
    assert cli.run("edit NewTunnel") == ("new entry 'NewTunnel' added\n", "FGT_CLI (NewTunnel) # ")
    assert cli.run("abort") == ("", "FGT_CLI (phase1-interface) # ")
    assert cli.run("end") == ("", "FGT_CLI # ")


def test_vdom_prompts(shell):
    cli = shell("FGT_VDOM")
    assert cli.run('get system status | grep "domain configuration"')[0] == (
        "Virtual domain configuration: multiple\n")
    assert cli.run("config vdom")[1] == "FGT_VDOM (vdom) # "
    assert cli.run("edit blue")[1] == "FGT_VDOM (blue) # "
    assert cli.run("config firewall address")[1] == "FGT_VDOM (address) # "
    assert cli.run("end")[1] == "FGT_VDOM (blue) # "
    assert cli.run("end")[1] == "FGT_VDOM # "
    assert cli.run("config global")[1] == "FGT_VDOM (global) # "
    assert cli.run("config vpn ipsec phase1-interface")[0].startswith("command parse error before 'vpn'")
    assert cli.run("end")[1] == "FGT_VDOM # "


def test_errors_are_printed_like_fortios(shell):
    cli = shell("FGT_CLI")
    assert cli.run("xyz") == ("Unknown action 0\n", "FGT_CLI # ")
    assert cli.run("get system nothing")[0] == "command parse error before 'nothing'\nCommand fail. Return code -61\n"
    cli.run("config system interface")
    cli.run("edit port2")
    assert cli.run("set mode bogus")[0] == "value parse error before 'bogus'\nCommand fail. Return code -651\n"
    assert cli.run("set interface port77")[0] == (
        "entry not found in datasource\n\nvalue parse error before 'port77'\nCommand fail. Return code -651\n")
    assert cli.run("abort")[1] == "FGT_CLI (interface) # "
    cli.run("end")


def test_paging_until_output_standard(shell):
    cli = shell("FGT_CLI")
    assert cli.run("get system console | grep output")[0] == "output              : more\n"
    first = cli.send("show full-configuration\r", MORE)
    assert first.count("\n") == 24  # echo + 23 lines, then the pager
    second = cli.send(" ", MORE)  # space: the next page
    assert second.startswith("\r" + " " * len(MORE) + "\r")
    one_line = cli.send("\r", MORE)  # Enter: one more line
    assert one_line.count("\n") == 1
    assert cli.send("q").endswith("\rFGT_CLI # ")  # q: back to the prompt

    cli.run("config system console")
    cli.run("set output standard")
    cli.run("end")
    try:
        output, prompt = cli.run("show full-configuration")
        assert MORE not in output and output.rstrip().endswith("end") and prompt == "FGT_CLI # "
    finally:
        cli.run("config system console")
        cli.run("set output more")
        cli.run("end")


def test_grep_filters(shell):
    cli = shell("FGT_CLI")
    assert cli.run("show vpn ipsec phase1-interface | grep -c set")[0] == "5\n"
    context = cli.run("show vpn ipsec phase1-interface | grep -f remote-gw")[0]
    assert context == ('config vpn ipsec phase1-interface\n    edit "SiteA-to-SiteB"\n'
                       "        set remote-gw 10.47.1.80\n    next\nend\n")
    assert "psksecret ENC " in cli.run("show vpn ipsec phase1-interface | grep -i PSK")[0]


def test_exec_request_runs_lines_without_a_pty(connection_lab):
    host = connection_lab.hosts["FGT_CLI"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host["ansible_host"], port=host["ansible_port"], username=host["ansible_user"],
                   password=host["ansible_password"], look_for_keys=False, allow_agent=False)
    try:
        _stdin, stdout, _stderr = client.exec_command("get system status | grep Hostname\nshow system interface port2")
        text = stdout.read().decode()
        assert text.startswith("Hostname: FGT_CLI\nconfig system interface\n")
        assert "\r" not in text and MORE not in text
        assert stdout.channel.recv_exit_status() == 0
    finally:
        client.close()


def test_host_key_matches_the_workdir_known_hosts(connection_lab):
    known = paramiko.HostKeys(str(connection_lab.workdir / "ssh" / "known_hosts"))
    host = connection_lab.hosts["FGT_CLI"]
    transport = paramiko.Transport((host["ansible_host"], host["ansible_port"]))
    try:
        transport.start_client(timeout=10)
        key = transport.get_remote_server_key()
        assert known.check(f"[{host['ansible_host']}]:{host['ansible_port']}", key)
    finally:
        transport.close()

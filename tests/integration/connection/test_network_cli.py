"""ansible.netcommon.network_cli with the overlay.fortigate.fortios cliconf and terminal plugins,
over real SSH to the simulated lab: cli_command, cli_config (change, idempotence, check mode, diff,
refusals), paging turned off at login and restored on close, VDOM contexts."""

from __future__ import annotations

DEVICE = "FGT_CLI"
LO9 = "/api/v2/cmdb/system/interface/Lo9?vdom=root"


def _console_output(shell) -> str:
    return shell(DEVICE).run("get system console | grep output")[0].split(":")[1].strip()


def test_cli_command(connection_lab, shell, tmp_path):
    report, proc = connection_lab.playbook("cli_commands.yml", cli=True, extra_vars={"backup_dir": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout[-3000:]

    def result(task):
        return connection_lab.result(report, task, DEVICE)

    status = result("System status")["stdout"]
    assert "Hostname: FGT_CLI" in status and "Virtual domain configuration: disable" in status
    gateways = result("IKE gateways")["stdout"]
    assert gateways.startswith("vd: root/0\nname: SiteA-to-SiteB\n")

    # paging was off: the whole configuration came back in one piece
    full = result("Whole configuration (longer than a terminal page)")["stdout"]
    lines = full.splitlines()
    assert "--More--" not in full and len(lines) > 100
    assert lines[0] == "config system global" and lines[-1] == "end"

    unknown = result("An unknown command fails with the device's line")
    assert unknown["failed"]
    assert unknown["msg"] == "command parse error before 'nothing-here'\nCommand fail. Return code -61"
    assert result("The session still works after the error")["stdout"] == "output              : standard"
    # get_config leaves a context first: the backup is the whole configuration, with defaults
    backup = (tmp_path / "FGT_CLI-full.cfg").read_text()
    assert backup.startswith("config system global") and "set mtu 1500" in backup
    # the terminal plugin put the device-wide console setting back when the connection closed
    assert _console_output(shell) == "more"


def test_cli_config_change_idempotence_and_check_mode(connection_lab, tmp_path):
    assert connection_lab.rest_get(DEVICE, LO9)["http_status"] == 404

    # check mode: the change is predicted, nothing is written
    report, proc = connection_lab.playbook("cli_config.yml", "--check", "--diff",
                                           cli=True, extra_vars={"backup_dir": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout[-3000:]
    predicted = connection_lab.result(report, "Loopback Lo9", DEVICE)
    assert predicted["changed"] and "set ip 10.9.9.9/32" in predicted["diff"]["prepared"]
    assert connection_lab.rest_get(DEVICE, LO9)["http_status"] == 404

    report, proc = connection_lab.playbook("cli_config.yml", "--diff",
                                           cli=True, extra_vars={"backup_dir": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout[-3000:]
    first = connection_lab.result(report, "Loopback Lo9", DEVICE)
    assert first["changed"]
    assert '+    edit "Lo9"' in first["diff"]["prepared"]
    assert "+        set ip 10.9.9.9 255.255.255.255" in first["diff"]["prepared"]
    assert connection_lab.result(report, "Loopback Lo9 again", DEVICE)["changed"] is False

    # the change went through the same store as REST
    entry = connection_lab.rest_get(DEVICE, LO9)["results"][0]
    assert (entry["type"], entry["ip"], entry["allowaccess"]) == ("loopback", "10.9.9.9 255.255.255.255", "ping")

    # the backup is the running configuration (show), including the new loopback
    backup = (tmp_path / "FGT_CLI.cfg").read_text()
    assert backup.startswith("config system global") and 'edit "Lo9"' in backup

    # check mode against the now-present entry: a different address is predicted, the same one is not
    report, proc = connection_lab.playbook("cli_config.yml", "--check",
                                           cli=True, extra_vars={"backup_dir": str(tmp_path), "loopback_ip": "10.9.9.10/32"})
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert connection_lab.result(report, "Loopback Lo9", DEVICE)["changed"] is True
    assert connection_lab.rest_get(DEVICE, LO9)["results"][0]["ip"] == "10.9.9.9 255.255.255.255"


def test_refused_configuration_fails_with_fortios_lines(connection_lab):
    report, proc = connection_lab.playbook("cli_config_refused.yml", cli=True)
    assert proc.returncode == 0, proc.stdout[-3000:]  # the refusals are ignore_errors

    def result(task):
        return connection_lab.result(report, task, DEVICE)

    bad_value = result("Bad address")
    assert bad_value["failed"] and "set ip 10.9.9.300/32" in bad_value["msg"]
    assert bad_value["msg"].endswith("value parse error before '32'\nCommand fail. Return code -651")

    bad_reference = result("Unknown parent interface")
    assert bad_reference["failed"]
    assert "entry not found in datasource" in bad_reference["msg"]
    assert "Command fail. Return code -651" in bad_reference["msg"]

    bad_commit = result("Entry refused when committed")
    assert bad_commit["failed"] and bad_commit["msg"].startswith("FortiOS refused 'next': ")
    assert bad_commit["msg"].endswith("Command fail. Return code -651")

    assert result("Prompt is back at the top")["stdout"] == "output              : standard"
    for name in ("Bad-P1", "Half-P1"):  # the refused entries were discarded, not half-created
        assert connection_lab.rest_get(DEVICE, f"/api/v2/cmdb/vpn.ipsec/phase1-interface/{name}")["http_status"] == 404


def test_vdom_device(connection_lab, shell):
    report, proc = connection_lab.playbook("cli_vdom.yml", cli=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert connection_lab.result(report, "Address in VDOM blue", "FGT_VDOM")["changed"]
    blue = connection_lab.rest_get("FGT_VDOM", "/api/v2/cmdb/firewall/address/blue-net?vdom=blue")
    assert blue["results"][0]["subnet"] == "10.20.0.0 255.255.0.0"
    assert connection_lab.rest_get("FGT_VDOM", "/api/v2/cmdb/firewall/address/blue-net?vdom=root")["http_status"] == 404
    cli = shell("FGT_VDOM")
    cli.run("config global")
    assert cli.run("get system console | grep output")[0] == "output              : more\n"  # restored
    cli.run("end")

"""The configuration modules against the simulated lab, through real ansible-playbook runs.

Every claim is checked on the device side too: the request log shows which writes were
sent, and the device's configuration shows what it holds.
"""

import re

SITE_A = {"target": "SITE_A", "tunnel": "SiteA-to-SiteB"}


def test_first_run_changes_second_writes_nothing_check_predicts(module_lab):
    mark = module_lab.mark("SITE_A")
    report, proc = module_lab.playbook("exchange.yml", "--diff", extra_vars=dict(SITE_A, interface_ip=True))
    first = module_lab.result(report, "Exchange", "SITE_A")
    assert proc.returncode == 0 and first["changed"], proc.stdout
    assert first["diff"] == {"before": {"exchange-interface-ip": "disable"}, "after": {"exchange-interface-ip": "enable"}}
    writes = module_lab.writes_since("SITE_A", mark)
    assert [(w["method"], w["path"]) for w in writes] == [("PUT", "/api/v2/cmdb/vpn.ipsec/phase1-interface/SiteA-to-SiteB")]

    mark = module_lab.mark("SITE_A")
    report, _proc = module_lab.playbook("exchange.yml", extra_vars=dict(SITE_A, interface_ip=True))
    assert module_lab.result(report, "Exchange", "SITE_A")["changed"] is False
    assert module_lab.writes_since("SITE_A", mark) == []
    assert report["stats"]["SITE_A"]["changed"] == 0

    mark = module_lab.mark("SITE_A")
    report, _proc = module_lab.playbook("exchange.yml", "--check", "--diff", extra_vars=dict(SITE_A, interface_ip=False))
    predicted = module_lab.result(report, "Exchange", "SITE_A")
    assert predicted["changed"] and predicted["exchange_interface_ip"] is False
    assert predicted["diff"]["after"] == {"exchange-interface-ip": "disable"}
    assert module_lab.writes_since("SITE_A", mark) == []
    assert "set exchange-interface-ip enable" in module_lab.config("SITE_A")


def test_release_that_accepts_addr4_alone(module_lab):
    report, proc = module_lab.playbook(
        "exchange.yml", extra_vars=dict(SITE_A, interface_ip=False, addr4="10.200.9.9"))
    result = module_lab.result(report, "Exchange", "SITE_A")
    assert proc.returncode == 0, proc.stdout
    assert (result["exchange_interface_ip"], result["exchange_ip_addr4"]) == (False, "10.200.9.9")
    assert not result.get("warnings")


def test_gated_release_enables_interface_ip_first(module_lab):
    hub = {"target": "HUB_OLD", "tunnel": "to-dc"}
    mark = module_lab.mark("HUB_OLD")
    report, proc = module_lab.playbook("exchange.yml", extra_vars=dict(hub, addr4="10.200.99.1"))
    result = module_lab.result(report, "Exchange", "HUB_OLD")
    assert proc.returncode == 0, proc.stdout
    assert (result["exchange_interface_ip"], result["exchange_ip_addr4"]) == (True, "10.200.99.1")
    assert any("enabled exchange-interface-ip first" in w for w in result["warnings"])
    bodies = [w.get("body_keys") for w in module_lab.writes_since("HUB_OLD", mark) if w["status"] == 200]
    assert bodies == [["exchange-interface-ip"], ["exchange-ip-addr4"]]

    # Disabling with a new address: the address is written while exchange-interface-ip is still on.
    mark = module_lab.mark("HUB_OLD")
    report, proc = module_lab.playbook("exchange.yml", extra_vars=dict(hub, interface_ip=False, addr4="10.200.99.2"))
    result = module_lab.result(report, "Exchange", "HUB_OLD")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (result["exchange_interface_ip"], result["exchange_ip_addr4"]) == (False, "10.200.99.2")
    bodies = [w.get("body_keys") for w in module_lab.writes_since("HUB_OLD", mark)]
    assert bodies == [["exchange-ip-addr4"], ["exchange-interface-ip"]]

    # Another address while it is off and must stay off: this release refuses; nothing is written.
    mark = module_lab.mark("HUB_OLD")
    report, proc = module_lab.playbook(
        "exchange.yml", extra_vars=dict(hub, interface_ip=False, addr4="10.200.99.3", allow_failure=True))
    refused = module_lab.result(report, "Exchange", "HUB_OLD")
    assert refused["failed"] and "set exchange_interface_ip: true" in refused["msg"]
    assert "Nothing was written" in refused["msg"]
    assert [w for w in module_lab.writes_since("HUB_OLD", mark) if w["status"] == 200] == []
    config = module_lab.config("HUB_OLD")
    assert "set exchange-interface-ip enable" not in config and "set exchange-ip-addr4 10.200.99.2" in config


def test_wrong_input_refused_before_any_write(module_lab):
    marks = {device: module_lab.mark(device) for device in ("SITE_A", "HUB_OLD")}
    report, _proc = module_lab.playbook("refusals.yml")
    messages = {task: module_lab.result(report, task, host)["msg"] for task, host in [
        ("Unknown tunnel", "SITE_A"), ("Malformed address", "SITE_A"), ("Unknown CMDB path", "SITE_A"),
        ("Second object invalid, first untouched", "SITE_A"), ("Dial-up phase2", "HUB_OLD")]}
    assert re.search(r"phase1-interface no-such-tunnel does not exist .*create it first or fix the name",
                     messages["Unknown tunnel"])
    assert "exchange_ip_addr4: '10.0.0.300' is not an IPv4 address" in messages["Malformed address"]
    assert "vpn.ipsec/phase9-interface" in messages["Unknown CMDB path"] and "no such CMDB table" in messages["Unknown CMDB path"]
    assert "router/bgp is a singleton; remove mkey" in messages["Second object invalid, first untouched"]
    assert "dial-up server" in messages["Dial-up phase2"] and "never be the initiator" in messages["Dial-up phase2"]
    for device, mark in marks.items():
        assert module_lab.writes_since(device, mark) == [], device
    assert 'edit "Lo77"' not in module_lab.config("SITE_A")


def test_phase2_autonegotiate_route_and_policy_based(module_lab):
    extra = {"target": "SITE_A", "phase2": "SiteA-to-SiteB", "auto_negotiate": True, "keepalive": False}
    report, proc = module_lab.playbook("phase2.yml", extra_vars=extra)
    result = module_lab.result(report, "Phase2", "SITE_A")
    assert proc.returncode == 0 and result["changed"] and result["kind"] == "route"
    assert result["keepalive_effective"] and not result["keepalive"]
    assert any("in effect anyway" in w for w in result["warnings"])
    mark = module_lab.mark("SITE_A")
    report, _proc = module_lab.playbook("phase2.yml", extra_vars=extra)
    assert module_lab.result(report, "Phase2", "SITE_A")["changed"] is False and module_lab.writes_since("SITE_A", mark) == []

    report, _proc = module_lab.playbook("phase2.yml", extra_vars={"target": "SITE_A", "phase2": "policy-p2", "keepalive": True})
    policy = module_lab.result(report, "Phase2", "SITE_A")
    assert policy["changed"] and policy["kind"] == "policy" and policy["phase1name"] == "policy-p1"


def test_cmdb_objects_idempotent_and_psk_not_rewritten(module_lab):
    report, proc = module_lab.playbook("objects.yml", "--diff")
    created = module_lab.result(report, "Loopback, BGP, one neighbor and a tunnel in one task", "SITE_A")
    assert proc.returncode == 0 and created["changed"], proc.stdout
    assert [item["action"] for item in created["results"]] == ["create", "update", "create", "create"]
    mark = module_lab.mark("SITE_A")
    report, _proc = module_lab.playbook("objects.yml")
    again = module_lab.result(report, "Loopback, BGP, one neighbor and a tunnel in one task", "SITE_A")
    assert again["changed"] is False and module_lab.writes_since("SITE_A", mark) == []

    mark = module_lab.mark("SITE_A")
    report, _proc = module_lab.playbook("objects.yml", extra_vars={"tunnel_psk": "spoke-psk-two", "secrets_policy": "always"})
    rotated = module_lab.result(report, "Loopback, BGP, one neighbor and a tunnel in one task", "SITE_A")
    assert [item["action"] for item in rotated["results"]] == ["none", "none", "none", "update"]
    assert [w["path"] for w in module_lab.writes_since("SITE_A", mark)] == [
        "/api/v2/cmdb/vpn.ipsec/phase1-interface/H1_INET"]


def test_secrets_never_shown(module_lab):
    psk = "psk-that-must-not-leak-7f3a"
    report, proc = module_lab.playbook(
        "objects.yml", "-vvv", "--diff", extra_vars={"tunnel_psk": psk, "secrets_policy": "always"},
        env={"ANSIBLE_STDOUT_CALLBACK": "default"})
    assert proc.returncode == 0, proc.stdout[-3000:]
    output = proc.stdout + proc.stderr
    assert psk not in output
    assert module_lab.tokens["SITE_A"] not in output
    log_text = (module_lab.workdir / "SITE_A" / "requests.jsonl").read_text()
    assert psk not in log_text and module_lab.tokens["SITE_A"] not in log_text
    assert "********" in output  # the diff shows that a secret changed, masked


def test_persistent_500_fails_cleanly_and_keeps_the_old_object(module_lab):
    _report, proc = module_lab.playbook("exchange.yml", extra_vars=dict(SITE_A, addr4="10.200.9.9"))
    assert proc.returncode == 0, proc.stdout[-2000:]
    module_lab.fault("SITE_A", "--method", "PUT", "--path-pattern", "phase1-interface/SiteA-to-SiteB",
                     "--status", "500", "--count", "5")
    try:
        report, proc = module_lab.playbook(
            "exchange.yml", extra_vars=dict(SITE_A, addr4="10.200.9.10", allow_failure=True))
    finally:
        module_lab.clear_faults()
    failed = module_lab.result(report, "Exchange", "SITE_A")
    assert failed["failed"] and "PUT vpn.ipsec/phase1-interface/SiteA-to-SiteB (vdom root) failed: HTTP 500" in failed["msg"]
    assert "set exchange-ip-addr4 10.200.9.9" in module_lab.config("SITE_A")


def test_transient_faults_are_retried_and_the_result_is_right(module_lab):
    """503 and 429 on reads, a dropped connection on the write: retried by the httpapi plugin."""
    module_lab.fault("SITE_A", "--method", "GET", "--path-pattern", "phase1-interface/SiteA-to-SiteB",
                     "--status", "503", "--count", "1")
    module_lab.fault("SITE_A", "--method", "GET", "--path-pattern", "phase1-interface/SiteA-to-SiteB",
                     "--status", "429", "--retry-after", "1", "--count", "1")
    module_lab.fault("SITE_A", "--method", "PUT", "--path-pattern", "phase1-interface/SiteA-to-SiteB",
                     "--drop", "--count", "1")
    mark = module_lab.mark("SITE_A")
    try:
        report, proc = module_lab.playbook("exchange.yml", extra_vars=dict(SITE_A, addr4="10.200.7.7"))
    finally:
        module_lab.clear_faults()
    result = module_lab.result(report, "Exchange", "SITE_A")
    assert proc.returncode == 0 and result["changed"] and result["exchange_ip_addr4"] == "10.200.7.7", proc.stdout
    statuses = [(r["method"], r["status"]) for r in module_lab.requests("SITE_A")[mark:]
                if "phase1-interface/SiteA-to-SiteB" in r["path"]]
    assert ("GET", 503) in statuses and ("GET", 429) in statuses
    assert [s for s in statuses if s[0] == "PUT"][-1] == ("PUT", 200)
    assert len([s for s in statuses if s[0] == "PUT"]) == 2  # the dropped one, then the retry
    assert "set exchange-ip-addr4 10.200.7.7" in module_lab.config("SITE_A")


def test_user_password_login_on_a_release_with_only_logincheck(module_lab):
    mark = module_lab.mark("OLD_COOKIE")
    report, proc = module_lab.playbook("cookie_login.yml")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert module_lab.result(report, "Create an address over the cookie session", "OLD_COOKIE")["changed"]
    requests = module_lab.requests("OLD_COOKIE")[mark:]
    assert ("POST", "/logincheck", 200) in [(r["method"], r["path"], r["status"]) for r in requests]
    assert [(r["method"], r["status"]) for r in requests if r["path"] == "/api/v2/cmdb/firewall/address"][-1] == ("POST", 200)
    assert 'edit "cookie-net"' in module_lab.config("OLD_COOKIE")


def enable_with_failing_puts(module_lab, address, failing_puts):
    """From exchange off and no address, enable both; the first PUT (exchange-interface-ip enable)
    goes through and the next ``failing_puts`` PUTs get a 500. Returns the task result and the log mark."""
    # The starting point, set over REST directly (no playbook run needed for it).
    reset = module_lab.rest("SITE_A", "PUT", "/api/v2/cmdb/vpn.ipsec/phase1-interface/SiteA-to-SiteB?vdom=root",
                            {"exchange-ip-addr4": "0.0.0.0", "exchange-interface-ip": "disable"})
    assert reset["status"] == "success", reset
    module_lab.fault("SITE_A", "--method", "PUT", "--path-pattern", "phase1-interface/SiteA-to-SiteB",
                     "--after", "1", "--status", "500", "--count", str(failing_puts))
    mark = module_lab.mark("SITE_A")
    try:
        report, _proc = module_lab.playbook(
            "exchange.yml", extra_vars=dict(SITE_A, interface_ip=True, addr4=address, allow_failure=True))
    finally:
        module_lab.clear_faults()
    return module_lab.result(report, "Exchange", "SITE_A"), mark


def test_refused_second_step_is_undone_so_the_tunnel_is_never_half_written(module_lab):
    failed, mark = enable_with_failing_puts(module_lab, "10.200.5.5", failing_puts=1)
    assert failed["failed"] and "earlier step(s) of this change were undone" in failed["msg"]
    puts = [(r.get("body_keys"), r["status"]) for r in module_lab.writes_since("SITE_A", mark)]
    # (the injected fault answers before the body is read, so its log line has no body keys)
    assert [status for _keys, status in puts] == [200, 500, 200]
    assert puts[0][0] == ["exchange-interface-ip"] and puts[2][0] == ["exchange-interface-ip"]
    config = module_lab.config("SITE_A")
    assert "set exchange-interface-ip enable" not in config and "10.200.5.5" not in config


def test_a_failed_undo_reports_the_half_written_tunnel_and_how_to_recover(module_lab):
    # The address and the undo both get a 500.
    failed, _mark = enable_with_failing_puts(module_lab, "10.200.6.6", failing_puts=2)
    assert failed["failed"] and failed["status"] == 500
    message = failed["msg"]
    assert "phase1-interface SiteA-to-SiteB IS HALF-WRITTEN: undoing the earlier step(s) failed too" in message
    assert "It now holds (as read back): exchange-interface-ip='enable', exchange-ip-addr4='0.0.0.0'" in message
    assert "put back exchange-interface-ip='disable' by hand" in message
    assert "set exchange-interface-ip enable" in module_lab.config("SITE_A")  # what the message says

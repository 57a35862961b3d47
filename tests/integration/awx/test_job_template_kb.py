"""The "FortiGate KB 253455 exchange fix" job template, run as AWX runs it, against the KB pair."""

from awx_job import Launch

TEMPLATE = "FortiGate KB 253455 exchange fix"
TUNNEL = {"FGT_1": "SiteA-to-SiteB", "FGT2": "SiteB-to-SiteA"}
EXCHANGE_TASK = "Send the tunnel interface address to the peer"


def exchange_enabled(lab, device):
    entry = lab.rest_get(device, f"/api/v2/cmdb/vpn.ipsec/phase1-interface/{TUNNEL[device]}")["results"][0]
    return entry["exchange-interface-ip"] == "enable"


def writes(lab, marks):
    return {device: len(lab.writes_since(device, mark)) for device, mark in marks.items()}


def test_check_with_diff_then_limit_then_all(kb_awx, tmp_path):
    lab, job = kb_awx.lab, kb_awx.job(TEMPLATE)
    marks = {device: lab.mark(device) for device in TUNNEL}

    check = job.run(tmp_path / "check", Launch(job_type="check", diff_mode=True), ident="11")
    assert check.status == "successful", check.stdout[-3000:]
    assert (tmp_path / "check" / "env" / "cmdline").read_text().startswith("--forks=20 --check --diff")
    predicted = check.ok_results(EXCHANGE_TASK)
    assert sorted(predicted) == sorted(TUNNEL) and all(r["changed"] for r in predicted.values())
    assert all(r["diff"] for r in predicted.values())          # --diff in check mode shows before/after
    assert writes(lab, marks) == {"FGT_1": 0, "FGT2": 0}       # check mode wrote nothing
    assert check.leaks() == []

    limited = job.run(tmp_path / "limited", Launch(limit="FGT2"), ident="12")
    assert limited.status == "successful", limited.stdout[-3000:]
    assert sorted(limited.ok_results(EXCHANGE_TASK)) == ["FGT2"]
    assert (exchange_enabled(lab, "FGT_1"), exchange_enabled(lab, "FGT2")) == (False, True)
    assert writes(lab, marks)["FGT_1"] == 0

    full = job.run(tmp_path / "full", ident="13")
    assert full.status == "successful", full.stdout[-3000:]
    changed = {host: r["changed"] for host, r in full.ok_results(EXCHANGE_TASK).items()}
    assert changed == {"FGT_1": True, "FGT2": False}
    assert exchange_enabled(lab, "FGT_1") and exchange_enabled(lab, "FGT2")
    assert full.stats()["changed"] == {"FGT_1": 2} and not full.stats()["failures"]
    assert full.leaks() == []


def test_credential_without_token_logs_in_with_the_admin_password(kb_awx, tmp_path):
    credential = {key: value for key, value in kb_awx.credential.items() if key != "api_token"}
    marks = {device: kb_awx.lab.mark(device) for device in TUNNEL}
    result = kb_awx.job(TEMPLATE, credential).run(tmp_path / "job", Launch(job_type="check"), ident="15")
    assert result.status == "successful", result.stdout[-3000:]
    assert sorted(result.ok_results(EXCHANGE_TASK)) == sorted(TUNNEL)
    for device, mark in marks.items():
        logins = kb_awx.lab.requests_since(device, mark, "/logincheck") + \
            kb_awx.lab.requests_since(device, mark, "/api/v2/authentication")
        assert logins, f"{device}: no password login in the request log"
    assert result.leaks() == []


def test_wrong_password_fails_the_job_without_printing_it(kb_awx, tmp_path):
    credential = {key: value for key, value in kb_awx.credential.items() if key != "api_token"}
    credential["password"] = "wrong-" + credential["password"]
    result = kb_awx.job(TEMPLATE, credential).run(tmp_path / "job", Launch(job_type="check", limit="FGT_1"),
                                                  ident="16")
    assert result.status == "failed"
    assert any(e["event"] == "runner_on_failed" for e in result.events)
    assert result.leaks() == []

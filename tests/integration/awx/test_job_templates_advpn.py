"""The ADVPN job templates and the workflow, run as AWX runs them (ansible-runner, private data
directories, surveys, the FortiGate credential), on a generated lab of 2 hubs, 1 overlay and 2 spokes.
In file order on one lab:
a check-mode preview, the workflow (hubs, then the spokes in 2 parallel slices, then validate), drift
reported by the compliance template, PSK rotation, and the workflow's failure branch (report)."""

from __future__ import annotations

import json
import re
import ssl
import time
import urllib.request

from awx_job import Launch, run_workflow
from lab_support import fortigate_sim

HUBS = ["HUB1", "HUB2"]
SPOKES = ["SPOKE1", "SPOKE2"]
DEVICES = HUBS + SPOKES
HUB_LOOPBACKS = ["10.200.255.1", "10.200.255.2"]


def writes(lab, marks):
    return {device: lab.writes_since(device, mark) for device, mark in marks.items()}


def marks(lab):
    return {device: lab.mark(device) for device in DEVICES}


def bgp_up(lab, spoke):
    """Hub loopbacks the spoke has an Established BGP session with (a prefix count in the last column)."""
    summary = fortigate_sim("exec", "--workdir", str(lab.workdir), "--device", spoke,
                            "get", "router", "info", "bgp", "summary").stdout
    return sorted(set(re.findall(r"(?m)^(\d+\.\d+\.\d+\.\d+)\s+4\s.*\s\d+\s*$", summary)) & set(HUB_LOOPBACKS))


def converged(lab, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        state = {spoke: bgp_up(lab, spoke) for spoke in SPOKES}
        if all(up == HUB_LOOPBACKS for up in state.values()) or time.monotonic() > deadline:
            return state
        time.sleep(2)


def test_deploy_template_previews_in_check_mode_with_diff_limit_and_survey(advpn_awx, tmp_path):
    lab, since = advpn_awx.lab, marks(advpn_awx.lab)
    result = advpn_awx.job("ADVPN deploy").run(tmp_path / "job", Launch(
        job_type="check", diff_mode=True, limit="HUB1,SPOKE1", survey={"advpn_deploy_serial": "1"}), ident="21")
    assert result.status == "successful", result.stdout[-4000:]
    cmdline = (tmp_path / "job" / "env" / "cmdline").read_text()
    assert cmdline.startswith("-l HUB1,SPOKE1 --forks=20 --check --diff"), cmdline
    extravars = (tmp_path / "job" / "env" / "extravars").read_text()
    assert "advpn_deploy_serial: !unsafe '1'" in extravars and "advpn_deploy_remove: !unsafe 'true'" in extravars
    assert sorted(result.stats()["changed"]) == ["HUB1", "SPOKE1"]          # what it would do, per host
    assert any(e["event_data"].get("res", {}).get("diff") for e in result.events if e["event"] == "runner_on_ok")
    assert not any(writes(lab, since).values())                             # and nothing written
    assert result.leaks() == []


def fabric_verdict(result):
    """The validate role's verdict for fabric corp (advpn_check's result) from the job events."""
    (res,) = [e["event_data"]["res"] for e in result.events
              if e["event"] in ("runner_on_ok", "runner_on_failed")
              and e["event_data"].get("task") == "Compare with the plan and write the fabric report"]
    return res["fabrics"]["corp"]


def test_workflow_hubs_then_sliced_spokes_then_validate(advpn_awx, tmp_path):
    lab = advpn_awx.lab
    since = marks(lab)
    launches = {"validate": Launch(survey={"advpn_validate_shortcut_probe": "false"})}
    runs = run_workflow(advpn_awx.config, advpn_awx.job, tmp_path, launches)
    for run in runs:
        for result in run.results:
            assert result.status == "successful", (run.identifier, result.stdout[-4000:])
            assert result.leaks() == [], run.identifier
    assert [r.identifier for r in runs] == ["deploy-hubs", "deploy-spokes", "validate"]
    hubs, spokes, validate = runs

    # The hub job wrote the hubs only and passed their intent, without the PSK, to the slices.
    intent = hubs.results[0].artifacts()["advpn_hub_intent"]
    assert sorted(intent) == HUBS and "psk" not in str(intent)
    # The slices as AWX cuts them (hosts by name, round-robin), run at once; each deploys only its spokes
    # (the hub in each slice is left to the hub stage; the other hub comes from the artifact).
    slices = [sorted(r.ok_results("Sort members into hubs and spokes")) for r in spokes.results]
    assert slices == [["HUB1", "SPOKE1"], ["HUB2", "SPOKE2"]]
    deployed = [sorted(r.stats()["changed"]) for r in spokes.results]
    assert deployed == [["SPOKE1"], ["SPOKE2"]]
    written = writes(lab, since)
    assert all(written[device] for device in DEVICES)
    last_hub_write = max(w["time"] for hub in HUBS for w in written[hub])
    first_spoke_write = min(w["time"] for spoke in SPOKES for w in written[spoke])
    assert last_hub_write < first_spoke_write                                  # hubs first

    # The validate node: every check of the fabric passed, the report is written.
    verdict = fabric_verdict(validate.results[0])
    assert verdict["passed"] and verdict["totals"]["FAIL"] == 0 and verdict["totals"]["PASS"] > 0, verdict
    report = tmp_path / "validate" / "project" / "playbooks" / "reports" / "corp" / "report.json"
    assert report.is_file()


def test_a_slice_without_the_hub_stage_fails_clearly(advpn_awx, tmp_path):
    job = advpn_awx.job("ADVPN deploy - spokes (sliced)")
    since = marks(advpn_awx.lab)
    first = job.run(tmp_path / "slice2", Launch(), 2, 2, "31")    # slice 2 of 2 (HUB2, SPOKE2), no hub stage
    assert first.status == "failed"
    failed = [e["event_data"]["res"]["msg"] for e in first.events if e["event"] == "runner_on_failed"]
    assert failed and "hubs HUB1 of fabric corp" in failed[0] and "advpn_deploy_hubs first" in failed[0], failed
    assert not any(writes(advpn_awx.lab, since).values())


def test_compliance_reports_drift_and_writes_nothing(advpn_awx, tmp_path):
    lab = advpn_awx.lab
    # Drift: someone changes a spoke's tunnel by hand.
    body = {"dpd-retryinterval": 57}
    lab_put(lab, "SPOKE2", "/api/v2/cmdb/vpn.ipsec/phase1-interface/H1_ISP1", body)
    since = marks(lab)
    template = advpn_awx.job("ADVPN compliance")
    assert template.template["job_type"] == "check" and template.template["diff_mode"]
    result = template.run(tmp_path / "job", ident="41")
    assert result.status == "successful", result.stdout[-4000:]
    assert "--check --diff" in (tmp_path / "job" / "env" / "cmdline").read_text()
    assert sorted(result.stats()["changed"]) == ["SPOKE2"]
    diffs = [e["event_data"]["res"]["diff"] for e in result.events
             if e["event"] == "runner_on_ok" and e["event_data"]["host"] == "SPOKE2" and e["event_data"]["res"].get("diff")]
    assert "dpd-retryinterval" in str(diffs)
    assert not any(writes(lab, since).values())
    assert result.leaks() == []


def lab_put(lab, device, path, body):
    host = lab.hosts[device]
    request = urllib.request.Request(
        f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}{path}", data=json.dumps(body).encode(), method="PUT",
        headers={"Authorization": f"Bearer {host['fortios_access_token']}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=lab.state["ca_path"]), timeout=15):
        pass


def plain_psk(lab, device, tunnel):
    entry = lab.rest_get(device, f"/api/v2/cmdb/vpn.ipsec/phase1-interface/{tunnel}?plain-text-password=1")
    return entry["results"][0]["psksecret"]


def test_psk_rotation_with_the_new_key_credential(advpn_awx, tmp_path):
    lab = advpn_awx.lab
    old = advpn_awx.credential["advpn_psk"]
    assert plain_psk(lab, "SPOKE1", "H1_ISP1") == old
    new = dict(advpn_awx.credential, advpn_psk=old + "-next")
    result = advpn_awx.job("ADVPN PSK rotation", new).run(tmp_path / "job", ident="51")
    assert result.status == "successful", result.stdout[-4000:]
    assert advpn_awx.job("ADVPN PSK rotation", new).template["playbook"] == "playbooks/advpn_rotate_psk.yml"
    assert any(e["event"] == "playbook_on_play_start" and "psk rotation" in e["event_data"]["play"].lower() for e in result.events)
    for device, tunnel in [("HUB1", "EDGE_ISP1"), ("HUB2", "EDGE_ISP1"), ("SPOKE1", "H2_ISP1"), ("SPOKE2", "H1_ISP1")]:
        assert plain_psk(lab, device, tunnel) == new["advpn_psk"], device
    result.secrets.append(old)
    assert result.leaks() == []
    assert converged(lab) == {spoke: HUB_LOOPBACKS for spoke in SPOKES}
    advpn_awx.credential["advpn_psk"] = new["advpn_psk"]      # "copy the new key into FortiGate fabric"


def test_workflow_failure_runs_the_report(advpn_awx, tmp_path):
    lab = advpn_awx.lab
    # HUB1 refuses the hub stage's first read of a tunnel (HTTP 500): the hub stage fails, no spoke is touched.
    lab.fault("HUB1", "--method", "GET", "--path-pattern", "phase1-interface", "--status", "500", "--count", "1")
    since = marks(lab)
    try:
        runs = run_workflow(advpn_awx.config, advpn_awx.job, tmp_path)
    finally:
        lab.clear_faults()
    assert [(r.identifier, r.status) for r in runs] == [("deploy-hubs", "failed"), ("report", "successful")]
    assert all(result.leaks() == [] for run in runs for result in run.results)
    assert not any(writes(lab, since)[spoke] for spoke in SPOKES)
    verdict = fabric_verdict(runs[1].results[0])          # the fabric itself is still fine
    assert verdict["passed"], verdict
    assert (tmp_path / "report" / "project" / "playbooks" / "reports" / "corp" / "report.json").is_file()

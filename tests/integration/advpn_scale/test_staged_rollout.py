"""Staged rollout of overlay.fortigate.advpn_deploy on a 1-hub, 3-spoke lab, one spoke per batch.

SPOKE2 (batch 2) has its WAN port down, so its tunnel cannot come up: the run deploys the hub and
batch 1, deploys batch 2, stops at batch 2's validate gate naming SPOKE2 and sends nothing to
batch 3; batch 1 keeps working. After the fix (WAN port up) a re-run writes nothing to the hub
and batches 1-2 (request logs), deploys batch 3 and validates the whole fabric.
"""

from __future__ import annotations

import pytest
from lab_support import running_lab
from scale_support import make_lab, write_lab

HUB = "HUB1"
SPOKES = ["SPOKE1", "SPOKE2", "SPOKE3"]
BATCH1, BATCH2, BATCH3 = ["SPOKE1"], ["SPOKE2"], ["SPOKE3"]
BROKEN = "SPOKE2"
STAGED = {"advpn_deploy_serial": 1, "advpn_deploy_gate_delay": 2, "advpn_deploy_gate_retries": 10}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab_file, intent_file = write_lab(tmp_path_factory.mktemp("staged-files"), len(SPOKES))
    with running_lab(tmp_path_factory.mktemp("staged-lab"), lab_file, make_lab(intent_file)) as running:
        yield running


def failures(report):
    return {host: result.get("msg", "") for play in report["plays"] for task in play["tasks"]
            for host, result in task["hosts"].items() if result.get("failed") and not result.get("ignore_errors")}


def last_result(report, task_name):
    """The result of the last run of ``task_name`` (run_once: recorded on the one host that ran it)."""
    found = [result for play in report["plays"] for task in play["tasks"] if task["task"]["name"].endswith(task_name)
             for result in task["hosts"].values()]
    assert found, f"no task {task_name!r} ran"
    return found[-1]


def established_neighbors(lab, device):
    answer = lab.rest_get(device, "/api/v2/monitor/router/bgp/neighbors")
    return sorted(entry["neighbor_ip"] for entry in answer.get("results", []) if entry.get("state") == "Established")


@pytest.fixture(scope="module")
def first_run(lab, tmp_path_factory):
    lab.rest_request(BROKEN, "PUT", "/api/v2/cmdb/system/interface/port1", {"status": "down"})
    marks = {device: lab.mark(device) for device in [HUB, *SPOKES]}
    reports = tmp_path_factory.mktemp("staged-reports")
    report, proc = lab.advpn("advpn_deploy.yml", extra_vars=dict(STAGED, advpn_report_dir=str(reports)))
    return report, proc, marks


def test_a_batch_that_fails_its_gate_stops_the_rollout(lab, first_run):
    report, proc, marks = first_run
    assert proc.returncode != 0, proc.stdout[-3000:]
    failed = failures(report)
    assert list(failed) == [BROKEN], failed
    assert "validate gate failed on SPOKE2" in failed[BROKEN] and "ike_sa" in failed[BROKEN], failed[BROKEN]
    for device in [HUB, *BATCH1, *BATCH2]:
        assert lab.writes_since(device, marks[device]), f"{device} was not deployed"
    for device in BATCH3:
        assert lab.requests_since(device, marks[device]) == [], f"{device} was touched after the failed gate"
    assert lab.psk not in proc.stdout + proc.stderr


def test_finished_batches_keep_working(lab, first_run):
    for spoke in BATCH1:
        assert established_neighbors(lab, spoke) == ["10.200.255.1"], spoke
    assert established_neighbors(lab, BROKEN) == []


def test_a_rerun_after_the_fix_continues_without_writing_to_finished_devices(lab, first_run, tmp_path):
    lab.rest_request(BROKEN, "PUT", "/api/v2/cmdb/system/interface/port1", {"status": "up"})
    marks = {device: lab.mark(device) for device in [HUB, *SPOKES]}
    report, proc = lab.advpn("advpn_deploy.yml", extra_vars=dict(STAGED, advpn_report_dir=str(tmp_path)))
    assert proc.returncode == 0, proc.stdout[-4000:]
    for device in [HUB, *BATCH1, *BATCH2]:
        assert lab.writes_since(device, marks[device]) == [], f"{device} was written again"
    for device in BATCH3:
        assert lab.writes_since(device, marks[device]), f"{device} was not deployed"
    final = last_result(report, "Compare with the plan and write the fabric report")
    assert not final.get("failed") and final["failed_checks"] == [], final.get("msg")
    assert final["fabrics"]["corp"]["totals"]["total"] > 0
    assert lab.psk not in proc.stdout + proc.stderr

"""advpn_validate on a working fabric and on each fault of the catalogue (faults.yml), one fault at a time in
one lab: the exact checks that fail, the cause every failure names and the one fix for the fault. Last, the
reports' index.html in real headless Chromium: loads without console errors or requests, one node per device,
one link per tunnel, shortcuts, colours by state, the device filter works; screenshots go to
tests/output/advpn_validate/ (printed). One file, so the catalogue runs once per test run (one xdist worker)."""

import csv
import json
from pathlib import Path

import pytest
from advpn_validate_support import FAULTS
from lab_support import REPO
from webdriver import Chromium, load

BROKEN = ("FAIL", "ERROR")
# What the lab (1 hub, 2 overlays, 2 spokes) is checked for: per check, how many.
HEALTHY_COUNTS = {"instance": 4, "ipsec_sa": 8, "network_id": 8, "peer_overlay": 8, "advpn_role": 8, "ike_route": 8,
                  "ike_sa": 4, "bgp": 4, "route": 8, "prefix": 8, "shortcut": 1}


def report_files(run):
    return {name: Path(path) for name, path in run["reports"]["lab"]["reports"].items()}


def test_the_working_fabric_passes_every_check(catalogue):
    run = catalogue["healthy"]
    checks = run["checks"]
    assert [check["id"] for check in checks if check["result"] != "PASS"] == []
    counts = {}
    for check in checks:
        counts[check["check"]] = counts.get(check["check"], 0) + 1
    assert counts == HEALTHY_COUNTS
    (shortcut,) = [check for check in checks if check["check"] == "shortcut"]
    assert shortcut["device"] == "SPOKE1" and shortcut["peer"] == "SPOKE2" and shortcut["seen"].startswith("H1_ISP")
    assert run["msg"].startswith("0 of 69 checks failed; report: ")

    files = report_files(run)
    document = json.loads(files["report.json"].read_text())
    assert document["summary"]["passed"] is True and document["summary"]["totals"]["PASS"] == 69
    assert {link["state"] for link in document["topology"]["links"]} == {"pass"}
    assert document["topology"]["shortcuts"][0]["a"] == "SPOKE1" and document["topology"]["shortcuts"][0]["b"] == "SPOKE2"
    rows = list(csv.DictReader(files["report.csv"].open()))
    assert len(rows) == 69 and {row["result"] for row in rows} == {"PASS"}
    markdown = files["report.md"].read_text()
    assert "Verdict: **PASS**" in markdown and "| 69 | 69 | 0 | 0 | 0 |" in markdown
    assert "advpn-validate-lab-psk" not in files["report.json"].read_text() + markdown


@pytest.mark.parametrize("fault", FAULTS, ids=[fault["name"] for fault in FAULTS])
def test_fault_gets_its_verdict_and_cause(catalogue, fault):
    run = catalogue[fault["name"]]
    checks = run["checks"]
    failed = [check for check in checks if check["result"] in BROKEN]
    assert sorted(check["id"] for check in failed) == sorted(fault["failed"])
    assert sum(check["result"] == "SKIPPED" for check in checks) == fault["skipped"]
    for check in failed:
        assert fault["cause"] in check["cause"], check
        assert check["expected"] is not None and check["seen"] is not None and check["device"], check
    assert sorted({check["fix"] for check in failed}) == sorted(fault["fixes"])
    # The task's message: the count, then one line per failed check with device, overlay, check, values, cause, fix.
    assert run["msg"].startswith("%d of %d checks failed; report: " % (len(failed), len(checks)))
    first = next(check for check in checks if check["result"] in BROKEN)
    values = (first["check"], first["expected"], first["seen"], first["cause"], first["fix"])
    line = "%s: expected %s, seen %s: %s; fix: %s" % values
    assert line in run["msg"]
    markdown = report_files(run)["report.md"].read_text()
    assert "Verdict: **FAIL**" in markdown and fault["fixes"][0] in markdown


# ---- the report page in a browser ----
SHOTS = REPO / "tests" / "output" / "advpn_validate"
VISIBLE_ROWS = "return Array.from(document.querySelectorAll('#failures tbody tr')).filter(r => r.offsetParent !== null)" \
               ".map(r => r.dataset.device);"


def page(catalogue, run):
    return Path(catalogue[run]["reports"]["lab"]["reports"]["index.html"])


def test_report_pages_in_chromium(catalogue):
    with Chromium() as browser:
        healthy = load(browser, page(catalogue, "healthy"))
        assert healthy["verdict"].startswith("PASS: 69 of 69 checks passed")
        assert (healthy["nodes"], healthy["hubs"], healthy["tunnels"], healthy["shortcuts"]) == (3, 1, 4, 1)
        assert healthy["failing_nodes"] == [] and healthy["failing_links"] == [] and healthy["requests"] == 0
        assert healthy["width"] > 500
        shot = browser.screenshot(SHOTS / "healthy.png")
        print("screenshot of the healthy fabric's report:", shot)

        broken = load(browser, page(catalogue, "wan_link_down"))
        assert broken["verdict"].startswith("FAIL: 56 of 68 checks passed, 6 failed")
        assert (broken["nodes"], broken["tunnels"]) == (3, 4)
        assert broken["failing_nodes"] == ["HUB1", "SPOKE2"] and broken["failing_links"] == ["SPOKE2/HUB1/ISP2"]
        assert broken["rows"] == 6 and broken["requests"] == 0
        shot = browser.screenshot(SHOTS / "wan_link_down.png")
        print("screenshot of the report with one WAN link down:", shot)

        browser.script("document.querySelector('.node[data-device=\"SPOKE2\"]').dispatchEvent(new MouseEvent('click'));")
        assert browser.script(VISIBLE_ROWS) == ["SPOKE2"] * 3
        assert [entry for entry in browser.console() if entry["level"] == "SEVERE"] == []

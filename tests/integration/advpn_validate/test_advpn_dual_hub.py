"""overlay.fortigate.advpn (design, deploy, validate) on the example dual-hub intent (examples/advpn/dual_hub.yml)
on its generated lab: the run ends with a report where every check passes, shortcut probe included, and the
report page shows the fabric in headless Chromium (screenshot tests/output/advpn_validate/dual_hub.png)."""

import json

import pytest
from advpn_validate_support import ValidateLab
from lab_support import REPO, fortigate_sim, running_lab
from webdriver import Chromium, load

INTENT = REPO / "examples" / "advpn" / "dual_hub.yml"
VERDICT = "overlay.fortigate.advpn_validate : Compare with the plan and write the fabric report"


@pytest.fixture(scope="module")
def dual_hub_lab(tmp_path_factory):
    lab_file = tmp_path_factory.mktemp("dual-hub-lab-file") / "advpn-h2-o2-s4.yml"
    fortigate_sim("lab", "advpn", "--hubs", "2", "--overlays", "2", "--spokes", "4", "-o", str(lab_file))
    with running_lab(tmp_path_factory.mktemp("dual-hub-lab"), lab_file,
                     lambda workdir: ValidateLab(workdir, REPO / "playbooks", intent=INTENT)) as lab:
        yield lab


def test_example_dual_hub_intent_ends_with_every_check_passing(dual_hub_lab, tmp_path):
    report, proc = dual_hub_lab.run("overlay.fortigate.advpn", extra_vars={
        "advpn_report_dir": str(tmp_path), "advpn_validate_shortcut_probe": True})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    verdict = dual_hub_lab.result(report, VERDICT, "HUB1")
    checks = verdict["checks"]
    assert [check["id"] for check in checks if check["result"] != "PASS"] == []
    # 2 hubs x 2 overlays x 4 spokes seen from both ends, BGP 2 x 4 both ways, routes, prefixes, the probe.
    assert sum(check["check"] == "ike_sa" for check in checks) == 16
    assert sum(check["check"] == "instance" for check in checks) == 16
    assert sum(check["check"] == "bgp" for check in checks) == 16
    (shortcut,) = [check for check in checks if check["check"] == "shortcut"]
    assert shortcut["device"] == "SPOKE1" and shortcut["seen"].startswith(("H1_ISP", "H2_ISP")), shortcut
    assert verdict["msg"] == "0 of %d checks failed; report: %s" % (len(checks), tmp_path / "corp" / "report.md")

    document = json.loads((tmp_path / "corp" / "report.json").read_text())
    assert len(document["topology"]["links"]) == 16 and len(document["topology"]["nodes"]) == 6
    with Chromium() as browser:
        counts = load(browser, tmp_path / "corp" / "index.html")
        assert (counts["nodes"], counts["hubs"], counts["tunnels"], counts["shortcuts"]) == (6, 2, 16, 1)
        assert counts["failing_nodes"] == [] and counts["failing_links"] == [] and counts["requests"] == 0
        assert counts["verdict"].startswith("PASS: %d of %d checks passed" % (len(checks), len(checks)))
        shot = browser.screenshot(REPO / "tests" / "output" / "advpn_validate" / "dual_hub.png")
        print("screenshot of the dual-hub fabric's report:", shot)
    assert shot.stat().st_size > 10000

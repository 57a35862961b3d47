"""index.html of the fabric report in real headless Chromium: loads without console errors or requests,
one node per device, one link per tunnel, shortcuts, colours by state, the device filter works. Screenshots
go to tests/output/advpn_validate/ (printed)."""

from pathlib import Path

from lab_support import REPO
from webdriver import Chromium

SHOTS = REPO / "tests" / "output" / "advpn_validate"
COUNT = """return {
  nodes: document.querySelectorAll('.node').length,
  hubs: document.querySelectorAll('.node[data-role="hub"]').length,
  tunnels: document.querySelectorAll('.link.tunnel').length,
  shortcuts: document.querySelectorAll('.link.shortcut').length,
  failing_nodes: Array.from(document.querySelectorAll('.node[data-state="fail"]')).map(n => n.dataset.device).sort(),
  failing_links: Array.from(document.querySelectorAll('.link.tunnel[data-state="fail"]'))
                   .map(l => l.dataset.spoke + '/' + l.dataset.hub + '/' + l.dataset.overlay).sort(),
  rows: document.querySelectorAll('#failures tbody tr').length,
  verdict: document.getElementById('verdict').textContent,
  requests: performance.getEntriesByType('resource').length,
  width: document.getElementById('topology').getBoundingClientRect().width
};"""
VISIBLE_ROWS = "return Array.from(document.querySelectorAll('#failures tbody tr')).filter(r => r.offsetParent !== null)" \
               ".map(r => r.dataset.device);"


def page(catalogue, run):
    return Path(catalogue[run]["reports"]["lab"]["reports"]["index.html"])


def load(browser, path):
    browser.console()  # forget earlier pages' entries
    browser.open(path.as_uri())
    problems = [entry for entry in browser.console() if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
    return browser.script(COUNT)


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

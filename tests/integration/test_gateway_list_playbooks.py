"""Real ansible-playbook runs of the gateway-list filter, the cli_parse parser and the two demos."""

import os
import pathlib
import re
import subprocess
import sys

PLAYBOOKS = pathlib.Path(__file__).resolve().parent / "playbooks"


def test_cli_parse_returns_the_same_facts_as_the_filter(run_playbook):
    proc = run_playbook(PLAYBOOKS / "cli_parse_equals_filter.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"cli_parse == filter == hand-checked facts for \d+ fixtures", proc.stdout)
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", proc.stdout)


def run_demo(script: str) -> subprocess.CompletedProcess:
    """Run tools/<script> as `make <target>` does (the venv's PATH, the dev collection path)."""
    repo = pathlib.Path(__file__).resolve().parents[2]
    environment = dict(os.environ, PATH="%s:%s" % (pathlib.Path(sys.executable).parent, os.environ["PATH"]),
                       ANSIBLE_COLLECTIONS_PATH=str(repo / ".devcollections"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([str(repo / "tools" / script)], cwd=repo, env=environment, capture_output=True,
                          text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "stopping the simulated lab" in proc.stdout
    return proc


def test_make_demo_kb_shows_the_article_before_and_after_on_the_live_lab():
    """tools/demo-kb is what `make demo-kb` runs: lab start, playbooks/demo.yml, lab stop."""
    proc = run_demo("demo-kb")
    rows = {tuple(line.split()[:3]): line for line in re.findall(r'"(FGT\S+ +\S+ +(?:before|after) .*?)",?\n', proc.stdout)}
    assert "1.1.1.2 -> 0.0.0.0" in rows[("FGT2", "SiteB-to-SiteA", "before")]
    assert "1.1.1.2 -> 1.1.1.1" in rows[("FGT2", "SiteB-to-SiteA", "after")]
    assert "1.1.1.1 -> 0.0.0.0" in rows[("FGT_1", "SiteA-to-SiteB", "before")]
    assert "1.1.1.1 -> 1.1.1.2" in rows[("FGT_1", "SiteA-to-SiteB", "after")]
    assert "up (1)" in rows[("FGT2", "SiteB-to-SiteA", "after")] and "up (1)" in rows[("FGT_1", "SiteA-to-SiteB", "after")]
    assert "FGT2: second run changed nothing, sent no write" in proc.stdout
    assert "exchange-interface-ip\": \"enable\"" in proc.stdout  # the diff of step 2


def test_make_demo_builds_the_dual_hub_fabric_from_the_example_intent():
    """tools/demo is what `make demo` runs: generated lab, overlay.fortigate.advpn twice, the overlay at work."""
    proc = run_demo("demo")
    devices = ["HUB1", "HUB2", "SPOKE1", "SPOKE2", "SPOKE3", "SPOKE4"]
    second_run = re.search(r"second run: write requests logged by each device.*?\]", proc.stdout, re.S).group(0)
    assert all('"%s: 0"' % device in second_run for device in devices), second_run
    summary = {row[0]: row[1:] for row in re.findall(r'"(SPOKE\d) +(\d+/\d+) +(\S+) (\S+) ', proc.stdout)}
    assert summary == {spoke: ("4/4", "10.200.255.1", "10.200.255.2") for spoke in devices[2:]}, summary
    assert re.search(r'"SPOKE1 +4/4 .* to 100\.65\.\d+\.\d+"', proc.stdout), "no shortcut from SPOKE1"
    assert "5 packets transmitted, 5 packets received" in proc.stdout
    assert re.search(r"SPOKE1 +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0", proc.stdout)
    assert "demo finished in" in proc.stdout

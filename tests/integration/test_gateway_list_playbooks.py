"""Real ansible-playbook runs of the gateway-list filter, the cli_parse parser and the demo."""

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


def test_make_demo_shows_the_article_before_and_after_on_the_live_lab():
    """tools/demo is what `make demo` runs: lab start, playbooks/demo.yml, lab stop."""
    repo = pathlib.Path(__file__).resolve().parents[2]
    environment = dict(os.environ, PATH="%s:%s" % (pathlib.Path(sys.executable).parent, os.environ["PATH"]),
                       ANSIBLE_COLLECTIONS_PATH=str(repo / ".devcollections"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([str(repo / "tools" / "demo")], cwd=repo, env=environment, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    rows = {tuple(line.split()[:3]): line for line in re.findall(r'"(FGT\S+ +\S+ +(?:before|after) .*?)",?\n', proc.stdout)}
    assert "1.1.1.2 -> 0.0.0.0" in rows[("FGT2", "SiteB-to-SiteA", "before")]
    assert "1.1.1.2 -> 1.1.1.1" in rows[("FGT2", "SiteB-to-SiteA", "after")]
    assert "1.1.1.1 -> 0.0.0.0" in rows[("FGT_1", "SiteA-to-SiteB", "before")]
    assert "1.1.1.1 -> 1.1.1.2" in rows[("FGT_1", "SiteA-to-SiteB", "after")]
    assert "up (1)" in rows[("FGT2", "SiteB-to-SiteA", "after")] and "up (1)" in rows[("FGT_1", "SiteA-to-SiteB", "after")]
    assert "FGT2: second run changed nothing, sent no write" in proc.stdout
    assert "exchange-interface-ip\": \"enable\"" in proc.stdout  # the diff of step 2
    assert "stopping the simulated lab" in proc.stdout

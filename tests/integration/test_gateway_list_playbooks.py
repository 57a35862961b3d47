"""Real ansible-playbook runs of the gateway-list filter, the cli_parse parser and the demo."""

import pathlib
import re

PLAYBOOKS = pathlib.Path(__file__).resolve().parent / "playbooks"


def test_cli_parse_returns_the_same_facts_as_the_filter(run_playbook):
    proc = run_playbook(PLAYBOOKS / "cli_parse_equals_filter.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"cli_parse == filter == hand-checked facts for \d+ fixtures", proc.stdout)
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", proc.stdout)


def test_demo_prints_the_seed_articles_before_and_after(run_playbook):
    proc = run_playbook("playbooks/demo.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {tuple(line.split()[:3]): line for line in re.findall(r'"(FGT\S+ +(?:before|after) .*?)",?\n', proc.stdout)}
    assert "1.1.1.2 -> 0.0.0.0" in rows[("FGT2", "before", "SiteB-to-SiteA")]
    assert rows[("FGT2", "before", "SiteB-to-SiteA")].rstrip().endswith("NO")
    assert "1.1.1.2 -> 1.1.1.1" in rows[("FGT2", "after", "SiteB-to-SiteA")]
    assert "1.1.1.1 -> 1.1.1.2" in rows[("FGT_1", "after", "SiteA-to-SiteB")]

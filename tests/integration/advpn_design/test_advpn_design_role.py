"""The advpn_design role in a real ansible-playbook run.

The inventory is generated from the dual-hub intent of the unit tests (two hubs, two overlays, four
spokes, addressed as CONTRACTS A's lab generator does), with the fabric in group_vars and the PSK in
the environment (as AWX injects it). Each host's ``advpn_plan`` fact and each CLI file must equal
the reviewed golden files of that intent, the devices' connection (httpapi to a closed port) is
never used, and the PSK appears nowhere.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lab_support import REPO, ansible_environment, task_result

UNIT = REPO / "tests" / "unit" / "plugins" / "plugin_utils" / "advpn"
INTENT = UNIT / "intents" / "dual_hub.yml"
GOLDEN = UNIT / "golden" / "dual_hub"
PLAYBOOK = Path(__file__).parent / "design.yml"
PSK = "Zq7-not-a-real-psk-4711"
PLAN_TASK = "overlay.fortigate.advpn_design : Check the ADVPN intent and write each member's CLI text"


def write_inventory(path, mutate=None):
    hosts = yaml.safe_load(INTENT.read_text())["hosts"]
    fabric = dict(hosts["HUB1"]["advpn_fabric"])
    fabric.pop("psk")  # from the environment instead
    members = {}
    for name, hostvars in hosts.items():
        hostvars = {k: v for k, v in hostvars.items() if k != "advpn_fabric"}
        # A device connection that would fail if the role ever opened it.
        hostvars.update({"ansible_connection": "ansible.netcommon.httpapi", "ansible_host": "127.0.0.1",
                         "ansible_network_os": "overlay.fortigate.fortios", "ansible_httpapi_port": 9})
        members[name] = hostvars
    inventory = {"all": {"children": {"corp": {"hosts": members, "vars": {"advpn_fabric": fabric}}}}}
    if mutate:
        mutate(inventory["all"]["children"]["corp"])
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def run(inventory, out, *args, env=None):
    environment = ansible_environment(**dict({"OVERLAY_FORTIGATE_ADVPN_PSK": PSK}, **(env or {})))
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(PLAYBOOK),
               "-e", json.dumps({"advpn_config_dir": str(out / "configs")}), *args]
    proc = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert PSK not in proc.stdout + proc.stderr
    return json.loads(proc.stdout[proc.stdout.index("{"):]), proc


@pytest.fixture(scope="module")
def designed(tmp_path_factory):
    base = tmp_path_factory.mktemp("advpn_design")
    inventory = write_inventory(base / "inventory.yml")
    first = run(inventory, base)
    second = run(inventory, base)
    return base, first, second


def plan_fact(report, device):
    return task_result(report, "Show the plan fact of each host", device)["advpn_plan"]


def test_every_member_holds_its_golden_plan(designed):
    report, proc = designed[1]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    devices = sorted(p.stem for p in GOLDEN.glob("*.yml"))
    assert devices == ["HUB1", "HUB2", "SPOKE1", "SPOKE2", "SPOKE3", "SPOKE4"]
    for device in devices:
        fact = plan_fact(report, device)
        golden = yaml.safe_load((GOLDEN / ("%s.yml" % device)).read_text())
        assert {k: v for k, v in fact.items() if k != "cli"} == golden, device
        assert fact["cli"] == (GOLDEN / ("%s.cfg" % device)).read_text(), device
        assert PSK not in json.dumps(fact)
    spoke = plan_fact(report, "SPOKE1")
    assert [t["name"] for t in spoke["expected"]["tunnels"]] == ["H1_ISP1", "H1_ISP2", "H2_ISP1", "H2_ISP2"]
    assert [n["address"] for n in spoke["expected"]["bgp"]["neighbors"]] == ["10.200.255.1", "10.200.255.2"]


def test_cli_files_written_once_and_only_when_changed(designed):
    base, first_run, (second_report, second) = designed
    report = first_run[0]
    configs = base / "configs"
    assert sorted(p.name for p in configs.iterdir()) == sorted(p.name for p in GOLDEN.glob("*.cfg"))
    for path in configs.iterdir():
        assert path.read_text() == (GOLDEN / path.name).read_text()
        assert PSK not in path.read_text()
    # Planned once for the whole play (run_once), not once per host.
    first = task_result(report, PLAN_TASK, "HUB1")
    assert first["changed"] is True and len(first["config_files"]) == 6
    assert first["fabrics"] == {"corp": {"hubs": ["HUB1", "HUB2"], "spokes": ["SPOKE1", "SPOKE2", "SPOKE3", "SPOKE4"]}}
    plan_tasks = [entry for play in report["plays"] for entry in play["tasks"] if entry["task"]["name"] == PLAN_TASK]
    assert len(plan_tasks) == 1 and list(plan_tasks[0]["hosts"]) == ["HUB1"]
    assert second.returncode == 0
    again = task_result(second_report, PLAN_TASK, "HUB1")
    assert again["changed"] is False and again["config_files"] == []


def test_check_mode_writes_no_file(tmp_path):
    inventory = write_inventory(tmp_path / "inventory.yml")
    report, proc = run(inventory, tmp_path, "--check")
    assert proc.returncode == 0, proc.stdout[-3000:]
    result = task_result(report, PLAN_TASK, "HUB1")
    assert result["changed"] is True and len(result["config_files"]) == 6
    assert not (tmp_path / "configs").exists()


def test_bad_intent_fails_once_before_any_plan(tmp_path):
    def break_intent(group):
        group["hosts"]["SPOKE2"]["advpn_site_id"] = 1
        group["hosts"]["HUB2"]["advpn_wan"].pop("ISP2")

    inventory = write_inventory(tmp_path / "inventory.yml", break_intent)
    report, proc = run(inventory, tmp_path, env={"OVERLAY_FORTIGATE_ADVPN_PSK": ""})
    assert proc.returncode != 0
    result = task_result(report, PLAN_TASK, "HUB1")
    assert result["failed"] is True
    assert result["msg"] == (
        "3 problem(s) in the ADVPN intent:\n"
        "- HUB1: advpn_fabric.psk: no pre-shared key; set advpn_fabric.psk from a vault, or the environment "
        "variable OVERLAY_FORTIGATE_ADVPN_PSK\n"
        "- HUB2: advpn_wan.ISP2: missing on a hub; every hub needs a WAN entry for every overlay (interface and "
        "address the spokes dial)\n"
        "- SPOKE2: advpn_site_id: 1 is also used by SPOKE1; give each spoke its own site id (never reuse one)")
    assert not (tmp_path / "configs").exists()
    with pytest.raises(KeyError):
        plan_fact(report, "HUB1")

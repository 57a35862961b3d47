"""PSK rotation (overlay.fortigate.advpn_rotate_psk) on a live 1-hub, 2-spoke fabric.

The fabric is deployed with one key, then rotated to a new one from OVERLAY_FORTIGATE_ADVPN_PSK while
a probe polls each spoke's tunnel and BGP monitors. Proven: hub first, then the spokes; one PSK write
per tunnel and nothing else written; every tunnel and BGP session back up and the validate role
passing; the outage each spoke saw is bounded; neither key appears in the run's output, the report
directory, the request logs or the simulator's log.
"""

from __future__ import annotations

import secrets

import pytest
from lab_support import running_lab
from outage import OutageProbe
from scale_support import make_lab, write_lab

HUB = "HUB1"
SPOKES = ["SPOKE1", "SPOKE2"]
PHASE1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"


@pytest.fixture(scope="module")
def rotated(tmp_path_factory):
    lab_file, intent_file = write_lab(tmp_path_factory.mktemp("psk-files"), len(SPOKES))
    with running_lab(tmp_path_factory.mktemp("psk-lab"), lab_file, make_lab(intent_file)) as lab:
        report, proc = lab.advpn("advpn_deploy.yml")
        assert proc.returncode == 0, proc.stdout[-3000:]
        old_key = lab.psk
        lab.psk = new_key = "rot-" + secrets.token_hex(8)  # what the run gets as OVERLAY_FORTIGATE_ADVPN_PSK
        marks = {device: lab.mark(device) for device in [HUB, *SPOKES]}
        reports = tmp_path_factory.mktemp("psk-reports")
        with OutageProbe(lab, SPOKES) as probe:
            report, proc = lab.advpn("advpn_rotate_psk.yml", extra_vars={"advpn_report_dir": str(reports)})
        yield {"lab": lab, "report": report, "proc": proc, "marks": marks, "reports": reports,
               "keys": (old_key, new_key), "outages": probe.outages()}


def test_the_rotation_succeeds_and_the_validate_role_shows_the_fabric_up(rotated):
    proc, report = rotated["proc"], rotated["report"]
    assert proc.returncode == 0, proc.stdout[-4000:]
    checks = [result for play in report["plays"] for task in play["tasks"]
              if task["task"]["name"].endswith("Compare with the plan and write the fabric report")
              for result in task["hosts"].values()]
    assert len(checks) == 1 and not checks[0].get("failed"), checks
    assert checks[0].get("failed_checks") == [], checks[0].get("failed_checks")
    assert any(path.is_file() for path in rotated["reports"].rglob("*")), "no fabric report written"


def test_only_the_psk_is_written_hub_first(rotated):
    lab, marks = rotated["lab"], rotated["marks"]
    written = {device: lab.writes_since(device, marks[device]) for device in [HUB, *SPOKES]}
    for device, writes in written.items():
        assert writes, f"{device}: no PSK write"
        for write in writes:
            assert write["method"] == "PUT" and write["path"].startswith(PHASE1), write
            assert "psksecret" in write["body_keys"], write
    last_hub_write = max(write["time"] for write in written[HUB])
    assert all(write["time"] > last_hub_write for spoke in SPOKES for write in written[spoke]), written


def test_every_spoke_comes_back_and_its_outage_is_bounded(rotated):
    outages = rotated["outages"]
    print("outage per spoke (s):", outages)
    for spoke, outage in outages.items():
        assert outage["tunnel_up_at_end"] and outage["bgp_up_at_end"], (spoke, outage)
        # The hub's write takes every spoke down; the spoke's own write brings it back.
        assert outage["tunnel_down"] > 0, (spoke, outage)
        assert outage["bgp_window"] < 60, (spoke, outage)
    lab = rotated["lab"]
    for spoke in SPOKES:
        neighbors = lab.rest_get(spoke, "/api/v2/monitor/router/bgp/neighbors")["results"]
        assert [n["state"] for n in neighbors] == ["Established"], (spoke, neighbors)


def test_neither_key_appears_in_output_reports_or_logs(rotated):
    lab, proc = rotated["lab"], rotated["proc"]
    texts = {"run output": proc.stdout + proc.stderr}
    texts.update({str(path): path.read_text(errors="replace") for path in rotated["reports"].rglob("*") if path.is_file()})
    texts.update({str(path): path.read_text(errors="replace")
                  for path in [*lab.workdir.glob("*/requests.jsonl"), lab.workdir / "sim.log"] if path.exists()})
    assert len(texts) > 3, list(texts)
    for key in rotated["keys"]:
        leaked = [name for name, text in texts.items() if key in text]
        assert not leaked, f"a key appeared in {leaked}"

"""The ADVPN roles end to end on a dual-hub lab (2 hubs, 2 overlays, 4 spokes), over HTTPS.

overlay.fortigate.advpn_deploy (design + deploy) builds the fabric from the shipped example intent;
the devices then show the overlay working (tunnels, BGP, pings, shortcuts, read with the
device's own operational commands); a second run writes nothing (request logs); the PSK is
written on create and rewritten only when asked; check mode predicts and writes nothing; and
removing an overlay from the intent deletes exactly that overlay's objects, leaving a
hand-made object on the hub alone. The tests run in file order on one lab.
"""

from __future__ import annotations

import json
import re
import time

import pytest
import yaml
from conftest import INTENT

HUBS = ["HUB1", "HUB2"]
SPOKES = ["SPOKE1", "SPOKE2", "SPOKE3", "SPOKE4"]
DEVICES = HUBS + SPOKES
OVERLAYS = ("ISP1", "ISP2")
HUB_LOOPBACKS = ["10.200.255.1", "10.200.255.2"]
DELETION_ORDER = ["firewall/policy", "vpn.ipsec/phase2-interface", "vpn.ipsec/phase1-interface"]


def intent():
    return yaml.safe_load(INTENT.read_text())


def lan_address(device):
    """The first address of the device's first LAN in the example intent (the lab numbers LANs so)."""
    lan = intent()["all"]["children"]["advpn_corp"]["hosts"][device]["advpn_lans"][0]
    return re.sub(r"\.0/\d+$", ".1", lan["prefix"] if isinstance(lan, dict) else lan)


def plan_keys(intent_data):
    """device -> {(path, key): the object as JSON text} of the plans the plan library makes for an intent."""
    from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import build_plans

    group = intent_data["all"]["children"]["advpn_corp"]
    hosts = {name: dict(group["vars"], **variables) for name, variables in group["hosts"].items()}
    plans = build_plans(hosts, psk_available=True)["corp"]
    return {device: {(obj["path"], str(obj.get("mkey"))): json.dumps(obj) for obj in plan["objects"]}
            for device, plan in plans.items()}


def summaries(report):
    """host -> advpn_deploy_summary fact set by the role."""
    found = {}
    for play in report["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].endswith("Record what was written"):
                for host, result in task["hosts"].items():
                    found[host] = result["ansible_facts"]["advpn_deploy_summary"]
    return found


def marks(lab):
    return {device: lab.mark(device) for device in DEVICES}


def writes(lab, since):
    return {device: lab.writes_since(device, mark) for device, mark in since.items()}


def eventually(check, timeout=40.0):
    """Poll ``check`` (returns a falsy value or raises AssertionError until the lab converged)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not converged after {timeout} s: {check.__doc__}")
        time.sleep(1)


def tunnels_up(lab, spoke, overlays=OVERLAYS):
    """Every tunnel of the spoke to every hub on every overlay has its IPsec SA up."""
    gateways = {g["name"]: g for g in lab.gateways(spoke)}
    for hub_index in (1, 2):
        for overlay in overlays:
            name = f"H{hub_index}_{overlay}"
            assert name in gateways, f"{spoke}: no gateway {name} in {sorted(gateways)}"
            assert gateways[name]["ipsec_sa"]["established_current"], f"{spoke}: {name} has no IPsec SA up"
    return gateways


def bgp_established(lab, spoke):
    """BGP is Established to both hub loopbacks (an established neighbor shows its prefix count)."""
    summary = lab.command(spoke, "get router info bgp summary")
    established = re.findall(r"(?m)^(\d+\.\d+\.\d+\.\d+)\s+4\s.*\s\d+\s*$", summary)
    assert sorted(established) == HUB_LOOPBACKS, summary
    return True


def ping(lab, device, destination):
    """Packets received by 3 pings from ``device``'s LAN address."""
    lab.command(device, f"execute ping-options source {lan_address(device)}")
    output = lab.command(device, f"execute ping -c 3 {destination}")
    match = re.search(r"(\d+) packets received", output)
    return int(match.group(1)) if match else 0


@pytest.fixture(scope="module")
def deployed(lab):
    before = marks(lab)
    report, proc = lab.advpn("advpn_deploy.yml")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert lab.psk not in proc.stdout + proc.stderr  # the JSON report holds every task's arguments and diff
    return report, before


def test_the_example_intent_builds_a_working_dual_hub_overlay(lab, deployed):
    report = deployed[0]
    written = summaries(report)
    assert sorted(written) == sorted(DEVICES)
    for device, summary in written.items():
        assert summary["actions"]["create"] > 0 and summary["actions"]["delete"] == 0, (device, summary)
        assert summary["write_requests"] >= summary["actions"]["create"], (device, summary)

    for spoke in SPOKES:
        eventually(lambda spoke=spoke: tunnels_up(lab, spoke))
        eventually(lambda spoke=spoke: bgp_established(lab, spoke))

    # Every LAN (hubs' and spokes') answers every spoke, from the spoke's own LAN address.
    for spoke in SPOKES:
        for other in DEVICES:
            if other != spoke:
                assert ping(lab, spoke, lan_address(other)) > 0, f"{spoke} cannot reach the LAN of {other}"

    # Those pings went spoke to spoke, so each spoke has formed ADVPN shortcuts to the others:
    # dial-up instances <parent>_<n> of its hub tunnels, as receiver, with the peer spoke's WAN address.
    addressing = yaml.safe_load(lab.workdir.joinpath("lab.yml").read_text())["addressing"]
    for spoke in SPOKES:
        shortcuts = [g for g in lab.gateways(spoke) if re.fullmatch(r"H\d_ISP\d_\d+", g["name"])]
        peers = {g["remote_addr"] for g in shortcuts if g["ike_sa"]["established_current"]}
        for other in SPOKES:
            if other != spoke:
                wans = {wan["address"] for wan in addressing[other]["wan"].values()}
                assert peers & wans, f"{spoke}: no shortcut to {other} ({wans}) among {sorted(peers)}"
        assert all("receiver" in (g["auto_discovery"] or "") for g in shortcuts), shortcuts


def test_hubs_are_written_before_any_spoke(lab, deployed):
    first = deployed[1]
    times = {device: [r["time"] for r in lab.writes_since(device, first[device])] for device in DEVICES}
    assert max(t for hub in HUBS for t in times[hub]) < min(t for spoke in SPOKES for t in times[spoke])


def test_a_second_run_in_batches_changes_nothing_and_sends_no_write(lab, deployed):
    before = marks(lab)
    report, proc = lab.advpn("advpn_deploy.yml", extra_vars={"advpn_deploy_serial": 2})
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert writes(lab, before) == {device: [] for device in DEVICES}
    for device, summary in summaries(report).items():
        assert summary["write_requests"] == 0 and summary["unchanged"] == summary["objects"] > 0, (device, summary)
    assert all(stats["changed"] == 0 for stats in report["stats"].values()), report["stats"]
    # Hubs in one play, then the spokes two at a time.
    batches = [sorted(play["tasks"][0]["hosts"]) for play in report["plays"] if play["play"]["name"].startswith("ADVPN deploy")]
    assert batches == [HUBS, SPOKES[:2], SPOKES[2:]], batches


def test_a_failing_batch_stops_the_rollout(lab, deployed):
    lab.fault("SPOKE1", "--method", "GET", "--path-pattern", "/api/v2/cmdb/", "--status", "500")
    try:
        before = marks(lab)
        proc = lab.advpn("advpn_deploy.yml", extra_vars={"advpn_deploy_serial": 1})[1]
    finally:
        lab.clear_faults()
    assert proc.returncode != 0
    touched = {device for device, mark in before.items() if lab.requests_since(device, mark, "/api/v2/cmdb/")}
    assert touched == {"HUB1", "HUB2", "SPOKE1"}, touched  # SPOKE1 failed: the later batches never started


def test_the_psk_is_written_on_create_and_rewritten_only_when_asked(lab, deployed):
    first = deployed[1]
    for device in DEVICES:
        created = [r for r in lab.requests(device)[first[device]:]
                   if r["method"] == "POST" and r["path"].endswith("/vpn.ipsec/phase1-interface")]
        assert len(created) == (2 if device in HUBS else 4) and all("psksecret" in r["body_keys"] for r in created)

    before = marks(lab)
    proc = lab.advpn("advpn_deploy.yml", extra_vars={"advpn_hosts": "SPOKE1", "advpn_deploy_rotate_psk": True})[1]
    assert proc.returncode == 0, proc.stdout[-4000:]
    rotated = writes(lab, before)
    assert [(r["method"], r["path"].rsplit("/", 1)[-1], r["body_keys"]) for r in rotated.pop("SPOKE1")] == [
        ("PUT", name, ["psksecret"]) for name in ("H1_ISP1", "H1_ISP2", "H2_ISP1", "H2_ISP2")]
    assert rotated == {device: [] for device in DEVICES if device != "SPOKE1"}
    assert lab.psk not in proc.stdout + proc.stderr
    eventually(lambda: tunnels_up(lab, "SPOKE1"))  # the same key again: the tunnels come back


def test_a_missing_psk_fails_before_anything_is_written(lab, deployed):
    before = marks(lab)
    proc = lab.advpn("advpn_deploy.yml", psk="")[1]
    assert proc.returncode != 0
    assert "OVERLAY_FORTIGATE_ADVPN_PSK" in proc.stdout, proc.stdout[-3000:]
    assert writes(lab, before) == {device: [] for device in DEVICES}


def test_removing_an_overlay_deletes_exactly_its_objects_and_spares_hand_made_ones(lab, deployed, tmp_path):
    # A hand-made route and address on the hub, in tables the fabric owns entries of.
    hand_made = {
        "router/static": {"seq-num": 77, "dst": "192.0.2.0 255.255.255.0", "blackhole": "enable",
                          "comment": "hand-made, not advpn:corp2"},
        "firewall/address": {"name": "HANDMADE", "subnet": "192.0.2.0 255.255.255.0", "comment": "hand-made"},
    }
    for path, body in hand_made.items():
        assert lab.rest("HUB1", "POST", f"/api/v2/cmdb/{path}?vdom=root", body)["status"] == "success", path

    reduced = intent()
    corp = reduced["all"]["children"]["advpn_corp"]
    corp["vars"]["advpn_fabric"]["overlays"] = [{"name": "ISP1"}]
    for host in corp["hosts"].values():
        host["advpn_wan"].pop("ISP2")
    reduced_file = tmp_path / "one_overlay.yml"
    reduced_file.write_text(yaml.safe_dump(reduced))

    # Check mode first: it predicts the deletions and writes nothing.
    before = marks(lab)
    report, proc = lab.advpn("advpn_deploy.yml", "--check", "--diff", intent=reduced_file)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert writes(lab, before) == {device: [] for device in DEVICES}
    predicted = {device: summary["changed"] for device, summary in summaries(report).items()}

    before = marks(lab)
    report, proc = lab.advpn("advpn_deploy.yml", intent=reduced_file)
    assert proc.returncode == 0, proc.stdout[-4000:]
    done = {device: summary["changed"] for device, summary in summaries(report).items()}
    assert done == predicted

    full, kept = plan_keys(intent()), plan_keys(reduced)
    for device, sent in writes(lab, before).items():
        deleted = [tuple(r["path"].split("/api/v2/cmdb/")[1].rsplit("/", 1)) for r in sent if r["method"] == "DELETE"]
        # Exactly what the full plan has and the one-overlay plan has not: ISP2's tunnels and the
        # policies between ISP2 and the other overlays, each deleted once.
        assert sorted(deleted) == sorted(full[device].keys() - kept[device].keys()), (device, deleted)
        assert deleted and all("ISP2" in full[device][key] for key in deleted), (device, deleted)
        # Reverse dependency order: policies, then phase2, then phase1 (each tunnel's phase2 before its phase1).
        tables = [key[0] for key in deleted]
        assert tables == sorted(tables, key=DELETION_ORDER.index), (device, deleted)
        # Anything else written is an update of an object the smaller plan keeps.
        for request in sent:
            if request["method"] != "DELETE":
                path, key = request["path"].split("/api/v2/cmdb/")[1].rsplit("/", 1)
                assert request["method"] == "PUT" and (path, key) in kept[device], (device, request)
        left = lab.rest_get(device, "/api/v2/cmdb/vpn.ipsec/phase1-interface?vdom=root")["results"]
        assert not [p["name"] for p in left if "ISP2" in p["name"]]

    assert lab.rest_get("HUB1", "/api/v2/cmdb/router/static/77?vdom=root")["results"][0]["comment"].startswith("hand")
    assert lab.rest_get("HUB1", "/api/v2/cmdb/firewall/address/HANDMADE?vdom=root")["results"]
    for spoke in SPOKES:  # what remains still works
        eventually(lambda spoke=spoke: tunnels_up(lab, spoke, ("ISP1",)))
        eventually(lambda spoke=spoke: bgp_established(lab, spoke))

"""advpn_validate's checks, causes and reports on the state read from the simulated lab (pure logic).

observed_healthy.json is what the role read from tests/integration/advpn_validate/labs/advpn-validate.yml
(healthy, after a shortcut probe); each test changes that state the way a fault shows on devices.
"""

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.plan import build_plans
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_checks import validate
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_html import render_html
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_report import (
    report_csv,
    report_json,
    report_md,
    summarize,
)
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_state import fabrics

UNIT = Path(__file__).resolve().parents[2]
# The plan the design role derives from the intent of that lab.
_INTENT = yaml.safe_load((UNIT.parent / "integration" / "advpn_validate" / "inventory" / "intent.yml").read_text())
_GROUP = _INTENT["all"]["children"]["advpn_lab"]
PLANS = build_plans({host: dict(_GROUP["vars"], **spec) for host, spec in _GROUP["hosts"].items()}, psk_available=True)["lab"]
HEALTHY = json.loads((UNIT / "fixtures" / "advpn_validate" / "observed_healthy.json").read_text())


@pytest.fixture
def observed():
    return copy.deepcopy(HEALTHY)


def run(observed, plans=None):
    return validate(plans or PLANS, observed)["lab"]


def broken(checks):
    return {check["id"]: check for check in checks if check["result"] in ("FAIL", "ERROR")}


def gateway(observed, device, name):
    return next(entry for entry in observed[device]["gateways"] if entry["name"] == name)


def phase1(observed, device, name):
    return next(entry for entry in observed[device]["rest"]["phase1"] if entry["name"] == name)


def drop_routes(observed, device, prefix, interface):
    routes = observed[device]["rest"]["routes"]
    routes[:] = [r for r in routes if not (r["prefix"] == prefix and interface in (r["interface"], r["tunnel_parent"]))]


def hub_instance(observed, spoke, overlay):
    """The name of the hub's dial-up instance of ``spoke`` on ``overlay`` (instance numbers vary by run)."""
    return next(g["name"] for g in observed["HUB1"]["gateways"]
                if g["name"].startswith("EDGE_%s_" % overlay) and g["remote_location"] == PLANS[spoke]["loopback"])


def take_down(observed, spoke, overlay):
    """The spoke's tunnel connecting, the hub's instance gone, their routes and phase2s with them."""
    tunnel, instance = "H1_%s" % overlay, hub_instance(observed, spoke, overlay)
    state = gateway(observed, spoke, tunnel)
    state.update(ike_sa={"created_current": 1, "created_total": 1, "established_current": None,
                         "established_total": None, "time_ms": None}, ike_sas=[], network_id=None,
                 virtual_interface_addr_peer=None, overlay_exchanged=None, auto_discovery=None)
    for entry in observed[spoke]["rest"]["tunnels"]:
        if entry["name"] == tunnel:
            entry["phase2"][0]["status"] = "down"
    observed["HUB1"]["gateways"] = [g for g in observed["HUB1"]["gateways"] if g["name"] != instance]
    observed["HUB1"]["rest"]["tunnels"] = [t for t in observed["HUB1"]["rest"]["tunnels"] if t["name"] != instance]
    drop_routes(observed, spoke, "10.200.255.1/32", tunnel)
    drop_routes(observed, "HUB1", "%s/32" % PLANS[spoke]["loopback"], "EDGE_%s" % overlay)


def test_healthy_fabric_passes(observed):
    checks = run(observed)
    assert len(checks) == 69 and {check["result"] for check in checks} == {"PASS"}
    assert len({check["id"] for check in checks}) == 69
    assert all(check["cause"] is None and check["fix"] is None for check in checks)


def test_hub_that_sends_no_exchange_ip(observed):
    phase1(observed, "HUB1", "EDGE_ISP2")["exchange_ip_addr4"] = "0.0.0.0"
    for spoke in ("SPOKE1", "SPOKE2"):
        gateway(observed, spoke, "H1_ISP2").update(virtual_interface_addr_peer="0.0.0.0", overlay_exchanged=False)
        drop_routes(observed, spoke, "10.200.255.1/32", "H1_ISP2")
    failures = broken(run(observed))
    assert sorted(failures) == ["SPOKE1/H1_ISP2/ike_route", "SPOKE1/H1_ISP2/peer_overlay",
                                "SPOKE2/H1_ISP2/ike_route", "SPOKE2/H1_ISP2/peer_overlay"]
    check = failures["SPOKE1/H1_ISP2/peer_overlay"]
    assert (check["overlay"], check["expected"], check["seen"]) == ("ISP2", "10.200.255.1", "0.0.0.0")
    assert check["cause"] == "HUB1 EDGE_ISP2 sends no exchange-ip-addr4"
    assert check["fix"] == "set exchange-ip-addr4 10.200.255.1 on HUB1 EDGE_ISP2 (overlay.fortigate.ipsec_phase1_exchange)"


def test_old_release_needs_exchange_interface_ip(observed):
    observed["HUB1"]["rest"]["version"] = "v7.0.2"
    gateway(observed, "SPOKE1", "H1_ISP1").update(virtual_interface_addr_peer="0.0.0.0")
    check = broken(run(observed))["SPOKE1/H1_ISP1/peer_overlay"]
    assert check["cause"].startswith("HUB1 runs v7.0.2: exchange-ip-addr4 is sent only with exchange-interface-ip")
    assert check["fix"].startswith("set exchange-interface-ip enable on HUB1 EDGE_ISP1")


def test_psk_is_named_by_elimination_only_when_the_hub_answers_other_spokes(observed):
    take_down(observed, "SPOKE1", "ISP1")
    failures = broken(run(observed))
    assert sorted(failures) == ["HUB1/EDGE_ISP1<-SPOKE1/ike_route", "HUB1/EDGE_ISP1<-SPOKE1/instance",
                                "HUB1/EDGE_ISP1<-SPOKE1/ipsec_sa", "SPOKE1/H1_ISP1/ike_route",
                                "SPOKE1/H1_ISP1/ike_sa", "SPOKE1/H1_ISP1/ipsec_sa"]
    assert {check["cause"] for check in failures.values()} == {
        "pre-shared key of SPOKE1 H1_ISP1 does not match HUB1 EDGE_ISP1: every setting that can be read matches, "
        "and SPOKE2 reaches HUB1 on ISP1"}
    take_down(observed, "SPOKE2", "ISP1")
    causes = {check["cause"] for check in broken(run(observed)).values()}
    assert causes == {"no spoke reaches HUB1 on ISP1 and every setting that can be read matches: HUB1 EDGE_ISP1's "
                      "pre-shared key, or the ISP1 underlay between them"}


@pytest.mark.parametrize("change, cause", [
    (lambda o: phase1(o, "SPOKE1", "H1_ISP1").update(network_id=21),
     "network-id of SPOKE1 H1_ISP1 is 21, HUB1 EDGE_ISP1 expects 11"),
    (lambda o: phase1(o, "SPOKE1", "H1_ISP1").update(remote_gw="100.65.0.9"),
     "remote-gw of SPOKE1 H1_ISP1 is 100.65.0.9, HUB1 listens on 100.65.0.1"),
    (lambda o: phase1(o, "HUB1", "EDGE_ISP1").update(network_id=13),
     "network-id of HUB1 EDGE_ISP1 is 13, planned 11 (its spokes send 11)"),
    (lambda o: phase1(o, "HUB1", "EDGE_ISP1").update(ike_version="1"),
     "IKE version of SPOKE1 H1_ISP1 (2) differs from HUB1 EDGE_ISP1 (1)"),
    (lambda o: next(i for i in o["SPOKE1"]["rest"]["interfaces"] if i["name"] == "port1").update(status="down"),
     "port1 on SPOKE1 (the ISP1 underlay) is administratively down (status down)"),
    (lambda o: o["SPOKE1"]["rest"].update(links=[{"name": "port1", "link": False}]),
     "port1 on SPOKE1 (the ISP1 underlay) is link down"),
    (lambda o: next(i for i in o["HUB1"]["rest"]["interfaces"] if i["name"] == "port1").update(status="down"),
     "port1 on HUB1 (the ISP1 underlay) is administratively down (status down): no spoke reaches HUB1 on ISP1"),
    (lambda o: o["SPOKE1"]["rest"].update(phase1=[p for p in o["SPOKE1"]["rest"]["phase1"] if p["name"] != "H1_ISP1"]),
     "SPOKE1 has no phase1-interface H1_ISP1"),
])
def test_down_tunnel_causes_in_the_order_an_engineer_looks(observed, change, cause):
    take_down(observed, "SPOKE1", "ISP1")
    change(observed)
    assert broken(run(observed))["SPOKE1/H1_ISP1/ike_sa"]["cause"] == cause


def test_unreadable_device_is_an_error_not_a_pass(observed):
    observed["SPOKE2"] = {"rest": observed["SPOKE2"]["rest"], "gateways": None,
                          "errors": {"ssh": "timed out after 30 s"}}
    checks = run(observed)
    errors = {check["id"]: check for check in checks if check["result"] == "ERROR"}
    assert sorted(errors) == ["SPOKE2/H1_ISP1/advpn_role", "SPOKE2/H1_ISP1/ike_sa", "SPOKE2/H1_ISP1/network_id",
                              "SPOKE2/H1_ISP1/peer_overlay", "SPOKE2/H1_ISP2/advpn_role", "SPOKE2/H1_ISP2/ike_sa",
                              "SPOKE2/H1_ISP2/network_id", "SPOKE2/H1_ISP2/peer_overlay"]
    assert errors["SPOKE2/H1_ISP1/ike_sa"]["cause"] == (
        "could not read SPOKE2 over SSH (ansible.netcommon.network_cli): timed out after 30 s")
    assert summarize(checks)["passed"] is False


def test_duplicate_instances_and_plain_hub_and_spoke(observed):
    original = hub_instance(observed, "SPOKE1", "ISP1")
    instance = copy.deepcopy(gateway(observed, "HUB1", original))
    instance["name"] = "EDGE_ISP1_7"
    observed["HUB1"]["gateways"].append(instance)
    check = broken(run(observed))["HUB1/EDGE_ISP1<-SPOKE1/instance"]
    assert check["seen"] == "%s established; EDGE_ISP1_7 established" % original
    assert check["cause"] == "2 instances of EDGE_ISP1 come from SPOKE1: an old SA lingers"

    plans = copy.deepcopy(PLANS)
    for plan in plans.values():
        plan["expected"]["shortcuts"] = False
    roles = {check["id"]: check for check in run(copy.deepcopy(HEALTHY), plans) if check["check"] == "advpn_role"}
    assert {check["expected"] for check in roles.values()} == {"none"}
    assert roles["HUB1/EDGE_ISP1<-SPOKE1/advpn_role"]["cause"] == (
        "HUB1 EDGE_ISP1 has auto-discovery-sender enable but the fabric has shortcuts: false")


def test_reports_hold_every_check_and_the_topology(observed):
    take_down(observed, "SPOKE2", "ISP2")
    fabric = fabrics(PLANS, observed)["lab"]
    checks = validate(PLANS, observed)["lab"]
    document = json.loads(report_json(fabric, checks, "2026-12-01T00:00:00Z"))
    assert document["summary"]["totals"] == {"PASS": 57, "FAIL": 6, "ERROR": 0, "SKIPPED": 6, "total": 69}
    assert [(link["spoke"], link["overlay"], link["state"]) for link in document["topology"]["links"]] == [
        ("SPOKE1", "ISP1", "pass"), ("SPOKE1", "ISP2", "pass"), ("SPOKE2", "ISP1", "pass"), ("SPOKE2", "ISP2", "fail")]
    assert [(n["name"], n["state"]) for n in document["topology"]["nodes"]] == [
        ("HUB1", "fail"), ("SPOKE1", "pass"), ("SPOKE2", "fail")]
    assert [(s["a"], s["b"], s["overlay"], s["state"]) for s in document["topology"]["shortcuts"]] == [
        ("SPOKE1", "SPOKE2", "ISP1", "pass")]
    (cause,) = document["summary"]["causes"]
    assert len(cause["checks"]) == 6

    rows = list(csv.DictReader(io.StringIO(report_csv(checks))))
    assert len(rows) == 69 and rows[0]["id"] == "HUB1/EDGE_ISP1<-SPOKE1/instance"

    markdown = report_md(fabric, checks, "now")
    assert "| 69 | 57 | 6 | 0 | 6 |" in markdown and "Verdict: **FAIL**" in markdown
    assert markdown.count("\n| HUB1/EDGE_ISP2<-SPOKE2/instance |") == 2  # failed list and all results

    html = render_html(fabric, checks, "now")
    assert len(re.findall(r'<g class="node"', html)) == 3 and len(re.findall(r'class="link tunnel"', html)) == 4
    assert len(re.findall(r'class="link shortcut"', html)) == 1 and html.count('<tr data-device=') == 6
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_names_are_escaped_in_the_page(observed):
    plans = copy.deepcopy(PLANS)
    plans["HUB1"]["fabric"] = plans["SPOKE1"]["fabric"] = plans["SPOKE2"]["fabric"] = "<b>lab</b>"
    fabric = fabrics(plans, observed)["<b>lab</b>"]
    html = render_html(fabric, validate(plans, observed)["<b>lab</b>"], "now")
    assert "<b>lab</b>" not in html and "&lt;b&gt;lab&lt;/b&gt;" in html

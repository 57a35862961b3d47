"""overlay.fortigate.advpn_validate (the collection playbook): --check validates unchanged, writes the report
and fails naming the cause; ike_gateway_facts over httpapi names the fix."""

from advpn_validate_support import HERE

EXCHANGE = "vpn.ipsec/phase1-interface/EDGE_ISP2"
VERDICT = "overlay.fortigate.advpn_validate : Compare with the plan and write the fabric report"


def put(lab, device, path, body):
    """A CMDB write outside Ansible (to break the lab for the test)."""
    assert lab.rest(device, "PUT", "/api/v2/cmdb/" + path, body)["status"] == "success"


def test_check_mode_validates_reports_and_fails_naming_the_cause(validate_lab, tmp_path):
    marks = {device: validate_lab.mark(device) for device in validate_lab.hosts}
    put(validate_lab, "HUB1", EXCHANGE, {"exchange-ip-addr4": "0.0.0.0"})
    try:
        report, proc = validate_lab.run(HERE / "playbooks" / "check_mode.yml", "--check",
                                        extra_vars={"advpn_report_dir": str(tmp_path)})
    finally:
        put(validate_lab, "HUB1", EXCHANGE, {"exchange-ip-addr4": "10.200.255.1"})
    assert proc.returncode != 0, proc.stdout[-3000:]

    slip = validate_lab.result(report, "Gateway list over httpapi", "HUB1")
    assert "set ansible_connection: ansible.netcommon.network_cli" in slip["msg"]
    assert "Method not found" not in slip["msg"]

    verdict = validate_lab.result(report, VERDICT, "HUB1")
    assert verdict["failed"] is True
    assert verdict["msg"].startswith("4 of 68 checks failed; report: %s" % (tmp_path / "lab" / "report.md"))
    assert ("SPOKE1 H1_ISP2 (ISP2) peer_overlay: expected 10.200.255.1, seen 0.0.0.0: HUB1 EDGE_ISP2 sends no "
            "exchange-ip-addr4; fix: set exchange-ip-addr4 10.200.255.1 on HUB1 EDGE_ISP2 "
            "(overlay.fortigate.ipsec_phase1_exchange)") in verdict["msg"]
    assert sorted(path.name for path in (tmp_path / "lab").iterdir()) == ["index.html", "report.csv", "report.json",
                                                                          "report.md"]
    # Validation only read: the one write of the run is the test's own break and restore.
    writes = {device: validate_lab.writes_since(device, mark) for device, mark in marks.items()}
    assert [(w["method"], w["path"]) for w in writes["HUB1"]] == [("PUT", "/api/v2/cmdb/" + EXCHANGE)] * 2
    assert writes["SPOKE1"] == [] and writes["SPOKE2"] == []

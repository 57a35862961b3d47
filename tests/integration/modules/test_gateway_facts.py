"""ike_gateway_facts over SSH on a device with VDOMs."""


def test_facts_per_vdom_and_equal_to_the_filter(module_lab):
    report, proc = module_lab.playbook("facts_vdom.yml")
    assert proc.returncode == 0, proc.stdout[-3000:]
    blue = module_lab.result(report, "Facts in VDOM blue", "VDOM_A")["ansible_facts"]
    root = module_lab.result(report, "Facts in VDOM root", "VDOM_A")["ansible_facts"]
    assert [(g["vdom"], g["name"]) for g in blue["fortios_ike_gateways"]] == [("blue", "blue-to-site")]
    assert blue["fortios_ike_gateways"][0]["remote_addr"] == "10.47.2.86"
    assert blue["fortios_ike_summary"]["gateways"] == 1
    assert all(g["vdom"] == "root" for g in root["fortios_ike_gateways"])
    assert "blue-to-site" not in [t["name"] for t in root["fortios_ike_summary"]["tunnels"]]
    assert not module_lab.result(report, "Facts module and filter agree on the same device output", "VDOM_A").get("failed")
    # Without VDOMs, vdom root (a common group default) runs the command as is (cliconf run_in_vdom).
    plain = module_lab.result(report, "Facts in VDOM root of a device without VDOMs", "SITE_A")
    assert not plain.get("failed") and plain["command"] == "diagnose vpn ike gateway list", plain.get("msg")
    assert isinstance(plain["ansible_facts"]["fortios_ike_gateways"], list)


def test_unknown_vdom_is_refused_not_created(module_lab):
    report, proc = module_lab.playbook("facts_vdom.yml", "--tags", "unknown")
    assert proc.returncode == 0, proc.stdout[-3000:]
    refused = module_lab.result(report, "Facts in a VDOM that does not exist", "VDOM_A")
    assert refused["failed"] and "vdom custmer-a does not exist on the device (it has: root, blue)" in refused["msg"]
    assert "custmer-a" not in module_lab.config("VDOM_A")

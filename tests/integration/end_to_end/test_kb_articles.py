"""Fortinet KB 253455 (exchange-interface-ip), KB 189536 (auto-negotiate) and the ADVPN reference design, end to end on the simulated lab: configured
over HTTPS with the collection's modules, observed over SSH with network_cli and our plugins."""

TUNNEL = {"FGT_1": "SiteA-to-SiteB", "FGT2": "SiteB-to-SiteA"}


def overlay(lab):
    """device -> (local, peer, IPsec SAs up) from the gateway list read over SSH."""
    report, proc = lab.playbook("gateway.yml")
    assert proc.returncode == 0, proc.stdout[-3000:]
    state = {}
    for device in TUNNEL:
        (gateway,) = lab.result(report, "Facts", device)["ansible_facts"]["fortios_ike_gateways"]
        state[device] = (gateway["virtual_interface_addr_local"], gateway["virtual_interface_addr_peer"],
                         gateway["ipsec_sa"]["established_current"] or 0)
    return state


def configure(lab, device, **values):
    report, proc = lab.playbook("configure.yml", extra_vars=dict(values, target=device, tunnel=TUNNEL[device]))
    assert proc.returncode == 0, proc.stdout[-3000:]
    return report


def commands(lab, device, *lines):
    report, proc = lab.playbook("commands.yml", extra_vars={"target": device, "commands": list(lines)})
    assert proc.returncode == 0, proc.stdout[-3000:]
    return [item["stdout"] for item in lab.result(report, "Command", device)["results"]]


def test_exchange_interface_ip_one_side_then_both_then_exchange_ip_addr4(kb_lab):
    before = overlay(kb_lab)
    assert before["FGT2"][:2] == ("1.1.1.2", "0.0.0.0") and before["FGT_1"][:2] == ("1.1.1.1", "0.0.0.0")

    configure(kb_lab, "FGT_1", interface_ip=True)           # FGT_1 sends: only FGT2 learns
    one_side = overlay(kb_lab)
    assert one_side["FGT2"][1] == "1.1.1.1" and one_side["FGT_1"][1] == "0.0.0.0"

    configure(kb_lab, "FGT2", interface_ip=True)            # both send: both learn
    both = overlay(kb_lab)
    assert both["FGT2"][1] == "1.1.1.1" and both["FGT_1"][1] == "1.1.1.2"

    configure(kb_lab, "FGT_1", addr4="10.200.1.1")          # FGT_1 sends its loopback instead
    assert overlay(kb_lab)["FGT2"][1] == "10.200.1.1"
    (routes,) = commands(kb_lab, "FGT2", "get router info routing-table all")
    assert any(line.startswith("S") and "10.200.1.1/32 [15/0]" in line and "SiteB-to-SiteA" in line
               for line in routes.splitlines()), routes


def test_phase2_waits_for_traffic_then_auto_negotiate_brings_it_up_alone(kb_lab):
    commands(kb_lab, "FGT_1", "diagnose vpn ike gateway clear")
    assert overlay(kb_lab)["FGT_1"][2] == 0                 # no auto-negotiate, no traffic: down
    commands(kb_lab, "FGT_1", "execute ping-options source 1.1.1.1", "execute ping -c 3 1.1.1.2")
    assert overlay(kb_lab)["FGT_1"][2] == 1                 # traffic brought it up

    configure(kb_lab, "FGT_1", auto_negotiate=True)
    commands(kb_lab, "FGT_1", "diagnose vpn ike gateway clear")
    assert overlay(kb_lab)["FGT_1"][2] == 1                 # up again without traffic


def test_advpn_bgp_on_loopback_and_shortcut(advpn_lab):
    for spoke in ("SPOKE1", "SPOKE2"):
        (summary,) = commands(advpn_lab, spoke, "get router info bgp summary")
        neighbor = next(line for line in summary.splitlines() if line.startswith("10.200.1.253"))
        assert neighbor.split()[-1].isdigit(), summary   # a prefix count: Established
    commands(advpn_lab, "SPOKE1", "execute ping-options source 10.200.1.1", "execute ping -c 3 10.200.1.2")
    report, proc = advpn_lab.playbook("gateway.yml", "--limit", "SPOKE1,SPOKE2")
    assert proc.returncode == 0, proc.stdout[-3000:]
    for spoke in ("SPOKE1", "SPOKE2"):
        gateways = advpn_lab.result(report, "Facts", spoke)["ansible_facts"]["fortios_ike_gateways"]
        shortcuts = [g for g in gateways if g["name"].startswith("H1_ISP1_")]
        assert len(shortcuts) == 1 and "receiver" in (shortcuts[0]["auto_discovery"] or ""), gateways
        assert shortcuts[0]["ike_sa"]["established_current"] == 1

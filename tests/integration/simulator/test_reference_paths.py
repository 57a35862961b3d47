"""The ADVPN reference design's other CMDB paths end to end on a running lab: configured through the
SSH CLI on a spoke of ``advpn-bgp-loopback`` (tunnel H1_ISP1 up), read back over REST and ``show``,
and the SD-WAN/interface monitors following the tunnel model (a member over a tunnel that is down
is dead)."""

from __future__ import annotations

import lab_support
import pytest

from conftest import LABS_DIR

SPOKE = "SPOKE2"
PSK = "fortigate-sim-advpn-isp1"  # the lab's fabric PSK (advpn-bgp-loopback.yml)
# Reference additions to a spoke (Fortinet's sdwan-advpn-reference, bgp-on-loopback): tag route-maps,
# SD-WAN zone/member over the overlay tunnel, health check to the hub's loopback, service, neighbor.
REFERENCE_SPOKE = """\
config system settings
    set location-id 10.200.1.2
end
config firewall address
    edit "corp-lan"
        set subnet 10.0.0.0 255.0.0.0
    next
end
config firewall addrgrp
    edit "corp"
        set member "corp-lan"
    next
end
config firewall vip
    edit "lan-web"
        set extip 192.0.2.100
        set extintf "port1"
        set mappedip "10.0.2.100"
    next
end
config system zone
    edit "LAN"
        set interface "port2"
    next
end
config router community-list
    edit "SLA_OK"
        config rule
            edit 1
                set action permit
                set match "65001:99"
            next
        end
    next
end
config router access-list
    edit "LO_SUMMARY"
        config rule
            edit 1
                set prefix 10.200.1.0 255.255.255.0
            next
        end
    next
end
config router prefix-list
    edit "LAN_SUMMARY"
        config rule
            edit 1
                set prefix 10.0.0.0 255.0.0.0
                set le 24
            next
        end
    next
end
config router route-map
    edit "H1_TAG"
        config rule
            edit 1
                set match-community "SLA_OK"
                set set-tag 1
            next
        end
    next
end
config router policy
    edit 1
        set input-device "H1_ISP1"
        set output-device "H1_ISP1"
        set dst 10.0.0.0 255.0.0.0
    next
end
config system sdwan
    set status enable
    config zone
        edit "overlay"
        next
    end
    config members
        edit 1
            set interface "H1_ISP1"
            set zone "overlay"
            set source 10.200.1.2
        next
    end
    config health-check
        edit "HUB"
            set server "10.200.1.253"
            set members 1
            config sla
                edit 1
                    set latency-threshold 200
                    set jitter-threshold 50
                    set packetloss-threshold 5
                next
            end
        next
    end
    config service
        edit 1
            set name "overlay"
            set dst "corp"
            set priority-members 1
        next
    end
    config neighbor
        edit "10.200.1.253"
            set member 1
            set health-check "HUB"
            set sla-id 1
        next
    end
end
"""


def ssh_exec(lab, device: str, text: str) -> str:
    return lab_support.ssh_exec(lab.host(device), text)


@pytest.fixture(scope="module")
def spoke_lab(model_labs):
    lab = model_labs(str(LABS_DIR / "advpn-bgp-loopback.yml"))  # its own instance: configured below
    output = ssh_exec(lab, SPOKE, REFERENCE_SPOKE)
    assert "Command fail" not in output, output
    return lab


def cmdb(lab, path: str):
    return lab.get(SPOKE, f"/api/v2/cmdb/{path}").json["results"]


def monitor(lab, path: str) -> dict:
    return lab.get(SPOKE, f"/api/v2/monitor/{path}").json["results"]


def test_reference_paths_configured_over_ssh_read_over_rest(spoke_lab):
    sdwan = cmdb(spoke_lab, "system/sdwan")
    member = sdwan["members"][0]
    assert (member["interface"], member["zone"], member["source"]) == ("H1_ISP1", "overlay", "10.200.1.2")
    assert (member["weight"], member["priority"], member["status"]) == (1, 1, "enable")  # FortiOS defaults
    check = sdwan["health-check"][0]
    assert (check["server"], check["protocol"], check["interval"], check["failtime"], check["recoverytime"]) == (
        "10.200.1.253", "ping", 500, 5, 5)
    assert check["members"] == [{"seq-num": 1, "q_origin_key": 1}]
    assert check["sla"][0]["link-cost-factor"] == "latency jitter packet-loss"
    assert sdwan["service"][0]["dst"] == [{"name": "corp", "q_origin_key": "corp"}]
    assert (sdwan["neighbor"][0]["ip"], sdwan["neighbor"][0]["health-check"]) == ("10.200.1.253", "HUB")
    assert cmdb(spoke_lab, "system/settings")["location-id"] == "10.200.1.2"
    zone_members = cmdb(spoke_lab, "system/zone/LAN")[0]["interface"]
    assert zone_members == [{"interface-name": "port2", "q_origin_key": "port2"}]
    policy = cmdb(spoke_lab, "router/policy/1")[0]
    assert (policy["output-device"], policy["action"], policy["dst"][0]["subnet"]) == (
        "H1_ISP1", "permit", "10.0.0.0 255.0.0.0")
    rule = cmdb(spoke_lab, "router/route-map/H1_TAG")[0]["rule"][0]
    assert (rule["match-community"], rule["set-tag"], rule["action"]) == ("SLA_OK", 1, "permit")
    assert cmdb(spoke_lab, "router/prefix-list/LAN_SUMMARY")[0]["rule"][0]["le"] == 24
    assert cmdb(spoke_lab, "router/access-list/LO_SUMMARY")[0]["rule"][0]["prefix"] == "10.200.1.0 255.255.255.0"
    assert cmdb(spoke_lab, "router/community-list/SLA_OK")[0]["rule"][0]["match"] == "65001:99"
    mapped = cmdb(spoke_lab, "firewall/vip/lan-web")[0]["mappedip"]
    assert mapped == [{"range": "10.0.2.100", "q_origin_key": "10.0.2.100"}]
    assert cmdb(spoke_lab, "firewall/addrgrp/corp")[0]["member"][0]["name"] == "corp-lan"
    # show prints what was set, in a form the CLI takes again
    shown = ssh_exec(spoke_lab, SPOKE, "show system sdwan")
    assert 'set interface "H1_ISP1"' in shown and "set members 1" in shown and "set server 10.200.1.253" in shown


def test_cli_refuses_what_the_release_lacks_and_references_to_nothing(spoke_lab):
    output = ssh_exec(spoke_lab, SPOKE, "config system sdwan\nset not-an-attribute 1\nend")
    assert "command parse error before 'not-an-attribute'\nCommand fail. Return code -61\n" in output
    output = ssh_exec(spoke_lab, SPOKE, 'config router route-map\nedit "X"\nconfig rule\nedit 1\n'
                                        'set match-community "NOPE"\nend\nnext\nend')
    assert "entry not found in datasource" in output and "Command fail. Return code -651" in output
    assert "not-an-attribute" not in spoke_lab.get(SPOKE, "/api/v2/cmdb/system/sdwan").text


def test_sdwan_health_follows_the_tunnel(spoke_lab):
    health = monitor(spoke_lab, "virtual-wan/health-check")["HUB"]["H1_ISP1"]
    assert (health["status"], health["packet_loss"], health["sla_targets_met"]) == ("up", 0, [1])
    assert monitor(spoke_lab, "virtual-wan/members")["H1_ISP1"]["link"] == "up"
    assert monitor(spoke_lab, "system/interface")["H1_ISP1"]["link"] is True
    # A PSK the hub does not share: IKE fails, the tunnel is down, the member is dead.
    phase1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface/H1_ISP1"
    assert spoke_lab.request(SPOKE, "PUT", phase1, {"psksecret": "not-the-fabric-psk"}).status == 200
    try:
        health = monitor(spoke_lab, "virtual-wan/health-check")["HUB"]["H1_ISP1"]
        assert (health["status"], health["packet_loss"], health["sla_targets_met"]) == ("down", 100, [])
        assert monitor(spoke_lab, "virtual-wan/members")["H1_ISP1"]["link"] == "down"
        interfaces = monitor(spoke_lab, "system/interface")
        assert interfaces["H1_ISP1"]["link"] is False and interfaces["port1"]["link"] is True
    finally:
        assert spoke_lab.request(SPOKE, "PUT", phase1, {"psksecret": PSK}).status == 200
    assert monitor(spoke_lab, "virtual-wan/health-check")["HUB"]["H1_ISP1"]["status"] == "up"

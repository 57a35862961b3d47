# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab both simulator benchmarks use: an ADVPN hub with N spokes and BGP on loopback.

The underlay is ``fortigate-sim lab advpn --hubs 1 --overlays 1 --spokes N`` (``fortigate_sim.labgen``:
``HUB1``, ``SPOKE1``…, WAN ``port1`` on transport ``ISP1``, LAN ``port2``, default routes); this file
adds the overlay on top of each device's generated configuration: hub dial-up phase1 ``EDGE``
(auto-discovery sender, BGP neighbor-range), spokes a static phase1 ``H1`` to the hub's ISP1 address
(auto-negotiate, loopback, BGP neighbor to the hub loopback, their LAN announced). It converges: every
spoke's BGP session comes up and the LANs are exchanged. Each device also gets the firewall policies
the traffic needs (hub: overlay<->overlay, overlay->loopback for BGP and ping; spokes: LAN<->overlay,
overlay->LAN and loopback).
"""

from __future__ import annotations

from fortigate_sim.labgen import advpn_lab, dump

PSK = "bench-model-psk"

HUB = """\
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip 10.200.255.253 255.255.255.255
        set allowaccess ping
    next
end
config router static
    edit 2
        set dst 10.200.0.0 255.255.0.0
        set blackhole enable
    next
end
config vpn ipsec phase1-interface
    edit "EDGE"
        set type dynamic
        set interface "port1"
        set ike-version 2
        set peertype any
        set proposal aes256gcm-prfsha256
        set add-route disable
        set auto-discovery-sender enable
        set exchange-ip-addr4 10.200.255.253
        set psksecret "{psk}"
    next
end
config vpn ipsec phase2-interface
    edit "EDGE"
        set phase1name "EDGE"
        set proposal aes256gcm
        set keepalive enable
    next
end
{policies}config router bgp
    set as 65000
    set recursive-next-hop enable
    config neighbor-group
        edit "EDGE"
            set remote-as 65000
            set update-source "Lo0"
            set route-reflector-client enable
        next
    end
    config neighbor-range
        edit 1
            set prefix 10.200.0.0 255.255.0.0
            set neighbor-group "EDGE"
        next
    end
    config network
        edit 1
            set prefix 10.200.0.0 255.255.0.0
        next
    end
end
"""

SPOKE = """\
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip {lo} 255.255.255.255
        set allowaccess ping
    next
end
config vpn ipsec phase1-interface
    edit "H1"
        set interface "port1"
        set ike-version 2
        set peertype any
        set proposal aes256gcm-prfsha256
        set remote-gw {hub_wan}
        set auto-discovery-receiver enable
        set exchange-ip-addr4 {lo}
        set psksecret "{psk}"
    next
end
config vpn ipsec phase2-interface
    edit "H1"
        set phase1name "H1"
        set proposal aes256gcm
        set auto-negotiate enable
    next
end
{policies}config router bgp
    set as 65000
    set recursive-next-hop enable
    config neighbor
        edit "10.200.255.253"
            set remote-as 65000
            set update-source "Lo0"
        next
    end
    config network
        edit 1
            set prefix {lan} 255.255.255.0
        next
    end
end
"""


def accept_policies(*rules: tuple) -> str:
    """``config firewall policy`` with one accept-all-addresses policy per ``(name, srcintf,
    dstintfs, services)``, edit ids from 1."""
    lines = ["config firewall policy"]
    for edit, (name, srcintf, dstintfs, services) in enumerate(rules, start=1):
        lines += [f"    edit {edit}", f'        set name "{name}"', f'        set srcintf "{srcintf}"',
                  "        set dstintf " + " ".join(f'"{i}"' for i in dstintfs),
                  '        set srcaddr "all"', '        set dstaddr "all"', "        set action accept",
                  "        set service " + " ".join(f'"{x}"' for x in services), "    next"]
    return "\n".join(lines + ["end"]) + "\n"


HUB_POLICIES = accept_policies(("overlay-to-overlay", "EDGE", ["EDGE"], ["ALL"]),
                               ("overlay-to-loopback", "EDGE", ["Lo0"], ["BGP", "PING"]))
SPOKE_POLICIES = accept_policies(("lan-to-overlay", "port2", ["H1"], ["ALL"]),
                                 ("overlay-to-lan", "H1", ["port2", "Lo0"], ["ALL"]))


def lab_yaml(spokes: int) -> str:
    lab = advpn_lab(hubs=1, overlays=1, spokes=spokes, name=f"bench-model-{spokes}")
    hub_wan = lab["addressing"]["HUB1"]["wan"]["ISP1"]["address"]
    for device in lab["devices"]:
        site = lab["addressing"][device["name"]]
        if site["role"] == "hub":
            device["config"] += HUB.format(psk=PSK, policies=HUB_POLICIES)
            continue
        s = site["index"]
        lo = f"10.200.{s // 250}.{s % 250 + 1}"
        device["config"] += SPOKE.format(lo=lo, lan=site["lan"]["prefix"].split("/")[0], psk=PSK, hub_wan=hub_wan,
                                        policies=SPOKE_POLICIES)
    return dump(lab)

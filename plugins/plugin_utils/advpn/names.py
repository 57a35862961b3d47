# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Naming and numbering conventions of the fabric, in one place.

Names follow Fortinet's reference design (fortinet-solutions-cse/sdwan-advpn-reference, release/7.2,
bgp-on-loopback): hub dial-up phase1 ``EDGE_<overlay>``, spoke phase1 ``H<hub index>_<overlay>``,
network-id ``hub index * 10 + overlay index``, BGP neighbor-group ``EDGE``.

Numeric keys (policy ids, static route and BGP entry ids) come from a fixed layout inside the
block ``id_base .. id_base + ID_BLOCK - 1``, computed from the hub and overlay indexes only, so a
device's numbers never depend on how many spokes the fabric has. The fabric owns that block in
the tables whose entries carry no comment (see ``OWNED_TABLES``).
"""

from __future__ import annotations

MAX_INTERFACE_NAME = 15  # FortiOS phase1-interface and system interface names
MAX_NETWORK_ID = 255
MAX_OVERLAYS = 9  # network-id = hub * 10 + overlay: one decimal digit per overlay
ID_BLOCK = 1000
PSK_ENV = "OVERLAY_FORTIGATE_ADVPN_PSK"
PSK_REF = "psk"  # key of the fabric secrets that deploy fills in (CONTRACTS B: secret_refs)
PSK_PLACEHOLDER = "<psk from vault>"
NEIGHBOR_GROUP = "EDGE"

# Offsets inside the id block.
STATIC_LAN_SUMMARY = 1
STATIC_LOOPBACK_SUMMARY = 2
NEIGHBOR_RANGE = 1
NETWORK_LOOPBACK_SUMMARY = 1
NETWORK_LAN_FIRST = 10
POLICY_HUB_TRANSIT = 0  # + overlay * 10 + other overlay (11..99)
POLICY_HUB_TO_HUB = 100  # + overlay
POLICY_HUB_FROM_LAN = 200  # + overlay
POLICY_SPOKE_IN = 300  # + network-id (11..255)
POLICY_SPOKE_OUT = 600  # + network-id

# Tables in which the fabric creates entries, and how deploy recognises the fabric's own:
# by the marker in a comment-like attribute, or, where the table has none, by the id block.
OWNED_TABLES = (
    ("system/interface", "description"),
    ("firewall/address", "comment"),
    ("vpn.ipsec/phase1-interface", "comments"),
    ("vpn.ipsec/phase2-interface", "comments"),
    ("router/static", "comment"),
    ("firewall/policy", "comments"),
    ("router/bgp/neighbor-group", "description"),
    ("router/bgp/neighbor", "description"),
    ("router/bgp/neighbor-range", None),
    ("router/bgp/network", None),
)


def marker(fabric):
    return "advpn:%s" % fabric


def network_id(hub_index, overlay_index):
    return hub_index * 10 + overlay_index


def hub_tunnel(overlay):
    return "EDGE_%s" % overlay


def spoke_tunnel(hub_index, overlay):
    return "H%d_%s" % (hub_index, overlay)


def address_lan(fabric):
    return "advpn-%s-lan" % fabric


def address_loopback(fabric):
    return "advpn-%s-loopback" % fabric

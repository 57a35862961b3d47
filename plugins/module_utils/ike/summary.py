# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A summary of parsed gateway facts: what an operator checks first (pure function)."""

from __future__ import annotations


def tunnel_state(gateway):
    """Per-tunnel state: IKE up, IPsec up, overlay addresses and whether they were exchanged."""
    ike = gateway.get("ike_sa") or {}
    ipsec = gateway.get("ipsec_sa") or {}
    ike_established = sum(1 for sa in gateway.get("ike_sas") or [] if sa.get("status") == "established")
    return {
        "name": gateway.get("name"),
        "vdom": gateway.get("vdom"),
        "remote_addr": gateway.get("remote_addr"),
        "ike_up": bool(ike_established or (ike.get("established_current") or 0) > 0),
        "ipsec_up": (ipsec.get("established_current") or 0) > 0,
        "ipsec_sas": ipsec.get("established_current") or 0,
        "overlay_local": gateway.get("virtual_interface_addr_local"),
        "overlay_peer": gateway.get("virtual_interface_addr_peer"),
        "overlay_exchanged": gateway.get("overlay_exchanged"),
    }


def _label(state):
    """``vdom/name`` (or ``name`` when the output shows no VDOM): unique across VDOMs."""
    return "%s/%s" % (state["vdom"], state["name"]) if state["vdom"] else str(state["name"])


def summarize(gateways):
    """Counts over all gateways, plus ``tunnels``: one :func:`tunnel_state` per gateway, in order.

    Tunnels are a list, not a dict keyed by name, because two VDOMs may hold tunnels of the
    same name and a gateway list read in the global context shows both.
    """
    tunnels = [tunnel_state(gateway) for gateway in gateways]
    return {
        "gateways": len(tunnels),
        "ike_up": sum(1 for state in tunnels if state["ike_up"]),
        "ipsec_up": sum(1 for state in tunnels if state["ipsec_up"]),
        "ipsec_sas_up": sum(state["ipsec_sas"] for state in tunnels),
        "overlays_exchanged": sum(1 for state in tunnels if state["overlay_exchanged"]),
        "overlays_missing": [_label(state) for state in tunnels if state["overlay_exchanged"] is False],
        "tunnels": tunnels,
    }

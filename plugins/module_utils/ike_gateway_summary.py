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
        "vdom": gateway.get("vdom"),
        "remote_addr": gateway.get("remote_addr"),
        "ike_up": bool(ike_established or (ike.get("established_current") or 0) > 0),
        "ipsec_up": (ipsec.get("established_current") or 0) > 0,
        "ipsec_sas": ipsec.get("established_current") or 0,
        "overlay_local": gateway.get("virtual_interface_addr_local"),
        "overlay_peer": gateway.get("virtual_interface_addr_peer"),
        "overlay_exchanged": gateway.get("overlay_exchanged"),
    }


def summarize(gateways):
    """Counts over all gateways, plus ``tunnels``: name -> :func:`tunnel_state`."""
    tunnels = {gateway.get("name") or "#%d" % index: tunnel_state(gateway) for index, gateway in enumerate(gateways)}
    return {
        "gateways": len(gateways),
        "ike_up": sum(1 for state in tunnels.values() if state["ike_up"]),
        "ipsec_up": sum(1 for state in tunnels.values() if state["ipsec_up"]),
        "ipsec_sas_up": sum(state["ipsec_sas"] for state in tunnels.values()),
        "overlays_exchanged": sum(1 for state in tunnels.values() if state["overlay_exchanged"]),
        "overlays_missing": sorted(name for name, state in tunnels.items() if state["overlay_exchanged"] is False),
        "tunnels": tunnels,
    }

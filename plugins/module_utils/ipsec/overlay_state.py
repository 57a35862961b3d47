# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a FortiGate's IPsec overlay state over REST, in one pass (pure Python).

Operational state comes from the monitors that hold it (IPsec tunnels, BGP neighbors, the IPv4
routing table, interface links); the configured overlay settings (phase1/phase2 attributes, BGP,
interfaces) come from the CMDB, read with ``format=`` so that no secret (``psksecret``, BGP
``password``) is ever requested. A source the release does not serve (HTTP 404) is listed in
``unavailable`` instead of failing the read.

``send(method, url, body) -> (status, text)`` is the httpapi connection's ``send_request`` in the
module and a fake in the unit tests.
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import quote

# Attributes read from the CMDB (FortiOS name -> fact name). Never a secret.
PHASE1_ATTRIBUTES = {
    "name": "name", "type": "type", "interface": "interface", "remote-gw": "remote_gw",
    "ike-version": "ike_version", "proposal": "proposal", "network-overlay": "network_overlay",
    "network-id": "network_id", "exchange-interface-ip": "exchange_interface_ip",
    "exchange-ip-addr4": "exchange_ip_addr4", "auto-discovery-sender": "auto_discovery_sender",
    "auto-discovery-receiver": "auto_discovery_receiver", "net-device": "net_device", "add-route": "add_route",
}
PHASE2_ATTRIBUTES = {
    "name": "name", "phase1name": "phase1name", "auto-negotiate": "auto_negotiate", "keepalive": "keepalive",
    "proposal": "proposal",
}
INTERFACE_ATTRIBUTES = {"name": "name", "type": "type", "ip": "ip", "status": "status", "vdom": "vdom"}
BGP_ATTRIBUTES = ("as", "router-id", "neighbor", "neighbor-group", "neighbor-range", "network")

SOURCES = ("status", "tunnels", "bgp_neighbors", "routes", "links", "interfaces", "phase1", "phase2", "bgp")


class OverlayStateError(Exception):
    """A read the device refused for a reason other than "not served by this release"."""


def prefix_of(value):
    """``10.0.0.1 255.255.255.0`` / ``10.0.0.1/24`` / ``[ip, mask]`` -> ``10.0.0.1/24`` (None when empty)."""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(part) for part in value)
    text = str(value or "").strip()
    if not text:
        return None
    address, mask = (text.replace("/", " ").split(" ", 1) + [""])[:2]
    try:
        interface = ipaddress.ip_interface("%s/%s" % (address, mask.strip() or "32"))
    except ValueError:
        return text
    return "%s/%d" % (interface.ip, interface.network.prefixlen)


def _pick(entry, attributes):
    return {fact: entry.get(name) for name, fact in attributes.items()}


class OverlayStateReader:
    """One device, one VDOM: ``read()`` returns the ``fortios_overlay_state`` facts."""

    def __init__(self, send, vdom="root"):
        self._send = send
        self.vdom = vdom
        self.unavailable = []

    def _get(self, kind, path, **params):
        query = {"vdom": self.vdom}
        query.update(params)
        url = "/api/v2/%s/%s?%s" % (kind, path, "&".join(
            "%s=%s" % (key, quote(str(value), safe="|")) for key, value in query.items()))
        status, text = self._send("GET", url, "")
        if status == 404:
            self.unavailable.append("%s/%s" % (kind, path))
            return None
        try:
            envelope = json.loads(text) if text else {}
        except ValueError:
            envelope = {}
        if status != 200 or not isinstance(envelope, dict) or envelope.get("status") == "error":
            raise OverlayStateError("GET /api/v2/%s/%s (vdom %s) failed: HTTP %s %s" % (
                kind, path, self.vdom, status, str(text)[:200]))
        return envelope

    def _results(self, kind, path, **params):
        envelope = self._get(kind, path, **params)
        if envelope is None:
            return None
        results = envelope.get("results")
        return results if results is not None else []

    def read(self):
        status = self._get("monitor", "system/status") or {}
        state = {
            "vdom": self.vdom,
            "version": status.get("version"),
            "hostname": (status.get("results") or {}).get("hostname"),
            "tunnels": self.tunnels(),
            "bgp_neighbors": self.bgp_neighbors(),
            "routes": self.routes(),
            "links": self.links(),
            "interfaces": self.interfaces(),
            "phase1": self.table("vpn.ipsec/phase1-interface", PHASE1_ATTRIBUTES),
            "phase2": self.table("vpn.ipsec/phase2-interface", PHASE2_ATTRIBUTES),
            "bgp": self.bgp(),
        }
        state["unavailable"] = list(self.unavailable)
        return state

    def tunnels(self):
        entries = self._results("monitor", "vpn/ipsec")
        if entries is None:
            return None
        return [{
            "name": entry.get("name"),
            "parent": entry.get("parent") or None,
            "type": entry.get("type"),
            "remote_gw": entry.get("rgwy"),
            "tun_id": entry.get("tun_id"),
            "peer_id": entry.get("username"),
            "incoming_bytes": entry.get("incoming_bytes") or 0,
            "outgoing_bytes": entry.get("outgoing_bytes") or 0,
            "phase2": [{"name": p2.get("p2name"), "status": p2.get("status"),
                        "incoming_bytes": p2.get("incoming_bytes") or 0,
                        "outgoing_bytes": p2.get("outgoing_bytes") or 0}
                       for p2 in entry.get("proxyid") or []],
        } for entry in entries]

    def bgp_neighbors(self):
        entries = self._results("monitor", "router/bgp/neighbors")
        if entries is None:
            return None
        return [{"neighbor_ip": entry.get("neighbor_ip"), "local_ip": entry.get("local_ip"),
                 "remote_as": entry.get("remote_as"), "state": entry.get("state"),
                 "admin_status": entry.get("admin_status")} for entry in entries]

    def routes(self):
        entries = self._results("monitor", "router/ipv4")
        if entries is None:
            return None
        return [{"prefix": entry.get("ip_mask"), "type": entry.get("type"), "gateway": entry.get("gateway"),
                 "interface": entry.get("interface"), "tunnel_parent": entry.get("tunnel_parent"),
                 "is_tunnel_route": bool(entry.get("is_tunnel_route")), "distance": entry.get("distance"),
                 "priority": entry.get("priority")} for entry in entries]

    def links(self):
        """Physical link state per interface, where the release serves ``monitor/system/interface``."""
        results = self._results("monitor", "system/interface")
        if results is None:
            return None
        entries = results.values() if isinstance(results, dict) else results
        return [{"name": entry.get("name"), "link": entry.get("link")} for entry in entries
                if isinstance(entry, dict)]

    def interfaces(self):
        entries = self.table("system/interface", INTERFACE_ATTRIBUTES)
        for entry in entries or []:
            entry["ip"] = prefix_of(entry["ip"])
        return entries

    def table(self, path, attributes):
        entries = self._results("cmdb", path, format="|".join(attributes))
        if entries is None:
            return None
        return [_pick(entry, attributes) for entry in entries]

    def bgp(self):
        entry = self._results("cmdb", "router/bgp", format="|".join(BGP_ATTRIBUTES))
        if entry is None:
            return None
        if isinstance(entry, list):
            entry = entry[0] if entry else {}
        return {
            "as": entry.get("as"),
            "router_id": entry.get("router-id"),
            "neighbors": [{"ip": item.get("ip"), "remote_as": item.get("remote-as"),
                           "update_source": item.get("update-source")} for item in entry.get("neighbor") or []],
            "neighbor_groups": [{"name": item.get("name"), "remote_as": item.get("remote-as"),
                                 "update_source": item.get("update-source")}
                                for item in entry.get("neighbor-group") or []],
            "neighbor_ranges": [{"prefix": prefix_of(item.get("prefix")), "neighbor_group": item.get("neighbor-group")}
                                for item in entry.get("neighbor-range") or []],
            "networks": [prefix_of(item.get("prefix")) for item in entry.get("network") or []],
        }

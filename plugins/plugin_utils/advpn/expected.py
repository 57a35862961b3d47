# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operational state a device must reach once its plan is applied (CONTRACTS B ``expected``).

What advpn_validate compares with the device: tunnels (with the addresses exchanged in IKE and
the network-id), BGP sessions between loopbacks, the routes the design puts in the routing table
and the LAN prefixes learned through BGP. A hub's expectations list its spokes (one dial-up
instance, one BGP session, one IKE route per spoke and overlay); removing a spoke removes exactly
the entries that name it.
"""

from __future__ import annotations

import functools
import ipaddress

from . import names


@functools.lru_cache(maxsize=None)
def _prefix_key(prefix):
    """Numeric order of a prefix (a fabric of N spokes sorts O(N^2) routes: parse each prefix once)."""
    network = ipaddress.IPv4Network(prefix)
    return int(network.network_address), network.prefixlen


def _route_key(route):
    return _prefix_key(route["prefix"]) + (route["kind"], route.get("interface") or "", route.get("peer") or "")


def _route(prefix, kind, interface=None, peer=None, next_hop=None):
    """One expected route; every route has the same keys (next_hop: the BGP next hop, else null)."""
    return {"prefix": prefix, "kind": kind, "interface": interface, "peer": peer, "next_hop": next_hop}


def _host(address):
    return "%s/32" % address


class DeviceExpectations:
    def __init__(self, fabric, member):
        self.fabric = fabric
        self.member = member
        self.hubs = fabric.hub_members()
        self.spokes = fabric.spoke_members()

    def build(self):
        return {
            "tunnels": self.tunnels(),
            "bgp": {"as": self.fabric.bgp_as, "router_id": self.member.loopback, "neighbors": self.neighbors()},
            "routes": sorted(self.routes(), key=_route_key),
            "prefixes_received": sorted(self.prefixes(), key=lambda p: _prefix_key(p["prefix"]) + (p["origin"],)),
            "shortcuts": self.fabric.shortcuts,
        }

    def tunnels(self):
        result = []
        if self.member.is_hub:
            for overlay in self.fabric.overlays:
                result.append({
                    "name": names.hub_tunnel(overlay.name), "overlay": overlay.name, "overlay_index": overlay.index,
                    "type": "dialup", "peer": None,
                    "network_id": names.network_id(self.member.hub_index, overlay.index),
                    "local_overlay_ip": self.member.loopback, "peer_overlay_ip": None, "remote_gw": None,
                    "interface": self.member.wan[overlay.name].interface,
                    "instances": [{"peer": spoke.name, "peer_overlay_ip": spoke.loopback,
                                   "peer_wan": spoke.wan[overlay.name].address}
                                  for spoke in self.spokes if overlay.name in spoke.wan],
                })
            return result
        for hub in self.hubs:
            for overlay in self.fabric.overlays:
                if overlay.name not in self.member.wan:
                    continue
                result.append({
                    "name": names.spoke_tunnel(hub.hub_index, overlay.name), "overlay": overlay.name,
                    "overlay_index": overlay.index, "type": "static", "peer": hub.name,
                    "network_id": names.network_id(hub.hub_index, overlay.index),
                    "local_overlay_ip": self.member.loopback, "peer_overlay_ip": hub.loopback,
                    "remote_gw": hub.wan[overlay.name].address,
                    "interface": self.member.wan[overlay.name].interface, "instances": [],
                })
        return result

    def neighbors(self):
        peers = self.spokes if self.member.is_hub else self.hubs
        return [{"address": peer.loopback, "remote_as": self.fabric.bgp_as, "peer": peer.name} for peer in peers]

    def routes(self):
        member = self.member
        routes = [_route(_host(member.loopback), "connected", interface=self.fabric.loopback_interface)]
        routes += [_route(lan.prefix, "connected", interface=lan.interface) for lan in member.lans]
        if member.is_hub:
            routes += [_route(summary, "blackhole") for summary in (self.fabric.lan_summary, self.fabric.loopback_summary)]
            for spoke in self.spokes:
                # net-device disable: the hub routes to each spoke through the dial-up parent.
                routes += [_route(_host(spoke.loopback), "ike", interface=names.hub_tunnel(overlay.name), peer=spoke.name)
                           for overlay in self.fabric.overlays if overlay.name in spoke.wan]
                routes += self._bgp_routes(spoke)
            return routes
        routes += [_route(_host(tunnel["peer_overlay_ip"]), "ike", interface=tunnel["name"], peer=tunnel["peer"])
                   for tunnel in self.tunnels()]
        for hub in self.hubs:
            routes.append(_route(self.fabric.loopback_summary, "bgp", peer=hub.name, next_hop=hub.loopback))
            routes += self._bgp_routes(hub)
        for spoke in self.spokes:
            if spoke.name != member.name:
                routes += self._bgp_routes(spoke)
        return routes

    @staticmethod
    def _bgp_routes(origin):
        return [_route(lan.prefix, "bgp", peer=origin.name, next_hop=origin.loopback) for lan in origin.lans]

    def prefixes(self):
        if self.member.is_hub:
            origins = self.spokes
            result = []
        else:
            origins = self.hubs + [s for s in self.spokes if s.name != self.member.name]
            result = [{"prefix": self.fabric.loopback_summary, "origin": hub.name} for hub in self.hubs]
        for origin in origins:
            result += [{"prefix": lan.prefix, "origin": origin.name} for lan in origin.lans]
        return result


def device_expected(fabric, member):
    return DeviceExpectations(fabric, member).build()

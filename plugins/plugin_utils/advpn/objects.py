# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CMDB objects of one device, in dependency order.

Each object is one entry of ``overlay.fortigate.cmdb_object``'s ``objects`` option (REST attribute
names, REST value forms) plus ``secret_refs`` for the pre-shared key, which deploy fills in: the
plan never holds a secret. BGP neighbors, neighbor-ranges and networks are member paths
(``router/bgp/neighbor``), so deploy writes one entry at a time and never replaces a table the
user also edits.

The values follow Fortinet's reference design (sdwan-advpn-reference release/7.2 bgp-on-loopback,
https://github.com/fortinet-solutions-cse/sdwan-advpn-reference) with these choices of ours:

* Spoke phase2 ``auto-negotiate enable`` with ``keepalive enable``: the reference sets keepalive
  only; auto-negotiate makes the spoke bring its SA up as soon as IKE is up instead of waiting for
  traffic, so BGP over the loopback (which itself needs the tunnel) starts without a first packet.
  Hub dial-up phase2 gets keepalive only: a dial-up server never initiates, so auto-negotiate does
  nothing there (Fortinet KB 189536) and some releases refuse changing it.
* ``exchange-ip-addr4`` = loopback on every phase1, also with shortcuts off (the reference then
  switches to ``exchange-interface-ip``): BGP runs on loopbacks, and the IKE-injected /32 is what
  makes the peer loopback reachable.
* Route reflection stays on without shortcuts too, so spokes still learn each other's LANs (the
  traffic then goes through the hub).
* Firewall policies use two address objects, the LAN and loopback summaries, instead of ``all``.
"""

from __future__ import annotations

import ipaddress

from . import names

P1_PROPOSAL = "aes256gcm-prfsha256 aes256-sha256"
P2_PROPOSAL = "aes256gcm"
BGP_TIMERS = {"keepalive-timer": 15, "holdtime-timer": 45}
MKEY_ATTRIBUTES = {
    "firewall/policy": "policyid",
    "router/static": "seq-num",
    "router/bgp/neighbor": "ip",
    "router/bgp/neighbor-range": "id",
    "router/bgp/network": "id",
}


def mask_form(prefix):
    """``10.0.0.0/8`` -> ``10.0.0.0 255.0.0.0``, the form FortiOS reads back."""
    network = ipaddress.IPv4Interface(prefix)
    return "%s %s" % (network.ip, network.netmask)


def _object(path, mkey, config, secret_refs=None):
    item = {"path": path}
    if mkey is not None:
        item["mkey"] = mkey
        if path in MKEY_ATTRIBUTES:
            item["mkey_attribute"] = MKEY_ATTRIBUTES[path]
    item["config"] = config
    if secret_refs:
        item["secret_refs"] = secret_refs
    return item


def _names(values):
    return [{"name": value} for value in values]


class DeviceObjects:
    """Builds the object list of one member of a fabric."""

    def __init__(self, fabric, member):
        self.fabric = fabric
        self.member = member
        self.marker = fabric.marker
        self.lo = fabric.loopback_interface
        self.ids = fabric.id_base
        self.lan_interfaces = []
        for lan in member.lans:
            if lan.interface and lan.interface not in self.lan_interfaces:
                self.lan_interfaces.append(lan.interface)

    def build(self):
        objects = [self.settings(), self.loopback()]
        objects += self.addresses()
        tunnels = self.tunnels()
        objects += [self.phase1(t) for t in tunnels]
        objects += [self.phase2(t) for t in tunnels]
        if self.member.is_hub:
            objects += self.blackholes()
        objects += self.policies(tunnels)
        objects.append(self.bgp())
        if self.member.is_hub:
            objects += self.hub_bgp_members()
        else:
            objects += self.spoke_bgp_neighbors()
        objects += self.networks()
        return objects

    # ---- interfaces and addresses -------------------------------------------------------------
    def settings(self):
        # location-id is sent in IKE and shown by peers as remote_location (reference design).
        return _object("system/settings", None, {"location-id": self.member.loopback})

    def loopback(self):
        return _object("system/interface", self.lo, {
            "vdom": self.fabric.vdom, "type": "loopback", "ip": mask_form(self.member.loopback + "/32"),
            "allowaccess": "ping", "description": self.marker,
        })

    def addresses(self):
        return [
            _object("firewall/address", names.address_lan(self.fabric.name),
                    {"type": "ipmask", "subnet": mask_form(self.fabric.lan_summary), "comment": self.marker}),
            _object("firewall/address", names.address_loopback(self.fabric.name),
                    {"type": "ipmask", "subnet": mask_form(self.fabric.loopback_summary), "comment": self.marker}),
        ]

    # ---- IPsec ----------------------------------------------------------------------------------
    def tunnels(self):
        """(name, overlay, hub member or None, network-id, wan) for each phase1 of the device."""
        result = []
        if self.member.is_hub:
            for overlay in self.fabric.overlays:
                wan = self.member.wan[overlay.name]
                result.append((names.hub_tunnel(overlay.name), overlay, None,
                               names.network_id(self.member.hub_index, overlay.index), wan))
        else:
            for hub in self.fabric.hub_members():
                for overlay in self.fabric.overlays:
                    if overlay.name in self.member.wan:
                        result.append((names.spoke_tunnel(hub.hub_index, overlay.name), overlay, hub,
                                       names.network_id(hub.hub_index, overlay.index), self.member.wan[overlay.name]))
        return result

    def phase1(self, tunnel):
        name, _overlay, hub, network_id, wan = tunnel
        shortcuts = "enable" if self.fabric.shortcuts else "disable"
        config = {"type": "dynamic" if hub is None else "static", "interface": wan.interface, "ike-version": "2",
                  "peertype": "any", "proposal": P1_PROPOSAL}
        if hub is None:
            config.update({"net-device": "disable", "add-route": "disable", "auto-discovery-sender": shortcuts,
                           "exchange-ip-addr4": self.member.loopback, "network-overlay": "enable", "network-id": network_id,
                           "dpd": "on-idle", "dpd-retrycount": 2, "dpd-retryinterval": "5"})
        else:
            config.update({"remote-gw": hub.wan[wan.overlay].address, "keylife": 28800, "net-device": "enable",
                           "idle-timeout": "enable", "add-route": "disable", "auto-discovery-receiver": shortcuts,
                           "exchange-ip-addr4": self.member.loopback, "network-overlay": "enable", "network-id": network_id,
                           "dpd": "on-idle", "dpd-retrycount": 3, "dpd-retryinterval": "5"})
        config["comments"] = self.marker
        return _object("vpn.ipsec/phase1-interface", name, config, {"psksecret": names.PSK_REF})

    def phase2(self, tunnel):
        name, _overlay, hub, _network_id, _wan = tunnel
        config = {"phase1name": name, "proposal": P2_PROPOSAL}
        if hub is not None:
            config["auto-negotiate"] = "enable"
        config["keepalive"] = "enable"
        if hub is not None:
            config["keylifeseconds"] = 3600
        config["comments"] = self.marker
        return _object("vpn.ipsec/phase2-interface", name, config)

    # ---- routing --------------------------------------------------------------------------------
    def blackholes(self):
        # Summaries blackholed on hubs so fabric traffic never leaks to the underlay (reference design).
        return [
            _object("router/static", self.ids + names.STATIC_LAN_SUMMARY,
                    {"dst": mask_form(self.fabric.lan_summary), "blackhole": "enable", "comment": self.marker}),
            _object("router/static", self.ids + names.STATIC_LOOPBACK_SUMMARY,
                    {"dst": mask_form(self.fabric.loopback_summary), "blackhole": "enable", "comment": self.marker}),
        ]

    def bgp(self):
        # FortiOS types "as" and "remote-as" as strings (asplain or asdot); the REST form is text.
        config = {"as": str(self.fabric.bgp_as), "router-id": self.member.loopback}
        config.update(BGP_TIMERS)
        config.update({"ibgp-multipath": "enable", "recursive-next-hop": "enable", "graceful-restart": "enable"})
        return _object("router/bgp", None, config)

    def _peer(self):
        return {"remote-as": str(self.fabric.bgp_as), "interface": self.lo, "update-source": self.lo}

    def _peer_tail(self):
        return {"soft-reconfiguration": "enable", "advertisement-interval": 1, "capability-graceful-restart": "enable",
                "description": self.marker}

    def hub_bgp_members(self):
        group = self._peer()
        group.update({"next-hop-self": "enable", "route-reflector-client": "enable"})
        group.update(self._peer_tail())
        return [
            _object("router/bgp/neighbor-group", names.NEIGHBOR_GROUP, group),
            _object("router/bgp/neighbor-range", self.ids + names.NEIGHBOR_RANGE,
                    {"prefix": mask_form(self.fabric.loopback_summary), "neighbor-group": names.NEIGHBOR_GROUP}),
        ]

    def spoke_bgp_neighbors(self):
        result = []
        for hub in self.fabric.hub_members():
            config = self._peer()
            config["connect-timer"] = 1
            config.update(self._peer_tail())
            result.append(_object("router/bgp/neighbor", hub.loopback, config))
        return result

    def networks(self):
        result = []
        if self.member.is_hub:
            result.append(_object("router/bgp/network", self.ids + names.NETWORK_LOOPBACK_SUMMARY,
                                  {"prefix": mask_form(self.fabric.loopback_summary)}))
        for position, lan in enumerate(self.member.lans):
            result.append(_object("router/bgp/network", self.ids + names.NETWORK_LAN_FIRST + position,
                                  {"prefix": mask_form(lan.prefix)}))
        return result

    # ---- firewall -------------------------------------------------------------------------------
    def _policy(self, policy_id, name, srcintf, dstintf):
        both = [names.address_lan(self.fabric.name), names.address_loopback(self.fabric.name)]
        return _object("firewall/policy", self.ids + policy_id, {
            "name": name, "srcintf": _names(srcintf), "dstintf": _names(dstintf), "srcaddr": _names(both),
            "dstaddr": _names(both), "action": "accept", "service": _names(["ALL"]), "schedule": "always",
            "comments": self.marker,
        })

    def policies(self, tunnels):
        """Traffic the fabric needs through the firewall (FortiOS drops what no policy accepts)."""
        result = []
        local = [self.lo] + self.lan_interfaces
        if self.member.is_hub:
            overlays = self.fabric.overlays
            # Spoke to spoke through the hub (before a shortcut forms, or without shortcuts), one
            # policy per overlay pair so that removing an overlay removes exactly its policies.
            for overlay in overlays:
                for other in overlays:
                    result.append(self._policy(names.POLICY_HUB_TRANSIT + overlay.index * 10 + other.index,
                                               "advpn-%s-to-%s" % (overlay.name, other.name),
                                               [names.hub_tunnel(overlay.name)], [names.hub_tunnel(other.name)]))
            for overlay in overlays:  # BGP and ping to the loopback, spokes to the hub's LANs
                result.append(self._policy(names.POLICY_HUB_TO_HUB + overlay.index, "advpn-%s-to-hub" % overlay.name,
                                           [names.hub_tunnel(overlay.name)], local))
            if self.lan_interfaces:
                for overlay in overlays:
                    result.append(self._policy(names.POLICY_HUB_FROM_LAN + overlay.index, "advpn-lan-to-%s" % overlay.name,
                                               self.lan_interfaces, [names.hub_tunnel(overlay.name)]))
            return result
        for name, _overlay, _hub, network_id, _wan in tunnels:
            result.append(self._policy(names.POLICY_SPOKE_IN + network_id, "advpn-%s-in" % name, [name], local))
        if self.lan_interfaces:
            for name, _overlay, _hub, network_id, _wan in tunnels:
                result.append(self._policy(names.POLICY_SPOKE_OUT + network_id, "advpn-%s-out" % name,
                                           self.lan_interfaces, [name]))
        return result


def device_objects(fabric, member):
    return DeviceObjects(fabric, member).build()


def owned(fabric):
    """How deploy finds what the fabric owns on a device (CONTRACTS B ``owned``)."""
    tables = []
    for path, attribute in names.OWNED_TABLES:
        entry = {"path": path, "attribute": attribute}
        if attribute is None:
            entry["mkey_range"] = [fabric.id_base, fabric.id_base + names.ID_BLOCK - 1]
        tables.append(entry)
    return {"marker": fabric.marker, "tables": tables}

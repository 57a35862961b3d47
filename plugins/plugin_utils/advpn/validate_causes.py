# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why a check failed, and what fixes it: the reasoning an engineer does by hand (pure Python).

Each method returns ``(cause, fix)``. Causes are found by walking from the symptom to the settings
that explain it, on the device and on its peer, in the order an engineer would look: link and
interface state, missing objects, values that differ from the plan, and only then what cannot be
read back (the pre-shared key), named by elimination when the same hub answers other spokes.
A symptom that follows from another failure (no IKE route because the tunnel is down) reports that
failure's cause, so one fault gives one cause across all the checks it breaks.
"""

from __future__ import annotations

import re

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_state import (
    address,
    as_text,
    network,
)

DEPLOY = "re-run overlay.fortigate.advpn_deploy"
_PING_RECEIVED = re.compile(r"(\d+) packets transmitted, (\d+) packets received")


def _version(text):
    """``v7.0.12`` -> (7, 0, 12); None when unknown."""
    numbers = re.findall(r"\d+", str(text or ""))
    return tuple(int(number) for number in numbers[:3]) if numbers else None


class Diagnosis:
    """Causes for one fabric (``FabricView``); results are cached per question."""

    def __init__(self, fabric):
        self.fabric = fabric
        self._cache = {}

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # ---- tunnels -----------------------------------------------------------------------------------
    def tunnel_down(self, spoke, tunnel):
        """The IKE SA of ``spoke``'s static ``tunnel`` to its hub is not established."""
        return self._cached(("down", spoke.name, tunnel.get("name")), lambda: self._tunnel_down(spoke, tunnel))

    def _tunnel_down(self, spoke, tunnel):
        name, overlay = tunnel.get("name"), tunnel.get("overlay")
        hub = self.fabric[tunnel.get("peer")]
        hub_name = tunnel.get("peer")
        parent = hub.parent_on(overlay) if hub else None
        parent_name = parent.get("name") if parent else "the %s dial-up phase1" % overlay
        own = self._own_side(spoke, tunnel, hub_name, parent_name)
        if own:
            return own
        if hub is None:
            return ("%s is not among the validated hosts, so its side of %s is unknown" % (hub_name, name),
                    "run the validation on every member of the fabric (advpn_hosts)")
        hub_side = self._hub_side(hub, parent, overlay)
        if hub_side:
            return hub_side
        phase1, hub_phase1 = spoke.phase1.get(name) or {}, hub.phase1.get(parent_name) or {}
        if phase1 and hub_phase1:
            if as_text(phase1.get("ike_version")) != as_text(hub_phase1.get("ike_version")):
                return ("IKE version of %s %s (%s) differs from %s %s (%s)" % (
                    spoke.name, name, phase1.get("ike_version"), hub_name, parent_name, hub_phase1.get("ike_version")),
                    "use IKEv2 on both (%s)" % DEPLOY)
            if not set(str(phase1.get("proposal") or "").split()) & set(str(hub_phase1.get("proposal") or "").split()):
                return ("%s %s and %s %s share no IKE proposal" % (spoke.name, name, hub_name, parent_name),
                        "give them a common proposal (%s)" % DEPLOY)
        others = [other.name for other in self.fabric.spokes if other is not spoke and self._up_to(other, hub_name, overlay)]
        if others:
            return ("pre-shared key of %s %s does not match %s %s: every setting that can be read matches, and %s "
                    "reach%s %s on %s" % (spoke.name, name, hub_name, parent_name, ", ".join(others),
                                          "es" if len(others) == 1 else "", hub_name, overlay),
                    "write the fabric PSK to %s %s again (%s with the vault PSK; cmdb_object update_secrets: always)"
                    % (spoke.name, name, DEPLOY))
        return ("no spoke reaches %s on %s and every setting that can be read matches: %s %s's pre-shared key, or "
                "the %s underlay between them" % (hub_name, overlay, hub_name, parent_name, overlay),
                "check %s %s's PSK against the fabric's, and that %s reaches %s from its %s port"
                % (hub_name, parent_name, spoke.name, tunnel.get("remote_gw"), overlay))

    def _own_side(self, spoke, tunnel, hub_name, parent_name):
        """A cause on the spoke itself: missing phase1, WAN down, remote-gw or network-id off plan."""
        name = tunnel.get("name")
        phase1, cause = self._phase1_carries(spoke, name, tunnel.get("overlay"))
        if phase1 is None:
            return cause
        planned_gw = tunnel.get("remote_gw")
        if planned_gw and phase1.get("remote_gw") != planned_gw:
            configured = phase1.get("remote_gw")
            return ("remote-gw of %s %s is %s, %s listens on %s" % (spoke.name, name, configured, hub_name, planned_gw),
                    "set remote-gw %s on %s %s (%s)" % (planned_gw, spoke.name, name, DEPLOY))
        planned_id = tunnel.get("network_id")
        if planned_id is not None and (phase1.get("network_id") != planned_id or phase1.get("network_overlay") == "disable"):
            seen = phase1.get("network_id") if phase1.get("network_overlay") != "disable" else "off (network-overlay disable)"
            expecting = "%s %s expects %s" % (hub_name, parent_name, planned_id)
            return ("network-id of %s %s is %s, %s" % (spoke.name, name, seen, expecting),
                    "set network-overlay enable and network-id %s on %s %s (%s)" % (planned_id, spoke.name, name, DEPLOY))
        return None

    @staticmethod
    def _phase1_carries(device, name, overlay, consequence=""):
        """(phase1 settings, None) when ``device`` has phase1 ``name`` on a working WAN, else (None, cause or None);
        ``consequence`` is added to a WAN-down cause."""
        if device.unavailable("phase1"):
            return None, None
        phase1 = device.phase1.get(name)
        if phase1 is None:
            return None, ("%s has no phase1-interface %s" % (device.name, name), "deploy it: %s" % DEPLOY)
        wan = phase1.get("interface")
        down = device.interface_down(wan)
        if down:
            return None, ("%s on %s (the %s underlay) is %s%s" % (wan, device.name, overlay, down, consequence),
                          "bring %s up on %s (set status up) or repair the %s link" % (wan, device.name, overlay))
        return phase1, None

    def _hub_side(self, hub, parent, overlay):
        """A cause on the hub that stops every spoke on ``overlay``."""
        if parent is None:
            return ("%s's plan has no dial-up tunnel on %s" % (hub.name, overlay),
                    "add %s to the fabric's overlays and re-run overlay.fortigate.advpn" % overlay)
        name = parent.get("name")
        phase1, cause = self._phase1_carries(hub, name, overlay, ": no spoke reaches %s on %s" % (hub.name, overlay))
        if phase1 is None:
            return cause
        planned_id = parent.get("network_id")
        if planned_id is not None and phase1.get("network_id") != planned_id:
            return ("network-id of %s %s is %s, planned %s (its spokes send %s)" % (
                hub.name, name, phase1.get("network_id"), planned_id, planned_id),
                "set network-id %s on %s %s (%s)" % (planned_id, hub.name, name, DEPLOY))
        return None

    def _up_to(self, spoke, hub_name, overlay):
        tunnel = spoke.tunnel_to(hub_name, overlay)
        state = spoke.gateway_state(tunnel.get("name")) if tunnel else None
        return bool(state and state["ike_up"])

    def instance_missing(self, hub, parent, instance, count):
        """No (or more than one) established dial-up instance of a spoke on ``hub``."""
        if count > 1:
            return ("%d instances of %s come from %s: an old SA lingers" % (count, parent.get("name"), instance.get("peer")),
                    "diagnose vpn ike gateway clear name %s on %s" % (parent.get("name"), hub.name))
        spoke = self.fabric[instance.get("peer")]
        tunnel = spoke.tunnel_to(hub.name, parent.get("overlay")) if spoke else None
        if tunnel is None:
            return ("%s's plan has no tunnel to %s on %s" % (instance.get("peer"), hub.name, parent.get("overlay")),
                    "validate %s with the same plan as %s (overlay.fortigate.advpn_design)" % (instance.get("peer"), hub.name))
        return self.tunnel_down(spoke, tunnel)

    def phase2_down(self, spoke, tunnel):
        """IKE is up but no IPsec SA: the spoke's phase2 (the side that initiates)."""
        name = tunnel.get("name")
        if spoke.unavailable("phase2"):
            return ("the phase2 settings of %s could not be read" % spoke.name, "read them over REST and validate again")
        phase2s = spoke.phase2_of(name)
        if not phase2s:
            return ("%s has no phase2-interface on %s" % (spoke.name, name), "deploy it: %s" % DEPLOY)
        if all(entry.get("auto_negotiate") != "enable" for entry in phase2s):
            names = ", ".join(entry.get("name") for entry in phase2s)
            return ("phase2 %s of %s has auto-negotiate disable and no traffic crossed %s, so its SA waits for "
                    "traffic" % (names, spoke.name, name),
                    "set auto-negotiate enable on phase2 %s of %s (overlay.fortigate.ipsec_phase2_autonegotiate)"
                    % (names, spoke.name))
        hub = self.fabric[tunnel.get("peer")]
        parent = hub.parent_on(tunnel.get("overlay")) if hub else None
        hub_phase2s = hub.phase2_of(parent.get("name")) if parent and not hub.unavailable("phase2") else []
        ours = {word for entry in phase2s for word in str(entry.get("proposal") or "").split()}
        theirs = {word for entry in hub_phase2s for word in str(entry.get("proposal") or "").split()}
        if hub_phase2s and not ours & theirs:
            return ("phase2 proposals of %s %s (%s) and %s %s (%s) share nothing" % (
                spoke.name, name, " ".join(sorted(ours)), hub.name, parent.get("name"), " ".join(sorted(theirs))),
                "give them a common phase2 proposal (%s)" % DEPLOY)
        return ("phase2 of %s %s does not pair with %s's (selectors or PFS differ)" % (spoke.name, name, tunnel.get("peer")),
                "compare both phase2-interfaces (src/dst subnets, pfs, dhgrp) and %s" % DEPLOY)

    def instance_phase2_down(self, hub, parent, instance):
        spoke = self.fabric[instance.get("peer")]
        tunnel = spoke.tunnel_to(hub.name, parent.get("overlay")) if spoke else None
        if tunnel is None:
            return ("a dial-up hub never starts phase2; %s is not validated" % instance.get("peer"),
                    "validate the whole fabric")
        return self.phase2_down(spoke, tunnel)

    def network_id_wrong(self, device, tunnel, seen):
        name, planned = tunnel.get("name"), tunnel.get("network_id")
        configured = (device.phase1.get(name) or {}).get("network_id")
        if configured is not None and configured != planned:
            return ("network-id of %s %s is %s, planned %s" % (device.name, name, configured, planned),
                    "set network-id %s on %s %s (%s)" % (planned, device.name, name, DEPLOY))
        return ("the tunnel still runs with network-id %s from before a change" % seen,
                "diagnose vpn ike gateway clear name %s on %s" % (name, device.name))

    # ---- overlay addresses and ADVPN roles ---------------------------------------------------------
    def hub_sends_nothing(self, spoke, tunnel):
        hub = self.fabric[tunnel.get("peer")]
        parent = hub.parent_on(tunnel.get("overlay")) if hub else None
        if parent is None:
            return ("%s is not validated, its phase1 is unknown" % tunnel.get("peer"), "validate the whole fabric")
        return self._sender(hub, parent.get("name"), tunnel.get("peer_overlay_ip"))

    def spoke_sends_nothing(self, hub, parent, instance):
        spoke = self.fabric[instance.get("peer")]
        tunnel = spoke.tunnel_to(hub.name, parent.get("overlay")) if spoke else None
        if tunnel is None:
            return ("%s is not validated, its phase1 is unknown" % instance.get("peer"), "validate the whole fabric")
        return self._sender(spoke, tunnel.get("name"), instance.get("peer_overlay_ip"))

    def _sender(self, device, phase1_name, planned):
        """Why ``device`` does not send ``planned`` as its overlay address on ``phase1_name``."""
        where = "%s %s" % (device.name, phase1_name)
        fix = "set exchange-ip-addr4 %s on %s (overlay.fortigate.ipsec_phase1_exchange)" % (planned, where)
        if device.unavailable("phase1"):
            return ("%s %s sends no overlay address (its settings could not be read)" % (device.name, phase1_name), fix)
        phase1 = device.phase1.get(phase1_name) or {}
        sent = phase1.get("exchange_ip_addr4")
        if not sent or sent == "0.0.0.0":
            return ("%s %s sends no exchange-ip-addr4" % (device.name, phase1_name), fix)
        if sent != planned:
            return ("%s %s sends %s as exchange-ip-addr4, planned %s" % (device.name, phase1_name, sent, planned), fix)
        version = _version((device.rest or {}).get("version"))
        if version and version < (7, 0, 4) and phase1.get("exchange_interface_ip") != "enable":
            return ("%s runs %s: exchange-ip-addr4 is sent only with exchange-interface-ip enable (Fortinet KB 253455)"
                    % (device.name, (device.rest or {}).get("version")),
                    "set exchange-interface-ip enable on %s %s (overlay.fortigate.ipsec_phase1_exchange)"
                    % (device.name, phase1_name))
        return ("%s %s has exchange-ip-addr4 %s but its tunnels were not renegotiated since" % (
            device.name, phase1_name, sent),
            "diagnose vpn ike gateway clear name %s on %s" % (phase1_name, device.name))

    def role_wrong(self, device, phase1_name, wanted):
        """The gateway's auto-discovery role is not the planned one (``sender`` hub, ``receiver`` spoke)."""
        shortcuts = device.expected.get("shortcuts", True)
        attribute = "auto-discovery-%s" % wanted
        phase1 = device.phase1.get(phase1_name) or {}
        value = phase1.get(attribute.replace("-", "_"))
        if shortcuts and value != "enable":
            return ("%s %s has %s %s: no shortcut can form" % (device.name, phase1_name, attribute, value or "unset"),
                    "set %s enable on %s %s (%s)" % (attribute, device.name, phase1_name, DEPLOY))
        if not shortcuts and value == "enable":
            return ("%s %s has %s enable but the fabric has shortcuts: false" % (device.name, phase1_name, attribute),
                    "set %s disable on %s %s (%s)" % (attribute, device.name, phase1_name, DEPLOY))
        return ("%s %s was negotiated before its %s changed" % (device.name, phase1_name, attribute),
                "diagnose vpn ike gateway clear name %s on %s" % (phase1_name, device.name))

    # ---- routes ------------------------------------------------------------------------------------
    def ike_route_missing(self, spoke, tunnel):
        state = spoke.gateway_state(tunnel.get("name"))
        if not state or not state["ike_up"]:
            return self.tunnel_down(spoke, tunnel)
        if state["overlay_peer"] != tunnel.get("peer_overlay_ip"):
            return self.hub_sends_nothing(spoke, tunnel)
        return self._route_not_installed(spoke, tunnel.get("name"), tunnel.get("peer_overlay_ip"))

    def hub_route_missing(self, hub, parent, instance):
        spoke = self.fabric[instance.get("peer")]
        tunnel = spoke.tunnel_to(hub.name, parent.get("overlay")) if spoke else None
        found = [gateway for gateway in hub.instances(parent.get("name"))
                 if self.fabric.peer_of(gateway) == instance.get("peer")]
        if not found or not any(hub.gateway_state(gateway.get("name"))["ike_up"] for gateway in found):
            return self.instance_missing(hub, parent, instance, len(found))
        if tunnel is not None and found[0].get("virtual_interface_addr_peer") != instance.get("peer_overlay_ip"):
            return self.spoke_sends_nothing(hub, parent, instance)
        return self._route_not_installed(hub, parent.get("name"), instance.get("peer_overlay_ip"))

    @staticmethod
    def _route_not_installed(device, tunnel_name, peer_ip):
        others = device.routes_for("%s/32" % peer_ip)
        if others:
            return ("%s/32 on %s goes %s, not through %s" % (peer_ip, device.name, ", ".join(
                "via %s (%s)" % (route.get("interface"), route.get("type")) for route in others), tunnel_name),
                "remove the route that overrides the IKE route on %s" % device.name)
        return ("%s learned %s on %s but installed no route to it" % (device.name, peer_ip, tunnel_name),
                "diagnose vpn ike gateway clear name %s on %s" % (tunnel_name, device.name))

    def route_missing(self, device, route):
        prefix, kind = route.get("prefix"), route.get("kind")
        if kind == "blackhole":
            summary = network(prefix)
            loopbacks = [other.name for other in self.fabric.devices.values()
                         if other.loopback and summary is not None and address(other.loopback) in summary]
            why = (": %s announces %s only while it is in its routing table (network-import-check), so the other "
                   "members cannot resolve BGP next hops inside it" % (device.name, prefix)) if loopbacks else ""
            return ("%s has no blackhole route for %s%s" % (device.name, prefix, why),
                    "add the static blackhole route %s on %s (%s)" % (prefix, device.name, DEPLOY))
        if kind == "connected":
            return ("no interface of %s is up with an address in %s" % (device.name, prefix),
                    "configure and enable that interface on %s (%s)" % (device.name, DEPLOY))
        if kind == "bgp":
            return self.prefix_missing(device, {"prefix": prefix, "origin": route.get("peer")})
        return ("%s has no %s route to %s" % (device.name, kind, prefix), "add it on %s (%s)" % (device.name, DEPLOY))

    # ---- BGP ---------------------------------------------------------------------------------------
    def bgp_down(self, device, neighbor):
        peer = self.fabric[neighbor.get("peer")]
        if device.is_hub and peer is not None and not peer.is_hub:
            return self.spoke_bgp_down(peer, device, device.loopback, from_hub=True)
        return self.spoke_bgp_down(device, peer, neighbor.get("address"))

    def spoke_bgp_down(self, spoke, hub, hub_ip, from_hub=False):
        key = ("bgp", spoke.name, hub.name if hub else hub_ip)
        return self._cached(key, lambda: self._spoke_bgp_down(spoke, hub, hub_ip))

    def _spoke_bgp_down(self, spoke, hub, hub_ip):
        planned_as = as_text((spoke.expected.get("bgp") or {}).get("as"))
        hub_name = hub.name if hub else hub_ip
        if not spoke.unavailable("bgp"):
            if as_text(spoke.bgp.get("as")) != planned_as:
                return ("%s runs BGP AS %s, planned %s" % (spoke.name, spoke.bgp.get("as"), planned_as),
                        "set as %s in router bgp of %s (%s)" % (planned_as, spoke.name, DEPLOY))
            configured = spoke.neighbor_config(hub_ip)
            if configured is None:
                return ("%s has no BGP neighbor %s (%s's loopback)" % (spoke.name, hub_ip, hub_name),
                        "add it (%s)" % DEPLOY)
            hub_as = as_text(((hub.expected.get("bgp") or {}).get("as")) if hub else planned_as) or planned_as
            if as_text(configured.get("remote_as")) != hub_as:
                return ("BGP neighbor %s (%s) on %s has remote-as %s, %s is AS %s" % (
                    hub_ip, hub_name, spoke.name, configured.get("remote_as"), hub_name, hub_as),
                    "set remote-as %s on neighbor %s of %s (%s)" % (hub_as, hub_ip, spoke.name, DEPLOY))
        if hub is not None and not hub.unavailable("bgp"):
            hub_side = self._hub_bgp_side(hub, spoke, planned_as)
            if hub_side:
                return hub_side
        if not spoke.unavailable("routes") and not spoke.lookup(hub_ip):
            failed = self._first_route_cause(spoke, hub)
            because = ": " + failed[0] if failed else ""
            return ("%s has no route to %s's loopback %s%s" % (spoke.name, hub_name, hub_ip, because),
                    failed[1] if failed else "check the IKE routes of %s's tunnels to %s" % (spoke.name, hub_name))
        if hub is not None and not hub.unavailable("routes") and spoke.loopback and not hub.lookup(spoke.loopback):
            failed = self._first_hub_route_cause(hub, spoke)
            because = ": " + failed[0] if failed else ""
            return ("%s has no route to %s's loopback %s%s" % (hub.name, spoke.name, spoke.loopback, because),
                    failed[1] if failed else "check the IKE routes of %s's instances from %s" % (hub.name, spoke.name))
        return ("tunnels, routes and BGP settings match: a firewall policy on %s or %s likely drops BGP (TCP 179) "
                "between the loopbacks" % (spoke.name, hub_name),
                "allow the overlay tunnels to reach the loopback on both (%s)" % DEPLOY)

    def _hub_bgp_side(self, hub, spoke, planned_as):
        if as_text(hub.bgp.get("as")) != planned_as:
            return ("%s runs BGP AS %s, planned %s" % (hub.name, hub.bgp.get("as"), planned_as),
                    "set as %s in router bgp of %s (%s)" % (planned_as, hub.name, DEPLOY))
        if spoke.loopback:
            group = hub.range_group_for(spoke.loopback)
            if group is None:
                return ("no neighbor-range of %s covers %s's loopback %s" % (hub.name, spoke.name, spoke.loopback),
                        "add the loopback summary as neighbor-range on %s (%s)" % (hub.name, DEPLOY))
            if group.get("remote_as") is not None and as_text(group.get("remote_as")) != planned_as:
                return ("neighbor-group %s on %s has remote-as %s, the spokes are AS %s" % (
                    group.get("name"), hub.name, group.get("remote_as"), planned_as),
                    "set remote-as %s on neighbor-group %s of %s (%s)" % (planned_as, group.get("name"), hub.name, DEPLOY))
        if hub.loopback and not hub.unavailable("interfaces") and not hub.owns(hub.loopback):
            return ("no interface of %s has its loopback address %s" % (hub.name, hub.loopback),
                    "create the loopback interface on %s (%s)" % (hub.name, DEPLOY))
        return None

    def _first_route_cause(self, spoke, hub):
        for tunnel in spoke.planned_tunnels():
            if hub is None or tunnel.get("peer") == hub.name:
                if not spoke.ike_routes("%s/32" % tunnel.get("peer_overlay_ip"), tunnel.get("name")):
                    return self.ike_route_missing(spoke, tunnel)
        return None

    def _first_hub_route_cause(self, hub, spoke):
        for parent in hub.planned_tunnels():
            for instance in parent.get("instances") or []:
                if instance.get("peer") == spoke.name:
                    return self.hub_route_missing(hub, parent, instance)
        return None

    def prefix_missing(self, device, entry):
        prefix, origin_name = entry.get("prefix"), entry.get("origin")
        origin = self.fabric[origin_name]
        sessions = (device.expected.get("bgp") or {}).get("neighbors") or []
        relevant = [n for n in sessions if device.is_hub is False or n.get("peer") == origin_name]
        if relevant and not any((device.neighbors.get(n.get("address")) or {}).get("state") == "Established"
                                for n in relevant):
            first = relevant[0]
            cause = self.bgp_down(device, first)
            return ("no BGP session of %s that could bring %s is Established: %s" % (device.name, prefix, cause[0]),
                    cause[1])
        if origin is not None and not origin.unavailable("bgp"):
            if prefix not in (origin.bgp.get("networks") or []):
                return ("%s does not announce %s (no network statement)" % (origin_name, prefix),
                        "add network %s to router bgp of %s (%s)" % (prefix, origin_name, DEPLOY))
            if not origin.unavailable("routes") and not origin.routes_for(prefix):
                planned = next((route for route in origin.expected.get("routes") or []
                                if route.get("prefix") == prefix and route.get("kind") != "bgp"), None)
                if planned is not None:
                    return self.route_missing(origin, planned)
                return ("%s has %s in no route (its interface is down or gone), so network-import-check keeps it from "
                        "announcing it" % (origin_name, prefix),
                        "bring the interface of %s that holds %s up" % (origin_name, prefix))
        if not device.is_hub and origin is not None and not origin.is_hub:
            reflector = self._reflector_without(prefix, origin)
            if reflector is not None:
                cause = self.bgp_down(*reflector)
                return ("no hub learned %s from %s: %s" % (prefix, origin_name, cause[0]), cause[1])
        other = [route for route in device.routes_for(prefix) if route.get("type") != "bgp"]
        if other:
            return ("a %s route to %s on %s overrides the BGP route" % (other[0].get("type"), prefix, device.name),
                    "remove that route on %s" % device.name)
        next_hop = origin.loopback if origin is not None else None
        if next_hop and not device.is_hub and not device.lookup(next_hop):
            summary_cause = self._summary_missing(next_hop)
            if summary_cause:
                return ("%s cannot resolve %s, the BGP next hop of %s (%s's loopback): %s" % (
                    device.name, next_hop, prefix, origin_name, summary_cause[0]), summary_cause[1])
            return ("%s has no route to %s, the BGP next hop of %s (%s's loopback)" % (
                device.name, next_hop, prefix, origin_name),
                "make the hubs announce the loopback summary (%s)" % DEPLOY)
        return ("%s is not installed on %s although its BGP sessions are up" % (prefix, device.name),
                "look at get router info bgp network %s on %s" % (prefix, device.name))

    def _reflector_without(self, prefix, origin):
        """(hub, its planned neighbor entry for ``origin``) when no readable hub holds ``prefix``, else None."""
        candidates = []
        for hub in self.fabric.hubs:
            if hub.unavailable("routes"):
                return None
            if any(route.get("type") == "bgp" for route in hub.routes_for(prefix)):
                return None
            entry = next((n for n in (hub.expected.get("bgp") or {}).get("neighbors") or []
                          if n.get("peer") == origin.name), None)
            if entry is not None:
                candidates.append((hub, entry))
        return candidates[0] if candidates else None

    def _summary_missing(self, loopback):
        """The hub route that would let spokes resolve ``loopback``, when a hub lacks it."""
        target = address(loopback)
        for hub in self.fabric.hubs:
            if hub.unavailable("routes"):
                continue
            summaries = [route.get("prefix") for route in hub.expected.get("routes") or []
                         if route.get("kind") in ("blackhole", "static") and network(route.get("prefix"))
                         and target in network(route.get("prefix"))]
            summaries += [prefix for prefix in hub.bgp.get("networks") or []
                          if network(prefix) and target in network(prefix) and prefix not in summaries]
            for summary in summaries:
                if not hub.routes_for(summary):
                    return self.route_missing(hub, {"prefix": summary, "kind": "blackhole"})
        return None

    # ---- shortcuts ---------------------------------------------------------------------------------
    def shortcut_of(self, device, probe):
        """The shortcut of ``device`` to the probe's target after the probe, as a dict, or None."""
        parents = {tunnel.get("name") for tunnel in device.planned_tunnels()}
        counters = {entry.get("name"): entry for entry in probe.get("tunnels") or []}
        for gateway in probe.get("gateways") or []:
            name = str(gateway.get("name") or "")
            parent = name.rsplit("_", 1)[0]
            if parent in parents and name != parent and self.fabric.peer_of(gateway) == probe.get("target"):
                monitor = counters.get(name) or {}
                ike = gateway.get("ike_sa") or {}
                return {"name": name, "remote_addr": gateway.get("remote_addr"),
                        "ike_up": (ike.get("established_current") or 0) > 0,
                        "incoming_bytes": monitor.get("incoming_bytes") or 0,
                        "outgoing_bytes": monitor.get("outgoing_bytes") or 0}
        return None

    def shortcut_missing(self, device, probe):
        target = self.fabric[probe.get("target")]
        for hub in self.fabric.hubs:
            for parent in hub.planned_tunnels():
                phase1 = hub.phase1.get(parent.get("name"))
                if phase1 is not None and phase1.get("auto_discovery_sender") != "enable":
                    return self.role_wrong(hub, parent.get("name"), "sender")
        for spoke in (device, target):
            for tunnel in spoke.planned_tunnels() if spoke else []:
                phase1 = spoke.phase1.get(tunnel.get("name"))
                if phase1 is not None and phase1.get("auto_discovery_receiver") != "enable":
                    return self.role_wrong(spoke, tunnel.get("name"), "receiver")
        received = _PING_RECEIVED.search(probe.get("output") or "")
        if received and int(received.group(2)) == 0:
            return ("the probe's ping from %s to %s (%s) got no answer" % (device.name, probe.get("target"),
                                                                           probe.get("address")),
                    "fix the failed tunnel, route and BGP checks of %s and %s first" % (device.name, probe.get("target")))
        shortcut = self.shortcut_of(device, probe)
        if shortcut is not None:
            return ("shortcut %s exists but the probe's traffic did not use it" % shortcut["name"],
                    "compare the routes to %s on %s with the shortcut (BGP next hop, priority)" % (
                        probe.get("address"), device.name))
        return ("no shortcut formed although the hubs offer it and the spokes accept it: the two spokes' phase1s "
                "must match (network-id, proposals, PSK)", "compare the phase1s of %s and %s (%s)" % (
                    device.name, probe.get("target"), DEPLOY))

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a fabric: plan (``advpn_plan.expected``) against what the devices show (pure Python).

Per spoke x hub x overlay: IKE SA up, IPsec SA up, network-id as planned, the hub's overlay address
learned and equal to its loopback, ADVPN role, the IKE-injected /32 to the hub loopback. Per spoke x
hub: BGP Established to the hub loopback. Per hub x overlay x spoke: one dial-up instance up, the same
tunnel checks from the hub's side, the /32 to the spoke loopback. Per hub x spoke: BGP to the spoke
loopback. Per device: the planned routes and the LAN prefixes learned through BGP. Per probe: a
shortcut formed and carried the probe's traffic.

Each check is a dict (see ``CHECK_KEYS``); a failed one carries the likely ``cause`` and its
``fix`` from :mod:`validate_causes`. Results: ``PASS``, ``FAIL``, ``ERROR`` (the device could not be
read), ``SKIPPED`` (cannot be judged because a check it depends on failed, e.g. the network-id of a
tunnel that is down; that check names the cause).
"""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_causes import Diagnosis
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_state import as_text, fabrics

PASS, FAIL, ERROR, SKIPPED = "PASS", "FAIL", "ERROR", "SKIPPED"
CHECK_KEYS = ("id", "fabric", "device", "role", "check", "category", "description", "tunnel", "overlay", "peer",
              "subject", "expected", "seen", "result", "cause", "fix")

# check name -> (category, description)
CHECKS = {
    "ike_sa": ("tunnel", "IKE SA established"),
    "ipsec_sa": ("tunnel", "IPsec SA up"),
    "network_id": ("tunnel", "network-id as planned"),
    "peer_overlay": ("overlay", "peer overlay address learned and equal to the peer's loopback"),
    "advpn_role": ("advpn", "ADVPN role (auto-discovery) as planned"),
    "ike_route": ("routing", "IKE-injected /32 route to the peer's loopback"),
    "instance": ("tunnel", "one dial-up instance of the spoke, IKE SA established"),
    "bgp": ("bgp", "BGP session Established with the peer's loopback"),
    "prefix": ("bgp", "LAN prefix learned through BGP and installed"),
    "route": ("routing", "planned route in the routing table"),
    "shortcut": ("advpn", "shortcut formed between the spokes and carried the probe's traffic"),
}
NOT_SHOWN = "not shown"


class FabricChecks:
    """Builds the checks of one fabric; ``run()`` returns them in a stable order."""

    def __init__(self, fabric):
        self.fabric = fabric
        self.diagnosis = Diagnosis(fabric)
        self.checks = []

    def run(self):
        for device in sorted(self.fabric.devices.values(), key=lambda d: (not d.is_hub, d.name)):
            if device.is_hub:
                self.hub_tunnels(device)
            else:
                self.spoke_tunnels(device)
            self.bgp_sessions(device)
            self.planned_routes(device)
            self.prefixes(device)
            self.probes(device)
        return self.checks

    # ---- recording ---------------------------------------------------------------------------------
    def add(self, device, check, subject, expected, seen, result, why=None, **where):
        category, description = CHECKS[check]
        record = dict.fromkeys(CHECK_KEYS)
        record.update(where)
        record.update({
            "fabric": self.fabric.name, "device": device.name, "role": device.role, "check": check,
            "category": category, "description": description, "subject": subject,
            "expected": expected, "seen": seen, "result": result,
        })
        record["id"] = "%s/%s/%s" % (device.name, subject, check)
        if result != PASS and why is not None:
            record["cause"], record["fix"] = why()
        self.checks.append(record)
        return result

    def unread(self, device, source):
        """ERROR check arguments when ``source`` (``rest``/``ssh``) of ``device`` is missing, else None."""
        missing = not device.rest_read if source == "rest" else not device.ssh_read
        if not missing:
            return None
        error = device.errors.get(source)
        how = "REST (ansible.netcommon.httpapi)" if source == "rest" else "SSH (ansible.netcommon.network_cli)"
        return ("could not read %s over %s: %s" % (device.name, how, error),
                "make %s reachable over %s with the inventory's credentials, then validate again" % (device.name, how))

    def add_unread(self, device, check, subject, expected, source, **where):
        error = self.unread(device, source)
        if error is None:
            return False
        self.add(device, check, subject, expected, "not read", ERROR, lambda: error, **where)
        return True

    # ---- spokes ------------------------------------------------------------------------------------
    def spoke_tunnels(self, spoke):
        shortcuts = spoke.expected.get("shortcuts", True)
        for tunnel in spoke.planned_tunnels():
            name = tunnel.get("name")
            where = {"tunnel": name, "overlay": tunnel.get("overlay"), "peer": tunnel.get("peer")}
            ike_up = self.tunnel_up(spoke, name, where)
            self.ipsec(spoke, name, name, ike_up, lambda t=tunnel: self.diagnosis.phase2_down(spoke, t), where)
            gateway = spoke.gateway(name)
            self.network_id(spoke, name, tunnel, gateway, ike_up, where)
            self.peer_overlay(spoke, name, gateway, tunnel.get("peer_overlay_ip"), ike_up,
                              lambda t=tunnel: self.diagnosis.hub_sends_nothing(spoke, t), where)
            self.advpn_role(spoke, name, gateway, "receiver" if shortcuts else None, ike_up,
                            lambda t=tunnel: self.diagnosis.role_wrong(spoke, t.get("name"), "receiver"), where)
            self.ike_route(spoke, name, tunnel.get("peer_overlay_ip"), name,
                           lambda t=tunnel: self.diagnosis.ike_route_missing(spoke, t), where)

    def tunnel_up(self, spoke, name, where):
        if self.add_unread(spoke, "ike_sa", name, "established", "ssh", **where):
            return None
        state = spoke.gateway_state(name)
        seen = "absent" if state is None else ("established" if state["ike_up"] else "connecting")
        return self.add(spoke, "ike_sa", name, "established", seen, PASS if seen == "established" else FAIL,
                        lambda: self.diagnosis.tunnel_down(spoke, spoke.planned_tunnel(name)), **where) == PASS

    def ipsec(self, device, subject, monitor_name, ike_up, why, where):
        if self.add_unread(device, "ipsec_sa", subject, "up", "rest", **where):
            return
        seen = device.phase2_up(monitor_name) if monitor_name else "absent"
        if seen == "up":
            self.add(device, "ipsec_sa", subject, "up", seen, PASS, **where)
        elif ike_up is False:
            self.add(device, "ipsec_sa", subject, "up", seen, FAIL, self.ike_first(device, subject, where), **where)
        else:
            self.add(device, "ipsec_sa", subject, "up", seen, FAIL, why, **where)

    def ike_first(self, device, subject, where):
        """The cause of a check that fails because its tunnel's IKE SA is down: the IKE SA's own cause."""
        def why():
            failed = next(check for check in reversed(self.checks)
                          if check["device"] == device.name and check["check"] in ("ike_sa", "instance")
                          and check["tunnel"] == where.get("tunnel") and check["peer"] == where.get("peer"))
            return failed["cause"], failed["fix"]
        return why

    def judged(self, device, check, subject, expected, gateway, ike_up, where):
        """Record SKIPPED (tunnel down or not read) and return False, or return True when the check can run."""
        if not device.ssh_read:
            self.add_unread(device, check, subject, expected, "ssh", **where)
            return False
        if not ike_up or gateway is None:
            self.add(device, check, subject, expected, "unknown (IKE SA down)", SKIPPED, **where)
            return False
        return True

    def network_id(self, device, subject, tunnel, gateway, ike_up, where):
        planned = tunnel.get("network_id")
        if planned is None or not self.judged(device, "network_id", subject, planned, gateway, ike_up, where):
            return
        seen = gateway.get("network_id")
        self.add(device, "network_id", subject, planned, seen if seen is not None else NOT_SHOWN,
                 PASS if seen == planned else FAIL, lambda: self.diagnosis.network_id_wrong(device, tunnel, seen),
                 **where)

    def peer_overlay(self, device, subject, gateway, planned, ike_up, why, where):
        if planned is None or not self.judged(device, "peer_overlay", subject, planned, gateway, ike_up, where):
            return
        seen = gateway.get("virtual_interface_addr_peer") or "0.0.0.0"
        self.add(device, "peer_overlay", subject, planned, seen, PASS if seen == planned else FAIL, why, **where)

    def advpn_role(self, device, subject, gateway, planned, ike_up, why, where):
        expected = planned or "none"
        if not self.judged(device, "advpn_role", subject, expected, gateway, ike_up, where):
            return
        raw = gateway.get("auto_discovery") or ""
        seen = next((word for word in ("sender", "receiver", "forwarder") if word in raw), "none")
        self.add(device, "advpn_role", subject, expected, seen, PASS if seen == expected else FAIL, why, **where)

    def ike_route(self, device, subject, peer_loopback, tunnel_name, why, where):
        if not peer_loopback:
            return
        prefix = "%s/32" % peer_loopback
        if self.add_unread(device, "ike_route", subject, prefix, "rest", **where):
            return
        routes = device.ike_routes(prefix, tunnel_name)
        seen = ", ".join("via %s" % route.get("interface") for route in routes) or "absent"
        self.add(device, "ike_route", subject, "%s via %s" % (prefix, tunnel_name), seen,
                 PASS if routes else FAIL, why, **where)

    # ---- hubs --------------------------------------------------------------------------------------
    def hub_tunnels(self, hub):
        shortcuts = hub.expected.get("shortcuts", True)
        for parent in hub.planned_tunnels():
            name = parent.get("name")
            for instance in parent.get("instances") or []:
                peer = instance.get("peer")
                where = {"tunnel": name, "overlay": parent.get("overlay"), "peer": peer}
                subject = "%s<-%s" % (name, peer)
                gateway = self.instance(hub, subject, parent, instance, where)
                ike_up = gateway is not None
                gateway_name = gateway.get("name") if gateway else None
                self.ipsec(hub, subject, gateway_name, ike_up,
                           lambda p=parent, i=instance: self.diagnosis.instance_phase2_down(hub, p, i), where)
                self.network_id(hub, subject, parent, gateway, ike_up, where)
                self.peer_overlay(hub, subject, gateway, instance.get("peer_overlay_ip"), ike_up,
                                  lambda p=parent, i=instance: self.diagnosis.spoke_sends_nothing(hub, p, i), where)
                self.advpn_role(hub, subject, gateway, "sender" if shortcuts else None, ike_up,
                                lambda p=parent: self.diagnosis.role_wrong(hub, p.get("name"), "sender"), where)
                self.ike_route(hub, subject, instance.get("peer_overlay_ip"), name,
                               lambda p=parent, i=instance: self.diagnosis.hub_route_missing(hub, p, i), where)

    def instance(self, hub, subject, parent, instance, where):
        """The one established instance of ``instance['peer']`` under ``parent``, or None (check recorded)."""
        expected = "1 established from %s" % (instance.get("peer_wan") or instance.get("peer"))
        if self.add_unread(hub, "instance", subject, expected, "ssh", **where):
            return None
        found = [gateway for gateway in hub.instances(parent.get("name"))
                 if self.fabric.peer_of(gateway) == instance.get("peer")]
        up = [gateway for gateway in found if hub.gateway_state(gateway.get("name"))["ike_up"]]
        if len(up) == 1 and len(found) == 1:
            self.add(hub, "instance", subject, expected, "%s established" % up[0].get("name"), PASS, **where)
            return up[0]
        seen = "none" if not found else "; ".join(
            "%s %s" % (gateway.get("name"), "established" if gateway in up else "connecting") for gateway in found)
        self.add(hub, "instance", subject, expected, seen, FAIL,
                 lambda: self.diagnosis.instance_missing(hub, parent, instance, len(found)), **where)
        return up[0] if len(up) == 1 else None

    # ---- BGP, routes, prefixes ----------------------------------------------------------------------
    def bgp_sessions(self, device):
        bgp = device.expected.get("bgp") or {}
        for neighbor in bgp.get("neighbors") or []:
            ip = neighbor.get("address")
            where = {"peer": neighbor.get("peer")}
            if self.add_unread(device, "bgp", ip, "Established", "rest", **where):
                continue
            entry = device.neighbors.get(ip)
            seen = entry.get("state") if entry else "absent"
            if entry and as_text(entry.get("remote_as")) != as_text(neighbor.get("remote_as")):
                seen = "%s, remote-as %s" % (seen, entry.get("remote_as"))
            self.add(device, "bgp", ip, "Established", seen, PASS if seen == "Established" else FAIL,
                     lambda n=neighbor: self.diagnosis.bgp_down(device, n), **where)

    def planned_routes(self, device):
        # IKE routes are checked per tunnel (ike_route), BGP routes of learned prefixes as prefixes; a route
        # planned once per peer (the loopback summary from each hub) is one check.
        learned = {entry.get("prefix") for entry in device.expected.get("prefixes_received") or []}
        seen_routes = set()
        for route in device.expected.get("routes") or []:
            prefix, kind = route.get("prefix"), route.get("kind")
            if kind == "ike" or (kind == "bgp" and prefix in learned) or (prefix, kind) in seen_routes:
                continue
            seen_routes.add((prefix, kind))
            where = {"peer": route.get("peer")}
            if self.add_unread(device, "route", prefix, kind, "rest", **where):
                continue
            kinds = sorted({_route_kind(entry) for entry in device.routes_for(prefix)})
            seen = ", ".join(kinds) or "absent"
            self.add(device, "route", prefix, kind, seen, PASS if kind in kinds else FAIL,
                     lambda r=route: self.diagnosis.route_missing(device, r), **where)

    def prefixes(self, device):
        origins = {}
        for entry in device.expected.get("prefixes_received") or []:
            origins.setdefault(entry.get("prefix"), []).append(entry.get("origin"))
        for prefix, announcers in origins.items():
            entry = {"prefix": prefix, "origin": announcers[0]}
            where = {"peer": ", ".join(announcers)}
            if self.add_unread(device, "prefix", prefix, "bgp", "rest", **where):
                continue
            kinds = sorted({route.get("type") for route in device.routes_for(prefix)})
            seen = ", ".join(kinds) or "absent"
            self.add(device, "prefix", prefix, "bgp", seen, PASS if "bgp" in kinds else FAIL,
                     lambda e=entry: self.diagnosis.prefix_missing(device, e), **where)

    def probes(self, device):
        for probe in device.probes:
            target = probe.get("target")
            where = {"peer": target}
            shortcut = self.diagnosis.shortcut_of(device, probe)
            if shortcut is None:
                seen = "no shortcut"
            else:
                seen = "%s to %s, %d/%d bytes in/out" % (shortcut["name"], shortcut["remote_addr"],
                                                         shortcut["incoming_bytes"], shortcut["outgoing_bytes"])
            passed = shortcut is not None and shortcut["ike_up"] and shortcut["incoming_bytes"] + shortcut["outgoing_bytes"] > 0
            self.add(device, "shortcut", "%s->%s" % (device.name, target), "shortcut up, carrying traffic", seen,
                     PASS if passed else FAIL, lambda p=probe: self.diagnosis.shortcut_missing(device, p), **where)


def _route_kind(route):
    """Monitor route -> the plan's route kind (``connected``, ``static``, ``blackhole``, ``bgp``)."""
    kind = route.get("type")
    if kind == "connect":
        return "connected"
    if kind == "static" and route.get("interface") == "Null":
        return "blackhole"
    return kind


def validate(plans, observed):
    """{fabric: [check, ...]} for every fabric among ``plans`` ({device: advpn_plan})."""
    found = fabrics(plans, observed)
    return {name: FabricChecks(found[name]).run() for name in sorted(found, key=str)}

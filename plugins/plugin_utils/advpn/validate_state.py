# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each device of a fabric shows, next to its plan (pure Python, no Ansible).

Input per device: the ``advpn_plan`` host fact (``expected`` is what validation checks, see the
collection README, "ADVPN plan") and what the ``advpn_validate`` role read from the device::

    {"rest": <fortios_overlay_state facts> | None,   # overlay_state_facts over httpapi
     "gateways": <fortios_ike_gateways> | None,      # ike_gateway_facts over network_cli
     "errors": {"rest": "...", "ssh": "..."},        # why a read is missing
     "probe": [{"target": "SPOKE2", "address": "10.200.0.12", "output": "...",
                "gateways": [...], "tunnels": [...]}]}   # optional shortcut probe, on its source

:class:`DeviceView` answers the questions the checks and the diagnosis ask ("the gateway of this
tunnel", "the dial-up instances of that parent", "the route to this address") without either of
them knowing the shape of the facts.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.summary import tunnel_state


def as_text(value):
    """AS numbers arrive as int (monitor) or str (CMDB): compare them as text."""
    return None if value is None else str(value)


def network(prefix):
    try:
        return ipaddress.ip_network(str(prefix), strict=False)
    except ValueError:
        return None


def address(value):
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        return None


def host_of(prefix):
    """``10.200.0.11/32`` -> ``10.200.0.11`` (the address part of an interface prefix)."""
    return str(prefix).split("/", maxsplit=1)[0] if prefix else None


class DeviceView:
    """One device: its plan and the state read from it."""

    def __init__(self, name, plan, observed):
        self.name = name
        self.plan = plan or {}
        self.expected = self.plan.get("expected") or {}
        observed = observed or {}
        self.errors = dict(observed.get("errors") or {})
        self.rest = observed.get("rest")
        self.gateway_list = observed.get("gateways")
        self.probes = observed.get("probe") or []
        if self.rest is None and "rest" not in self.errors:
            self.errors["rest"] = "the REST state of %s was not read" % name
        if self.gateway_list is None and "ssh" not in self.errors:
            self.errors["ssh"] = "the gateway list of %s was not read over SSH" % name
        rest = self.rest or {}
        self.tunnels = {entry["name"]: entry for entry in rest.get("tunnels") or []}
        self.routes = rest.get("routes") or []
        # Routes by network, parsed once: a hub of N spokes has O(N) routes and O(N) checks ask for them.
        self._routes_by_network = {}
        for route in self.routes:
            self._routes_by_network.setdefault(network(route.get("prefix")), []).append(route)
        self.neighbors = {entry["neighbor_ip"]: entry for entry in rest.get("bgp_neighbors") or []}
        self.interfaces = {entry["name"]: entry for entry in rest.get("interfaces") or []}
        self.links = {entry["name"]: entry.get("link") for entry in rest.get("links") or []}
        self.phase1 = {entry["name"]: entry for entry in rest.get("phase1") or []}
        self.phase2 = rest.get("phase2") or []
        self.bgp = rest.get("bgp") or {}
        self.gateways = {}
        for gateway in self.gateway_list or []:
            self.gateways.setdefault(gateway.get("name"), gateway)

    # ---- plan ------------------------------------------------------------------------------------
    @property
    def role(self):
        return self.plan.get("role")

    @property
    def is_hub(self):
        return self.role == "hub"

    @property
    def loopback(self):
        return self.plan.get("loopback")

    @property
    def fabric(self):
        return self.plan.get("fabric")

    def planned_tunnels(self):
        return self.expected.get("tunnels") or []

    def planned_tunnel(self, name):
        return next((tunnel for tunnel in self.planned_tunnels() if tunnel.get("name") == name), None)

    def tunnel_to(self, hub, overlay):
        """The planned static tunnel of this spoke to ``hub`` on ``overlay``."""
        return next((tunnel for tunnel in self.planned_tunnels()
                     if tunnel.get("peer") == hub and tunnel.get("overlay") == overlay), None)

    def parent_on(self, overlay):
        """The planned dial-up parent of this hub on ``overlay``."""
        return next((tunnel for tunnel in self.planned_tunnels()
                     if tunnel.get("type") == "dialup" and tunnel.get("overlay") == overlay), None)

    # ---- what could be read ------------------------------------------------------------------------
    @property
    def rest_read(self):
        return self.rest is not None

    @property
    def ssh_read(self):
        return self.gateway_list is not None

    def unavailable(self, source):
        """True when the device could not give ``source`` (read failed, or the release lacks it)."""
        return self.rest is None or self.rest.get(source) is None

    # ---- tunnels -----------------------------------------------------------------------------------
    def gateway(self, name):
        return self.gateways.get(name)

    def gateway_state(self, name):
        gateway = self.gateway(name)
        return tunnel_state(gateway) if gateway else None

    def instances(self, parent):
        """Gateways that are dial-up instances (or shortcuts) of ``parent``."""
        pattern = re.compile(r"^%s_\d+$" % re.escape(parent))
        found = []
        for name, gateway in self.gateways.items():
            monitor = self.tunnels.get(name)
            if (monitor and monitor.get("parent") == parent) or (not monitor and pattern.match(name or "")):
                found.append(gateway)
        return found

    def phase2_up(self, name):
        """``up`` / ``down`` / ``absent`` for tunnel (or instance) ``name`` in the REST monitor."""
        monitor = self.tunnels.get(name)
        if monitor is None:
            return "absent"
        statuses = [p2.get("status") for p2 in monitor.get("phase2") or []]
        return "up" if "up" in statuses else "down"

    def phase2_of(self, phase1name):
        return [entry for entry in self.phase2 if entry.get("phase1name") == phase1name]

    def interface_of_phase1(self, name):
        phase1 = self.phase1.get(name)
        return phase1.get("interface") if phase1 else None

    def interface_down(self, name):
        """Why interface ``name`` carries nothing (``status down``, ``link down``), or None."""
        interface = self.interfaces.get(name)
        if interface and interface.get("status") == "down":
            return "administratively down (status down)"
        if self.links.get(name) is False:
            return "link down"
        return None

    def owns(self, ip):
        """True when one of the device's interfaces has address ``ip``."""
        return any(host_of(entry.get("ip")) == ip for entry in self.interfaces.values())

    # ---- routing -----------------------------------------------------------------------------------
    def routes_for(self, prefix):
        return list(self._routes_by_network.get(network(prefix), ()))

    def lookup(self, ip):
        """The most specific routes to ``ip``, the default route excluded (it never resolves overlay next hops)."""
        target = address(ip)
        best, length = [], -1
        for net, routes in self._routes_by_network.items():
            if net is None or target is None or net.prefixlen == 0 or target not in net:
                continue
            if net.prefixlen > length:
                best, length = list(routes), net.prefixlen
        return best

    def ike_routes(self, prefix, tunnel):
        """IKE routes (static, through ``tunnel`` or one of its instances) to ``prefix``."""
        return [route for route in self.routes_for(prefix)
                if route.get("type") == "static" and route.get("is_tunnel_route")
                and tunnel in (route.get("interface"), route.get("tunnel_parent"))]

    # ---- BGP ---------------------------------------------------------------------------------------
    def neighbor_config(self, ip):
        return next((entry for entry in self.bgp.get("neighbors") or [] if entry.get("ip") == ip), None)

    def range_group_for(self, ip):
        """The neighbor-group of the neighbor-range that covers ``ip`` (a hub's dynamic peers)."""
        target = address(ip)
        for entry in self.bgp.get("neighbor_ranges") or []:
            net = network(entry.get("prefix"))
            if net is not None and target is not None and target in net:
                return next((group for group in self.bgp.get("neighbor_groups") or []
                             if group.get("name") == entry.get("neighbor_group")), {"name": entry.get("neighbor_group")})
        return None


class FabricView:
    """Every device of one fabric, by name."""

    def __init__(self, name, plans, observed):
        self.name = name
        self.devices = {device: DeviceView(device, plan, observed.get(device)) for device, plan in plans.items()}
        # Who is behind a gateway: its WAN address as the hubs' plans give it, else its loopback (sent as
        # location-id and as exchanged overlay address), for intents that leave spoke WAN addresses out.
        self._wan_owner, self._loopback_owner = {}, {}
        for device in self.devices.values():
            if device.loopback:
                self._loopback_owner[device.loopback] = device.name
            for tunnel in device.planned_tunnels():
                for instance in tunnel.get("instances") or []:
                    if instance.get("peer_wan"):
                        self._wan_owner[instance["peer_wan"]] = instance.get("peer")

    def __getitem__(self, name):
        return self.devices.get(name)

    @property
    def hubs(self):
        return [device for device in self.devices.values() if device.is_hub]

    @property
    def spokes(self):
        return [device for device in self.devices.values() if not device.is_hub]

    def peer_of(self, gateway):
        """The member a gateway (dial-up instance or shortcut) leads to, or None."""
        owner = self._wan_owner.get(gateway.get("remote_addr"))
        if owner is None:
            owner = (self._loopback_owner.get(gateway.get("remote_location"))
                     or self._loopback_owner.get(gateway.get("virtual_interface_addr_peer")))
        return owner


def fabrics(plans, observed):
    """Split the hosts into fabrics by ``advpn_plan.fabric``: {fabric name: FabricView}."""
    grouped = {}
    for device, plan in plans.items():
        grouped.setdefault((plan or {}).get("fabric"), {})[device] = plan
    return {name: FabricView(name, members, observed) for name, members in grouped.items()}

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read and validate an ADVPN intent (the contract in README "ADVPN intent").

``read_fabric`` takes the members' variables and returns a :class:`Fabric` with every derived
address and index filled in, or raises :class:`IntentError` listing every problem at once. Each
message names the host, the key and the fix. Nothing here depends on the order of the spokes: a
spoke's loopback comes from its site id, a hub's index from its position in ``advpn_fabric.hubs``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Optional

from .errors import Problems
from . import names

FABRIC_KEYS = {
    # key: (required, default)
    "name": (True, None),
    "bgp_as": (True, None),
    "loopback_summary": (True, None),
    "lan_summary": (True, None),
    "overlays": (True, None),
    "hubs": (True, None),
    "shortcuts": (False, True),
    "psk": (False, None),
    "loopback_interface": (False, "Lo"),
    "id_base": (False, 1000),
    "vdom": (False, "root"),
}
HOST_KEYS = ("advpn_loopback", "advpn_site_id", "advpn_wan", "advpn_lans")
FABRIC_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
OVERLAY_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
INTERFACE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_AS = 4294967295
# FortiOS keys of numeric tables go up to 4294967294 (policy ids); the fabric uses id_base..id_base+999.
MAX_ID_BASE = 4294967294 - names.ID_BLOCK


@dataclass(frozen=True)
class Overlay:
    name: str
    index: int  # position in advpn_fabric.overlays + 1


@dataclass(frozen=True)
class Wan:
    overlay: str
    interface: str
    address: Optional[str]


@dataclass(frozen=True)
class Lan:
    prefix: str  # "10.1.11.0/24"
    interface: Optional[str]


@dataclass
class Member:
    name: str
    role: str  # hub | spoke
    hub_index: Optional[int]
    site_id: Optional[int]
    loopback: str
    wan: dict = field(default_factory=dict)  # overlay name -> Wan, in overlay order
    lans: list = field(default_factory=list)

    @property
    def is_hub(self):
        return self.role == "hub"


@dataclass
class Fabric:
    name: str
    bgp_as: int
    loopback_summary: str
    lan_summary: str
    overlays: list
    hubs: list  # hub names in hub-index order
    shortcuts: bool
    loopback_interface: str
    id_base: int
    vdom: str
    members: dict  # name -> Member (hubs and spokes)

    @property
    def marker(self):
        return names.marker(self.name)

    def hub_members(self):
        return [self.members[name] for name in self.hubs]

    def spoke_members(self):
        return [self.members[name] for name in sorted(self.members) if not self.members[name].is_hub]


def _network(value):
    """An IPv4 network with host bits zero, or None."""
    try:
        return ipaddress.IPv4Network(str(value), strict=True)
    except (ValueError, TypeError):
        return None


def _address(value):
    """An IPv4 address (``a.b.c.d`` or ``a.b.c.d/nn``, the prefix ignored), or None."""
    text = value.split("/", maxsplit=1)[0] if isinstance(value, str) else value
    try:
        return ipaddress.IPv4Address(text)
    except (ValueError, TypeError):
        return None


def _integer(value):
    """An int from an int or a string of digits (inventories often hold numbers as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class _Reader:
    """Validation state of one fabric: the problems found so far and the values read."""

    def __init__(self, fabric_name, hosts, psk_available):
        self.problems = Problems()
        self.fabric_name = fabric_name
        self.hosts = hosts
        self.psk_available = psk_available
        # Fabric-level keys live in group_vars; their errors name the first member that holds them.
        self.anchor = sorted(hosts)[0]

    def fabric_problem(self, key, problem, fix):
        self.problems.add(self.anchor, "advpn_fabric.%s" % key, problem, fix)

    # ---- advpn_fabric --------------------------------------------------------------------------
    def read_fabric_keys(self, raw):
        values = {}
        for key in sorted(set(raw) - set(FABRIC_KEYS)):
            self.fabric_problem(key, "unknown key", "remove it or fix its spelling (keys: %s)" % ", ".join(sorted(FABRIC_KEYS)))
        for key, (required, default) in FABRIC_KEYS.items():
            if raw.get(key) in (None, "") and required:
                self.fabric_problem(key, "missing", "add it to advpn_fabric (see ansible-doc -t role overlay.fortigate.advpn_design)")
            values[key] = raw.get(key) if raw.get(key) not in (None, "") else default
        return values

    def check_consistent(self):
        """Every member must see the same advpn_fabric (it normally comes from one group)."""
        reference = self.hosts[self.anchor]["advpn_fabric"]
        for host in sorted(self.hosts):
            other = self.hosts[host]["advpn_fabric"]
            for key in sorted(set(reference) | set(other)):
                if key != "psk" and reference.get(key) != other.get(key):
                    self.problems.add(host, "advpn_fabric.%s" % key,
                                      "differs from the value %s has (%r, here %r)" % (self.anchor, reference.get(key), other.get(key)),
                                      "define advpn_fabric once, in the group that holds every member of fabric %s" % self.fabric_name)

    def read_as(self, value):
        number = _integer(value)
        if value is not None and (number is None or not 1 <= number <= MAX_AS):
            self.fabric_problem("bgp_as", "%r is not a BGP AS number" % (value,), "use an integer from 1 to %d (asplain)" % MAX_AS)
            return None
        return number

    def read_summary(self, key, value):
        if value is None:
            return None
        network = _network(value)
        if network is None:
            self.fabric_problem(key, "%r is not an IPv4 network" % (value,),
                                "give the network address and prefix length, for example 10.200.0.0/16")
        return network

    def read_overlays(self, value):
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.fabric_problem("overlays", "must be a non-empty list", "list one {name: ...} per underlay transport, for example [{name: ISP1}]")
            return []
        overlays, seen = [], set()
        for position, item in enumerate(value):
            key = "overlays[%d].name" % position
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(item, dict):
                for extra in sorted(set(item) - {"name"}):
                    self.fabric_problem("overlays[%d].%s" % (position, extra), "unknown key", "remove it (an overlay has only a name)")
            if not isinstance(name, str) or not OVERLAY_NAME_RE.match(name):
                self.fabric_problem(key, "%r is not a valid overlay name" % (name,),
                                    "use letters, digits and dashes, starting with a letter or digit, for example ISP1")
                continue
            if name in seen:
                self.fabric_problem(key, "overlay %s is listed twice" % name, "list each overlay once")
                continue
            seen.add(name)
            overlays.append(Overlay(name, position + 1))
        if len(overlays) > names.MAX_OVERLAYS:
            self.fabric_problem("overlays", "%d overlays; network-id hub*10+overlay allows at most %d" % (len(overlays), names.MAX_OVERLAYS),
                                "use at most %d overlays" % names.MAX_OVERLAYS)
        return overlays

    def read_hubs(self, value, overlays):
        if value is None:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(h, str) and h for h in value):
            self.fabric_problem("hubs", "must be a non-empty list of inventory hostnames", "list the hubs, for example [HUB1, HUB2]")
            return []
        hubs = []
        for position, hub in enumerate(value):
            if hub in hubs:
                self.fabric_problem("hubs[%d]" % position, "%s is listed twice" % hub, "list each hub once")
                continue
            hubs.append(hub)
        for index, hub in enumerate(hubs, start=1):
            if overlays and names.network_id(index, len(overlays)) > names.MAX_NETWORK_ID:
                self.fabric_problem("hubs", "hub %s (index %d) would need network-id %d, FortiOS allows %d"
                                    % (hub, index, names.network_id(index, len(overlays)), names.MAX_NETWORK_ID),
                                    "use fewer hubs or overlays (network-id = hub index * 10 + overlay index)")
                break
        missing = [hub for hub in hubs if hub not in self.hosts]
        if missing:
            self.fabric_problem("hubs", "%s %s not in the inventory (or %s advpn_fabric.name differs)"
                                % (", ".join(missing), "is" if len(missing) == 1 else "are", "its" if len(missing) == 1 else "their"),
                                "add %s with advpn_fabric.name %s to the inventory, or remove %s from advpn_fabric.hubs"
                                % ("it" if len(missing) == 1 else "them", self.fabric_name, "it" if len(missing) == 1 else "them"))
        return hubs

    def check_names(self, overlays, loopback_interface):
        """FortiOS interface names (phase1-interface, loopback) have at most 15 characters.

        The hub name EDGE_<overlay> is the longest: with at most 25 hubs (network-id <= 255) a
        spoke's H<index>_<overlay> is always shorter."""
        for overlay in overlays:
            key = "overlays[%d].name" % (overlay.index - 1)
            hub_name = names.hub_tunnel(overlay.name)
            if len(hub_name) > names.MAX_INTERFACE_NAME:
                self.fabric_problem(key, "hub tunnel name %s has %d characters, FortiOS allows %d"
                                    % (hub_name, len(hub_name), names.MAX_INTERFACE_NAME),
                                    "use an overlay name of at most %d characters" % (names.MAX_INTERFACE_NAME - len(hub_name) + len(overlay.name)))
                continue
        if not isinstance(loopback_interface, str) or not INTERFACE_NAME_RE.match(loopback_interface) \
                or len(loopback_interface) > names.MAX_INTERFACE_NAME:
            self.fabric_problem("loopback_interface", "%r is not a FortiOS interface name" % (loopback_interface,),
                                "use at most %d letters, digits, dots, dashes or underscores" % names.MAX_INTERFACE_NAME)

    # ---- host variables ------------------------------------------------------------------------
    def read_member(self, host, role, hub_index, overlays, loopback_summary, lan_summary):
        hostvars = self.hosts[host]
        site_id = None
        raw_site = hostvars.get("advpn_site_id")
        if role == "hub":
            if raw_site is not None:
                self.problems.add(host, "advpn_site_id", "set on a hub", "remove it: hubs are numbered by their position in advpn_fabric.hubs")
        else:
            site_id = _integer(raw_site)
            if raw_site is None:
                self.problems.add(host, "advpn_site_id", "missing", "give every spoke a unique site id (an integer from 1, never reused)")
            elif site_id is None or site_id < 1:
                self.problems.add(host, "advpn_site_id", "%r is not a positive integer" % (raw_site,), "use an integer from 1, unique in the fabric")
                site_id = None
        loopback = self.read_loopback(host, role, hostvars.get("advpn_loopback"), site_id, loopback_summary)
        wan = self.read_wan(host, role, hostvars.get("advpn_wan"), overlays)
        lans = self.read_lans(host, hostvars.get("advpn_lans"), lan_summary, loopback_summary)
        return Member(host, role, hub_index, site_id, loopback, wan, lans)

    def read_loopback(self, host, role, raw, site_id, summary):
        if raw in (None, ""):
            if role == "hub":
                self.problems.add(host, "advpn_loopback", "missing on a hub",
                                  "give the hub's BGP loopback address, inside advpn_fabric.loopback_summary")
                return None
            if site_id is None or summary is None:
                return None
            address = summary.network_address + site_id
            if address not in summary or address == summary.broadcast_address:
                self.problems.add(host, "advpn_site_id", "site id %d gives loopback %s, outside loopback_summary %s"
                                  % (site_id, address if address in summary else "beyond %s" % summary.broadcast_address, summary),
                                  "use a site id below %d, give advpn_loopback, or widen loopback_summary"
                                  % (summary.num_addresses - 1))
                return None
            return str(address)
        address = _address(raw)
        if address is None or (isinstance(raw, str) and "/" in raw and not raw.endswith("/32")):
            self.problems.add(host, "advpn_loopback", "%r is not an IPv4 address" % (raw,), "give one address, for example 10.200.255.1")
            return None
        if summary is not None and (address not in summary or address in (summary.network_address, summary.broadcast_address)):
            self.problems.add(host, "advpn_loopback", "%s is outside loopback_summary %s" % (address, summary),
                              "use an address inside %s (the hubs' BGP neighbor-range)" % summary)
            return None
        return str(address)

    def read_wan(self, host, role, raw, overlays):
        known = {o.name: o for o in overlays}
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problems.add(host, "advpn_wan", "must be a mapping of overlay name to {interface, address}",
                              "for example {ISP1: {interface: port1, address: 203.0.113.1}}")
            return {}
        wan = {}
        for overlay_name in sorted(set(raw) - set(known)):
            self.problems.add(host, "advpn_wan.%s" % overlay_name, "no such overlay in advpn_fabric.overlays",
                              "use one of %s, or add the overlay to the fabric" % ", ".join(known) if known else "define advpn_fabric.overlays")
        for overlay in overlays:
            entry = raw.get(overlay.name)
            key = "advpn_wan.%s" % overlay.name
            if entry is None:
                if role == "hub":
                    self.problems.add(host, key, "missing on a hub", "every hub needs a WAN entry for every overlay "
                                      "(interface and address the spokes dial)")
                continue
            if not isinstance(entry, dict):
                self.problems.add(host, key, "must be a mapping", "give {interface: portN, address: a.b.c.d}")
                continue
            for extra in sorted(set(entry) - {"interface", "address"}):
                self.problems.add(host, "%s.%s" % (key, extra), "unknown key", "remove it (keys: interface, address)")
            interface = entry.get("interface")
            if not isinstance(interface, str) or not INTERFACE_NAME_RE.match(interface) \
                    or len(interface) > names.MAX_INTERFACE_NAME:
                self.problems.add(host, "%s.interface" % key, "%r is not a FortiOS interface name" % (interface,),
                                  "give the underlay port of this overlay, for example port1")
                continue
            address = entry.get("address")
            if address in (None, ""):
                if role == "hub":
                    self.problems.add(host, "%s.address" % key, "missing on a hub", "give the public address the spokes dial on %s" % overlay.name)
                    continue
                address = None
            else:
                parsed = _address(address)
                if parsed is None:
                    self.problems.add(host, "%s.address" % key, "%r is not an IPv4 address" % (address,), "give an address such as 203.0.113.1")
                    continue
                address = str(parsed)
            wan[overlay.name] = Wan(overlay.name, interface, address)
        if role == "spoke" and not raw:
            self.problems.add(host, "advpn_wan", "the spoke joins no overlay", "add at least one entry, for example {ISP1: {interface: port1}}")
        return wan

    def read_lans(self, host, raw, lan_summary, loopback_summary):
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problems.add(host, "advpn_lans", "must be a list", "list prefixes or {prefix, interface} entries, for example [10.1.11.0/24]")
            return []
        lans = []
        for position, item in enumerate(raw):
            key = "advpn_lans[%d]" % position
            interface = None
            if isinstance(item, dict):
                for extra in sorted(set(item) - {"prefix", "interface"}):
                    self.problems.add(host, "%s.%s" % (key, extra), "unknown key", "remove it (keys: prefix, interface)")
                prefix, interface = item.get("prefix"), item.get("interface")
                if interface is not None and (not isinstance(interface, str) or not INTERFACE_NAME_RE.match(interface)
                                              or len(interface) > names.MAX_INTERFACE_NAME):
                    self.problems.add(host, "%s.interface" % key, "%r is not a FortiOS interface name" % (interface,),
                                      "give the LAN port, for example port3")
                    continue
            else:
                prefix = item
            network = _network(prefix)
            if network is None:
                self.problems.add(host, key, "%r is not an IPv4 network" % (prefix,),
                                  "give the network address and prefix length, for example 10.1.11.0/24")
                continue
            if lan_summary is not None and not network.subnet_of(lan_summary):
                self.problems.add(host, key, "%s is outside lan_summary %s" % (network, lan_summary),
                                  "use a LAN inside %s or widen advpn_fabric.lan_summary" % lan_summary)
                continue
            if loopback_summary is not None and network.overlaps(loopback_summary):
                self.problems.add(host, key, "%s overlaps loopback_summary %s" % (network, loopback_summary),
                                  "keep LANs out of the loopback range")
                continue
            lans.append(Lan(str(network), interface))
        return lans

    # ---- fabric-wide checks --------------------------------------------------------------------
    def check_unique(self, members):
        by_site, by_loopback, lans = {}, {}, []
        for member in sorted(members.values(), key=lambda m: m.name):
            reused_site = False
            if member.site_id is not None:
                if member.site_id in by_site:
                    reused_site = True
                    self.problems.add(member.name, "advpn_site_id", "%d is also used by %s" % (member.site_id, by_site[member.site_id]),
                                      "give each spoke its own site id (never reuse one)")
                else:
                    by_site[member.site_id] = member.name
            # A loopback derived from a reused site id repeats the problem above; report it once.
            derived = self.hosts[member.name].get("advpn_loopback") in (None, "")
            if member.loopback is not None and not (reused_site and derived):
                if member.loopback in by_loopback:
                    self.problems.add(member.name, "advpn_loopback", "%s is also the loopback of %s" % (member.loopback, by_loopback[member.loopback]),
                                      "give every device its own loopback (a spoke's comes from its site id)")
                else:
                    by_loopback[member.loopback] = member.name
            for position, lan in enumerate(member.lans):
                network = ipaddress.IPv4Network(lan.prefix)
                for other_name, other_position, other in lans:
                    if network.overlaps(other):
                        where = "advpn_lans[%d] of %s" % (other_position, other_name) if other_name != member.name \
                            else "advpn_lans[%d]" % other_position
                        self.problems.add(member.name, "advpn_lans[%d]" % position, "%s overlaps %s (%s)" % (network, where, other),
                                          "give every LAN its own prefix")
                        break
                else:
                    lans.append((member.name, position, network))


def fabric_names(hosts):
    """Fabric name -> sorted member hostnames, for hosts whose advpn_fabric has a name."""
    fabrics = {}
    for host, hostvars in hosts.items():
        fabric = hostvars.get("advpn_fabric")
        if isinstance(fabric, dict) and isinstance(fabric.get("name"), str) and fabric.get("name"):
            fabrics.setdefault(fabric["name"], []).append(host)
    return {name: sorted(members) for name, members in sorted(fabrics.items())}


def read_fabric(fabric_name, hosts, psk_available):
    """Validate the intent of one fabric and derive its members.

    ``hosts`` maps each member's hostname to its variables (``advpn_fabric`` and the ``advpn_*``
    host keys); ``psk_available`` says whether a pre-shared key will be given at deploy time
    (``advpn_fabric.psk`` or the environment), so that a missing one is caught here, before any write.
    """
    reader = _Reader(fabric_name, hosts, psk_available)
    raw = hosts[reader.anchor]["advpn_fabric"]
    reader.check_consistent()
    values = reader.read_fabric_keys(raw)
    if not FABRIC_NAME_RE.match(fabric_name):
        reader.fabric_problem("name", "%r is not a valid fabric name" % fabric_name,
                              "use at most 32 letters, digits, dashes or underscores, starting with a letter or digit")
    if not (psk_available or values["psk"]):
        reader.fabric_problem("psk", "no pre-shared key",
                              "set advpn_fabric.psk from a vault, or the environment variable %s" % names.PSK_ENV)
    bgp_as = reader.read_as(values["bgp_as"])
    loopback_summary = reader.read_summary("loopback_summary", values["loopback_summary"])
    lan_summary = reader.read_summary("lan_summary", values["lan_summary"])
    overlays = reader.read_overlays(values["overlays"])
    hubs = reader.read_hubs(values["hubs"], overlays)
    reader.check_names(overlays, values["loopback_interface"])
    shortcuts = values["shortcuts"]
    if not isinstance(shortcuts, bool):
        reader.fabric_problem("shortcuts", "%r is not true or false" % (shortcuts,), "use true (ADVPN shortcuts) or false (hub-and-spoke only)")
    id_base = _integer(values["id_base"])
    if id_base is None or not 1 <= id_base <= MAX_ID_BASE:
        reader.fabric_problem("id_base", "%r is not a usable first id" % (values["id_base"],),
                              "use an integer from 1 to %d (the fabric numbers its policies, routes and BGP entries from it)" % MAX_ID_BASE)
    vdom = values["vdom"]
    if not isinstance(vdom, str) or not INTERFACE_NAME_RE.match(vdom):
        reader.fabric_problem("vdom", "%r is not a VDOM name" % (vdom,), "give the VDOM of the fabric's objects, for example root")
    members = {}
    for host in sorted(hosts):
        role = "hub" if host in hubs else "spoke"
        hub_index = hubs.index(host) + 1 if role == "hub" else None
        members[host] = reader.read_member(host, role, hub_index, overlays, loopback_summary, lan_summary)
    reader.check_unique(members)
    reader.problems.raise_if_any()
    return Fabric(
        name=fabric_name, bgp_as=bgp_as, loopback_summary=str(loopback_summary), lan_summary=str(lan_summary),
        overlays=overlays, hubs=hubs, shortcuts=shortcuts, loopback_interface=values["loopback_interface"],
        id_base=id_base, vdom=vdom, members=members,
    )

"""Firewall policies: whether a FortiGate forwards, accepts or drops the first packet of a flow.

FortiOS sorts what it receives into two kinds (Fortinet admin guide, "Firewall policy"
https://docs.fortinet.com/document/fortigate/7.2.3/administration-guide/656084/firewall-policy,
"Loopback interface" https://docs.fortinet.com/document/fortigate/7.6.5/administration-guide/853005,
"Local-in policy" https://docs.fortinet.com/document/fortigate/7.2.1/administration-guide/363127;
community article 369268 "Accessing the FortiGate administrative GUI/CLI"). Sources and assumptions
are listed in simulator/README.md, "Firewall policies":

* **to the interface it arrived on** (its own address, a tunnel interface's address, IKE to the
  WAN address): local-in traffic. No firewall policy applies; administrative services need their
  keyword in that interface's ``allowaccess`` (``ping``, ``https``, ``ssh``...); protocols without
  a keyword (BGP, IKE) are taken by their daemon.
* **anything else** (forwarded to another interface, or addressed to *another* interface of the
  device, such as a loopback reached over a tunnel): a firewall policy from the ingress to the
  egress interface must accept it. Policies are tried in table order, first match wins; nothing
  matching is the implicit deny (policy 0). Traffic to another interface's address also needs
  that interface's ``allowaccess`` for administrative services.

Only the session's first packet is judged: replies belong to the session (stateful firewall).

This module is pure: :func:`read_firewall` turns plain CMDB rows into a :class:`Firewall`, and the
tunnel model asks it :meth:`Firewall.forward` and :meth:`Firewall.local_in`. Dial-up and shortcut
instances are given under their parent tunnel's name by the caller (they share its policies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Iterable, Optional

ICMP, TCP, UDP, SCTP = 1, 6, 17, 132


@dataclass(frozen=True)
class Traffic:
    """What a flow is, for service matching: IP protocol and TCP/UDP destination port or ICMP type."""

    name: str
    protocol: int
    port: int = 0
    access: str = ""  # allowaccess keyword when addressed to the device ("" = no keyword needed)


PING = Traffic("PING", ICMP, 8, access="ping")
BGP = Traffic("BGP", TCP, 179)
IKE = Traffic("IKE", UDP, 500)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    policyid: int = 0  # 0 = implicit deny, or accepted without a policy (local-in, intrazone)
    reason: str = ""


# ---- address and service objects --------------------------------------------------------------

@dataclass(frozen=True)
class AddressSet:
    """An address or group: ranges and member sets, minus excluded sets (``addrgrp`` exclude)."""

    ranges: tuple = ()  # (first, last) as ints
    members: tuple = ()  # AddressSet
    exclude: tuple = ()  # AddressSet

    def contains(self, addr: int) -> bool:
        hit = any(first <= addr <= last for first, last in self.ranges) or any(
            m.contains(addr) for m in self.members)
        return hit and not any(e.contains(addr) for e in self.exclude)


NOTHING = AddressSet()
EVERYTHING = AddressSet(ranges=((0, 0xFFFFFFFF),))


@dataclass(frozen=True)
class ServiceSet:
    """A service or service group: (protocol, first, last) entries; first/last are TCP/UDP/SCTP
    destination ports, an ICMP type (None = any), or unused for a whole IP protocol (0 = any)."""

    entries: tuple = ()
    members: tuple = ()

    def matches(self, traffic: Traffic) -> bool:
        for protocol, first, last in self.entries:
            if protocol == 0 or (protocol == traffic.protocol and (first is None or first <= traffic.port <= last)):
                return True
        return any(m.matches(traffic) for m in self.members)


# FortiOS factory-default services (`show firewall service custom` of a factory-reset unit; the
# REST form is in https://gist.github.com/kongou-ae/76941c8014dc7d21519c85ba21fb0414). They are
# ordinary CMDB entries on a real unit; the simulator's store does not hold them, so they apply
# unless the device defines an entry of the same name.
FACTORY_SERVICES = {
    "ALL": {"protocol": "IP", "protocol-number": 0},
    "ALL_TCP": {"tcp-portrange": "1-65535"},
    "ALL_UDP": {"udp-portrange": "1-65535"},
    "ALL_ICMP": {"protocol": "ICMP"},
    "PING": {"protocol": "ICMP", "icmptype": 8},
    "GRE": {"protocol": "IP", "protocol-number": 47},
    "ESP": {"protocol": "IP", "protocol-number": 50},
    "AH": {"protocol": "IP", "protocol-number": 51},
    "OSPF": {"protocol": "IP", "protocol-number": 89},
    "BGP": {"tcp-portrange": "179"},
    "IKE": {"udp-portrange": "500 4500"},
    "DNS": {"tcp-portrange": "53", "udp-portrange": "53"},
    "HTTP": {"tcp-portrange": "80"},
    "HTTPS": {"tcp-portrange": "443"},
    "SSH": {"tcp-portrange": "22"},
    "TELNET": {"tcp-portrange": "23"},
    "SNMP": {"tcp-portrange": "161-162", "udp-portrange": "161-162"},
    "NTP": {"tcp-portrange": "123", "udp-portrange": "123"},
    "SYSLOG": {"udp-portrange": "514"},
    "TRACEROUTE": {"udp-portrange": "33434-33535"},
}
FACTORY_SERVICE_GROUPS = {"Web Access": ("DNS", "HTTP", "HTTPS")}
# Factory-default addresses with a meaning for IPv4 forwarding.
FACTORY_ADDRESSES = {"all": EVERYTHING, "none": NOTHING}


def _int(value, default: Optional[int] = None) -> Optional[int]:
    try:
        return int(str(value).strip()) if str(value).strip() != "" else default
    except (TypeError, ValueError):
        return default


def _ports(text) -> list[tuple[int, int]]:
    """``"179"``, ``"1-65535"``, ``"500 4500"``, ``"80:1024-65535"`` (destination[:source]) ->
    destination port ranges. Source ports are not modelled (a flow's source port is ephemeral)."""
    result = []
    for word in str(text or "").split():
        dst = word.split(":", 1)[0]
        low, _, high = dst.partition("-")
        first, last = _int(low), _int(high or low)
        if first is not None and last is not None:
            result.append((min(first, last), max(first, last)))
    return result


def _service(row: dict) -> ServiceSet:
    if row.get("proxy") == "enable":  # explicit-proxy services never match firewall policies
        return ServiceSet()
    protocol = str(row.get("protocol") or "TCP/UDP/SCTP").upper()
    if protocol == "IP":
        return ServiceSet(((_int(row.get("protocol-number"), 0), None, None),))
    if protocol == "ICMP":
        icmp_type = _int(row.get("icmptype"))
        return ServiceSet(((ICMP, icmp_type, icmp_type),))
    if protocol == "TCP/UDP/SCTP":
        entries = []
        for proto, attr in ((TCP, "tcp-portrange"), (UDP, "udp-portrange"), (SCTP, "sctp-portrange")):
            entries += [(proto, first, last) for first, last in _ports(row.get(attr))]
        return ServiceSet(tuple(entries))
    return ServiceSet()  # ICMP6, proxy protocols: never an IPv4 firewall match


def _names(value, key: str = "name") -> tuple:
    """Names of a CMDB name list: ``[{"name": "x"}]`` (REST form; ``key`` is the member's key
    attribute, e.g. ``interface-name`` in ``system zone``), or a space-separated string."""
    if isinstance(value, list):
        return tuple(str(item.get(key, "")) if isinstance(item, dict) else str(item) for item in value)
    return tuple(str(value or "").split())


def _address(row: dict) -> AddressSet:
    kind = row.get("type", "ipmask") or "ipmask"
    if kind in ("ipmask", "interface-subnet"):
        addr, _, mask = str(row.get("subnet") or "0.0.0.0 0.0.0.0").partition(" ")
        try:
            net = IPv4Network(f"{addr}/{mask or '255.255.255.255'}", strict=False)
        except ValueError:
            return NOTHING
        return AddressSet(ranges=((int(net.network_address), int(net.broadcast_address)),))
    if kind == "iprange":
        try:
            first, last = int(IPv4Address(row.get("start-ip"))), int(IPv4Address(row.get("end-ip")))
        except ValueError:
            return NOTHING
        return AddressSet(ranges=((min(first, last), max(first, last)),))
    return NOTHING  # fqdn, geography, wildcard, dynamic, mac...: not modelled, never match


class _Resolver:
    """Names -> address/service sets, groups resolved recursively (a loop resolves to nothing)."""

    def __init__(self, singles: dict, groups: dict, factory: dict, make, group):
        self.singles, self.groups, self.factory, self.make, self.group = singles, groups, factory, make, group
        self.cache: dict = {}

    def get(self, name: str, seen: frozenset = frozenset()):
        if name in self.cache:
            return self.cache[name]
        if name in seen:
            return None
        value = None
        if name in self.singles:
            value = self.make(self.singles[name])
        elif name in self.groups:
            members, exclude = self.groups[name]
            inner = seen | {name}
            value = self.group(self.get_all(members, inner), self.get_all(exclude, inner))
        elif name in self.factory:
            value = self.factory[name]
        self.cache[name] = value
        return value

    def get_all(self, names: Iterable[str], seen: frozenset = frozenset()) -> tuple:
        """The sets of the names that exist (an unknown name matches nothing)."""
        return tuple(v for v in (self.get(n, seen) for n in names) if v is not None)


# ---- policies ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    policyid: int
    enabled: bool
    accept: bool
    srcintf: tuple
    dstintf: tuple
    srcaddr: tuple  # AddressSet
    dstaddr: tuple
    services: tuple  # ServiceSet
    srcaddr_negate: bool = False
    dstaddr_negate: bool = False
    service_negate: bool = False
    internet_service: bool = False


def _any(sets: tuple, test) -> bool:
    return any(test(s) for s in sets)


@dataclass(frozen=True)
class Firewall:
    """The policy table of one VDOM with its objects resolved, and interface -> zone membership."""

    rules: tuple = ()
    zones: dict = field(default_factory=dict)  # interface -> zone (system/zone or SD-WAN zone)
    intrazone_allow: frozenset = frozenset()  # system/zone names with intrazone allow

    def _in(self, names: tuple, interface: str) -> bool:
        return "any" in names or interface in names or self.zones.get(interface) in names

    def match(self, ingress: str, egress: str, src: IPv4Address, dst: IPv4Address, traffic: Traffic
              ) -> Optional[Rule]:
        """The first enabled policy matching the flow (None = implicit deny)."""
        s, d = int(src), int(dst)
        for rule in self.rules:
            if not rule.enabled or rule.internet_service:
                continue
            if not (self._in(rule.srcintf, ingress) and self._in(rule.dstintf, egress)):
                continue
            if _any(rule.srcaddr, lambda a: a.contains(s)) == rule.srcaddr_negate:
                continue
            if _any(rule.dstaddr, lambda a: a.contains(d)) == rule.dstaddr_negate:
                continue
            if _any(rule.services, lambda v: v.matches(traffic)) == rule.service_negate:
                continue
            return rule
        return None

    def forward(self, ingress: str, egress: str, src: IPv4Address, dst: IPv4Address, traffic: Traffic) -> Verdict:
        """A flow entering by ``ingress`` and leaving by (or addressed to) ``egress``."""
        zone = self.zones.get(ingress)
        if ingress != egress and zone is not None and zone == self.zones.get(egress) and zone in self.intrazone_allow:
            return Verdict(True, 0, f"intrazone traffic allowed in zone {zone}")
        rule = self.match(ingress, egress, src, dst, traffic)
        if rule is None:
            return Verdict(False, 0, f"no policy allows {ingress} -> {egress} for {traffic.name} {src} -> {dst} "
                                     f"(implicit deny, policy 0)")
        if not rule.accept:
            return Verdict(False, rule.policyid, f"denied by policy {rule.policyid} ({ingress} -> {egress})")
        return Verdict(True, rule.policyid)

    def local_in(self, ingress: str, interface: str, allowaccess: Iterable[str], src: IPv4Address,
                 dst: IPv4Address, traffic: Traffic, other_interface_allowaccess: bool = True) -> Verdict:
        """A flow addressed to ``interface``'s address, arriving by ``ingress``. With
        ``other_interface_allowaccess`` false, a policy alone opens another interface's services."""
        verdict = Verdict(True, 0)
        if interface != ingress:
            verdict = self.forward(ingress, interface, src, dst, traffic)
            if not verdict.allowed or not other_interface_allowaccess:
                return verdict
        if traffic.access and traffic.access not in set(allowaccess):
            return Verdict(False, 0, f"{traffic.access} not allowed on {interface}")
        return verdict


def read_firewall(policies: Iterable[dict], addresses: dict, addrgrps: dict, services: dict,
                  service_groups: dict, zones: dict, sdwan_members: Iterable[dict] = ()) -> Firewall:
    """Build a :class:`Firewall` from CMDB rows (REST form): ``firewall/policy`` rows in table
    order; ``firewall/address``, ``firewall/addrgrp``, ``firewall.service/custom``,
    ``firewall.service/group`` and ``system/zone`` as name -> row; ``system/sdwan`` members."""
    addr = _Resolver(addresses, {n: (_names(r.get("member")), _names(r.get("exclude-member"))
                                     if r.get("exclude") == "enable" else ())
                                 for n, r in addrgrps.items()}, FACTORY_ADDRESSES, _address,
                     lambda members, exclude: AddressSet(members=members, exclude=exclude))
    factory_services = {n: _service(r) for n, r in FACTORY_SERVICES.items()}
    groups = {n: (m, ()) for n, m in FACTORY_SERVICE_GROUPS.items()}
    groups.update({n: (_names(r.get("member")), ()) for n, r in service_groups.items()})
    svc = _Resolver(services, groups, factory_services, _service, lambda members, _exclude: ServiceSet(members=members))
    rules = []
    for row in policies:
        rules.append(Rule(
            policyid=_int(row.get("policyid"), 0), enabled=row.get("status", "enable") == "enable",
            accept=row.get("action", "deny") in ("accept", "ipsec"),
            srcintf=_names(row.get("srcintf")), dstintf=_names(row.get("dstintf")),
            srcaddr=addr.get_all(_names(row.get("srcaddr"))), dstaddr=addr.get_all(_names(row.get("dstaddr"))),
            services=svc.get_all(_names(row.get("service"))),
            srcaddr_negate=row.get("srcaddr-negate") == "enable",
            dstaddr_negate=row.get("dstaddr-negate") == "enable",
            service_negate=row.get("service-negate") == "enable",
            internet_service=row.get("internet-service") == "enable"))
    membership = {}
    for name, row in zones.items():
        for member in _names(row.get("interface"), "interface-name"):
            membership[member] = name
    for member in sdwan_members:
        if member.get("interface"):
            membership.setdefault(member["interface"], member.get("zone") or "virtual-wan-link")
    allow = frozenset(n for n, r in zones.items() if r.get("intrazone") == "allow")
    return Firewall(tuple(rules), membership, allow)

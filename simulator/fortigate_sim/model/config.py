"""Read-only views of the CMDB settings the tunnel/routing model depends on.

The model never touches a :class:`~fortigate_sim.store.DeviceStore` directly: each device's
configuration is turned into small frozen records (one per phase1, phase2, interface, route, BGP
peer) with values already parsed (addresses as ``ipaddress`` objects, proposals as tuples, the PSK
decrypted). A record's ``fingerprint`` covers what a peer would see during negotiation, so the model
can tell "this tunnel must be renegotiated" from "nothing relevant changed". Snapshots are cached per
store revision, which changes exactly when the stored configuration does.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Any, Optional

from ..schema import TABLES
from ..store import Target
from .policy import Firewall, read_firewall

ANY_NET = IPv4Network("0.0.0.0/0")
ZERO = IPv4Address("0.0.0.0")


def ipmask(text: str) -> Optional[IPv4Interface]:
    """``"a.b.c.d m.m.m.m"`` (stored form) -> interface, or None for 0.0.0.0."""
    if not text:
        return None
    addr, _, mask = str(text).partition(" ")
    iface = IPv4Interface(f"{addr}/{mask or '255.255.255.255'}")
    return None if iface.ip == ZERO else iface


def network(text: str) -> IPv4Network:
    addr, _, mask = str(text).partition(" ")
    return IPv4Network(f"{addr}/{mask or '255.255.255.255'}", strict=False)


def address(text: str) -> Optional[IPv4Address]:
    if not text:
        return None
    value = IPv4Address(str(text))
    return None if value == ZERO else value


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Interface:
    name: str
    vdom: str
    type: str
    ip: Optional[IPv4Interface]
    remote_ip: Optional[IPv4Interface]
    up: bool
    allowaccess: frozenset  # administrative access keywords (ping, https, ssh...)
    parent: str
    role: str
    index: int  # ifindex, as `interface: port1 3` and `bound_if=3` print it

    @property
    def allow_ping(self) -> bool:
        return "ping" in self.allowaccess


@dataclass(frozen=True)
class Phase1:
    vdom: str
    name: str
    type: str  # static | dynamic | ddns
    interface: str
    ike_version: int
    remote_gw: Optional[IPv4Address]
    local_gw: Optional[IPv4Address]
    proposals: tuple
    dhgrps: tuple
    psk: str
    mode: str
    peertype: str
    peerid: str
    localid: str
    network_overlay: bool
    network_id: int
    exchange_interface_ip: bool
    exchange_ip_addr4: Optional[IPv4Address]
    ad_sender: bool
    ad_receiver: bool
    auto_negotiate: bool
    add_route: bool
    net_device: bool
    distance: int
    priority: int
    keylife: int
    dpd: str
    dpd_retryinterval: int
    idle_timeout: bool
    idle_timeout_minutes: int
    fingerprint: str = field(compare=False)

    @property
    def dialup(self) -> bool:
        return self.type == "dynamic"


@dataclass(frozen=True)
class Selector:
    """One side of a phase2 selector as an address range (FortiOS prints ranges)."""

    first: IPv4Address
    last: IPv4Address

    @classmethod
    def of_network(cls, net: IPv4Network) -> "Selector":
        return cls(net.network_address, net.broadcast_address)

    def covers(self, other: "Selector") -> bool:
        return self.first <= other.first and other.last <= self.last

    def contains(self, addr: IPv4Address) -> bool:
        return self.first <= addr <= self.last

    @property
    def is_any(self) -> bool:
        return self.first == ZERO and int(self.last) == 0xFFFFFFFF

    def networks(self) -> list[IPv4Network]:
        return list(ipaddress.summarize_address_range(self.first, self.last))

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


@dataclass(frozen=True)
class Phase2:
    vdom: str
    name: str
    phase1: str
    proposals: tuple
    pfs: bool
    dhgrps: tuple
    auto_negotiate: bool
    keepalive: bool
    keylifeseconds: int
    src: Selector
    dst: Selector
    protocol: int
    fingerprint: str = field(compare=False)


@dataclass(frozen=True)
class StaticRoute:
    seq: int
    dst: IPv4Network
    gateway: Optional[IPv4Address]
    device: str
    distance: int
    priority: int
    blackhole: bool


@dataclass(frozen=True)
class BgpPeer:
    """Settings of an explicit ``neighbor`` or of a ``neighbor-group`` (used by ranges)."""

    key: str  # neighbor IP or group name
    remote_as: int
    update_source: str
    interface: str
    shutdown: bool
    ebgp_multihop: bool
    rr_client: bool
    next_hop_self: bool
    keepalive: Optional[int]


@dataclass(frozen=True)
class BgpConfig:
    as_number: int
    router_id: Optional[IPv4Address]
    keepalive: int
    holdtime: int
    recursive_next_hop: bool
    network_import_check: bool
    distance_internal: int
    distance_external: int
    neighbors: dict  # IPv4Address -> BgpPeer
    groups: dict  # name -> BgpPeer
    ranges: tuple  # (IPv4Network, group name)
    networks: tuple  # IPv4Network

    @property
    def enabled(self) -> bool:
        return self.as_number > 0


@dataclass(frozen=True)
class VdomConfig:
    """Everything the model needs from one VDOM (a routing node)."""

    vdom: str
    index: int
    phase1: dict  # name -> Phase1 (route-based phase1-interface only)
    phase2: dict  # name -> Phase2
    statics: tuple
    bgp: BgpConfig
    location_id: Optional[IPv4Address]
    firewall: Firewall = Firewall()


@dataclass(frozen=True)
class DeviceConfig:
    name: str
    hostname: str
    interfaces: dict  # name -> Interface (all VDOMs; global table)
    vdoms: dict  # vdom -> VdomConfig


def _as_int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).split(".")[0]) if value not in (None, "") else default
    except ValueError:
        return default


def _words(value: Any) -> tuple:
    return tuple(str(value or "").split())


def _interfaces(store) -> dict:
    first_vdom = store.vdoms[0]
    result = {}
    for position, (name, obj) in enumerate(store.entries("system/interface", first_vdom).items()):
        result[name] = Interface(
            name=name, vdom=obj.get("vdom") or first_vdom, type=obj.get("type", "physical"),
            ip=ipmask(obj.get("ip")), remote_ip=ipmask(obj.get("remote-ip")),
            up=obj.get("status", "up") == "up", allowaccess=frozenset(_words(obj.get("allowaccess"))),
            parent=obj.get("interface", "") or "", role=obj.get("role", "undefined"), index=3 + position)
    return result


# Phase1 attributes that never reach the peer: changing them does not renegotiate the tunnel (the
# PSK is compared as plaintext instead of its ENC form, which changes on every write).
_LOCAL_PHASE1 = frozenset({"psksecret", "psksecret-remote", "comments", "distance", "priority", "add-route",
                           "npu-offload", "wizard-type"})


def _phase1(store, vdom: str, name: str, obj: dict) -> Phase1:
    psk = store.reveal(obj.get("psksecret", "")) if obj.get("psksecret") else ""
    visible = {k: v for k, v in obj.items() if k not in _LOCAL_PHASE1}
    visible["psk-digest"] = hashlib.sha256(psk.encode()).hexdigest()
    is_v2 = obj.get("ike-version") == "2"
    return Phase1(
        vdom=vdom, name=name, type=obj.get("type", "static"), interface=obj.get("interface", ""),
        ike_version=2 if is_v2 else 1,
        remote_gw=address(obj.get("remote-gw")) if obj.get("type", "static") == "static" else None,
        local_gw=address(obj.get("local-gw")),
        proposals=_words(obj.get("proposal")), dhgrps=_words(obj.get("dhgrp")), psk=psk,
        mode=obj.get("mode", "main"), peertype=obj.get("peertype", "any"),
        peerid=obj.get("peerid", "") or "", localid=obj.get("localid", "") or "",
        network_overlay=is_v2 and obj.get("network-overlay") == "enable",
        network_id=_as_int(obj.get("network-id")) if is_v2 else 0,
        exchange_interface_ip=obj.get("exchange-interface-ip") == "enable",
        exchange_ip_addr4=address(obj.get("exchange-ip-addr4")),
        ad_sender=obj.get("auto-discovery-sender") == "enable",
        ad_receiver=obj.get("auto-discovery-receiver") == "enable",
        auto_negotiate=obj.get("auto-negotiate", "enable") == "enable",
        add_route=obj.get("type") == "dynamic" and obj.get("add-route", "enable") == "enable",
        net_device=obj.get("net-device") == "enable",
        distance=_as_int(obj.get("distance"), 15), priority=_as_int(obj.get("priority"), 1),
        keylife=_as_int(obj.get("keylife"), 86400), dpd=obj.get("dpd", "on-demand"),
        dpd_retryinterval=max(1, _as_int(obj.get("dpd-retryinterval"), 20)),
        idle_timeout=obj.get("idle-timeout") == "enable",
        idle_timeout_minutes=_as_int(obj.get("idle-timeoutinterval"), 15),
        fingerprint=_digest(visible),
    )


def _selector(obj: dict, side: str, store, vdom: str) -> Selector:
    kind = obj.get(f"{side}-addr-type", "subnet")
    if kind == "range":
        first, last = address(obj.get(f"{side}-start-ip")) or ZERO, address(obj.get(f"{side}-end-ip")) or ZERO
        return Selector(min(first, last), max(first, last))
    if kind == "ip":
        ip = address(obj.get(f"{side}-start-ip")) or ZERO
        return Selector(ip, ip)
    if kind == "name":
        entry = store.entries("firewall/address", vdom).get(obj.get(f"{side}-name"))
        if entry and entry.get("type", "ipmask") == "ipmask":
            return Selector.of_network(network(entry.get("subnet", "0.0.0.0 0.0.0.0")))
        if entry and entry.get("type") == "iprange":
            return Selector(address(entry.get("start-ip")) or ZERO, address(entry.get("end-ip")) or ZERO)
        return Selector.of_network(ANY_NET)
    if kind != "subnet":  # IPv6 selectors: outside the IPv4 model
        return Selector.of_network(ANY_NET)
    return Selector.of_network(network(obj.get(f"{side}-subnet", "0.0.0.0 0.0.0.0")))


def _phase2(store, vdom: str, name: str, obj: dict) -> Phase2:
    negotiated = {k: v for k, v in obj.items() if k not in ("auto-negotiate", "keepalive", "comments")}
    return Phase2(
        vdom=vdom, name=name, phase1=obj.get("phase1name", ""), proposals=_words(obj.get("proposal")),
        pfs=obj.get("pfs", "enable") == "enable", dhgrps=_words(obj.get("dhgrp")),
        auto_negotiate=obj.get("auto-negotiate") == "enable", keepalive=obj.get("keepalive") == "enable",
        keylifeseconds=_as_int(obj.get("keylifeseconds"), 43200),
        src=_selector(obj, "src", store, vdom), dst=_selector(obj, "dst", store, vdom),
        protocol=_as_int(obj.get("protocol")), fingerprint=_digest(negotiated),
    )


def _peer(key: str, obj: dict) -> BgpPeer:
    keepalive = _as_int(obj.get("keep-alive-timer"), 4294967295)
    return BgpPeer(
        key=key, remote_as=_as_int(obj.get("remote-as")), update_source=obj.get("update-source", "") or "",
        interface=obj.get("interface", "") or "", shutdown=obj.get("shutdown") == "enable",
        ebgp_multihop=obj.get("ebgp-enforce-multihop") == "enable",
        rr_client=obj.get("route-reflector-client") == "enable",
        next_hop_self=obj.get("next-hop-self") == "enable",
        keepalive=None if keepalive >= 4294967295 else keepalive,
    )


def _bgp(obj: dict) -> BgpConfig:
    neighbors = {}
    for row in obj.get("neighbor", []):
        ip = address(row.get("ip"))
        if ip is not None:
            neighbors[ip] = _peer(str(ip), row)
    groups = {row["name"]: _peer(row["name"], row) for row in obj.get("neighbor-group", []) if row.get("name")}
    ranges = tuple((network(row.get("prefix", "0.0.0.0 0.0.0.0")), row.get("neighbor-group", ""))
                   for row in obj.get("neighbor-range", []))
    networks = tuple(network(row.get("prefix", "0.0.0.0 0.0.0.0")) for row in obj.get("network", []))
    return BgpConfig(
        as_number=_as_int(obj.get("as")), router_id=address(obj.get("router-id")),
        keepalive=_as_int(obj.get("keepalive-timer"), 60), holdtime=_as_int(obj.get("holdtime-timer"), 180),
        recursive_next_hop=obj.get("recursive-next-hop") == "enable",
        network_import_check=obj.get("network-import-check", "enable") == "enable",
        distance_internal=_as_int(obj.get("distance-internal"), 200),
        distance_external=_as_int(obj.get("distance-external"), 20),
        neighbors=neighbors, groups=groups, ranges=ranges, networks=networks,
    )


def _statics(store, vdom: str) -> tuple:
    routes = []
    for seq, obj in store.entries("router/static", vdom).items():
        if obj.get("status", "enable") != "enable":
            continue
        routes.append(StaticRoute(
            seq=seq, dst=network(obj.get("dst", "0.0.0.0 0.0.0.0")), gateway=address(obj.get("gateway")),
            device=obj.get("device", "") or "", distance=_as_int(obj.get("distance"), 10),
            priority=_as_int(obj.get("priority"), 1), blackhole=obj.get("blackhole") == "enable"))
    return tuple(routes)


def _rows(store, table_key: str, vdom: str) -> dict:
    """Entries of a table, or none when this simulator's schema does not model the table."""
    return store.entries(table_key, vdom) if table_key in TABLES else {}


def _firewall(store, vdom: str) -> Firewall:
    sdwan = store.read(Target(TABLES["system/sdwan"], vdom)) if "system/sdwan" in TABLES else {}
    return read_firewall(
        _rows(store, "firewall/policy", vdom).values(), _rows(store, "firewall/address", vdom),
        _rows(store, "firewall/addrgrp", vdom), _rows(store, "firewall.service/custom", vdom),
        _rows(store, "firewall.service/group", vdom), _rows(store, "system/zone", vdom),
        sdwan.get("members") or [])


def read_device(name: str, store, hostname: str) -> DeviceConfig:
    """Snapshot of one device's model-relevant configuration."""
    vdoms = {}
    for index, vdom in enumerate(store.vdoms):
        phase1 = {n: _phase1(store, vdom, n, o) for n, o in store.entries("vpn.ipsec/phase1-interface", vdom).items()}
        phase2 = {n: _phase2(store, vdom, n, o) for n, o in store.entries("vpn.ipsec/phase2-interface", vdom).items()}
        bgp = store.read(Target(TABLES["router/bgp"], vdom))
        settings = store.read(Target(TABLES["system/settings"], vdom))
        vdoms[vdom] = VdomConfig(vdom=vdom, index=index, phase1=phase1, phase2=phase2,
                                 statics=_statics(store, vdom), bgp=_bgp(bgp),
                                 location_id=address(settings.get("location-id")),
                                 firewall=_firewall(store, vdom))
    global_settings = store.read(Target(TABLES["system/global"], store.vdoms[0]))
    return DeviceConfig(name=name, hostname=global_settings.get("hostname") or hostname,
                        interfaces=_interfaces(store), vdoms=vdoms)

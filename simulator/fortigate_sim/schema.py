"""Declarative CMDB schema: which tables exist, their attributes, JSON types and FortiOS defaults.

Everything else is generic over this module: value parsing (REST and CLI), defaults, the CLI
renderer, ``action=schema``/``action=default``, reference checks (datasources) and ``skip=1``.

JSON types follow what ``fortinet.fortios`` 2.4.2 compares against (reference §1.6): integers are
numbers, multi-value options are space-separated strings, "user" types such as ``ike-version`` or
``dpd-retryinterval`` are strings, child tables are arrays of objects. Only the attributes that
matter to IPsec/ADVPN/BGP work are modelled; others are handled by the ``unknown_attributes`` switch.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .behaviour import Behaviour
from .errors import FieldError

# Kinds of attribute value.
STRING = "string"      # free text (FortiOS "string"/"var-string"/"user")
OPTION = "option"      # one of `options`
INTEGER = "integer"
IPV4 = "ipv4-address"  # "a.b.c.d"
IPMASK = "ipv4-classnet"  # stored "a.b.c.d m.m.m.m"; accepts a.b.c.d/nn
IPV6 = "ipv6-address"
MULTI = "multi"        # space-separated tokens (proposal, dhgrp, allowaccess)
SECRET = "password"    # returned as ENC <base64>
NAMELIST = "namelist"  # [{"name": ...}, ...] (srcintf, srcaddr, ...)
TABLE = "table"        # child table of objects

# Applicability of an attribute given the rest of the object: used to refuse setting it (as the
# FortiOS CLI does for hidden options) and to hide it with `skip=1`.
Applies = Callable[[dict, Behaviour], bool]


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    default: Any = ""
    options: tuple = ()
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    # Datasources: table keys this attribute names an entry of. "@sibling" = a sibling child table
    # of the same parent object (BGP neighbor-range -> neighbor-group).
    ref: tuple = ()
    builtin: tuple = ()  # names accepted without an entry (e.g. "all", "any")
    since: Optional[str] = None
    until: Optional[str] = None
    applies: Optional[Applies] = None
    applies_hint: str = ""
    child: Optional["TableSchema"] = None
    max_len: Optional[int] = None

    # ---- value parsing -------------------------------------------------------------------
    def parse(self, value: Any) -> Any:
        """Coerce a REST JSON value (or CLI tokens joined by the caller) to the stored form."""
        kind = self.kind
        if kind == INTEGER:
            return self._parse_int(value)
        if kind == OPTION:
            text = _scalar_text(self.name, value)
            if text not in self.options:
                raise FieldError(self.name, text)
            return text
        if kind == IPV4:
            return _parse_ipv4(self.name, value)
        if kind == IPMASK:
            return _parse_ipmask(self.name, value)
        if kind == IPV6:
            text = _scalar_text(self.name, value)
            try:
                return str(ipaddress.IPv6Address(text))
            except ValueError:
                raise FieldError(self.name, text) from None
        if kind == MULTI:
            return self._parse_multi(value)
        if kind == NAMELIST:
            return self._parse_namelist(value)
        if kind == SECRET:
            return _scalar_text(self.name, value)
        if kind == STRING:
            text = _scalar_text(self.name, value)
            if self.max_len is not None and len(text) > self.max_len:
                raise FieldError(self.name, text, f"The string '{text}' is too long (max {self.max_len})")
            return text
        raise TypeError(f"field {self.name}: kind {kind} is not parsed here")

    def _parse_int(self, value: Any) -> int:
        if isinstance(value, bool):
            raise FieldError(self.name, value)
        if isinstance(value, int):
            number = value
        else:
            text = _scalar_text(self.name, value)
            try:
                number = int(text, 10)
            except ValueError:
                raise FieldError(self.name, text) from None
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise FieldError(
                self.name, number,
                f"Value {number} out of range [{self.minimum}-{self.maximum}] for {self.name}\n\n"
                f"value parse error before '{number}'",
            )
        return number

    def _parse_multi(self, value: Any) -> str:
        if isinstance(value, list):
            tokens = []
            for item in value:
                if isinstance(item, dict) and len(item) == 1:
                    item = next(iter(item.values()))
                tokens.extend(_scalar_text(self.name, item).split())
        else:
            tokens = _scalar_text(self.name, value).split()
        for token in tokens:
            if self.options and token not in self.options:
                raise FieldError(self.name, token)
        return " ".join(tokens)

    def _parse_namelist(self, value: Any) -> list:
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list):
            raise FieldError(self.name, value)
        names = []
        for item in value:
            if isinstance(item, dict):
                if "name" not in item:
                    raise FieldError(self.name, item, f"missing name in {self.name} entry")
                item = item["name"]
            names.append(_scalar_text(self.name, item))
        return [{"name": name} for name in names]

    # ---- JSON type name for action=schema ------------------------------------------------
    @property
    def schema_type(self) -> str:
        return {MULTI: "option", NAMELIST: "string", SECRET: "password"}.get(self.kind, self.kind)

    def available(self, version) -> bool:
        return version.in_range(self.since, self.until)


@dataclass
class TableSchema:
    """A CMDB table (``mkey`` set) or singleton (``mkey`` None); also used for child tables."""

    path: str
    name: str
    mkey: Optional[str]
    mkey_type: str = "string"
    scope: str = "vdom"  # "vdom" or "global"
    fields: dict[str, Field] = field(default_factory=dict)
    max_mkey_len: Optional[int] = None
    auto_mkey: bool = False  # integer mkey 0/absent on POST -> next free number
    movable: bool = False

    @property
    def key(self) -> str:
        return f"{self.path}/{self.name}"

    @property
    def singleton(self) -> bool:
        return self.mkey is None

    def available_fields(self, version) -> dict[str, Field]:
        return {n: f for n, f in self.fields.items() if f.available(version)}

    def defaults(self, version) -> dict:
        """A fresh object with every attribute at its FortiOS default (mkey excluded)."""
        result = {}
        for name, fld in self.available_fields(version).items():
            if name == self.mkey:
                continue
            if fld.kind in (TABLE, NAMELIST):
                result[name] = []
            else:
                result[name] = fld.default
        return result

    def parse_mkey(self, value: Any) -> Any:
        if self.mkey_type == "integer":
            if isinstance(value, bool):
                raise FieldError(self.mkey, value)
            try:
                return int(value)
            except (TypeError, ValueError):
                raise FieldError(self.mkey, value) from None
        if self.mkey_type == "ipv4-address":
            return _parse_ipv4(self.mkey, value)
        text = _scalar_text(self.mkey, value)
        if not text:
            raise FieldError(self.mkey, text, f"empty {self.mkey} is not allowed")
        if self.max_mkey_len and len(text) > self.max_mkey_len:
            raise FieldError(self.mkey, text, f"The name '{text}' is too long (max {self.max_mkey_len})")
        return text


# ---- value helpers ------------------------------------------------------------------------------

def _scalar_text(attr: str, value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise FieldError(attr, value)
    return str(value).strip()


def _parse_ipv4(attr: str, value: Any) -> str:
    text = _scalar_text(attr, value)
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise FieldError(attr, text) from None


def _parse_ipmask(attr: str, value: Any) -> str:
    """Accept ``a.b.c.d/nn``, ``a.b.c.d m.m.m.m``, ``[addr, mask]`` or a bare address (/32)."""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = _scalar_text(attr, value)
    parts = text.replace("/", " ").split()
    if not parts or len(parts) > 2:
        raise FieldError(attr, text)
    try:
        address = ipaddress.IPv4Address(parts[0])
        if len(parts) == 1:
            prefix = 32
        elif parts[1].isdigit():
            prefix = int(parts[1])
            if prefix > 32:
                raise ValueError
        else:
            prefix = ipaddress.IPv4Network(f"0.0.0.0/{parts[1]}").prefixlen
    except ValueError:
        raise FieldError(attr, parts[-1]) from None
    mask = ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask
    return f"{address} {mask}"


# ---- table definitions ---------------------------------------------------------------------------

EN_DIS = ("enable", "disable")


def _f(name, kind=STRING, default="", **kw) -> Field:
    return Field(name=name, kind=kind, default=default, **kw)


def _opt(name, default, options=EN_DIS, **kw) -> Field:
    return Field(name=name, kind=OPTION, default=default, options=tuple(options), **kw)


def _int(name, default, lo=None, hi=None, **kw) -> Field:
    return Field(name=name, kind=INTEGER, default=default, minimum=lo, maximum=hi, **kw)


def _table(*fields_: Field, path="", name="", mkey="name", mkey_type="string", **kw) -> TableSchema:
    return TableSchema(path=path, name=name, mkey=mkey, mkey_type=mkey_type,
                       fields={f.name: f for f in fields_}, **kw)


def _is_static(obj, _b):
    return obj.get("type") == "static"


def _ikev1(obj, _b):
    return obj.get("ike-version") == "1"


def _ikev2(obj, _b):
    return obj.get("ike-version") == "2"


def _mode_cfg(obj, _b):
    return obj.get("mode-cfg") == "enable"


def _exchange_ip_settable(obj, behaviour: Behaviour):
    return not behaviour.exchange_ip_requires_interface_ip or obj.get("exchange-interface-ip") == "enable"


P1_PROPOSALS = tuple(
    f"{enc}-{prf}"
    for enc in ("des", "3des", "aes128", "aes192", "aes256", "aria128", "aria192", "aria256",
                "seed", "chacha20poly1305", "aes128gcm", "aes256gcm")
    for prf in ("md5", "sha1", "sha256", "sha384", "sha512",
                "prfsha1", "prfsha256", "prfsha384", "prfsha512")
)
P2_PROPOSALS = P1_PROPOSALS + tuple(
    f"{enc}-null" for enc in ("des", "3des", "aes128", "aes192", "aes256", "aria128", "aria192", "aria256", "seed")
) + tuple(f"null-{a}" for a in ("md5", "sha1", "sha256", "sha384", "sha512")) + (
    "aes128gcm", "aes256gcm", "chacha20poly1305")
DH_GROUPS = ("1", "2", "5", "14", "15", "16", "17", "18", "19", "20", "21", "27", "28", "29", "30",
             "31", "32")


def _phase1_common() -> list[Field]:
    """Attributes shared by route-based ``phase1-interface`` and policy-based ``phase1``."""
    return [
        _f("name"),
        _opt("type", "static", ("static", "dynamic", "ddns")),
        _f("interface", ref=("system/interface",)),
        _opt("ike-version", "1", ("1", "2")),
        _f("remote-gw", IPV4, "0.0.0.0", applies=_is_static, applies_hint="type static"),
        _f("local-gw", IPV4, "0.0.0.0"),
        _f("remotegw-ddns", applies=lambda o, b: o.get("type") == "ddns", applies_hint="type ddns"),
        _int("keylife", 86400, 120, 172800),
        _opt("authmethod", "psk", ("psk", "signature")),
        _opt("mode", "main", ("main", "aggressive"), applies=_ikev1, applies_hint="ike-version 1"),
        _opt("peertype", "peer", ("any", "one", "dialup", "peer", "peergrp")),
        _f("peerid", applies=lambda o, b: o.get("peertype") == "one", applies_hint="peertype one"),
        _opt("mode-cfg", "disable"),
        _opt("assign-ip", "enable", applies=_mode_cfg, applies_hint="mode-cfg enable"),
        _f("ipv4-start-ip", IPV4, "0.0.0.0", applies=_mode_cfg, applies_hint="mode-cfg enable"),
        _f("ipv4-end-ip", IPV4, "0.0.0.0", applies=_mode_cfg, applies_hint="mode-cfg enable"),
        _f("ipv4-netmask", IPV4, "255.255.255.255", applies=_mode_cfg, applies_hint="mode-cfg enable"),
        _f("proposal", MULTI, "", options=P1_PROPOSALS),
        _f("dhgrp", MULTI, "14 5", options=DH_GROUPS),
        # Every type: Fortinet's reference ADVPN spoke (static) sets add-route disable (advpn admin guide).
        _opt("add-route", "enable"),
        _opt("add-gw-route", "disable"),
        _f("psksecret", SECRET, ""),
        _f("psksecret-remote", SECRET, ""),
        _int("keepalive", 10, 5, 900),
        _opt("nattraversal", "enable", ("enable", "disable", "forced")),
        _opt("fragmentation", "enable"),
        _opt("dpd", "on-demand", ("disable", "on-idle", "on-demand")),
        _int("dpd-retrycount", 3, 0, 10),
        _f("dpd-retryinterval", STRING, "20"),
        _opt("idle-timeout", "disable"),
        _int("idle-timeoutinterval", 15, 5, 43200),
        _f("localid"),
        _opt("localid-type", "auto", ("auto", "fqdn", "user-fqdn", "keyid", "address", "asn1dn")),
        _opt("auto-negotiate", "enable"),
        _int("distance", 15, 1, 255),
        _int("priority", 1, 1, 65535),
        _f("comments", max_len=255),
        _opt("npu-offload", "enable"),
        _opt("wizard-type", "custom", ("custom", "dialup-forticlient", "dialup-ios", "dialup-android",
                                       "dialup-windows", "dialup-cisco", "static-fortigate",
                                       "dialup-fortigate", "static-cisco", "dialup-cisco-fw",
                                       "simplified-static-fortigate", "hub-fortigate-auto-discovery",
                                       "spoke-fortigate-auto-discovery")),
        _opt("network-overlay", "disable", since="6.2.0", applies=_ikev2, applies_hint="ike-version 2"),
        _int("network-id", 0, 0, 255, since="6.2.0", applies=_ikev2, applies_hint="ike-version 2"),
        _opt("transport", "udp", ("udp", "auto", "tcp", "udp-fallback-tcp"), since="7.4.2"),
    ]


PHASE1_INTERFACE_ONLY = [
    _opt("ip-version", "4", ("4", "6")),
    _f("remote-gw6", IPV6, "::"),
    _opt("net-device", "disable"),
    _opt("tunnel-search", "selectors", ("selectors", "nexthop"), until="6.4.4"),
    _opt("exchange-interface-ip", "disable"),
    _f("exchange-ip-addr4", IPV4, "0.0.0.0", applies=_exchange_ip_settable,
       applies_hint="exchange-interface-ip enable"),
    _f("exchange-ip-addr6", IPV6, "::", applies=_exchange_ip_settable,
       applies_hint="exchange-interface-ip enable"),
    _opt("exchange-fgt-device-id", "disable", since="7.4.0"),
    _opt("auto-discovery-sender", "disable"),
    _opt("auto-discovery-receiver", "disable"),
    _opt("auto-discovery-forwarder", "disable"),
    _opt("auto-discovery-psk", "disable"),
    _opt("auto-discovery-shortcuts", "independent", ("independent", "dependent"), since="6.4.4"),
    _int("auto-discovery-offer-interval", 5, 1, 300, since="7.2.0"),
    _opt("auto-discovery-crossover", "allow", ("allow", "block"), since="7.4.0"),
    _opt("encapsulation", "none", ("none", "gre", "vxlan", "vpn-id-ipip")),
    _f("monitor"),
    _int("link-cost", 0, 0, 255, since="7.2.1"),
    _opt("remote-gw-match", "any", ("any", "ipmask", "iprange", "geography", "ztna"), since="7.4.4"),
    _f("default-gw", IPV4, "0.0.0.0"),
]


def _phase2_fields(phase1_table: str) -> list[Field]:
    return [
        _f("name"),
        _f("phase1name", ref=(phase1_table,)),
        _f("proposal", MULTI,
           "aes128-sha1 aes256-sha1 aes128-sha256 aes256-sha256 aes128gcm aes256gcm chacha20poly1305",
           options=P2_PROPOSALS),
        _opt("pfs", "enable"),
        _f("dhgrp", MULTI, "14 5", options=DH_GROUPS),
        _opt("replay", "enable"),
        _opt("keepalive", "disable"),
        _opt("auto-negotiate", "disable"),
        _opt("add-route", "phase1", ("phase1", "enable", "disable")),
        _opt("auto-discovery-sender", "phase1", ("phase1", "enable", "disable")),
        _opt("auto-discovery-forwarder", "phase1", ("phase1", "enable", "disable")),
        _opt("keylife-type", "seconds", ("seconds", "kbs", "both")),
        _int("keylifeseconds", 43200, 120, 172800),
        _int("keylifekbs", 5120, 5120, 4294967295),
        _opt("encapsulation", "tunnel-mode", ("tunnel-mode", "transport-mode")),
        _opt("route-overlap", "use-new", ("use-old", "use-new", "allow")),
        _opt("initiator-ts-narrow", "disable"),
        _opt("diffserv", "disable"),
        _opt("src-addr-type", "subnet", ("subnet", "range", "ip", "name", "subnet6", "range6", "ip6", "name6")),
        _f("src-subnet", IPMASK, "0.0.0.0 0.0.0.0"),
        _f("src-start-ip", IPV4, "0.0.0.0"),
        _f("src-end-ip", IPV4, "0.0.0.0"),
        _f("src-name", ref=("firewall/address",)),
        _opt("dst-addr-type", "subnet", ("subnet", "range", "ip", "name", "subnet6", "range6", "ip6", "name6")),
        _f("dst-subnet", IPMASK, "0.0.0.0 0.0.0.0"),
        _f("dst-start-ip", IPV4, "0.0.0.0"),
        _f("dst-end-ip", IPV4, "0.0.0.0"),
        _f("dst-name", ref=("firewall/address",)),
        _int("protocol", 0, 0, 255),
        _int("src-port", 0, 0, 65535),
        _int("dst-port", 0, 0, 65535),
        _f("comments", max_len=255),
    ]


ALLOWACCESS = ("ping", "https", "ssh", "snmp", "http", "telnet", "fgfm", "radius-acct",
               "probe-response", "fabric", "ftm", "speed-test", "scim")


def _bgp_peer_fields() -> list[Field]:
    """Attributes shared by BGP ``neighbor`` and ``neighbor-group`` entries."""
    big = 4294967295
    return [
        _f("remote-as", STRING, "0"),
        _f("description"),
        _opt("activate", "enable"),
        _int("advertisement-interval", 30, 0, 600),
        _opt("additional-path", "disable", ("send", "receive", "both", "disable")),
        _int("adv-additional-path", 2, 2, 255, since="6.2.0"),
        _opt("bfd", "disable"),
        _opt("capability-graceful-restart", "disable"),
        _opt("capability-default-originate", "disable"),
        _int("connect-timer", big, 1, big),
        _opt("ebgp-enforce-multihop", "disable"),
        _int("ebgp-multihop-ttl", 255, 1, 255),
        _int("holdtime-timer", big, 3, big),
        _int("keep-alive-timer", big, 0, big),
        _f("interface", ref=("system/interface",)),
        _f("update-source", ref=("system/interface",)),
        _opt("next-hop-self", "disable"),
        _opt("route-reflector-client", "disable"),
        _opt("soft-reconfiguration", "disable"),
        _f("route-map-in"),
        _f("route-map-out"),
        _f("password", SECRET, ""),
        _opt("shutdown", "disable"),
        _int("weight", big, 0, big),
    ]


def _build_tables() -> dict[str, TableSchema]:
    tables: list[TableSchema] = []

    tables.append(_table(*_phase1_common(), *PHASE1_INTERFACE_ONLY,
                         path="vpn.ipsec", name="phase1-interface", max_mkey_len=15))
    tables.append(_table(*_phase1_common(), path="vpn.ipsec", name="phase1", max_mkey_len=35))
    tables.append(_table(*_phase2_fields("vpn.ipsec/phase1-interface"),
                         path="vpn.ipsec", name="phase2-interface", max_mkey_len=35))
    tables.append(_table(*_phase2_fields("vpn.ipsec/phase1"),
                         _opt("use-natip", "enable"),
                         _opt("selector-match", "auto", ("exact", "subset", "auto")),
                         path="vpn.ipsec", name="phase2", max_mkey_len=35))

    tables.append(_table(
        _f("name"),
        _f("vdom", STRING, "root"),
        _opt("type", "vlan", ("physical", "vlan", "aggregate", "redundant", "tunnel", "vdom-link",
                              "loopback", "switch", "vap-switch", "wl-mesh", "fext-wan", "vxlan")),
        _f("interface", ref=("system/interface",)),
        _opt("mode", "static", ("static", "dhcp", "pppoe")),
        _f("ip", IPMASK, "0.0.0.0 0.0.0.0"),
        _f("remote-ip", IPMASK, "0.0.0.0 0.0.0.0", applies=lambda o, b: o.get("type") == "tunnel",
           applies_hint="type tunnel"),
        _f("allowaccess", MULTI, "", options=ALLOWACCESS),
        _opt("status", "up", ("up", "down")),
        _opt("role", "undefined", ("lan", "wan", "dmz", "undefined")),
        _f("alias", max_len=25),
        _f("description", max_len=255),
        _int("vlanid", 0, 0, 4094),
        _opt("mtu-override", "disable"),
        _int("mtu", 1500, 68, 9216),
        _int("tcp-mss", 0, 0, 65535),
        _int("distance", 5, 1, 255),
        _int("priority", 1, 1, 65535),
        _opt("device-identification", "disable"),
        _opt("dhcp-relay-service", "disable"),
        _int("estimated-upstream-bandwidth", 0, 0, 4294967295),
        _int("estimated-downstream-bandwidth", 0, 0, 4294967295),
        _f("macaddr", STRING, "00:00:00:00:00:00"),
        _opt("speed", "auto", ("auto", "10full", "10half", "100full", "100half", "1000full", "10000full")),
        _int("snmp-index", 0, 0, 2147483647),
        path="system", name="interface", scope="global", max_mkey_len=15))

    tables.append(_table(
        _int("seq-num", 0, 0, 4294967295),
        _opt("status", "enable"),
        _f("dst", IPMASK, "0.0.0.0 0.0.0.0"),
        _f("gateway", IPV4, "0.0.0.0"),
        _int("distance", 10, 1, 255),
        _int("weight", 0, 0, 255),
        _int("priority", 1, 1, 65535),
        _f("device", ref=("system/interface",)),
        _f("comment", max_len=255),
        _opt("blackhole", "disable"),
        _opt("dynamic-gateway", "disable"),
        _f("dstaddr", ref=("firewall/address",)),
        _opt("link-monitor-exempt", "disable"),
        _int("vrf", 0, 0, 251),
        _opt("bfd", "disable"),
        path="router", name="static", mkey="seq-num", mkey_type="integer", auto_mkey=True))

    peer = _bgp_peer_fields()
    neighbor = _table(_f("ip"), *peer, mkey="ip", path="router", name="bgp/neighbor")
    neighbor_group = _table(_f("name"), *peer, _f("remote-as-filter"), path="router", name="bgp/neighbor-group")
    neighbor_range = _table(
        _int("id", 0, 0, 4294967295),
        _f("prefix", IPMASK, "0.0.0.0 0.0.0.0"),
        _int("max-neighbor-num", 0, 0, 4294967295),
        _f("neighbor-group", ref=("@neighbor-group",)),
        mkey="id", mkey_type="integer", auto_mkey=True, path="router", name="bgp/neighbor-range")
    network = _table(
        _int("id", 0, 0, 4294967295),
        _f("prefix", IPMASK, "0.0.0.0 0.0.0.0"),
        _opt("network-import-check", "global", ("global", "enable", "disable")),
        _opt("backdoor", "disable"),
        _f("route-map"),
        mkey="id", mkey_type="integer", auto_mkey=True, path="router", name="bgp/network")
    tables.append(_table(
        _f("as", STRING, "0"),
        _f("router-id", IPV4, "0.0.0.0"),
        _int("keepalive-timer", 60, 0, 65535),
        _int("holdtime-timer", 180, 3, 65535),
        _opt("always-compare-med", "disable"),
        _opt("bestpath-as-path-ignore", "disable"),
        _opt("ebgp-multipath", "disable"),
        _opt("ibgp-multipath", "disable"),
        _opt("additional-path", "disable", since="6.2.0"),
        _int("additional-path-select", 2, 2, 255, since="6.2.0"),
        _opt("recursive-next-hop", "disable", since="7.0.0"),
        _opt("graceful-restart", "disable"),
        _opt("log-neighbour-changes", "enable"),
        _opt("network-import-check", "enable"),
        _int("distance-external", 20, 1, 255),
        _int("distance-internal", 200, 1, 255),
        _int("distance-local", 200, 1, 255),
        _int("scan-time", 60, 5, 60),
        Field("neighbor", TABLE, child=neighbor),
        Field("neighbor-group", TABLE, child=neighbor_group),
        Field("neighbor-range", TABLE, child=neighbor_range),
        Field("network", TABLE, child=network),
        path="router", name="bgp", mkey=None))

    tables.append(_table(
        _f("name"),
        _f("uuid"),
        _opt("type", "ipmask", ("ipmask", "iprange", "fqdn", "geography", "wildcard", "dynamic",
                                "interface-subnet", "mac", "route-tag", "wildcard-fqdn")),
        _f("subnet", IPMASK, "0.0.0.0 0.0.0.0"),
        _f("start-ip", IPV4, "0.0.0.0"),
        _f("end-ip", IPV4, "0.0.0.0"),
        _f("fqdn", max_len=255),
        _f("country"),
        _f("associated-interface", ref=("system/interface",)),
        _int("color", 0, 0, 32),
        _opt("allow-routing", "disable"),
        _f("comment", max_len=255),
        path="firewall", name="address", max_mkey_len=79))

    intf_list = dict(ref=("system/interface",), builtin=("any",))
    addr_list = dict(ref=("firewall/address",), builtin=("all", "none"))
    tables.append(_table(
        _int("policyid", 0, 0, 4294967294),
        _f("name", max_len=35),
        _f("uuid"),
        _opt("status", "enable"),
        Field("srcintf", NAMELIST, **intf_list),
        Field("dstintf", NAMELIST, **intf_list),
        Field("srcaddr", NAMELIST, **addr_list),
        Field("dstaddr", NAMELIST, **addr_list),
        Field("service", NAMELIST),
        _opt("action", "deny", ("accept", "deny", "ipsec")),
        _f("schedule", STRING, "always"),
        _opt("nat", "disable"),
        _opt("logtraffic", "utm", ("all", "utm", "disable")),
        _opt("logtraffic-start", "disable"),
        _opt("inspection-mode", "flow", ("proxy", "flow"), since="6.2.0"),
        _f("session-ttl", STRING, "0"),
        _f("vpntunnel", ref=("vpn.ipsec/phase1",)),
        _f("comments", max_len=1023),
        path="firewall", name="policy", mkey="policyid", mkey_type="integer", auto_mkey=True,
        movable=True))

    tables.append(_table(
        _f("hostname", max_len=35),
        _f("alias", max_len=35),
        _int("admintimeout", 5, 1, 480),
        _int("admin-lockout-threshold", 3, 1, 10),
        _int("admin-lockout-duration", 60, 1, 2147483647),
        _int("admin-sport", 443, 1, 65535),
        _int("admin-port", 80, 1, 65535),
        _opt("admin-https-redirect", "enable"),
        _opt("rest-api-key-url-query", "disable", since="7.4.5"),
        _f("timezone", STRING, "04"),
        _opt("language", "english", ("english", "french", "spanish", "portuguese", "japanese",
                                     "trach", "simch", "korean")),
        _opt("vdom-mode", "no-vdom", ("no-vdom", "multi-vdom")),
        _opt("gui-theme", "jade", ("jade", "neutrino", "mariner", "graphite", "melongene", "retro",
                                   "dark-matter", "onyx", "eclipse")),
        _opt("admin-scp", "disable"),
        _opt("strong-crypto", "enable"),
        path="system", name="global", mkey=None, scope="global"))

    tables.append(_table(
        _opt("status", "enable"),
        _opt("opmode", "nat", ("nat", "transparent")),
        _opt("allow-subnet-overlap", "disable"),
        _opt("central-nat", "disable"),
        _int("ecmp-max-paths", 255, 1, 255),
        _opt("v4-ecmp-mode", "source-ip-based", ("source-ip-based", "weight-based", "usage-based",
                                                 "source-dest-ip-based")),
        _opt("asymroute", "disable"),
        _opt("gui-allow-unnamed-policy", "disable"),
        _f("comments", max_len=255),
        # ADVPN: sent in IKE and shown by the peer as `remote_location` (reference §1.4).
        _f("location-id", IPV4, "0.0.0.0", since="6.2.0"),
        path="system", name="settings", mkey=None))

    result = {t.key: t for t in tables}
    # Child tables know their own names relative to the parent ("bgp/neighbor" -> "neighbor").
    for table in tables:
        for fld in table.fields.values():
            if fld.child is not None:
                fld.child.name = fld.name
                fld.child.path = table.key
    return result


TABLES: dict[str, TableSchema] = _build_tables()


def table(path: str, name: str) -> Optional[TableSchema]:
    return TABLES.get(f"{path}/{name}")

"""The hand-written layer of the CMDB schema: what the ``fortinet.fortios`` collection does not say.

The collection (read by ``fortios_collection``) decides which tables and attributes exist on which
release, their JSON types and enum options. This file adds, per table, only what it lacks:

* FortiOS defaults (``default``), integer ranges, string lengths, key length;
* finer value kinds where FortiOS parses a string attribute (IPv4 address, ``a.b.c.d m.m.m.m``
  subnet, IPv6, secret stored as ``ENC``);
* datasources (``ref``: the tables a name must exist in) and names accepted without an entry;
* applicability (``applies``): when FortiOS hides an attribute, so it is refused and ``skip=1``
  leaves it out;
* scope (global tables) and key rules (automatic integer keys, ``move``).

Attributes without a hint get the generic default of their kind ("" / 0 / "disable" or the first
option / empty list). Where does phase1 ``keylife`` default to 86400? Here, ``_PHASE1_COMMON``.
A unit test checks that every name below exists in the collection (no invented attribute).
"""

from __future__ import annotations

from .behaviour import Behaviour
from .schema import IPMASK, IPV4, IPV6, SECRET, Hint, TableHint

BIG = 4294967295

# Tables FortiOS keeps once per device, not per VDOM (``config global``).
GLOBAL_TABLES = frozenset({
    "system/global", "system/interface", "system/admin", "system/accprofile", "system/api-user",
    "system/dns", "system/ntp", "system/ha", "system/vdom", "system/console", "system/password-policy",
    "system/central-management", "system/fortiguard", "system/csf", "system/sso-admin",
})

# Attributes stored as ``ENC …`` even in tables without hints (FortiOS never returns them in clear).
SECRET_NAMES = frozenset({"psksecret", "psksecret-remote", "ppk-secret", "password", "passwd", "secret",
                          "auth-password", "md5-key", "authentication-key"})


def _f(name, kind=None, default=None, **kw) -> Hint:
    return Hint(name=name, kind=kind, default=default, **kw)


def _int(name, default, lo=None, hi=None, **kw) -> Hint:
    return Hint(name=name, default=default, minimum=lo, maximum=hi, **kw)


def _ip(name, default="0.0.0.0", **kw) -> Hint:
    return Hint(name=name, kind=IPV4, default=default, **kw)


def _subnet(name, default="0.0.0.0 0.0.0.0", **kw) -> Hint:
    return Hint(name=name, kind=IPMASK, default=default, **kw)


def _child(name, *hints: Hint, **kw) -> Hint:
    return Hint(name=name, child=TableHint({h.name: h for h in hints}, **kw))


def _refs(name, *tables: str, builtin=(), key: Hint | None = None) -> Hint:
    """A name list (``srcintf``) or reference attribute whose values must exist in ``tables``."""
    child = TableHint({key.name: key}) if key is not None else None
    return Hint(name=name, ref=tuple(tables), builtin=tuple(builtin), child=child)


def _ports(low: str, high: str) -> tuple:
    """A port range attribute pair, FortiOS default 1-65535."""
    return _int(low, 1, 0, 65535), _int(high, 65535, 0, 65535)


def _table(*hints: Hint, **kw) -> TableHint:
    return TableHint({h.name: h for h in hints}, **kw)


# ---- applicability -------------------------------------------------------------------------------

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


INTERFACES = ("system/interface",)
ADDRESSES = ("firewall/address", "firewall/addrgrp")
# Policy and routing interfaces: ports, zones and SD-WAN zones.
INTERFACE_LIKE = ("system/interface", "system/zone", "system/sdwan#zone")

# ---- IPsec ---------------------------------------------------------------------------------------

_PHASE1_COMMON = (
    _f("type", default="static"),
    _f("interface", ref=INTERFACES),
    _f("ike-version", default="1"),
    _ip("remote-gw", applies=_is_static, applies_hint="type static"),
    _ip("local-gw"),
    _f("remotegw-ddns", applies=lambda o, b: o.get("type") == "ddns", applies_hint="type ddns"),
    _int("keylife", 86400, 120, 172800),
    _f("authmethod", default="psk"),
    _f("mode", default="main", applies=_ikev1, applies_hint="ike-version 1"),
    _f("peertype", default="peer"),
    _f("peerid", applies=lambda o, b: o.get("peertype") == "one", applies_hint="peertype one"),
    _f("mode-cfg", default="disable"),
    _f("assign-ip", default="enable", applies=_mode_cfg, applies_hint="mode-cfg enable"),
    _ip("ipv4-start-ip", applies=_mode_cfg, applies_hint="mode-cfg enable"),
    _ip("ipv4-end-ip", applies=_mode_cfg, applies_hint="mode-cfg enable"),
    _ip("ipv4-netmask", "255.255.255.255", applies=_mode_cfg, applies_hint="mode-cfg enable"),
    _f("dhgrp", default="14 5"),
    # Every type: Fortinet's reference ADVPN spoke (static) sets add-route disable (advpn admin guide).
    _f("add-route", default="enable"),
    _f("add-gw-route", default="disable"),
    _f("psksecret", SECRET, ""),
    _f("psksecret-remote", SECRET, ""),
    _int("keepalive", 10, 5, 900),
    _f("nattraversal", default="enable"),
    _f("fragmentation", default="enable"),
    _f("dpd", default="on-demand"),
    _int("dpd-retrycount", 3, 0, 10),
    _f("dpd-retryinterval", default="20"),
    _f("idle-timeout", default="disable"),
    _int("idle-timeoutinterval", 15, 5, 43200),
    _f("localid-type", default="auto"),
    _f("auto-negotiate", default="enable"),
    _int("distance", 15, 1, 255),
    _int("priority", 1, 1, 65535),
    _f("comments", max_len=255),
    _f("npu-offload", default="enable"),
    _f("wizard-type", default="custom"),
    _f("network-overlay", default="disable", applies=_ikev2, applies_hint="ike-version 2"),
    _int("network-id", 0, 0, 255, applies=_ikev2, applies_hint="ike-version 2"),
    _f("transport", default="udp"),
)

_PHASE1_INTERFACE_ONLY = (
    _f("ip-version", default="4"),
    _f("remote-gw6", IPV6, "::"),
    _f("net-device", default="disable"),
    _f("tunnel-search", default="selectors"),
    _f("exchange-interface-ip", default="disable"),
    _ip("exchange-ip-addr4", applies=_exchange_ip_settable, applies_hint="exchange-interface-ip enable"),
    _f("exchange-ip-addr6", IPV6, "::", applies=_exchange_ip_settable,
       applies_hint="exchange-interface-ip enable"),
    _f("exchange-fgt-device-id", default="disable"),
    _f("auto-discovery-shortcuts", default="independent"),
    _int("auto-discovery-offer-interval", 5, 1, 300),
    _f("auto-discovery-crossover", default="allow"),
    _f("encapsulation", default="none"),
    _int("link-cost", 0, 0, 255),
    _f("remote-gw-match", default="any"),
    _ip("default-gw"),
)


def _phase2(phase1_table: str) -> tuple:
    return (
        _f("phase1name", ref=(phase1_table,)),
        _f("proposal", default="aes128-sha1 aes256-sha1 aes128-sha256 aes256-sha256 aes128gcm aes256gcm "
                               "chacha20poly1305"),
        _f("pfs", default="enable"),
        _f("dhgrp", default="14 5"),
        _f("replay", default="enable"),
        _f("add-route", default="phase1"),
        _f("keylife-type", default="seconds"),
        _int("keylifeseconds", 43200, 120, 172800),
        _int("keylifekbs", 5120, 5120, BIG),
        _f("encapsulation", default="tunnel-mode"),
        _f("route-overlap", default="use-new"),
        _f("src-addr-type", default="subnet"),
        _subnet("src-subnet"),
        _ip("src-start-ip"),
        _ip("src-end-ip"),
        _f("src-name", ref=("firewall/address",)),
        _f("dst-addr-type", default="subnet"),
        _subnet("dst-subnet"),
        _ip("dst-start-ip"),
        _ip("dst-end-ip"),
        _f("dst-name", ref=("firewall/address",)),
        _int("protocol", 0, 0, 255),
        _int("src-port", 0, 0, 65535),
        _int("dst-port", 0, 0, 65535),
        _f("comments", max_len=255),
    )


# ---- routing -------------------------------------------------------------------------------------

def _bgp_peer() -> tuple:
    """Attributes shared by BGP ``neighbor`` and ``neighbor-group`` entries."""
    return (
        _f("remote-as", default="0"),
        _f("activate", default="enable"),
        _int("advertisement-interval", 30, 0, 600),
        _int("adv-additional-path", 2, 2, 255),
        _int("connect-timer", BIG, 1, BIG),
        _int("ebgp-multihop-ttl", 255, 1, 255),
        _int("holdtime-timer", BIG, 3, BIG),
        _int("keep-alive-timer", BIG, 0, BIG),
        _f("interface", ref=INTERFACES),
        _f("update-source", ref=INTERFACES),
        _f("route-map-in", ref=("router/route-map",)),
        _f("route-map-out", ref=("router/route-map",)),
        _f("route-map-out-preferable", ref=("router/route-map",)),
        _f("password", SECRET, ""),
        _int("weight", BIG, 0, BIG),
    )


_ACL_RULE = (
    _int("id", 0, 0, BIG),
    _f("action", default="permit"),
    _subnet("prefix", "any", builtin=("any",)),
)

_ROUTE_LISTS = ("router/access-list", "router/prefix-list")

# ---- SD-WAN (system/sdwan): zones, members, health checks, services, neighbors ----------------------

_SDWAN = _table(
    _f("status", default="disable"),
    _f("load-balance-mode", default="source-ip-based"),
    _int("neighbor-hold-down-time", 0, 0, 10000000),
    _int("neighbor-hold-boot-time", 0, 0, 10000000),
    _int("duplication-max-num", 2, 2, 4),
    _child("zone",
           _f("name", max_len=35),
           _f("advpn-health-check", ref=("@health-check",)),
           _f("service-sla-tie-break", default="cfg-order"),
           _int("minimum-sla-meet-members", 1, 1, 255)),
    _child("members",
           _int("seq-num", 0, 0, 512),
           _f("interface", ref=INTERFACES),
           _f("zone", default="virtual-wan-link", ref=("@zone",), builtin=("virtual-wan-link",)),
           _ip("gateway"),
           _ip("preferred-source"),
           _ip("source"),
           _f("gateway6", IPV6, "::"),
           _f("source6", IPV6, "::"),
           _int("cost", 0, 0, BIG),
           _int("weight", 1, 1, 255),
           _int("priority", 1, 1, 65535),
           _int("priority6", 1024, 1, 65535),
           _int("volume-ratio", 1, 1, 255),
           _f("status", default="enable"),
           _int("transport-group", 0, 0, 255),
           _f("comment", max_len=255)),
    _child("health-check",
           _f("name", max_len=35),
           _f("probe-packets", default="enable"),
           _f("addr-mode", default="ipv4"),
           _f("detect-mode", default="active"),
           _f("protocol", default="ping"),
           _f("quality-measured-method", default="half-open"),
           _f("security-mode", default="none"),
           _int("packet-size", 64, 0, 65535),
           _int("ha-priority", 1, 1, 50),
           _f("http-get", default="/"),
           _int("interval", 500, 20, 3600000),
           _int("probe-timeout", 500, 20, 3600000),
           _int("failtime", 5, 1, 3600),
           _int("recoverytime", 5, 1, 3600),
           _int("probe-count", 30, 5, 30),
           _f("diffservcode", default="000000"),
           _f("update-cascade-interface", default="enable"),
           _f("update-static-route", default="enable"),
           _f("embed-measured-health", default="disable"),
           _int("sla-id-redistribute", 0, 0, 32),
           _ip("source"),
           _f("source6", IPV6, "::"),
           _refs("members", "@members"),
           _f("mos-codec", default="g711"),
           _child("sla",
                  _int("id", 0, 1, 32),
                  _f("link-cost-factor", default="latency jitter packet-loss"),
                  _int("latency-threshold", 5, 0, 10000000),
                  _int("jitter-threshold", 5, 0, 10000000),
                  _int("packetloss-threshold", 0, 0, 100),
                  _f("mos-threshold", default="3.6"))),
    _child("service",
           _f("name", max_len=35),
           _f("addr-mode", default="ipv4"),
           _refs("input-device", *INTERFACES),
           _refs("input-zone", "system/sdwan#zone"),
           _f("mode", default="manual"),
           _f("hash-mode", default="round-robin"),
           _f("role", default="standalone"),
           _f("tos", default="0x00"),
           _f("tos-mask", default="0x00"),
           _int("protocol", 0, 0, 255),
           *_ports("start-port", "end-port"),
           *_ports("start-src-port", "end-src-port"),
           _refs("dst", *ADDRESSES),
           _refs("src", *ADDRESSES),
           _refs("health-check", "@health-check"),
           _f("link-cost-factor", default="latency"),
           _int("link-cost-threshold", 10, 0, 10000000),
           _int("hold-down-time", 0, 0, 10000000),
           _f("dscp-forward-tag", default="000000"),
           _f("dscp-reverse-tag", default="000000"),
           _child("sla", _f("health-check", ref=("@health-check",)), _int("id", 0, 1, 32)),
           _refs("priority-members", "@members"),
           _refs("priority-zone", "@zone"),
           _f("status", default="enable"),
           _f("sla-compare-method", default="order"),
           _f("tie-break", default="zone"),
           _f("use-shortcut-sla", default="enable"),
           _f("shortcut", default="enable"),
           _f("comment", max_len=255)),
    _child("neighbor",
           _ip("ip"),
           _refs("member", "@members"),
           _int("minimum-sla-meet-members", 1, 1, 255),
           _f("mode", default="sla"),
           _f("role", default="standalone"),
           _f("route-metric", default="preferable"),
           _f("health-check", ref=("@health-check",)),
           _int("sla-id", 0, 0, BIG)),
)

TABLES: dict[str, TableHint] = {
    "vpn.ipsec/phase1-interface": _table(*_PHASE1_COMMON, *_PHASE1_INTERFACE_ONLY, max_mkey_len=15),
    "vpn.ipsec/phase1": _table(*_PHASE1_COMMON, max_mkey_len=35),
    "vpn.ipsec/phase2-interface": _table(*_phase2("vpn.ipsec/phase1-interface"),
                                         _f("auto-discovery-sender", default="phase1"),
                                         _f("auto-discovery-forwarder", default="phase1"), max_mkey_len=35),
    "vpn.ipsec/phase2": _table(*_phase2("vpn.ipsec/phase1"), _f("use-natip", default="enable"),
                               _f("selector-match", default="auto"), max_mkey_len=35),
    "system/interface": _table(
        _f("vdom", default="root"),
        _f("type", default="vlan"),
        _f("interface", ref=INTERFACES),
        _f("mode", default="static"),
        _subnet("ip"),
        _subnet("remote-ip", applies=lambda o, b: o.get("type") == "tunnel", applies_hint="type tunnel"),
        _f("status", default="up"),
        _f("role", default="undefined"),
        _f("alias", max_len=25),
        _f("description", max_len=255),
        _int("vlanid", 0, 0, 4094),
        _int("mtu", 1500, 68, 9216),
        _int("tcp-mss", 0, 0, 65535),
        _int("distance", 5, 1, 255),
        _int("priority", 1, 1, 65535),
        _f("macaddr", default="00:00:00:00:00:00"),
        _f("speed", default="auto"),
        _int("snmp-index", 0, 0, 2147483647),
        max_mkey_len=15),
    "system/zone": _table(
        _f("name", max_len=35),
        _f("intrazone", default="deny"),
        _refs("interface", *INTERFACES, key=_f("interface-name")),
        _f("description", max_len=127)),
    "system/sdwan": _SDWAN,
    "system/global": _table(
        _f("hostname", max_len=35),
        _f("alias", max_len=35),
        _int("admintimeout", 5, 1, 480),
        _int("admin-lockout-threshold", 3, 1, 10),
        _int("admin-lockout-duration", 60, 1, 2147483647),
        _int("admin-sport", 443, 1, 65535),
        _int("admin-port", 80, 1, 65535),
        _f("admin-https-redirect", default="enable"),
        _f("timezone", default="04"),
        _f("language", default="english"),
        _f("vdom-mode", default="no-vdom"),
        _f("gui-theme", default="jade"),
        _f("strong-crypto", default="enable"),
        scope="global"),
    "system/settings": _table(
        _f("status", default="enable"),
        _f("opmode", default="nat"),
        _int("ecmp-max-paths", 255, 1, 255),
        _f("v4-ecmp-mode", default="source-ip-based"),
        _f("comments", max_len=255),
        # ADVPN: sent in IKE and shown by the peer as `remote_location`.
        _ip("location-id")),
    "router/static": _table(
        _int("seq-num", 0, 0, BIG),
        _f("status", default="enable"),
        _subnet("dst"),
        _ip("gateway"),
        _int("distance", 10, 1, 255),
        _int("weight", 0, 0, 255),
        _int("priority", 1, 1, 65535),
        _f("device", ref=INTERFACES),
        _f("comment", max_len=255),
        _f("dstaddr", ref=("firewall/address",)),
        _int("vrf", 0, 0, 251)),
    "router/bgp": _table(
        _f("as", default="0"),
        _ip("router-id"),
        _int("keepalive-timer", 60, 0, 65535),
        _int("holdtime-timer", 180, 3, 65535),
        _int("additional-path-select", 2, 2, 255),
        _f("log-neighbour-changes", default="enable"),
        _f("network-import-check", default="enable"),
        _int("distance-external", 20, 1, 255),
        _int("distance-internal", 200, 1, 255),
        _int("distance-local", 200, 1, 255),
        _int("scan-time", 60, 5, 60),
        _f("recursive-inherit-priority", default="disable"),
        _f("tag-resolve-mode", default="disable"),
        _child("neighbor", _f("ip"), *_bgp_peer()),
        _child("neighbor-group", _f("name"), *_bgp_peer()),
        _child("neighbor-range",
               _int("id", 0, 0, BIG),
               _subnet("prefix"),
               _int("max-neighbor-num", 0, 0, BIG),
               _f("neighbor-group", ref=("@neighbor-group",))),
        _child("network",
               _int("id", 0, 0, BIG),
               _subnet("prefix"),
               _f("network-import-check", default="global"),
               _f("route-map", ref=("router/route-map",)))),
    "router/policy": _table(
        _int("seq-num", 0, 1, 65535),
        _refs("input-device", *INTERFACES),
        _refs("src", key=_subnet("subnet")),
        _refs("srcaddr", *ADDRESSES),
        _refs("dst", key=_subnet("subnet")),
        _refs("dstaddr", *ADDRESSES),
        _f("action", default="permit"),
        _int("protocol", 0, 0, 255),
        *_ports("start-port", "end-port"),
        *_ports("start-source-port", "end-source-port"),
        _ip("gateway"),
        _f("output-device", ref=INTERFACES),
        _f("tos", default="0x00"),
        _f("tos-mask", default="0x00"),
        _f("status", default="enable"),
        _f("comments", max_len=255),
        movable=True),
    "router/route-map": _table(
        _f("name", max_len=35),
        _f("comments", max_len=127),
        _child("rule",
               _int("id", 0, 0, BIG),
               _f("action", default="permit"),
               _f("match-community", ref=("router/community-list",)),
               _f("match-ip-address", ref=_ROUTE_LISTS),
               _f("match-ip-nexthop", ref=_ROUTE_LISTS),
               _f("match-interface", ref=INTERFACES),
               _f("match-origin", default="none"),
               _f("match-route-type", default="none"),
               _f("set-aspath-action", default="prepend"),
               _ip("set-aggregator-ip"),
               _f("set-community-delete", ref=("router/community-list",)),
               _ip("set-ip-nexthop"),
               _ip("set-ip-prefsrc"),
               _ip("set-originator-id"),
               _f("set-metric-type", default="none"),
               _f("set-origin", default="none"))),
    "router/community-list": _table(
        _f("name", max_len=35),
        _f("type", default="standard"),
        _child("rule", _int("id", 0, 0, BIG), _f("action", default="permit"))),
    "router/access-list": _table(
        _f("name", max_len=35),
        _f("comments", max_len=127),
        _child("rule", *_ACL_RULE, _f("wildcard", default="0.0.0.0 0.0.0.0"))),
    "router/prefix-list": _table(
        _f("name", max_len=35),
        _f("comments", max_len=127),
        _child("rule", *_ACL_RULE, _int("ge", 0, 0, 32), _int("le", 0, 0, 32))),
    "firewall/address": _table(
        _f("type", default="ipmask"),
        _subnet("subnet"),
        _ip("start-ip"),
        _ip("end-ip"),
        _f("fqdn", max_len=255),
        _f("associated-interface", ref=INTERFACES),
        _int("color", 0, 0, 32),
        _f("comment", max_len=255),
        max_mkey_len=79),
    "firewall/addrgrp": _table(
        _f("type", default="default"),
        _f("category", default="default"),
        _refs("member", *ADDRESSES),
        _refs("exclude-member", *ADDRESSES),
        _f("comment", max_len=255),
        _int("color", 0, 0, 32),
        max_mkey_len=79),
    "firewall/vip": _table(
        _int("id", 0, 0, 65535),
        _f("comment", max_len=255),
        _f("type", default="static-nat"),
        _f("extip", default="0.0.0.0"),
        _f("extintf", default="any", ref=INTERFACES, builtin=("any",)),
        _f("arp-reply", default="enable"),
        _f("status", default="enable"),
        _f("protocol", default="tcp"),
        _int("color", 0, 0, 32),
        max_mkey_len=79),
    "firewall/policy": _table(
        _int("policyid", 0, 0, 4294967294),
        _f("name", max_len=35),
        _f("status", default="enable"),
        _refs("srcintf", *INTERFACE_LIKE, builtin=("any",)),
        _refs("dstintf", *INTERFACE_LIKE, builtin=("any",)),
        _refs("srcaddr", *ADDRESSES, builtin=("all", "none")),
        _refs("dstaddr", *ADDRESSES, "firewall/vip", builtin=("all", "none")),
        _f("action", default="deny"),
        _f("schedule", default="always"),
        _f("logtraffic", default="utm"),
        _f("inspection-mode", default="flow"),
        _f("session-ttl", default="0"),
        _f("vpntunnel", ref=("vpn.ipsec/phase1",)),
        _f("comments", max_len=1023),
        movable=True),
}

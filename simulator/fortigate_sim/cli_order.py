"""The order ``show`` prints attributes in, for the tables the ADVPN roles configure.

FortiOS prints a table's attributes in its own fixed order, not in the order they were set. The
lists below keep the order of Fortinet's administration-guide configuration examples (cited per
table); attributes those examples do not show sit where FortiOS's CLI reference places them
relative to the shown ones. Attributes not listed follow, in schema order. Child tables (``config
neighbor`` …) are printed after all attributes, in the order FortiOS uses for ``router bgp``.
"""

from __future__ import annotations

from typing import Iterable

# Administration Guide 7.0/7.4 "ADVPN with OSPF/RIP as the routing protocol"
# (https://docs.fortinet.com/document/fortigate/7.4.3/administration-guide/677459): a hub phase1 shows
# type, interface, peertype, net-device, proposal, add-route, dpd, auto-discovery-sender, psksecret,
# dpd-retryinterval; VPN-wizard tunnels end with comments, wizard-type, remote-gw, psksecret.
PHASE1 = [
    "type", "interface", "ip-version", "ike-version", "local-gw", "keylife", "authmethod", "mode", "peertype",
    "peerid", "net-device", "exchange-interface-ip", "exchange-ip-addr4", "exchange-ip-addr6", "mode-cfg",
    "assign-ip", "ipv4-start-ip", "ipv4-end-ip", "ipv4-netmask", "proposal", "add-route", "add-gw-route",
    "localid", "localid-type", "auto-negotiate", "fragmentation", "dpd", "comments", "npu-offload", "dhgrp",
    "wizard-type", "idle-timeout", "idle-timeoutinterval", "auto-discovery-sender", "auto-discovery-receiver",
    "auto-discovery-forwarder", "auto-discovery-psk", "auto-discovery-shortcuts", "auto-discovery-offer-interval",
    "auto-discovery-crossover", "encapsulation", "nattraversal", "network-overlay", "network-id", "link-cost",
    "exchange-fgt-device-id", "transport", "keepalive", "distance", "priority", "remote-gw", "remote-gw6",
    "monitor", "psksecret", "psksecret-remote", "dpd-retrycount", "dpd-retryinterval",
]

# Same guide: phase1name, proposal, then (site-to-site examples) auto-negotiate, src-subnet, dst-subnet.
PHASE2 = [
    "phase1name", "proposal", "pfs", "dhgrp", "replay", "keepalive", "auto-negotiate", "add-route",
    "auto-discovery-sender", "auto-discovery-forwarder", "keylifeseconds", "keylifekbs", "keylife-type",
    "encapsulation", "protocol", "src-addr-type", "src-subnet", "src-name", "src-start-ip", "src-end-ip",
    "src-port", "dst-addr-type", "dst-subnet", "dst-name", "dst-start-ip", "dst-end-ip", "dst-port",
]

# Administration Guide 7.0.3 "BGP multiple path support"
# (https://docs.fortinet.com/document/fortigate/7.0.3/administration-guide/773406): as, router-id,
# ibgp-multipath, additional-path, additional-path-select; a neighbor-group shows
# capability-default-originate, remote-as, additional-path, adv-additional-path, route-reflector-client;
# a neighbor-range prefix, neighbor-group; child tables neighbor, neighbor-group, neighbor-range, network.
BGP = [
    "as", "router-id", "keepalive-timer", "holdtime-timer", "ebgp-multipath", "ibgp-multipath",
    "recursive-next-hop", "network-import-check", "additional-path", "additional-path-select", "graceful-restart",
    "distance-external", "distance-internal", "distance-local",
    "neighbor", "neighbor-group", "neighbor-range", "network", "redistribute",
]
NEIGHBOR = [
    "ip", "name", "advertisement-interval", "activate", "bfd", "capability-default-originate",
    "ebgp-enforce-multihop", "next-hop-self", "soft-reconfiguration", "shutdown", "description", "interface",
    "remote-as", "local-as", "keep-alive-timer", "holdtime-timer", "connect-timer", "update-source",
    "additional-path", "adv-additional-path", "route-reflector-client", "route-map-in", "route-map-out",
    "password", "weight",
]
NEIGHBOR_RANGE = ["id", "prefix", "max-neighbor-num", "neighbor-group"]
NETWORK = ["id", "prefix", "backdoor", "route-map"]

# Same ADVPN examples: a static route shows gateway before device; a physical port alias then ip;
# FortiOS prints vdom first and a tunnel's remote-ip before its parent interface.
STATIC = ["seq-num", "status", "dst", "src", "gateway", "distance", "weight", "priority", "device", "comment",
          "blackhole"]
INTERFACE = ["vdom", "alias", "ip", "allowaccess", "type", "role", "remote-ip", "description", "interface",
             "vlanid"]
# FortiOS firewall policy: name, srcintf, dstintf, action, srcaddr, dstaddr, schedule, service, nat.
POLICY = ["policyid", "name", "uuid", "srcintf", "dstintf", "action", "srcaddr", "dstaddr", "schedule", "service",
          "logtraffic", "nat", "comments"]

ORDERS = {
    "vpn.ipsec/phase1-interface": PHASE1, "vpn.ipsec/phase1": PHASE1,
    "vpn.ipsec/phase2-interface": PHASE2, "vpn.ipsec/phase2": PHASE2,
    "router/bgp": BGP, "router/bgp/neighbor": NEIGHBOR, "router/bgp/neighbor-group": NEIGHBOR,
    "router/bgp/neighbor-range": NEIGHBOR_RANGE, "router/bgp/network": NETWORK,
    "router/static": STATIC, "system/interface": INTERFACE, "firewall/policy": POLICY,
}
_RANKS = {table: {attr: rank for rank, attr in enumerate(order)} for table, order in ORDERS.items()}


def ordered(table_key: str, attributes: Iterable[str]) -> list[str]:
    """``attributes`` in the order ``show`` prints them for ``table_key``."""
    ranks = _RANKS.get(table_key)
    names = list(attributes)
    if ranks is None:
        return names
    unlisted = len(ranks)
    position = {name: index for index, name in enumerate(names)}
    return sorted(names, key=lambda name: (ranks.get(name, unlisted), position[name]))

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateway-facts contract: every key the parser returns, its type and where it comes from.

One definition (pure data, no Ansible imports). The parser takes its key lists from here;
``tools/gateway_facts_docs.py`` writes the returned-value docs of the filter and of the facts
module and the README tables from it, and a unit test fails when any of them disagrees, as
Arista AVD derives its documentation from its schema fragments.
"""

from __future__ import annotations


class Fact:
    """One returned key: ``kind`` is ``str``, ``int``, ``bool``, ``dict`` or ``list`` (null is
    always allowed); ``description`` uses Ansible doc markup (``C()``)."""

    __slots__ = ("key", "kind", "description")

    def __init__(self, key, kind, description):
        self.key = key
        self.kind = kind
        self.description = description


class Row:
    """Keys read from one output line: the README shows them as one row (Markdown ``line`` and ``example``)."""

    __slots__ = ("line", "example", "facts")

    def __init__(self, line, example, *facts):
        self.line = line
        self.example = example
        self.facts = facts


GATEWAY_ROWS = (
    Row("`vd: root/0`", "`root`, `0`",
        Fact("vdom", "str", "VDOM name, from C(vd: root/0)."),
        Fact("vdom_index", "int", "VDOM index, from C(vd: root/0).")),
    Row("`name: HUB_0`", "`HUB_0`",
        Fact("name", "str", "Gateway (phase1) name; dial-up instances carry a suffix such as C(HUB_0).")),
    Row("`version: 1`", "`1`",
        Fact("ike_version", "int", "IKE version, from C(version).")),
    Row("`interface: port1 3`", "`port1`, `3` (`\"\"` when only the index is printed)",
        Fact("interface", "str", "Outgoing interface name (empty string when FortiOS prints only the index)."),
        Fact("interface_index", "int", "Outgoing interface index.")),
    Row("`addr: 10.47.2.86:500 -> 10.47.1.80:500`", "IPv6 keeps its colons",
        Fact("local_addr", "str", "Local underlay address (IPv6 keeps its colons)."),
        Fact("local_port", "int", "Local IKE port (500, or 4500 with NAT-T)."),
        Fact("remote_addr", "str", "Remote underlay address."),
        Fact("remote_port", "int", "Remote IKE port.")),
    Row("`transport: UDP`", "`UDP`, `TCP`",
        Fact("transport", "str", "C(UDP) or C(TCP) (IKE over TCP), when printed.")),
    Row("`tun_id: 10.47.1.80/::10.47.1.80`", "",
        Fact("tun_id", "str", "IPv4 tunnel id."),
        Fact("tun_id6", "str", "IPv6 tunnel id.")),
    Row("`remote_location: 0.0.0.0`", "",
        Fact("remote_location", "str", "Remote location as printed.")),
    Row("`network-id: 0`", "`0`",
        Fact("network_id", "int", "Network id (C(network-overlay)).")),
    Row("`virtual-interface-addr: 1.1.1.2 -> 0.0.0.0`", "",
        Fact("virtual_interface_addr_local", "str", "Local overlay address."),
        Fact("virtual_interface_addr_peer", "str", "Overlay address the peer sent, C(0.0.0.0) when it sent none.")),
    Row("derived", "true when the peer address is present and not `0.0.0.0`; null when the line is absent",
        Fact("overlay_exchanged", "bool",
             "True when the peer's overlay address is present and not C(0.0.0.0); null when the line is absent.")),
    Row("`created: 2028s ago`", "`2028`",
        Fact("created_seconds", "int", "Seconds since the gateway was created.")),
    Row("`IKE SA: created 1/2  established 1/2  time 0/1505/3010 ms`",
        "`{created_current: 1, created_total: 2, established_current: 1, established_total: 2, "
        "time_ms: {min: 0, avg: 1505, max: 3010}}`; `established_*` null when the line has no established part",
        Fact("ike_sa", "dict",
             "IKE SA counters C(created_current), C(created_total), C(established_current), C(established_total) "
             "and C(time_ms) (C(min), C(avg), C(max)); the established and time parts are null when the line has none."),
        Fact("ipsec_sa", "dict", "IPsec SA counters, same shape as C(ike_sa).")),
    Row("`auto-discovery: 1 sender`, `peer-id: …`, `peer-SN: …`", "raw values",
        Fact("auto_discovery", "str", "Raw ADVPN auto-discovery value, for example C(1 sender)."),
        Fact("peer_id", "str", "Peer id as printed."),
        Fact("peer_sn", "str", "Peer serial number as printed.")),
    Row("any other `key: value` line of the gateway", "snake_case keys (`peer-id-auth` becomes `peer_id_auth`)",
        Fact("extra", "dict", "Any other C(key: value) line of the gateway, with snake_case keys.")),
    Row("each `id/spi:` block", "list, see the IKE SA keys",
        Fact("ike_sas", "list", "One entry per C(id/spi) block (IKE SA), in output order.")),
)

IKE_SA_ROWS = (
    Row("`id/spi: 42 3a58…/3863…`", "`42`, `3a58…`, `3863…` (FortiOS prints the initiator's SPI first)",
        Fact("id", "int", "SA id, from C(id/spi)."),
        Fact("spi_initiator", "str", "Initiator's SPI (first half of C(id/spi))."),
        Fact("spi_responder", "str", "Responder's SPI (second half of C(id/spi)).")),
    Row("`direction: initiator`", "`initiator`, `responder`",
        Fact("direction", "str", "C(initiator) or C(responder).")),
    Row("`status: established 2028-2028s ago = 0ms`", "`established`, `connecting`; the whole value",
        Fact("status", "str", "First word of the status, for example C(established) or C(connecting)."),
        Fact("status_raw", "str", "The whole status value.")),
    Row("`proposal: aes128-sha256`", "`aes128-sha256`",
        Fact("proposal", "str", "Negotiated proposal.")),
    Row("`lifetime/rekey: 86400/84071`", "`86400`, `84071`",
        Fact("lifetime", "int", "SA lifetime in seconds."),
        Fact("rekey", "int", "Seconds until rekey.")),
    Row("`DPD sent/recv: 000000b1/00000000`", "`177`, `0` (decoded from hexadecimal)",
        Fact("dpd_sent", "int", "DPD messages sent (decoded from hexadecimal)."),
        Fact("dpd_recv", "int", "DPD messages received (decoded from hexadecimal).")),
    Row("any other `key: value` line of the SA", "a `peer-id` repeated inside the SA lands here",
        Fact("extra", "dict", "Any other C(key: value) line of the SA, snake_case keys; key material is never kept.")),
)

GATEWAY_FACTS = tuple(fact for row in GATEWAY_ROWS for fact in row.facts)
IKE_SA_FACTS = tuple(fact for row in IKE_SA_ROWS for fact in row.facts)
GATEWAY_KEYS = tuple(fact.key for fact in GATEWAY_FACTS)
IKE_SA_KEYS = tuple(fact.key for fact in IKE_SA_FACTS)


def keys_of_kind(facts, kind):
    """The keys of ``facts`` whose values are of ``kind`` (``int``...), for checks and tests."""
    return tuple(fact.key for fact in facts if fact.kind == kind)

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses as FortiOS writes them (pure functions, no Ansible imports).

FortiOS stores an IPv4 address with its mask as ``a.b.c.d m.m.m.m`` whatever the user typed
(``a.b.c.d/nn``), and IPv6 in compressed form. The configuration engine compares REST values
and the cliconf plugin compares CLI lines through the same functions, so both treat the two
spellings of one address as equal.
"""

from __future__ import annotations

import ipaddress
import re

_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DOTTED = r"\d{1,3}(?:\.\d{1,3}){3}"
# a.b.c.d/nn, a.b.c.d/m.m.m.m (CLI tokens) or a.b.c.d m.m.m.m (how FortiOS returns it).
_IPV4_WITH_MASK = re.compile(r"^(%s)(?:/(\d{1,2}|%s)|\s+(%s))$" % (_DOTTED, _DOTTED, _DOTTED))


def ipv4_mask_form(text):
    """``a.b.c.d m.m.m.m`` for an IPv4 address with a prefix length or a mask, else None."""
    match = _IPV4_WITH_MASK.match(text)
    if match is None:
        return None
    try:
        network = ipaddress.IPv4Interface("%s/%s" % (match.group(1), match.group(2) or match.group(3)))
    except ValueError:
        return None
    return "%s %s" % (network.ip, network.netmask)


def _ipv6(value):
    """The compressed lower-case form of an IPv6 address or prefix; None when it is not one."""
    try:
        return str(ipaddress.ip_interface(value) if "/" in value else ipaddress.IPv6Address(value))
    except ValueError:
        return None


def normal_address(value):
    """An IPv6 address or prefix in compressed form (as FortiOS stores it); anything else as is."""
    return (_ipv6(value) or value) if ":" in value else value


def comparable_address(value):
    """Canonical ``a.b.c.d m.m.m.m`` for IPv4 address/mask forms, compressed IPv6; None otherwise."""
    if ":" in value and " " not in value:
        return _ipv6(value)
    return ipv4_mask_form(value)


def is_ipv4(value):
    if not isinstance(value, str) or not _IPV4.match(value):
        return False
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def is_ipv6(value):
    """A plain IPv6 address: no prefix length and no zone index (``%port1``), as FortiOS writes them."""
    if not isinstance(value, str) or "%" in value:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def address_problem(value, family):
    """Why ``value`` cannot be an overlay address of IPv``family`` to send to a peer, or None.

    FortiOS's ``ipv4-address``/``ipv6-address`` types take a plain address, without prefix
    length or zone index (Python would accept ``fe80::1%port1``; FortiOS has no such syntax).
    The peer installs a host route to the address it receives, so it must be unicast.
    """
    if family == 6 and "%" in value:
        return "an address with a zone index, which FortiOS addresses do not have"
    if not (is_ipv4(value) if family == 4 else is_ipv6(value)):
        return "not an IPv%d address" % family
    if ipaddress.ip_address(value).is_multicast:
        return "a multicast address; the peer installs a route to this address, so give a unicast one"
    return None

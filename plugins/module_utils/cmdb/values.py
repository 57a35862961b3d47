# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalising and comparing FortiOS CMDB values (pure functions, no Ansible imports).

FortiOS reads values back in its own form: ``10.0.0.1/32`` comes back as
``10.0.0.1 255.255.255.255``, a list of options as one space-separated string, numbers as
JSON numbers or as strings depending on the attribute, secrets as ``ENC <blob>``. Comparing
the user's value with the device's therefore goes through :func:`normalise`, so a value the
device already holds in another spelling is not rewritten.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.overlay.fortigate.plugins.module_utils.common.secret_names import MASK, is_secret_name

# Space-separated options FortiOS treats as a set; other multi-value strings keep their
# order (a proposal list is a preference order).
UNORDERED_ATTRIBUTES = frozenset(("allowaccess", "dhgrp", "member", "members"))

_IPV4_PREFIX = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})/(\d{1,2})$")
_IPV4_MASK = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})\s+(\d{1,3}(?:\.\d{1,3}){3})$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def attribute_name(key):
    """User spelling (``exchange_ip_addr4``) to FortiOS spelling (``exchange-ip-addr4``)."""
    return key.replace("_", "-")


def _ipv6(value):
    """The compressed lower-case form of an IPv6 address or prefix; None when it is not one."""
    try:
        return str(ipaddress.ip_interface(value) if "/" in value else ipaddress.IPv6Address(value))
    except ValueError:
        return None


def normal_address(value):
    """An IPv6 address or prefix in compressed form (as FortiOS stores it); anything else as is."""
    return (_ipv6(value) or value) if ":" in value else value


def _address(value):
    """Canonical ``a.b.c.d m.m.m.m`` for IPv4 address/prefix forms, compressed IPv6; None otherwise."""
    if ":" in value and " " not in value:
        return _ipv6(value)
    match = _IPV4_PREFIX.match(value) or _IPV4_MASK.match(value)
    if match is None:
        return None
    try:
        network = ipaddress.IPv4Interface("%s/%s" % match.groups())
    except ValueError:
        return None
    return "%s %s" % (network.ip, network.netmask)


def normalise(attribute, value):
    """A comparable form of ``value`` for ``attribute``.

    Lists of names become sorted tuples, lists of dicts sorted tuples of normalised items,
    addresses their mask form, numbers strings, multi-value strings token tuples.
    """
    if isinstance(value, bool):
        return "enable" if value else "disable"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, dict):
        return tuple(sorted(
            (attribute_name(k), normalise(attribute_name(k), v)) for k, v in value.items() if k != "q_origin_key"
        ))
    if isinstance(value, (list, tuple)):
        if all(isinstance(item, dict) for item in value):
            return tuple(sorted(normalise(attribute, item) for item in value))
        return normalise(attribute, " ".join(str(item) for item in value))
    text = str(value).strip()
    address = _address(text)
    if address is not None:
        return address
    tokens = text.split()
    if len(tokens) > 1:
        return tuple(sorted(tokens)) if attribute in UNORDERED_ATTRIBUTES else tuple(tokens)
    return text


def same(attribute, wanted, current):
    """True when the device value ``current`` already is the user value ``wanted``.

    For a list of dicts (a child table such as ``srcintf``) only the keys the user used are
    compared, so attributes the device adds to each entry do not count as a difference.
    """
    if isinstance(wanted, list) and wanted and all(isinstance(item, dict) for item in wanted):
        if not isinstance(current, list):
            return False
        keys = {attribute_name(k) for item in wanted for k in item}
        trimmed = [{k: v for k, v in item.items() if k in keys} for item in current if isinstance(item, dict)]
        return normalise(attribute, wanted) == normalise(attribute, trimmed)
    return normalise(attribute, wanted) == normalise(attribute, current)


def to_device(attribute, value):
    """The JSON value to send for a user value (booleans become enable/disable)."""
    if isinstance(value, bool):
        return "enable" if value else "disable"
    if isinstance(value, dict):
        return {attribute_name(k): to_device(attribute_name(k), v) for k, v in value.items()}
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value):
            return [to_device(attribute, item) for item in value]
        return " ".join(str(item) for item in value)
    return value


def mask(attributes, also=()):
    """A copy of a dict of attributes with secret values replaced by a mask (recursively).

    ``also`` names attributes to treat as secret besides the known ones (those a task gave as secrets).
    """
    if isinstance(attributes, dict):
        return {
            k: (MASK if (is_secret_name(k) or k in also) and v not in (None, "") else mask(v, also))
            for k, v in attributes.items()
        }
    if isinstance(attributes, list):
        return [mask(item, also) for item in attributes]
    return attributes


def secret_paths(value, path):
    """Where secret attributes hide in a nested config value, as ``path.key`` / ``path[0].key`` strings."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = "%s.%s" % (path, key)
            if is_secret_name(key):
                found.append(where)
            found += secret_paths(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += secret_paths(item, "%s[%d]" % (path, index))
    return found


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

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

from ansible_collections.overlay.fortigate.plugins.module_utils.common.addresses import comparable_address
from ansible_collections.overlay.fortigate.plugins.module_utils.common.secret_names import MASK, is_secret_name

# Space-separated options FortiOS treats as a set; other multi-value strings keep their
# order (a proposal list is a preference order).
UNORDERED_ATTRIBUTES = frozenset(("allowaccess", "dhgrp", "member", "members"))


def attribute_name(key):
    """User spelling (``exchange_ip_addr4``) to FortiOS spelling (``exchange-ip-addr4``)."""
    return key.replace("_", "-")


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
    address = comparable_address(text)
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

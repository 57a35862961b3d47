# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FortiOS CLI text of a device's objects: what a FortiManager user would review or paste.

Objects of one CMDB path share one ``config`` block, in the order the path first appears; member
paths (``router/bgp/neighbor``) become child blocks of their parent (``config router bgp`` /
``config neighbor``). Values are written as FortiOS ``show`` writes them: names quoted, options
and addresses bare. A pre-shared key is never known here; its line reads ``<psk from vault>``.
"""

from __future__ import annotations

from . import names

INDENT = "    "
# Attributes whose values FortiOS `show` prints in double quotes (names and free text).
QUOTED = frozenset((
    "vdom", "interface", "description", "comments", "comment", "name", "phase1name", "update-source",
    "neighbor-group", "schedule", "srcintf", "dstintf", "srcaddr", "dstaddr", "service",
))


def _quote(text):
    return '"%s"' % str(text).replace("\\", "\\\\").replace('"', '\\"')


def _value(attribute, value):
    if isinstance(value, list):
        return " ".join(_quote(item["name"] if isinstance(item, dict) else item) for item in value)
    if attribute in QUOTED:
        return _quote(value)
    return str(value)


def _edit_key(mkey):
    return str(mkey) if isinstance(mkey, int) else _quote(mkey)


def _settings(item, depth):
    """The ``set`` lines of one object; the secret placeholder follows ``proposal`` (as in the reference)."""
    lines = []
    secrets = item.get("secret_refs") or {}
    for attribute, value in item["config"].items():
        lines.append("%sset %s %s" % (INDENT * depth, attribute, _value(attribute, value)))
        if attribute == "proposal":
            lines += ["%sset %s %s" % (INDENT * depth, name, names.PSK_PLACEHOLDER) for name in secrets]
            secrets = {}
    lines += ["%sset %s %s" % (INDENT * depth, name, names.PSK_PLACEHOLDER) for name in secrets]
    return lines


def _entries(items, depth):
    lines = []
    for item in items:
        lines.append("%sedit %s" % (INDENT * depth, _edit_key(item["mkey"])))
        lines += _settings(item, depth + 1)
        lines.append("%snext" % (INDENT * depth))
    return lines


def _split(path):
    """``router/bgp/neighbor`` -> (``router/bgp``, ``neighbor``); ``vpn.ipsec/phase1-interface`` -> (it, None)."""
    parts = path.split("/")
    if len(parts) > 2:
        return "/".join(parts[:2]), "/".join(parts[2:])
    return path, None


def _config_words(path):
    return path.replace(".", " ").replace("/", " ")


def render(objects):
    """CLI text of ``objects`` (plan objects: path, mkey, config, secret_refs)."""
    blocks = {}  # top path -> {"own": [items], "children": {child: [items]}}
    for item in objects:
        top, child = _split(item["path"])
        block = blocks.setdefault(top, {"own": [], "children": {}})
        if child is None:
            block["own"].append(item)
        else:
            block["children"].setdefault(child, []).append(item)
    lines = []
    for top, block in blocks.items():
        lines.append("config %s" % _config_words(top))
        singleton = [item for item in block["own"] if "mkey" not in item]
        for item in singleton:
            lines += _settings(item, 1)
        lines += _entries([item for item in block["own"] if "mkey" in item], 1)
        for child, items in block["children"].items():
            lines.append("%sconfig %s" % (INDENT, _config_words(child)))
            lines += _entries(items, 2)
            lines.append("%send" % INDENT)
        lines.append("end")
    return "\n".join(lines) + "\n"

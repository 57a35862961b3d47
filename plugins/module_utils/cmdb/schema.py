# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the device's own schema (``GET <table>?action=schema``) says about a CMDB path.

FortiOS serves the schema of every top-level table (``group/table``), with its child tables
nested under ``children``; a member path such as ``router/bgp/neighbor`` is found by walking
down from ``router/bgp``. One read per table serves a whole task (:class:`SchemaCache`).
"""

from __future__ import annotations

import difflib

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbError
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import attribute_name


class TableSchema:
    """One table or singleton: its key (None for a singleton) and its attributes.

    ``singleton`` is None when the device answered without a usable schema.
    """

    def __init__(self, path, node):
        self.path = path
        self.mkey = node.get("mkey") or None
        self.singleton = (self.mkey is None and node.get("category") != "table") if node else None
        self.mkey_type = node.get("mkey_type")
        children = node.get("children")
        self.children = children if isinstance(children, dict) else {}
        key = self.children.get(self.mkey) if self.mkey else None
        self.mkey_size = key.get("size") if isinstance(key, dict) and isinstance(key.get("size"), int) else None

    def unknown_attributes(self, attributes, where):
        """``(where, name, closest names)`` for every attribute the device does not have, child tables too."""
        if not self.children:
            return []  # a schema without attributes cannot judge names
        found = []
        for name, value in attributes.items():
            child = self.children.get(attribute_name(name))
            if child is None:
                found.append((where, name, difflib.get_close_matches(attribute_name(name), list(self.children), 3, 0.6)))
            elif isinstance(child, dict) and child.get("children") and isinstance(value, list):
                table = TableSchema("%s %s" % (self.path, attribute_name(name)), child)
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        found += table.unknown_attributes(item, "%s.%s[%d]" % (where, name, index))
        return found


class SchemaCache:
    """Schemas read through ``client``, once per top-level table for the life of the cache (a task)."""

    def __init__(self, client):
        self._client = client
        self._tables = {}

    def get(self, path):
        """The :class:`TableSchema` of ``path``; None when the device has no such table or member path."""
        segments = path.split("/")
        top = "/".join(segments[:2])
        if top not in self._tables:
            self._tables[top] = self._read(top)
        node = self._tables[top]
        for name in segments[2:]:
            child = (node or {}).get("children", {}).get(name)
            if not isinstance(child, dict) or child.get("category") != "table":
                return None
            node = child
        return TableSchema(path, node) if node is not None else None

    def _read(self, top):
        try:
            envelope = self._client.request("GET", top, action="schema")
        except CmdbError as exc:
            if exc.status in (404, 405) or exc.code == -3:
                return None
            raise
        results = envelope.get("results")
        return results if isinstance(results, dict) else {}

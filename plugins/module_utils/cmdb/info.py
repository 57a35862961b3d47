# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the cmdb_info module: read whole CMDB tables (one GET each), secrets masked."""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbError
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import mask
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError


def read_table(client, table, index):
    """The entries of one table (a list; a singleton gives its one object), secrets masked."""
    path = (table.get("path") or "").strip("/")
    if not path:
        raise ReconcileError("tables[%d].path is missing; give a CMDB path such as vpn.ipsec/phase1-interface" % index)
    try:
        envelope = client.request("GET", path, filter=table.get("filter") or None)
    except CmdbError as exc:
        if exc.status in (404, 405) or exc.code == -3:
            raise ReconcileError(
                "tables[%d].path %r: the device has no such CMDB table; give it as on the REST API, for example "
                "vpn.ipsec/phase1-interface or router/bgp/neighbor" % (index, path)) from None
        raise
    results = envelope.get("results")
    entries = [results] if isinstance(results, dict) else [entry for entry in results or [] if isinstance(entry, dict)]
    return path, mask(entries)


def read_tables(client, params):
    tables = {}
    for index, table in enumerate(params["tables"]):
        path, entries = read_table(client, table, index)
        tables[path] = entries
    return {"changed": False, "tables": tables}

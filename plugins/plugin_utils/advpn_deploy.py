# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the advpn_deploy role computes on the controller (pure functions, no Ansible imports).

- :func:`module_objects`: a host's ``advpn_plan.objects`` as ``cmdb_object`` ``objects``, with each
  ``secret_refs`` entry filled from the fabric's secrets (the plan never holds a secret).
- :func:`stale_objects`: the entries the fabric owns on the device (its marker in their comment)
  that the plan no longer has, as deletions in reverse dependency order.
- :func:`summary`: what a deploy wrote, counted per action and table, for reports and the demo.
"""

from __future__ import annotations

PSK_ENVIRONMENT_VARIABLE = "OVERLAY_FORTIGATE_ADVPN_PSK"
OBJECT_KEYS = ("path", "mkey", "mkey_attribute", "config", "state")

# Tables in the order FortiOS objects reference each other: an entry may refer only to entries of
# tables before it (a phase2 names its phase1, a route or policy a tunnel interface, a BGP
# neighbor-range its neighbor-group). Deleting in the reverse order never removes an entry that
# a remaining owned entry still uses. Tables not listed here are deleted first.
DEPENDENCY_ORDER = (
    "system/settings",
    "system/interface",
    "system/zone",
    "firewall/address",
    "firewall/addrgrp",
    "vpn.ipsec/phase1-interface",
    "vpn.ipsec/phase2-interface",
    "router/static",
    "router/policy",
    "router/route-map",
    "router/bgp",
    "router/bgp/neighbor-group",
    "router/bgp/neighbor-range",
    "router/bgp/neighbor",
    "router/bgp/network",
    "system/sdwan/members",
    "firewall/policy",
)
# Key attributes of tables whose key is not ``name``, used when an entry lacks ``q_origin_key``.
KEY_ATTRIBUTES = {
    "firewall/policy": "policyid",
    "router/static": "seq-num",
    "router/policy": "seq-num",
    "router/bgp/neighbor": "ip",
    "router/bgp/neighbor-range": "id",
    "router/bgp/network": "id",
    "system/sdwan/members": "seq-num",
}


class DeployError(ValueError):
    """A plan or a device answer the role cannot use; the message names the key and the fix."""


def _label(obj):
    return "%s %s" % (obj.get("path"), obj.get("mkey")) if obj.get("mkey") not in (None, "") else str(obj.get("path"))


def _plan_objects(plan):
    if not isinstance(plan, dict):
        raise DeployError("advpn_plan is not set for this host (or is not a mapping); run the "
                          "overlay.fortigate.advpn_design role first, or give advpn_plan in the inventory")
    objects = plan.get("objects")
    if not isinstance(objects, list):
        raise DeployError("advpn_plan.objects must be a list of CMDB objects (path, mkey, config); "
                          "the plan of %s has %r" % (plan.get("device", "this host"), type(objects).__name__))
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict) or not obj.get("path"):
            raise DeployError("advpn_plan.objects[%d] has no path; every object needs path (and mkey for a table "
                              "entry) as in cmdb_object's objects option" % index)
    return objects


def module_objects(plan, secrets):
    """``advpn_plan.objects`` as ``cmdb_object`` objects, ``secret_refs`` resolved from ``secrets``.

    ``secrets`` maps the names the plan refers to (``psk``) to their values. A missing or empty
    value fails before anything is written, naming the object and where to give the secret.
    """
    secrets = secrets or {}
    result = []
    for index, obj in enumerate(_plan_objects(plan)):
        item = {key: obj[key] for key in OBJECT_KEYS if obj.get(key) is not None}
        refs = obj.get("secret_refs") or {}
        if not isinstance(refs, dict):
            raise DeployError("advpn_plan.objects[%d].secret_refs must map an attribute to a secret name" % index)
        filled = {}
        for attribute, name in refs.items():
            value = secrets.get(name)
            if value in (None, ""):
                hint = ("give advpn_fabric.psk (from a vault) or set the environment variable %s on the controller"
                        % PSK_ENVIRONMENT_VARIABLE if name == "psk" else "give it in advpn_deploy_secrets")
                raise DeployError("advpn_plan.objects[%d] (%s): %s needs the fabric secret %r, which is not set; %s"
                                  % (index, _label(obj), attribute, name, hint))
            filled[attribute] = value
        if filled:
            item["secrets"] = filled
        result.append(item)
    return result


def _owned(plan):
    owned = plan.get("owned")
    if not isinstance(owned, dict) or not owned.get("marker") or not isinstance(owned.get("tables"), list):
        raise DeployError("advpn_plan.owned must give marker (the text in the comments of the fabric's objects) and "
                          "tables (a list of {path, attribute}); the role needs them to find what to remove")
    for index, table in enumerate(owned["tables"]):
        if not isinstance(table, dict) or not table.get("path") or not (table.get("attribute") or _id_range(table)):
            raise DeployError("advpn_plan.owned.tables[%d] needs path and either attribute (the comment-like attribute "
                              "that carries the marker) or mkey_range ([first, last] of the ids the fabric owns)" % index)
    return owned


def _id_range(table):
    """``mkey_range`` of a table whose entries carry no comment: the fabric owns the ids in it."""
    bounds = table.get("mkey_range")
    if isinstance(bounds, (list, tuple)) and len(bounds) == 2 and all(isinstance(b, int) for b in bounds):
        return bounds
    return None


def owned_filters(plan):
    """``cmdb_info`` tables that show what the fabric owns, filtered on the device where a marker tells."""
    owned = _owned(plan)
    tables = []
    for table in owned["tables"]:
        read = {"path": table["path"]}
        if table.get("attribute"):
            read["filter"] = "%s=@%s" % (table["attribute"], owned["marker"])
        tables.append(read)
    return tables


def _carries(entry, key, table, marker):
    """Owned: the marker is a whole word of the attribute (``advpn:corp`` is not ``advpn:corp2``), or the key
    is inside the table's ``mkey_range``."""
    if table.get("attribute"):
        return marker in str(entry.get(table["attribute"]) or "").split()
    first, last = _id_range(table)
    try:
        return first <= int(key) <= last
    except (TypeError, ValueError):
        return False


def _key(path, entry):
    if entry.get("q_origin_key") not in (None, ""):
        return entry["q_origin_key"]
    return entry.get(KEY_ATTRIBUTES.get(path, "name"))


def _rank(path, tables):
    """Position in the dependency order; tables we do not know come after every known one (deleted first)."""
    if path in DEPENDENCY_ORDER:
        return DEPENDENCY_ORDER.index(path)
    return len(DEPENDENCY_ORDER) + tables.index(path)


def stale_objects(plan, tables):
    """Deletions of what the fabric owns on the device and the plan no longer has.

    ``tables`` maps a path to its entries as read from the device (``cmdb_info``'s ``tables``).
    An entry is owned when the marker is a word of the table's marker attribute, or, in tables
    whose entries carry no comment, when its key is inside the table's ``mkey_range``; other
    entries (hand-made ones) are never touched. Tunnel interfaces are left out: FortiOS removes
    them with their phase1-interface. Deletions come in reverse dependency order (policies and
    routes before the tunnels they use, phase2 before phase1).
    """
    owned = _owned(plan)
    wanted = {(obj["path"].strip("/"), str(obj.get("mkey"))) for obj in _plan_objects(plan)}
    paths = [table["path"].strip("/") for table in owned["tables"]]
    stale = []
    for table in owned["tables"]:
        path = table["path"].strip("/")
        entries = (tables or {}).get(path)
        if entries is None:
            raise DeployError("the device read has no entries for %s (listed in advpn_plan.owned.tables)" % path)
        for entry in entries:
            key = _key(path, entry)
            if key in (None, "") or not _carries(entry, key, table, owned["marker"]):
                continue
            if (path == "system/interface" and entry.get("type") == "tunnel") or (path, str(key)) in wanted:
                continue
            stale.append((_rank(path, paths), len(stale), {"path": path, "mkey": key, "state": "absent"}))
    # Highest rank first; inside a table, the reverse of the device's order.
    return [item for _rank_, _order, item in sorted(stale, key=lambda s: (-s[0], -s[1]))]


def summary(*task_results):
    """Counts of what ``cmdb_object`` results did: per action, per table, and the write requests sent."""
    counts = {"create": 0, "update": 0, "delete": 0, "none": 0}
    tables = {}
    changed = []
    requests = 0
    for result in task_results:
        if not isinstance(result, dict) or result.get("skipped"):
            continue
        requests += len(result.get("requests") or [])
        for item in result.get("results") or []:
            action = item.get("action") or "none"
            counts[action] = counts.get(action, 0) + 1
            if action != "none":
                table = tables.setdefault(item.get("path"), {})
                table[action] = table.get(action, 0) + 1
                changed.append("%s %s" % (action, _label(item)))
    return {"objects": sum(counts.values()), "unchanged": counts.pop("none"), "actions": counts,
            "tables": tables, "changed": changed, "write_requests": requests}

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the cmdb_object module: any CMDB table entry, singleton or sub-table member.

Every object of a task is checked and planned (read only) before the first write, so a
bad path, a missing key or a misplaced secret in the third object leaves the first two
untouched. Objects are then written in task order; when the device refuses one, those
before it stay written and the failure lists every request sent.
"""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb_client import CmdbError
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb_values import (
    attribute_name,
    secret_paths,
    to_device,
)
from ansible_collections.overlay.fortigate.plugins.module_utils.reconcile import (
    ObjectSpec,
    Reconciler,
    ReconcileError,
)

# Key attributes of tables whose key is not ``name``, used when the table is still empty.
KNOWN_MKEY_ATTRIBUTES = {
    "firewall/policy": "policyid",
    "router/static": "seq-num",
    "router/bgp/neighbor": "ip",
    "router/bgp/neighbor-range": "id",
    "router/bgp/network": "id",
    "system/sdwan/members": "seq-num",
}
OBJECT_OPTIONS = ("path", "mkey", "mkey_attribute", "config", "secrets", "state")


class _PathInfo:
    """What one GET of a path told: singleton (with its object) or table (with its key attribute)."""

    def __init__(self, singleton, mkey_attribute, singleton_object=None):
        self.singleton = singleton
        self.mkey_attribute = mkey_attribute
        self.singleton_object = singleton_object


def describe_path(client, path, where):
    """Learn whether ``path`` exists and is a singleton or a table (one GET)."""
    try:
        envelope = client.request("GET", path)
    except CmdbError as exc:
        if exc.status in (404, 405) or exc.code == -3:
            raise ReconcileError(
                "%s.path %r: the device has no such CMDB table or object; give it as on the REST API, "
                "for example vpn.ipsec/phase1-interface, router/bgp or router/bgp/neighbor" % (where, path)
            ) from None
        raise
    results = envelope.get("results")
    if isinstance(results, dict):
        return _PathInfo(True, None, results)
    entries = [entry for entry in results or [] if isinstance(entry, dict)]
    for entry in entries:
        for attribute, value in entry.items():
            if attribute != "q_origin_key" and value == entry.get("q_origin_key"):
                return _PathInfo(False, attribute)
    return _PathInfo(False, _schema_mkey(client, path) or KNOWN_MKEY_ATTRIBUTES.get(path, "name"))


def _schema_mkey(client, path):
    """The key attribute from the table's schema (``?action=schema``), when the device gives one."""
    try:
        schema = client.request("GET", path, action="schema").get("results")
    except CmdbError:
        return None
    return schema.get("mkey") if isinstance(schema, dict) and schema.get("mkey") else None


def object_requests(params):
    """The list of per-object parameter dicts of a task (``objects`` or the top level)."""
    if params.get("objects"):
        return [dict(item) for item in params["objects"]]
    return [{option: params.get(option) for option in OBJECT_OPTIONS}]


def build_spec(item, info, secrets, index):
    where = "objects[%d]" % index
    path = (item.get("path") or "").strip("/")
    mkey = item.get("mkey")
    state = item.get("state") or "present"
    if state not in ("present", "absent"):
        raise ReconcileError("%s.state: %r is not present or absent" % (where, state))
    if info.singleton and mkey not in (None, ""):
        raise ReconcileError("%s: %s is a singleton; remove mkey" % (where, path))
    if not info.singleton and mkey in (None, ""):
        raise ReconcileError(
            "%s: %s is a table; give mkey (the value of its key attribute %s)" % (where, path, info.mkey_attribute)
        )
    if info.singleton and state == "absent":
        raise ReconcileError("%s: %s is a singleton and cannot be deleted; use state: present" % (where, path))
    config = item.get("config") or {}
    secret_values = item.get("secrets") or {}
    if not isinstance(config, dict) or not isinstance(secret_values, dict):
        raise ReconcileError("%s.config and %s.secrets must be dictionaries of attributes" % (where, where))
    hidden = secret_paths(config, "%s.config" % where)
    if hidden:
        raise ReconcileError(
            "%s is a secret: give it under %s.secrets (a whole child table may go there), which Ansible "
            "never logs or shows" % (", ".join(hidden), where)
        )
    if state == "present" and not config and not secret_values:
        raise ReconcileError("%s.config is empty; give the attributes to manage" % where)
    attributes = {attribute_name(k): to_device(attribute_name(k), v) for k, v in config.items()}
    attributes.update((attribute_name(k), v) for k, v in secret_values.items())
    mkey_attribute = item.get("mkey_attribute") or info.mkey_attribute or "name"
    return ObjectSpec(path, mkey, attributes, state=state, mkey_attribute=mkey_attribute, secrets=secrets,
                      secret_attributes=[attribute_name(k) for k in secret_values])


def read_object(client, item, infos, index):
    """Read one object; describe its path (one more GET) only when the read cannot tell.

    An entry found by key proves the path is a table, so an unchanged re-run costs one GET
    per object. A missing entry, or no key, needs the path's description: does it exist,
    is it a singleton (then the description is the object), which attribute holds the key.
    """
    path = (item.get("path") or "").strip("/")
    if not path:
        raise ReconcileError("objects[%d].path is missing; give the CMDB path" % index)
    mkey = item.get("mkey")
    has_key = mkey not in (None, "")
    read, refused = False, None
    if has_key and path not in infos:
        read = True
        try:
            current = client.get(path, mkey)
        except CmdbError as exc:
            current, refused = None, exc  # maybe a key on a singleton; the description tells
        if current is not None:
            return current, _PathInfo(False, None)
    if path not in infos:
        infos[path] = describe_path(client, path, "objects[%d]" % index)
    info = infos[path]
    if info.singleton:
        return info.singleton_object, info
    if refused is not None:
        raise refused
    return (client.get(path, mkey) if has_key and not read else None), info


def reconcile(client, params, check_mode):
    infos = {}
    reconciler = Reconciler(client, check_mode)
    plans = []
    for index, item in enumerate(object_requests(params)):
        current, info = read_object(client, item, infos, index)
        spec = build_spec(item, info, params.get("update_secrets") or "on_create", index)
        plans.append(reconciler.plan(spec, current))
    results = []
    for plan in plans:
        outcome = reconciler.apply(plan)
        results.append({
            "path": plan.spec.path, "mkey": plan.spec.mkey, "action": plan.action,
            "changed": outcome["changed"], "diff": outcome["diff"], "object": outcome.get("object"),
        })
    # One diff per object, each with its own header (Ansible prints a list of diffs).
    diffs = [dict(item["diff"], before_header=plan.spec.label, after_header=plan.spec.label)
             for plan, item in zip(plans, results)]
    return {
        "changed": any(item["changed"] for item in results),
        "results": results,
        "diff": diffs,
        "requests": client.requests,
    }

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the cmdb_object module: any CMDB table entry, singleton or sub-table member.

Every object of a task is checked (no request) and then planned (read only) before the first
write, so a bad path, a bad key, a misspelt attribute or a misplaced secret in the third
object leaves the first two untouched. Objects are then written in task order; when the
device refuses one, those before it stay written and the failure names the object and lists
every request sent.

What it costs: an object found by its key costs one GET; one that must be created or
updated costs the device's schema of its table as well (``?action=schema``, read once per
table and task), against which attribute names and the key are checked before any write.
An absent object costs one GET: a 404 means there is nothing to remove, also when the
device has no such table (nothing can exist there either).
"""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbError
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.keys import check_key
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.schema import SchemaCache
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import (
    attribute_name,
    secret_paths,
    to_device,
)
from ansible_collections.overlay.fortigate.plugins.module_utils.common.messages import shown
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import (
    ObjectSpec,
    Reconciler,
    ReconcileError,
)

OBJECT_OPTIONS = ("path", "mkey", "mkey_attribute", "config", "secrets", "state")
_PATH_EXAMPLES = "for example vpn.ipsec/phase1-interface, router/bgp or router/bgp/neighbor"


def object_requests(params):
    """``(where, object options)`` per object: ``objects[i].`` prefixes messages, a top-level object has none."""
    objects = params.get("objects")
    if objects is not None:
        if not objects:
            raise ReconcileError("objects is empty: give at least one object (path, mkey, config), or give path, "
                                 "mkey and config at the top level")
        return [("objects[%d]." % index, dict(item)) for index, item in enumerate(objects)]
    return [("", {option: params.get(option) for option in OBJECT_OPTIONS})]


class Wanted:
    """One object of the task, checked without the device (the argspec has checked types and choices)."""

    def __init__(self, where, item):
        self.where = where
        self.path = (item.get("path") or "").strip("/")
        if self.path.count("/") < 1 or "" in self.path.split("/"):
            raise ReconcileError("%spath %s is not a CMDB path; give it as on the REST API, %s"
                                 % (where, shown(item.get("path")), _PATH_EXAMPLES))
        self.mkey = None if item.get("mkey") in (None, "") else item["mkey"]
        if self.mkey is not None:
            check_key("%smkey" % where, self.mkey)
        self.state = item.get("state") or "present"
        if self.state == "absent" and self.mkey is None:
            raise ReconcileError("%smkey: state=absent needs mkey, the key of the entry to remove (a singleton such as "
                                 "router/bgp cannot be removed)" % where)
        config = item.get("config") or {}
        secrets = item.get("secrets") or {}
        hidden = secret_paths(config, "%sconfig" % where)
        if hidden:
            raise ReconcileError(
                "%s is a secret: give it under %ssecrets (a whole child table may go there), which Ansible "
                "never logs or shows" % (", ".join(hidden), where))
        if self.state == "present" and not config and not secrets:
            raise ReconcileError("%sconfig is empty; give the attributes to manage" % where)
        self.config = config
        self.secrets = secrets
        self.attributes = {attribute_name(k): to_device(attribute_name(k), v) for k, v in config.items()}
        self.attributes.update((attribute_name(k), v) for k, v in secrets.items())
        self.mkey_attribute = item.get("mkey_attribute")
        self.label = self.path if self.mkey is None else "%s %s" % (self.path, self.mkey)

    def spec(self, secrets_policy, mkey_attribute="name"):
        return ObjectSpec(self.path, self.mkey, self.attributes, state=self.state,
                          mkey_attribute=self.mkey_attribute or mkey_attribute, secrets=secrets_policy,
                          secret_attributes=[attribute_name(k) for k in self.secrets],
                          where="%s (%s)" % (self.where[:-1], self.label) if self.where else self.label)

    def no_such_path(self):
        return ReconcileError("%spath %s: the device has no such CMDB table or object; give it as on the REST API, %s"
                              % (self.where, shown(self.path), _PATH_EXAMPLES))


def read_current(client, schemas, wanted):
    """The object as the device holds it (None when missing), in as few requests as the case allows.

    With a key: one GET of the entry; only a miss (or a refusal) needs the schema, to tell a
    missing entry from a missing table or a singleton given a key. Without a key: one GET of
    the path, which is the object itself when the path is a singleton.
    """
    if wanted.mkey is not None:
        try:
            current = client.get(wanted.path, wanted.mkey)
        except CmdbError:
            current, refused = None, True  # maybe a key on a singleton; the schema tells
        else:
            refused = False
        if current is not None or wanted.state == "absent":
            return current
        schema = schemas.get(wanted.path)
        if schema is None:
            raise wanted.no_such_path()
        if schema.singleton:
            raise ReconcileError("%smkey: %s is a singleton; remove mkey" % (wanted.where, wanted.path))
        if refused:
            return client.get(wanted.path, wanted.mkey)  # raises the device's error again
        return None
    try:
        results = client.request("GET", wanted.path).get("results")
    except CmdbError as exc:
        if exc.status in (404, 405) or exc.code == -3:
            raise wanted.no_such_path() from None
        raise
    if isinstance(results, dict):
        return results
    schema = schemas.get(wanted.path)
    raise ReconcileError("%smkey: %s is a table; give mkey (the value of its key attribute %s)"
                         % (wanted.where, wanted.path, (schema and schema.mkey) or "name"))


def check_against_schema(schemas, wanted, creating):
    """Before a write: attribute names (and, for a create, the key) as the device's schema has them.

    Returns the schema's key attribute (None when the device gave no usable schema).
    """
    schema = schemas.get(wanted.path)
    if schema is None:
        raise wanted.no_such_path()
    unknown = schema.unknown_attributes(wanted.config, "%sconfig" % wanted.where)
    unknown += schema.unknown_attributes(wanted.secrets, "%ssecrets" % wanted.where)
    if unknown:
        raise ReconcileError("; ".join(
            "%s: %s is not an attribute of %s on this device (%s)"
            % (where, name, table, "closest: %s" % ", ".join(close) if close else "see GET %s?action=schema" % table)
            for where, name, close, table in ((w, n, c, _table_of(schema, w, wanted)) for w, n, c in unknown)))
    if creating:
        check_key("%smkey" % wanted.where, wanted.mkey, wanted.path, schema.mkey_type, schema.mkey_size)
    return schema.mkey


def _table_of(schema, where, wanted):
    """The table an unknown attribute was looked up in: the object's, or a child table's (``config.neighbor[0]``)."""
    child = where[len(wanted.where):].split(".")[1:]
    return "%s %s" % (schema.path, attribute_name(child[0].split("[")[0])) if child else schema.path


def reconcile(client, params, check_mode):
    secrets_policy = params.get("update_secrets") or "on_create"
    wanted_objects = [Wanted(where, item) for where, item in object_requests(params)]
    schemas = SchemaCache(client)
    reconciler = Reconciler(client, check_mode)
    plans = []
    for wanted in wanted_objects:
        current = read_current(client, schemas, wanted)
        plan = reconciler.plan(wanted.spec(secrets_policy), current)
        if plan.action in ("create", "update"):
            mkey_attribute = check_against_schema(schemas, wanted, plan.action == "create")
            if plan.action == "create" and mkey_attribute:
                plan = reconciler.plan(wanted.spec(secrets_policy, mkey_attribute), current)
        plans.append(plan)
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

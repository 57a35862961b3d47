# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine every configuration module uses.

For one CMDB object it reads the device, compares only the attributes the task manages
(in normalised form), and writes only the difference: nothing when nothing differs, a POST
for a missing entry, a partial PUT for a changed one, a DELETE for ``state: absent``. It
re-reads after writing to confirm the device took the values, and reports ``changed``
from its own comparison (not from the device's ``revision_changed``), a before/after diff
of the managed attributes in check mode and in normal mode, and the requests it sent.

Writes that must happen in order (FortiOS releases that accept ``exchange-ip-addr4`` only
once ``exchange-interface-ip`` is enabled) are planned as steps; if a later step fails,
the earlier ones are undone. If undoing fails too, the error says so: which attributes hold
which values now, and how to recover.

A refused write is raised as :class:`WriteError`, the engine's own error, which wraps the
device's :class:`CmdbError` and says what the engine did about it (undone or not).
"""

from __future__ import annotations

import time

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbError
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import mask, same
from ansible_collections.overlay.fortigate.plugins.module_utils.common.secret_names import is_secret_name
from ansible_collections.overlay.fortigate.plugins.module_utils.common.messages import shown

_NOT_READ = object()
# Answers after which a POST's create did not or may not have happened: rate limited, busy, no answer.
CREATE_UNSURE = frozenset((429, 503, None))
CREATE_REPEAT_DELAY = 1.0
SECRETS_ON_CREATE = "on_create"
SECRETS_ALWAYS = "always"


class ReconcileError(Exception):
    """A problem found by the engine itself (bad input, device did not take a value)."""


class WriteError(ReconcileError):
    """The device refused a write of one object.

    ``device_error`` is the :class:`CmdbError`; ``undone`` how many earlier steps of the same
    change were written and then undone; ``half_written`` the message part that describes an
    object left half-written (undoing failed too), else None.
    """

    def __init__(self, where, device_error, undone=0, half_written=None):
        self.where = where
        self.device_error = device_error
        self.undone = undone
        self.half_written = half_written
        super().__init__(str(self))

    def __str__(self):
        message = "%s: %s" % (self.where, self.device_error)
        if self.half_written:
            return "%s. %s" % (message, self.half_written)
        if self.undone:
            return "%s; the %d earlier step(s) of this change were undone, the object is as before" % (
                message, self.undone)
        return message


class ObjectSpec:
    """What a task wants of one CMDB object.

    :arg path: CMDB path, for example ``vpn.ipsec/phase1-interface`` or ``router/bgp/neighbor``.
    :arg mkey: the entry's key, None for a singleton such as ``router/bgp``.
    :arg attributes: FortiOS attribute name -> wanted value (device form).
    :arg state: ``present`` or ``absent``.
    :arg may_create: whether a missing entry is created (else it is an error naming the fix).
    :arg mkey_attribute: the attribute holding the key, sent in the body of a create.
    :arg secrets: ``on_create`` (a secret is written only when the entry or the secret is
        missing, so an unchanged PSK is not rewritten every run) or ``always`` (rotate).
    :arg steps: optional ordered groups of attribute names written one PUT each.
    :arg label: how messages name the object (defaults to path/mkey).
    :arg secret_attributes: attributes the task gave as secrets, treated as secret whatever
        their name (known secret names such as ``psksecret`` always are).
    :arg where: how a refused write names the object (defaults to the label), for example
        ``objects[1] (vpn.ipsec/phase1-interface H1)``.
    """

    def __init__(self, path, mkey=None, attributes=None, state="present", may_create=True,
                 mkey_attribute="name", secrets=SECRETS_ON_CREATE, steps=None, label=None,
                 secret_attributes=(), where=None):
        self.path = path
        self.mkey = mkey
        self.attributes = dict(attributes or {})
        self.state = state
        self.may_create = may_create
        self.mkey_attribute = mkey_attribute
        self.secrets = secrets
        self.steps = steps
        self.label = label or (path if mkey in (None, "") else "%s %s" % (path, mkey))
        self.secret_attributes = frozenset(secret_attributes)
        self.where = where or self.label

    def is_secret(self, attribute):
        return attribute in self.secret_attributes or is_secret_name(attribute)

    def mask(self, attributes):
        return mask(attributes, self.secret_attributes)

    def managed(self, obj):
        """The attributes this spec manages, as ``obj`` holds them, secrets masked."""
        return self.mask({k: obj[k] for k in self.attributes if k in obj})


class Plan:
    """The outcome of comparing one ObjectSpec with the device, before any write."""

    def __init__(self, spec, current, action, changes):
        self.spec = spec
        self.current = current
        self.action = action          # none | create | update | delete
        self.changes = changes        # attribute -> value to write

    @property
    def changed(self):
        return self.action != "none"

    def before(self):
        return self.spec.managed(self.current) if self.current is not None else {}

    def after(self):
        if self.action == "delete":
            return {}
        after = self.before()
        after.update(self.spec.mask(self.changes))
        return after


def state_after(result, current):
    """The whole object after a task: read back in normal mode, predicted in check mode."""
    state = dict(result.get("object") or current or {})
    state.update(result["diff"]["after"])
    return state


class Reconciler:
    """Plans and applies ObjectSpecs through a CmdbClient."""

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode

    # -- planning (read only) --------------------------------------------------------------
    def plan(self, spec, current=_NOT_READ):
        """Compare ``spec`` with the device; ``current`` may be passed when already read."""
        if current is _NOT_READ:
            current = self.client.get(spec.path, spec.mkey)
        if spec.state == "absent":
            return Plan(spec, current, "delete" if current is not None else "none", {})
        if current is None:
            if not spec.may_create:
                raise ReconcileError(
                    "%s does not exist on the device (vdom %s); create it first or fix the name"
                    % (spec.label, self.client.vdom)
                )
            changes = dict(spec.attributes)
            if spec.mkey not in (None, ""):
                changes.setdefault(spec.mkey_attribute, spec.mkey)
            return Plan(spec, None, "create", changes)
        changes = {}
        for attribute, wanted in spec.attributes.items():
            if spec.is_secret(attribute):
                if spec.secrets == SECRETS_ALWAYS or current.get(attribute) in (None, ""):
                    changes[attribute] = wanted
            elif not same(attribute, wanted, current.get(attribute)):
                changes[attribute] = wanted
        return Plan(spec, current, "update" if changes else "none", changes)

    # -- applying ---------------------------------------------------------------------------
    def apply(self, plan):
        """Write the plan (unless in check mode); return the module result fragment.

        ``requests`` is every write the client sent so far (the list is shared, so a module
        that applies several plans reports them all).
        """
        result = {
            "changed": plan.changed,
            "diff": {"before": plan.before(), "after": plan.after()},
            "requests": self.client.requests,
        }
        if not plan.changed or self.check_mode:
            result["object"] = plan.spec.mask(plan.current)
            return result
        spec = plan.spec
        try:
            if plan.action == "delete":
                self.client.request("DELETE", spec.path, spec.mkey)
                result["object"] = None
                return result
            if plan.action == "create":
                self._create(plan)
        except CmdbError as exc:
            raise WriteError(spec.where, exc) from None
        if plan.action == "update":
            self._put_in_steps(plan)
        confirmed = self._confirm(plan)
        result["object"] = spec.mask(confirmed)
        result["diff"]["after"] = spec.managed(confirmed)
        return result

    def _create(self, plan):
        """POST the object; after a 429, a 503 or no answer, read it back before one repeat.

        The httpapi plugin never repeats a POST (retry.py: a repeated create may duplicate), but
        a CMDB create is keyed, so reading the key tells whether it happened: present means the
        lost answer was a success, absent means the device did not act and one repeat is safe.
        """
        spec = plan.spec
        try:
            self.client.request("POST", spec.path, None, plan.changes, secrets=spec.secret_attributes)
            return
        except CmdbError as exc:
            if exc.status not in CREATE_UNSURE:
                raise
            first_error = exc
        time.sleep(CREATE_REPEAT_DELAY)
        try:
            if self.client.get(spec.path, spec.mkey) is not None:
                return
        except CmdbError:
            raise first_error from None
        self.client.request("POST", spec.path, None, plan.changes, secrets=spec.secret_attributes)

    def _put_in_steps(self, plan):
        spec = plan.spec
        steps = [[k for k in step if k in plan.changes] for step in (spec.steps or [])]
        listed = {k for step in steps for k in step}
        steps.append([k for k in plan.changes if k not in listed])
        done = []
        for step in (s for s in steps if s):
            body = {k: plan.changes[k] for k in step}
            try:
                self.client.request("PUT", spec.path, spec.mkey, body, secrets=spec.secret_attributes)
            except CmdbError as exc:
                if not done:
                    raise WriteError(spec.where, exc) from None
                left, undo_error = self._undo(plan, done)
                if not left:
                    raise WriteError(spec.where, exc, undone=len(done)) from None
                raise WriteError(spec.where, exc, half_written=self._half_written(plan, left, undo_error)) from None
            done.append(body)

    def _undo(self, plan, done):
        """Put back the previous values of steps already written, newest first.

        Returns the steps still written (oldest first) and the error that stopped the undo,
        or ``([], None)`` when everything was undone.
        """
        for index in range(len(done) - 1, -1, -1):
            previous = {k: plan.current.get(k) for k in done[index] if not plan.spec.is_secret(k)}
            if not previous:
                continue
            try:
                self.client.request("PUT", plan.spec.path, plan.spec.mkey, previous)
            except CmdbError as exc:
                return done[:index + 1], exc
        return [], None

    def _half_written(self, plan, left, undo_error):
        """What a half-written object holds now and how to get out of it, for the error message."""
        spec = plan.spec
        believed = dict(plan.current)
        for body in left:
            believed.update(body)
        try:
            now, source = self.client.get(spec.path, spec.mkey) or believed, "as read back"
        except CmdbError:
            now, source = believed, "as far as the module knows; reading it back failed too"
        written = sorted({k for body in left for k in body})
        holds = ", ".join("%s=%s" % (k, shown(v)) for k, v in sorted(spec.managed(now).items()))
        previous = ", ".join("%s=%s" % (k, shown(plan.current.get(k))) for k in written if not spec.is_secret(k))
        return ("%s IS HALF-WRITTEN: undoing the earlier step(s) failed too (%s). It now holds (%s): %s. "
                "To recover, re-run the task once the device accepts writes again (it writes only what differs), "
                "or put back %s by hand" % (spec.label, undo_error, source, holds, previous or "the previous values"))

    def _confirm(self, plan):
        """Re-read the object and check the device holds what was written."""
        spec = plan.spec
        confirmed = self.client.get(spec.path, spec.mkey)
        if confirmed is None:
            raise ReconcileError("%s was written but the device does not return it" % spec.label)
        for attribute, wanted in plan.changes.items():
            if spec.is_secret(attribute) or attribute == spec.mkey_attribute:
                continue
            if not same(attribute, wanted, confirmed.get(attribute)):
                raise ReconcileError(
                    "%s: the device accepted %s=%r but reads back %r; the release may not support "
                    "this value" % (spec.label, attribute, wanted, confirmed.get(attribute))
                )
        return confirmed

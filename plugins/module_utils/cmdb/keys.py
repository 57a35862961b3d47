# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a value can be the key of a CMDB entry (pure functions, no Ansible imports).

A key goes into the URL of every later request. A list or dict would be sent as Python text,
an empty one addresses the whole table, a control character or a leading space makes an entry
that can never be read back by that key (FortiOS drops the spaces), and a key longer than the
table allows is refused by the device only after earlier objects of the task were written.
"""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.module_utils.common.messages import shown
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError

_NAMES = {bool: "a bool", list: "a list", dict: "a dict", float: "a float", type(None): "null"}


def _control_character(text):
    for position, character in enumerate(text):
        if ord(character) < 32 or ord(character) == 127:
            return position, character
    return None


def key_problem(value, table=None, mkey_type=None, size=None):
    """Why ``value`` cannot be a key of ``table``, or None when it can.

    ``mkey_type`` and ``size`` come from the table's schema when known (``integer`` keys,
    the longest string key).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return "must be a string or an integer, not %s" % _NAMES.get(type(value), type(value).__name__)
    if isinstance(value, int):
        return None
    if not value.strip():
        return "is empty"
    control = _control_character(value)
    if control is not None:
        return "holds a control character (%r at position %d); FortiOS keys are printable text" % (control[1], control[0])
    if value != value.strip():
        return "starts or ends with spaces, which FortiOS drops, so the entry could not be found again by this key"
    if mkey_type == "integer" and not value.isdigit():
        return "must be a number: %s is keyed by an integer" % table
    if size and len(value) > size:
        return "is %d characters long; %s keys have at most %d" % (len(value), table, size)
    return None


def check_key(option, value, table=None, mkey_type=None, size=None):
    """Raise ReconcileError naming ``option`` when ``value`` cannot be a key."""
    problem = key_problem(value, table, mkey_type, size)
    if problem:
        raise ReconcileError("%s %s %s" % (option, shown(value), problem))


def entry_name(value, what):
    """A module's ``name`` option, checked as the key of an existing ``what`` entry.

    An empty name must never reach the client: without a key, the URL names the whole table.
    """
    if isinstance(value, str) and not value.strip():
        raise ReconcileError("name is empty: give the %s name (an undefined template variable renders as an "
                             "empty string)" % what)
    check_key("name", value)
    return value

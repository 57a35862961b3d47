"""Negative tests: each file under negative/ breaks a valid intent and names the exact error text.

A file holds ``base`` (an intent under intents/), ``set`` ({dotted path: value}) and ``delete``
([dotted path]) applied to a copy of it, and ``error``, the exact message IntentError carries.
``fabric.<key>`` sets or deletes the key in every host's advpn_fabric; ``HOST.a.0.b`` walks dicts
and lists. Every problem of an intent is reported at once, so one file may expect several lines.
"""

import copy

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import IntentError, build_plans

from .support import INTENTS, NEGATIVE, load, negative_names


def _walk(root, parts):
    node = root
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _targets(hosts, path):
    """(container, last key) pairs a dotted path names; ``fabric.`` means every host's advpn_fabric."""
    parts = path.split(".")
    if parts[0] == "fabric":
        return [(_walk(vars_, ["advpn_fabric"] + parts[1:-1]), parts[-1]) for vars_ in hosts.values()]
    if len(parts) == 1:
        return [(hosts, parts[0])]
    return [(_walk(hosts, parts[:-1]), parts[-1])]


def broken_intent(case):
    intent = load(INTENTS / ("%s.yml" % case["base"]))
    hosts = {name: copy.deepcopy(vars_) for name, vars_ in intent["hosts"].items()}  # no shared anchors
    for path, value in (case.get("set") or {}).items():
        for container, key in _targets(hosts, path):
            if isinstance(container, list):
                container[int(key)] = value
            else:
                container[key] = value
    for path in case.get("delete") or []:
        for container, key in _targets(hosts, path):
            del container[int(key) if isinstance(container, list) else key]
    return hosts, case.get("psk_available", intent.get("psk_available", False))


@pytest.mark.parametrize("name", negative_names())
def test_negative_intent_reports_exact_error(name):
    case = load(NEGATIVE / ("%s.yml" % name))
    hosts, psk_available = broken_intent(case)
    with pytest.raises(IntentError) as caught:
        build_plans(hosts, psk_available=psk_available)
    assert str(caught.value) == case["error"].rstrip("\n")

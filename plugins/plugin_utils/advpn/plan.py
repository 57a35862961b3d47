# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Intent -> per-device plans (CONTRACTS B): objects, ownership, CLI text and expected state."""

from __future__ import annotations

from .cli import render
from .errors import IntentError
from .expected import device_expected
from .intent import fabric_names, read_fabric
from .objects import device_objects, owned


def _warnings(member):
    return ["%s: advpn_lans[%d]: %s has no interface, so no firewall policy lets its traffic into the overlay; "
            "give it as {prefix: %s, interface: <LAN port>}" % (member.name, position, lan.prefix, lan.prefix)
            for position, lan in enumerate(member.lans) if lan.interface is None]


def device_plan(fabric, member):
    objects = device_objects(fabric, member)
    return {
        "fabric": fabric.name,
        "device": member.name,
        "role": member.role,
        "hub_index": member.hub_index,
        "site_id": member.site_id,
        "loopback": member.loopback,
        "vdom": fabric.vdom,
        "objects": objects,
        "owned": owned(fabric),
        "cli": render(objects),
        "expected": device_expected(fabric, member),
        "warnings": _warnings(member),
    }


def fabric_plans(fabric_name, hosts, psk_available=False):
    """Plans of every member of one fabric: {device: plan}. Raises IntentError."""
    fabric = read_fabric(fabric_name, hosts, psk_available)
    return {name: device_plan(fabric, member) for name, member in sorted(fabric.members.items())}


def build_plans(hosts, psk_available=False):
    """Plans of every fabric found in ``hosts``: {fabric: {device: plan}}.

    ``hosts`` maps hostnames to their variables; hosts without ``advpn_fabric`` are not members.
    ``psk_available`` tells whether a key comes from outside the intent (the environment). Problems
    of all fabrics are reported together in one IntentError.
    """
    plans, problems = {}, []
    for name, members in fabric_names(hosts).items():
        try:
            plans[name] = fabric_plans(name, {host: hosts[host] for host in members}, psk_available)
        except IntentError as exc:
            problems += exc.errors
    if problems:
        raise IntentError(problems)
    return plans

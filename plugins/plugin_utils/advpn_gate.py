# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The expectations of a staged rollout's validate gate: a plan narrowed to the members already up.

During a rollout in batches, a spoke's plan expects the LANs of every spoke of the fabric and a
hub's plan one dial-up instance per spoke; the spokes of later batches are not deployed yet, so
their absence is not a fault of the batch under test. ``gate_plan`` keeps only what involves the
device itself or a member in ``members`` (the hubs, the batches that passed and the current batch).
"""

from __future__ import annotations

import copy


class GateError(ValueError):
    """The plan or the member list is unusable; the message names the key and the fix."""


def _kept(entries, key, members):
    """Entries whose ``key`` is empty (the device's own) or one of ``members``."""
    return [entry for entry in entries or [] if not entry.get(key) or entry.get(key) in members]


def gate_plan(plan, members):
    """A copy of ``plan`` whose ``expected`` involves only ``members`` (device names)."""
    if not isinstance(plan, dict) or not isinstance(plan.get("expected"), dict):
        raise GateError("advpn_gate_plan: the input must be a host's advpn_plan with an 'expected' mapping "
                        "(set by overlay.fortigate.advpn_design)")
    if isinstance(members, str) or not all(isinstance(name, str) for name in members or []):
        raise GateError("advpn_gate_plan: members must be a list of device names, got %r" % (members,))
    members = set(members or []) | {plan.get("device")}
    narrowed = copy.deepcopy(plan)
    expected = narrowed["expected"]
    tunnels = _kept(expected.get("tunnels"), "peer", members)
    for tunnel in tunnels:
        if "instances" in tunnel:
            tunnel["instances"] = _kept(tunnel["instances"], "peer", members)
    expected["tunnels"] = tunnels
    if isinstance(expected.get("bgp"), dict):
        expected["bgp"]["neighbors"] = _kept(expected["bgp"].get("neighbors"), "peer", members)
    expected["routes"] = _kept(expected.get("routes"), "peer", members)
    expected["prefixes_received"] = _kept(expected.get("prefixes_received"), "origin", members)
    return narrowed

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: a host's ADVPN plan narrowed to the members a staged rollout has brought up."""

DOCUMENTATION = r"""
name: advpn_gate_plan
author: overlay.fortigate maintainers (@overlay-fortigate)
version_added: 0.1.0
short_description: The expectations of one batch's validate gate in a staged ADVPN rollout
description:
  - Returns a copy of a host's C(advpn_plan) whose C(expected) keeps only what involves the device
    itself or one of O(members) - tunnels and dial-up instances by C(peer), BGP neighbors and routes by
    C(peer), received LAN prefixes by C(origin).
  - The overlay.fortigate.advpn_deploy playbook validates each batch of spokes against this narrowed
    plan, so spokes of later batches (not deployed yet) are not reported missing.
  - Fails with a message naming the input when it is not a plan with C(expected), or O(members) is not
    a list of names.
positional: _input, members
options:
  _input:
    description: The host's C(advpn_plan).
    type: dict
    required: true
  members:
    description: Device names already brought up (the hubs, the batches that passed, the current batch).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Expect only the members already deployed
  ansible.builtin.set_fact:
    advpn_gate: "{{ advpn_plan | overlay.fortigate.advpn_gate_plan(groups['advpn_deploy_hubs'] + ansible_play_batch) }}"
"""

RETURN = r"""
_value:
  description: The narrowed plan (same keys as the input).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_gate import GateError, gate_plan


def advpn_gate_plan(plan, members):
    try:
        return gate_plan(plan, members)
    except GateError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"advpn_gate_plan": advpn_gate_plan}

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: auto-negotiate and keepalive of an IPsec phase2."""

DOCUMENTATION = r"""
module: ipsec_phase2_autonegotiate
short_description: Manage auto-negotiate and keepalive of a FortiGate IPsec phase2
version_added: 0.1.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Sets C(auto-negotiate) and C(keepalive) of a phase2 of a route-based (C(vpn ipsec phase2-interface))
    or policy-based (C(vpn ipsec phase2)) tunnel. Both are disabled by default on FortiOS.
  - C(auto-negotiate) brings the phase2 SA up without waiting for traffic, retrying every five
    seconds, and re-establishes it when it goes down. C(keepalive) renews the SA near expiry even
    without traffic. Keepalive is implicitly in effect whenever auto-negotiate is enabled; the module
    reports that as RV(keepalive_effective) and warns when a task asks for auto-negotiate on and
    keepalive off.
  - Auto-negotiate cannot work on a phase2 whose phase1 is a dial-up server (C(type dynamic)), because
    the FortiGate can never be the initiator. The module refuses it before writing anything.
  - Reads, compares and writes only what differs; a second run writes nothing.
  - The phase2 must exist; the module never creates one.
options:
  name:
    description: Name of the phase2 (not of its phase1).
    type: str
    required: true
  kind:
    description:
      - C(route) for C(phase2-interface), C(policy) for C(phase2), C(auto) to find the phase2 in
        either (route-based first).
    type: str
    choices: [auto, route, policy]
    default: auto
  auto_negotiate:
    description: Negotiate the phase2 SA without traffic and keep it up (C(auto-negotiate)).
    type: bool
  keepalive:
    description: Renew the phase2 SA near expiry without traffic (C(keepalive)).
    type: bool
extends_documentation_fragment:
  - overlay.fortigate.fortigate
  - overlay.fortigate.fortigate.config_attributes
notes:
  - Omitted options are left as they are on the device.
  - Enabling auto-negotiate at both ends is the practice Fortinet recommends, so that either side
    can renegotiate.
  - An empty O(name) (for example an undefined template variable rendered as C("")) is refused before
    any request; without a key, the request would address the whole table.
seealso:
  - module: overlay.fortigate.ipsec_phase1_exchange
"""

EXAMPLES = r"""
- name: Bring the phase2 up without waiting for traffic
  overlay.fortigate.ipsec_phase2_autonegotiate:
    name: SiteA-to-SiteB
    auto_negotiate: true

- name: Keep an idle policy-based tunnel's SA renewed
  overlay.fortigate.ipsec_phase2_autonegotiate:
    name: to-branch
    kind: policy
    keepalive: true

- name: Turn both off
  overlay.fortigate.ipsec_phase2_autonegotiate:
    name: SiteA-to-SiteB
    auto_negotiate: false
    keepalive: false
  register: phase2

- name: Keepalive still in effect?
  ansible.builtin.debug:
    msg: "{{ phase2.keepalive_effective }}"
"""

RETURN = r"""
kind:
  description: C(route) (phase2-interface) or C(policy) (phase2).
  returned: success
  type: str
  sample: route
phase1name:
  description: The phase1 the phase2 belongs to.
  returned: success
  type: str
auto_negotiate:
  description: Auto-negotiate after the task (predicted in check mode).
  returned: success
  type: bool
keepalive:
  description: Keepalive as configured after the task.
  returned: success
  type: bool
keepalive_effective:
  description: Whether keepalive is in effect, which it is whenever auto-negotiate is enabled.
  returned: success
  type: bool
diff:
  description: Before and after values of the managed attributes (also in normal mode).
  returned: success
  type: dict
requests:
  description: The write requests sent; empty when nothing differed.
  returned: always
  type: list
  elements: dict
object:
  description: Name and phase1 name of the phase2.
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.module import COMMON_ARGUMENTS, run
from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec.phase2_autonegotiate import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        kind=dict(type="str", choices=["auto", "route", "policy"], default="auto"),
        auto_negotiate=dict(type="bool"),
        keepalive=dict(type="bool"),
        **COMMON_ARGUMENTS,
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[["auto_negotiate", "keepalive"]])
    run(module, lambda client: reconcile(client, module.params, module.check_mode))


if __name__ == "__main__":
    main()

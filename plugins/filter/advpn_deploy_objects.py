# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: a host's ADVPN plan as cmdb_object objects, secrets filled in."""

DOCUMENTATION = r"""
name: advpn_deploy_objects
author: overlay.fortigate maintainers (@overlay-fortigate)
version_added: 0.1.0
short_description: Turn a host's ADVPN plan into M(overlay.fortigate.cmdb_object) objects
description:
  - Takes a host's C(advpn_plan) (set by the C(overlay.fortigate.advpn_design) role) and returns
    its C(objects) in plan order, ready for the O(overlay.fortigate.cmdb_object#module:objects)
    option.
  - Each object's C(secret_refs) (attribute to secret name, for example C(psksecret -> psk)) is
    resolved from O(secrets) into the object's C(secrets), which M(overlay.fortigate.cmdb_object)
    never logs or shows. The plan itself never holds a secret.
  - A secret that is missing or empty fails with a message naming the object and where to give it,
    before anything is written.
  - Give the result straight to the module (do not store it with C(set_fact)), so the secret stays
    inside the module's C(no_log) option.
positional: _input
options:
  _input:
    description: The host's C(advpn_plan).
    type: dict
    required: true
  secrets:
    description: The fabric's secrets by name, for example C({psk: "{{ advpn_fabric.psk }}"}).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Apply the plan
  overlay.fortigate.cmdb_object:
    objects: "{{ advpn_plan | overlay.fortigate.advpn_deploy_objects({'psk': advpn_fabric.psk}) }}"
"""

RETURN = r"""
_value:
  description: One entry per plan object (C(path), C(mkey), C(mkey_attribute), C(config), C(state), C(secrets)).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_deploy import DeployError, module_objects


def advpn_deploy_objects(plan, secrets):
    try:
        return module_objects(plan, secrets)
    except DeployError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"advpn_deploy_objects": advpn_deploy_objects}

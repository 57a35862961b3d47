# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: what an ADVPN fabric owns on a device and its plan no longer has."""

DOCUMENTATION = r"""
name: advpn_stale_objects
author: overlay.fortigate maintainers (@overlay-fortigate)
version_added: 0.1.0
short_description: Find the objects an ADVPN fabric owns on a device that its plan no longer has
description:
  - Compares the tables read from a device (the C(tables) result of M(overlay.fortigate.cmdb_info))
    with a host's C(advpn_plan) and returns deletions, ready for the
    O(overlay.fortigate.cmdb_object#module:objects) option.
  - An entry is owned by the fabric when the plan's C(owned.marker) (for example C(advpn:corp)) is
    a whole word of the table's marker attribute (C(owned.tables[].attribute), for example
    C(comments)), or, for tables whose entries carry no comment (BGP networks and neighbor-ranges),
    when its key is inside the table's C(owned.tables[].mkey_range). Other entries, such as
    hand-made ones, are never returned.
  - Deletions come in reverse dependency order, policies and routes before the tunnels they use,
    phase2 before phase1. Tunnel interfaces are left out, FortiOS removes them with their
    phase1-interface.
positional: _input
options:
  _input:
    description: The host's C(advpn_plan).
    type: dict
    required: true
  tables:
    description: Entries per table path as read from the device, for every path of C(owned.tables).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Read what the fabric owns
  overlay.fortigate.cmdb_info:
    tables: "{{ advpn_plan | overlay.fortigate.advpn_owned_tables }}"
  register: owned

- name: Delete what the plan no longer has
  overlay.fortigate.cmdb_object:
    objects: "{{ advpn_plan | overlay.fortigate.advpn_stale_objects(owned.tables) }}"
"""

RETURN = r"""
_value:
  description: One C({path, mkey, state: absent}) per stale entry, in deletion order.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_deploy import DeployError, stale_objects


def advpn_stale_objects(plan, tables):
    try:
        return stale_objects(plan, tables)
    except DeployError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"advpn_stale_objects": advpn_stale_objects}

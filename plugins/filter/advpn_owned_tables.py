# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the cmdb_info tables that show what an ADVPN fabric owns on a device."""

DOCUMENTATION = r"""
name: advpn_owned_tables
author: overlay.fortigate maintainers (@overlay-fortigate)
version_added: 0.1.0
short_description: The tables to read to find what an ADVPN fabric owns on a device
description:
  - Turns a host's C(advpn_plan.owned) (marker and tables) into the O(overlay.fortigate.cmdb_info#module:tables)
    option, each table filtered on the device to the entries whose marker attribute contains the
    marker (FortiOS REST filter C(<attribute>=@<marker>)), so a large table costs little. Tables
    owned by an id range (C(mkey_range), entries without a comment) are read whole.
  - Fails with a message naming the key when C(owned) lacks its marker or tables, or a table
    has neither C(attribute) nor C(mkey_range).
positional: _input
options:
  _input:
    description: The host's C(advpn_plan).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Read what the fabric owns
  overlay.fortigate.cmdb_info:
    tables: "{{ advpn_plan | overlay.fortigate.advpn_owned_tables }}"
  register: owned
"""

RETURN = r"""
_value:
  description: One C({path, filter}) per owned table.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_deploy import DeployError, owned_filters


def advpn_owned_tables(plan):
    try:
        return owned_filters(plan)
    except DeployError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"advpn_owned_tables": advpn_owned_tables}

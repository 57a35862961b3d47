#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: read FortiOS CMDB tables."""

DOCUMENTATION = r"""
module: cmdb_info
short_description: Read FortiGate CMDB tables, optionally filtered on the device
version_added: 0.1.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Reads whole CMDB tables (or singletons) through the REST API, one GET per table, and returns
    their entries. Writes nothing.
  - Secret attributes (C(psksecret), passwords, keys) are masked in the result.
  - Used by the C(overlay.fortigate.advpn_deploy) role to find the objects a fabric owns (those
    whose comment carries the fabric's marker).
options:
  tables:
    description: The tables to read, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - CMDB path as on the REST API, for example C(vpn.ipsec/phase1-interface),
            C(router/bgp/neighbor) (a sub-table) or C(system/settings) (a singleton).
        type: str
        required: true
      filter:
        description:
          - A FortiOS REST filter the device applies before answering, for example
            C(comments=@advpn:corp) (C(=@) means "contains", C(==) "equals"; C(,) separates
            alternatives).
        type: str
extends_documentation_fragment:
  - overlay.fortigate.fortigate
attributes:
  check_mode:
    description: Reads only, so it runs unchanged in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is nothing to show.
    support: none
  action_group:
    description: Member of the C(overlay.fortigate.fortigate) action group for C(module_defaults).
    support: full
    membership:
      - overlay.fortigate.fortigate
seealso:
  - module: overlay.fortigate.cmdb_object
"""

EXAMPLES = r"""
- name: Phase1 interfaces and BGP neighbors
  overlay.fortigate.cmdb_info:
    tables:
      - path: vpn.ipsec/phase1-interface
      - path: router/bgp/neighbor
  register: cmdb

- name: Names of the phase1 interfaces
  ansible.builtin.debug:
    msg: "{{ cmdb.tables['vpn.ipsec/phase1-interface'] | map(attribute='name') | list }}"

- name: Only the policies whose comment mentions a fabric
  overlay.fortigate.cmdb_info:
    tables:
      - path: firewall/policy
        filter: comments=@advpn:corp
"""

RETURN = r"""
tables:
  description:
    - One list of entries per table path, as the device returns them (a singleton gives a list
      of one object). Secrets are masked.
  returned: success
  type: dict
  sample:
    vpn.ipsec/phase1-interface:
      - name: H1_ISP1
        interface: port1
        psksecret: "********"
        comments: advpn:corp
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.info import read_tables
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.module import COMMON_ARGUMENTS, run


def main():
    argument_spec = dict(
        tables=dict(type="list", elements="dict", required=True, options=dict(
            path=dict(type="str", required=True),
            filter=dict(type="str"),
        )),
        **COMMON_ARGUMENTS,
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module, lambda client: read_tables(client, module.params))


if __name__ == "__main__":
    main()

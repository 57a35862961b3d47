#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: any FortiOS CMDB object, written only where it differs."""

DOCUMENTATION = r"""
module: cmdb_object
short_description: Manage any FortiOS CMDB table entry, singleton or sub-table member of a FortiGate, idempotently
version_added: 0.1.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Creates, updates or deletes FortiOS configuration objects through the REST API, for any CMDB
    path, for example C(vpn.ipsec/phase1-interface), C(system/interface), C(router/bgp) (a singleton)
    or C(router/bgp/neighbor) (one member of a sub-table, without touching the others).
  - Compares only the attributes given in O(config), in normalised form (C(10.0.0.1/32) equals
    C(10.0.0.1 255.255.255.255), option lists in any order where FortiOS treats them as sets, numbers
    as strings), and writes only the difference with a partial update. A second run writes nothing.
  - Several objects can be managed in one task with O(objects). All of them are read and checked
    before the first write, so a bad path or key in one object leaves every object untouched. They
    are then written in order; if the device refuses one, the objects before it stay written and
    the failure names the refused object (C(objects[1]), its path and key), the field FortiOS refused
    when its message shows it, and lists the requests sent (RV(requests)). Values quoted in messages
    are cut to a few dozen characters.
  - Before anything is written, attribute names (in O(config), O(secrets) and child tables) are
    checked against the device's own schema of the table (C(GET <table>?action=schema)); a name the
    device does not have is refused with the closest valid names. The schema is read once per table
    and task, and only when an object is to be created or changed, so an unchanged re-run still costs
    one read per object.
  - Keys (O(mkey)) must be a string or an integer without control characters or leading or trailing
    spaces (FortiOS drops them, so the entry could never be found again by that key); a new entry's
    key is also checked against the table's key type and longest key in the schema.
  - O(state=absent) costs one read. An entry the device does not return (HTTP 404) is absent, so
    nothing is removed and the task reports no change. This is also the answer for a path the
    device does not have, since nothing can exist there. That is a design choice, so that removing
    never costs a read of the table or its schema, which is heavy on a hub with thousands of entries.
  - Secrets (for example C(psksecret)) cannot be compared because FortiOS returns them encrypted.
    With O(update_secrets=on_create) a secret is written only when the object or the secret is
    missing, so an unchanged pre-shared key is not rewritten on every run; rotate it explicitly with
    O(update_secrets=always). Secrets never appear in diffs or results.
options:
  path:
    description:
      - CMDB path as on the REST API, C(<group>/<table>), for example C(vpn.ipsec/phase2-interface);
        a sub-table member path such as C(router/bgp/neighbor).
      - Required unless O(objects) is given.
    type: str
  mkey:
    description:
      - Key of the table entry (its C(name), or C(policyid), C(ip), C(id)… depending on the table).
      - Omit for singletons such as C(router/bgp) or C(system/global).
    type: raw
  mkey_attribute:
    description:
      - Attribute that holds the key, sent when creating an entry. Found from the table by default.
    type: str
  config:
    description:
      - Attributes to manage, named as on the REST API (C(remote-gw)) or with underscores
        (C(remote_gw)). Booleans become C(enable)/C(disable); lists of strings become FortiOS
        option lists; lists of dicts are child tables (for example C(srcintf)).
      - Secret attributes (C(psksecret), passwords, keys) are refused here; give them in O(secrets).
    type: dict
  secrets:
    description:
      - Secret attributes, for example C(psksecret). Never logged, shown in output or diffs.
      - Written according to O(update_secrets).
    type: dict
  state:
    description: Whether the entry should exist.
    type: str
    choices: [present, absent]
    default: present
  objects:
    description:
      - Several objects in one task. Mutually exclusive with O(path). An empty list is refused.
    type: list
    elements: dict
    suboptions:
      path:
        description: As O(path).
        type: str
        required: true
      mkey:
        description: As O(mkey).
        type: raw
      mkey_attribute:
        description: As O(mkey_attribute).
        type: str
      config:
        description: As O(config).
        type: dict
      secrets:
        description: As O(secrets).
        type: dict
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
  update_secrets:
    description:
      - C(on_create) writes a secret only when the object or the secret is missing.
      - C(always) writes it on every run, to rotate it (the task then always reports a change).
    type: str
    choices: [on_create, always]
    default: on_create
extends_documentation_fragment:
  - overlay.fortigate.fortigate
  - overlay.fortigate.fortigate.config_attributes
seealso:
  - module: overlay.fortigate.ipsec_phase1_exchange
  - module: overlay.fortigate.ipsec_phase2_autonegotiate
"""

EXAMPLES = r"""
- name: A loopback for BGP
  overlay.fortigate.cmdb_object:
    path: system/interface
    mkey: Lo0
    config:
      vdom: root
      type: loopback
      ip: 10.200.1.1/32
      allowaccess: [ping]

- name: One BGP neighbor, leaving the others alone
  overlay.fortigate.cmdb_object:
    path: router/bgp/neighbor
    mkey: 10.200.99.1
    config:
      remote-as: "65000"
      update-source: Lo0

- name: A spoke's tunnel and its phase2 in one task (checked together before any write)
  overlay.fortigate.cmdb_object:
    objects:
      - path: vpn.ipsec/phase1-interface
        mkey: H1_INET
        config:
          interface: port1
          ike-version: "2"
          remote-gw: 198.51.100.1
          proposal: aes256-sha256
        secrets:
          psksecret: "{{ vault_advpn_psk }}"
      - path: vpn.ipsec/phase2-interface
        mkey: H1_INET
        config:
          phase1name: H1_INET
          auto-negotiate: true

- name: Rotate the pre-shared key
  overlay.fortigate.cmdb_object:
    path: vpn.ipsec/phase1-interface
    mkey: H1_INET
    secrets:
      psksecret: "{{ vault_advpn_new_psk }}"
    update_secrets: always

- name: Global settings (a singleton)
  overlay.fortigate.cmdb_object:
    path: system/global
    vdom: global
    config:
      hostname: FGT-HUB

- name: Remove a static route
  overlay.fortigate.cmdb_object:
    path: router/static
    mkey: 7
    state: absent
"""

RETURN = r"""
results:
  description: One entry per object, in task order.
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: CMDB path.
      type: str
    mkey:
      description: Key of the entry (null for singletons).
      type: raw
    action:
      description: C(none), C(create), C(update) or C(delete).
      type: str
    changed:
      description: Whether this object changed (or would, in check mode).
      type: bool
    diff:
      description: Before and after of the managed attributes, secrets masked.
      type: dict
    object:
      description: The object as read back after the write (secrets masked); null after a delete.
      type: dict
diff:
  description: One before/after pair per object, with the object as header (also in normal mode).
  returned: success
  type: list
  elements: dict
requests:
  description: The write requests sent, in order, secrets masked; empty when nothing differed.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.objects import reconcile
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.module import COMMON_ARGUMENTS, run


def object_options(path_required):
    """Options of one object: at the top level, and for each entry of ``objects``."""
    return dict(
        path=dict(type="str", required=path_required),
        mkey=dict(type="raw", no_log=False),
        mkey_attribute=dict(type="str", no_log=False),
        config=dict(type="dict"),
        secrets=dict(type="dict", no_log=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )


def main():
    argument_spec = dict(
        objects=dict(type="list", elements="dict", options=object_options(path_required=True)),
        update_secrets=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        **COMMON_ARGUMENTS,
    )
    argument_spec.update(object_options(path_required=False))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[["path", "objects"]], mutually_exclusive=[["path", "objects"]])
    run(module, lambda client: reconcile(client, module.params, module.check_mode))


if __name__ == "__main__":
    main()

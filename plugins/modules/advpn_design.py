#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the advpn_design action (the work happens in plugins/action/advpn_design.py)."""

DOCUMENTATION = r"""
module: advpn_design
short_description: Plan a hub-and-spoke ADVPN fabric from intent, on the controller
version_added: 0.2.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Reads the ADVPN intent (C(advpn_fabric), C(advpn_loopback), C(advpn_site_id), C(advpn_wan),
    C(advpn_lans)) from the variables of the play's hosts, validates it (every problem at once, each
    naming the host, the key and the fix) and derives each member's plan with the collection's plan
    library. The role P(overlay.fortigate.advpn_design#role) documents the intent keys and the plan.
  - A fabric's members are the play's hosts whose C(advpn_fabric.name) is the same; hubs named in
    C(advpn_fabric.hubs) are read from the inventory even when the play does not include them.
  - With O(host), returns that host's plan as the fact C(advpn_plan) (null when the host is in no
    fabric). Without it, returns a summary and writes the CLI text when O(config_dir) is given.
  - Runs on the controller only; opens no connection to any device. The pre-shared key is never
    read into the plan; its presence is checked (C(advpn_fabric.psk) or the environment variable
    C(OVERLAY_FORTIGATE_ADVPN_PSK)).
options:
  host:
    description: Return the plan of this inventory host as C(ansible_facts.advpn_plan).
    type: str
  hosts:
    description: The hosts whose intent forms the fabrics. Default is the play's hosts (C(ansible_play_hosts_all)).
    type: list
    elements: str
  config_dir:
    description:
      - Directory to write each member's FortiOS CLI text to, as C(<config_dir>/<device>.cfg) (the
        pre-shared key appears as C(<psk from vault>)). Files are rewritten only when their text changes.
      - Not written in check mode; RV(config_files) then lists what would change.
    type: path
attributes:
  check_mode:
    support: full
    description: Plans and reports in check mode too; only the CLI files are not written.
  diff_mode:
    support: none
    description: Writes nothing to a device, so there is no diff to show.
notes:
  - Plan once per fabric with C(run_once), then loop over the play's hosts with O(host), C(delegate_to)
    and C(delegate_facts) to give each host its plan; within one task the fabric is planned once.
seealso:
  - module: overlay.fortigate.cmdb_object
"""

EXAMPLES = r"""
- name: Check the intent and write each device's CLI text
  overlay.fortigate.advpn_design:
    config_dir: "{{ playbook_dir }}/intended"
  run_once: true

- name: Give each member its plan (fact advpn_plan)
  overlay.fortigate.advpn_design:
    host: "{{ item }}"
  loop: "{{ ansible_play_hosts }}"
  delegate_to: "{{ item }}"
  delegate_facts: true
  run_once: true
"""

RETURN = r"""
ansible_facts:
  description: With O(host), the fact C(advpn_plan) (see the role's README section for its keys).
  returned: when host is given
  type: dict
  contains:
    advpn_plan:
      description:
        - The host's plan - C(fabric), C(device), C(role), C(hub_index), C(site_id), C(loopback), C(vdom),
          C(objects) (entries for P(overlay.fortigate.cmdb_object#module)'s O(overlay.fortigate.cmdb_object#module:objects), in dependency order,
          with C(secret_refs)), C(owned), C(cli), C(expected) and C(warnings).
      type: dict
fabrics:
  description: Hubs and spokes of each fabric found.
  returned: when host is not given
  type: dict
  sample: {"corp": {"hubs": ["HUB1", "HUB2"], "spokes": ["SPOKE1", "SPOKE2"]}}
config_files:
  description: CLI files written (or, in check mode, that would be written) because their text changed.
  returned: when config_dir is given
  type: list
  elements: str
"""

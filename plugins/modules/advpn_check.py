#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the advpn_check action plugin (plugins/action/advpn_check.py)."""

DOCUMENTATION = r"""
module: advpn_check
short_description: Check an ADVPN fabric's state against its plan and write the fabric report
version_added: 0.2.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Runs on the controller, once for the play (C(run_once)). For every host of O(hosts) it reads the plan
    (C(advpn_plan), set by the role R(overlay.fortigate.advpn_design,ansible_collections.overlay.fortigate.docsite.advpn_design))
    and what the role R(overlay.fortigate.advpn_validate,ansible_collections.overlay.fortigate.docsite.advpn_validate)
    read from the device (C(advpn_validate_observed)), groups the hosts into fabrics by C(advpn_plan.fabric),
    and checks each fabric.
  - "Per spoke x hub x overlay: IKE SA established, IPsec SA up, network-id as planned, the hub's overlay
    address learned and equal to the hub loopback, ADVPN role (auto-discovery receiver), the IKE-injected /32
    to the hub loopback. Per spoke x hub: BGP Established with the hub loopback. Per hub x overlay x spoke:
    exactly one established dial-up instance, its IPsec SA, network-id, the spoke loopback learned, ADVPN role
    sender, the /32 to the spoke loopback. Per hub x spoke: BGP with the spoke loopback. Per device: the
    planned routes and LAN prefixes. Per probe: a shortcut formed and carried the probe's traffic."
  - Every failed check names the device, overlay, check, expected and seen values, the likely cause and its fix
    (for example C(HUB1 EDGE_ISP2 sends no exchange-ip-addr4)), found by following the symptom to the
    settings read from both ends of the tunnel.
  - With O(report_dir), writes C(report.json), C(report.csv), C(report.md) and C(index.html) (topology picture)
    to C(<report_dir>/<fabric>/), also in check mode (the reports are the result of the validation, not a
    change to a device).
  - Fails when a check failed or a device could not be read, unless O(report_only).
options:
  hosts:
    description: The hosts to check; default the play's hosts (C(ansible_play_hosts_all)).
    type: list
    elements: str
  report_dir:
    description: Directory for the reports (one sub-directory per fabric). No report without it.
    type: path
  report_only:
    description: Do not fail when a check failed; only report.
    type: bool
    default: false
  plan_var:
    description: Host variable that holds the plan.
    type: str
    default: advpn_plan
  observed_var:
    description: Host variable that holds what was read from the device (the role sets it).
    type: str
    default: advpn_validate_observed
  max_messages:
    description: How many failed checks the failure message lists (all are in C(failed_checks) and the report).
    type: int
    default: 20
notes:
  - Action plugin; runs on the controller and contacts no device.
  - Results are C(PASS), C(FAIL), C(ERROR) (the device could not be read) and C(SKIPPED) (cannot be judged because
    the tunnel it belongs to is down; the failed check of that tunnel names the cause).
attributes:
  check_mode:
    description: Runs the same in check mode (reads only; writes its reports).
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  platform:
    description: Runs on the controller.
    support: full
    platforms: all
seealso:
  - module: overlay.fortigate.overlay_state_facts
  - module: overlay.fortigate.ike_gateway_facts
"""

EXAMPLES = r"""
- name: Check the fabric and write its report (the role advpn_validate does this)
  overlay.fortigate.advpn_check:
    hosts: "{{ ansible_play_hosts_all }}"
    report_dir: "{{ advpn_report_dir }}"
  run_once: true
  delegate_to: localhost

- name: Only report
  overlay.fortigate.advpn_check:
    report_dir: /srv/reports
    report_only: true
  run_once: true
  register: validation

- name: Show the causes
  ansible.builtin.debug:
    msg: "{{ validation.fabrics | dict2items | map(attribute='value.causes') | flatten | map(attribute='cause') }}"
"""

RETURN = r"""
fabrics:
  description: Per fabric name, C(passed), C(totals) (C(total), C(PASS), C(FAIL), C(ERROR), C(SKIPPED)),
    C(causes) (each C(cause), C(fix) and the C(checks) it explains) and C(reports) (paths, with O(report_dir)).
  returned: always
  type: dict
checks:
  description: Every check, with C(id), C(fabric), C(device), C(role), C(check), C(category), C(description),
    C(tunnel), C(overlay), C(peer), C(subject), C(expected), C(seen), C(result), C(cause), C(fix).
  returned: always
  type: list
  elements: dict
failed_checks:
  description: One line per failed check, C(device tunnel (overlay) check, expected X, seen Y, cause; fix).
  returned: always
  type: list
  elements: str
  sample:
    - "SPOKE1 H1_ISP2 (ISP2) peer_overlay: expected 10.200.255.1, seen 0.0.0.0: HUB1 EDGE_ISP2 sends no
      exchange-ip-addr4; fix: set exchange-ip-addr4 10.200.255.1 on HUB1 EDGE_ISP2 (overlay.fortigate.ipsec_phase1_exchange)"
"""

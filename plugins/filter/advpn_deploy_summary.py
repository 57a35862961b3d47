# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: what cmdb_object tasks wrote, counted."""

DOCUMENTATION = r"""
name: advpn_deploy_summary
author: overlay.fortigate maintainers (@overlay-fortigate)
version_added: 0.1.0
short_description: Count what M(overlay.fortigate.cmdb_object) tasks created, updated and deleted
description:
  - Takes registered results of M(overlay.fortigate.cmdb_object) (the input and any further
    positional arguments; skipped tasks count as nothing) and counts their objects per action and
    per table, lists the changed objects and counts the write requests sent. In check mode the
    counts are what would have been written.
  - The C(overlay.fortigate.advpn_deploy) role sets it as the host fact C(advpn_deploy_summary).
positional: _input
options:
  _input:
    description: A registered M(overlay.fortigate.cmdb_object) result.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Count what two tasks did
  ansible.builtin.debug:
    msg: "{{ written | overlay.fortigate.advpn_deploy_summary(removed) }}"
"""

RETURN = r"""
_value:
  description: The counts.
  type: dict
  contains:
    objects:
      description: Objects handled.
      type: int
    unchanged:
      description: Objects that already were as wanted.
      type: int
    actions:
      description: Number of C(create), C(update) and C(delete).
      type: dict
    tables:
      description: Per table path, the number of each action taken on it.
      type: dict
    changed:
      description: One C(<action> <path> <key>) line per changed object.
      type: list
      elements: str
    write_requests:
      description: Write requests sent (zero in check mode and when nothing differed).
      type: int
"""

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn_deploy import summary


def advpn_deploy_summary(result, *more):
    return summary(result, *more)


class FilterModule:
    def filters(self):
        return {"advpn_deploy_summary": advpn_deploy_summary}

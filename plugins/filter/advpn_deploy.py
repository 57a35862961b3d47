# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the advpn_deploy role; the logic is in plugin_utils/advpn_deploy.py, the docs in <filter>.yml."""

from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.plugin_utils import advpn_deploy


def _filter(function):
    """``function`` as a filter: a plan the role cannot use fails the task with the message as is."""

    def run(*args):
        try:
            return function(*args)
        except advpn_deploy.DeployError as exc:
            raise AnsibleFilterError(str(exc)) from None

    return run


class FilterModule:
    def filters(self):
        return {
            "advpn_deploy_objects": _filter(advpn_deploy.module_objects),
            "advpn_owned_tables": _filter(advpn_deploy.owned_filters),
            "advpn_stale_objects": _filter(advpn_deploy.stale_objects),
            "advpn_deploy_summary": _filter(advpn_deploy.summary),
        }

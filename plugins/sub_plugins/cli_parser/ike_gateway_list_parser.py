# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible.utils.cli_parse parser for FortiOS ``diagnose vpn ike gateway list``."""

DOCUMENTATION = r"""
author: overlay.fortigate maintainers (@overlay-fortigate)
name: ike_gateway_list
short_description: Parser for M(ansible.utils.cli_parse) that reads FortiOS C(diagnose vpn ike gateway list)
description:
  - Used as O(ansible.utils.cli_parse#module:parser.name=overlay.fortigate.ike_gateway_list).
  - Returns exactly what the filter P(overlay.fortigate.parse_ike_gateway_list#filter) returns,
    one dictionary per gateway; see that filter for the keys.
  - Needs no template. With O(ansible.utils.cli_parse#module:text), M(ansible.utils.cli_parse) still
    requires O(ansible.utils.cli_parse#module:parser.command); give the command that produced the text.
  - Text that could not be read is reported as warnings; a FortiOS error or text that is not a
    gateway list fails the task.
version_added: 0.1.0
"""

EXAMPLES = r"""
- name: Run the command on the device and parse it
  ansible.utils.cli_parse:
    command: diagnose vpn ike gateway list
    parser:
      name: overlay.fortigate.ike_gateway_list
    set_fact: fortios_ike_gateways

- name: Parse captured text
  ansible.utils.cli_parse:
    text: "{{ lookup('ansible.builtin.file', 'gateway_list.txt') }}"
    parser:
      name: overlay.fortigate.ike_gateway_list
      command: diagnose vpn ike gateway list
  register: parsed
"""

from ansible_collections.ansible.utils.plugins.plugin_utils.base.cli_parser import CliParserBase

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import GatewayListError
from ansible_collections.overlay.fortigate.plugins.plugin_utils.gateway_list import gateway_facts


class CliParser(CliParserBase):
    """Parser class loaded by ansible.utils.cli_parse by name."""

    DEFAULT_TEMPLATE_EXTENSION = None
    PROVIDE_TEMPLATE_CONTENTS = False

    def parse(self, *_args, **_kwargs):
        """Return ``{"parsed": gateways}`` or ``{"errors": [message]}``."""
        try:
            return {"parsed": gateway_facts(self._task_args.get("text"), source="overlay.fortigate.ike_gateway_list")}
        except GatewayListError as exc:
            return {"errors": [str(exc)]}

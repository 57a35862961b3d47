#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: IKE gateway facts from diagnose vpn ike gateway list."""

DOCUMENTATION = r"""
module: ike_gateway_facts
short_description: Read FortiGate IKE gateways (diagnose vpn ike gateway list) as facts
version_added: 0.1.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Runs C(diagnose vpn ike gateway list) (optionally C(name X), optionally in one VDOM) over
    C(ansible.netcommon.network_cli), parses it with the collection's parser and sets
    C(ansible_facts.fortios_ike_gateways) (one dictionary per gateway, the keys the filter
    P(overlay.fortigate.parse_ike_gateway_list#filter) documents) and
    C(ansible_facts.fortios_ike_summary).
  - With O(text) it parses captured output instead and needs no connection.
  - Read-only; runs in check mode too.
options:
  name:
    description: Only this gateway (C(diagnose vpn ike gateway list name X)).
    type: str
  vdom:
    description:
      - Run the command in this VDOM (C(config vdom) / C(edit X) first), for devices with VDOMs enabled.
      - On a device without VDOMs, C(root) (the default of the group's C(module_defaults) users often
        set) runs the command as is; another name fails.
      - The VDOM must exist. The cliconf plugin lists the VDOMs first and never enters an unknown name,
        since C(edit) of an unknown name inside C(config vdom) would create a VDOM.
      - Ignored with O(text).
    type: str
  text:
    description:
      - Captured output to parse instead of running the command.
      - Treated as secret (C(no_log)), since captured output may hold key material; it is never
        echoed back in the task result (a message that would quote the whole text shows it masked).
    type: str
  strict:
    description: Fail when part of the output could not be read, instead of warning.
    type: bool
    default: false
notes:
  - Needs C(ansible_connection=ansible.netcommon.network_cli) and
    C(ansible_network_os=overlay.fortigate.fortios), unless O(text) is given.
  - Takes no API token (it runs over SSH). Set the REST modules' token per host
    (C(ansible_httpapi_session_key)) or per module rather than in C(module_defaults) of the
    C(overlay.fortigate.fortigate) group, which this module belongs to as well.
  - Key material in the output (C(key), C(SK_*)) is never returned.
attributes:
  facts:
    description: Sets C(fortios_ike_gateways) and C(fortios_ike_summary).
    support: full
extends_documentation_fragment:
  - overlay.fortigate.fortigate.read_attributes
seealso:
  - plugin: overlay.fortigate.parse_ike_gateway_list
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Read every gateway
  overlay.fortigate.ike_gateway_facts:

- name: Tunnels whose peer sent no overlay address (json_query needs community.general and jmespath)
  ansible.builtin.debug:
    msg: "{{ ansible_facts.fortios_ike_gateways | community.general.json_query(query) }}"
  vars:
    query: "[?virtual_interface_addr_peer=='0.0.0.0'].name"

- name: Peer overlay address per tunnel
  ansible.builtin.debug:
    msg: "{{ ansible_facts.fortios_ike_gateways | community.general.json_query('[].[name, virtual_interface_addr_peer]') }}"

- name: One tunnel, in a VDOM
  overlay.fortigate.ike_gateway_facts:
    name: SiteB-to-SiteA
    vdom: customer-a

- name: Every tunnel must be up with its overlay exchanged
  ansible.builtin.assert:
    that:
      - ansible_facts.fortios_ike_summary.ipsec_up == ansible_facts.fortios_ike_summary.gateways
      - ansible_facts.fortios_ike_summary.overlays_missing | length == 0
    fail_msg: "not exchanged: {{ ansible_facts.fortios_ike_summary.overlays_missing }}"

- name: Parse output captured earlier, no connection needed
  overlay.fortigate.ike_gateway_facts:
    text: "{{ lookup('ansible.builtin.file', 'fgt2-gateway-list.txt') }}"
  delegate_to: localhost
"""

RETURN = r"""
ansible_facts:
  description: The facts set.
  returned: success
  type: dict
  contains:
    fortios_ike_gateways:
      description:
        - One dictionary per gateway (C(vd:) block), in output order, as the filter
          overlay.fortigate.parse_ike_gateway_list returns. Every key is always present; a field the
          output does not show is C(null).
      type: list
      elements: dict
      contains:
        # BEGIN gateway facts: written by tools/gateway_facts_docs.py from plugins/module_utils/ike/facts_schema.py
        vdom:
          description: >-
            VDOM name, from C(vd: root/0).
          type: str
        vdom_index:
          description: >-
            VDOM index, from C(vd: root/0).
          type: int
        name:
          description: >-
            Gateway (phase1) name; dial-up instances carry a suffix such as C(HUB_0).
          type: str
        ike_version:
          description: >-
            IKE version, from C(version).
          type: int
        interface:
          description: >-
            Outgoing interface name (empty string when FortiOS prints only the index).
          type: str
        interface_index:
          description: >-
            Outgoing interface index.
          type: int
        local_addr:
          description: >-
            Local underlay address (IPv6 keeps its colons).
          type: str
        local_port:
          description: >-
            Local IKE port (500, or 4500 with NAT-T).
          type: int
        remote_addr:
          description: >-
            Remote underlay address.
          type: str
        remote_port:
          description: >-
            Remote IKE port.
          type: int
        transport:
          description: >-
            C(UDP) or C(TCP) (IKE over TCP), when printed.
          type: str
        tun_id:
          description: >-
            IPv4 tunnel id.
          type: str
        tun_id6:
          description: >-
            IPv6 tunnel id.
          type: str
        remote_location:
          description: >-
            Remote location as printed.
          type: str
        network_id:
          description: >-
            Network id (C(network-overlay)).
          type: int
        virtual_interface_addr_local:
          description: >-
            Local overlay address.
          type: str
        virtual_interface_addr_peer:
          description: >-
            Overlay address the peer sent, C(0.0.0.0) when it sent none.
          type: str
        overlay_exchanged:
          description: >-
            True when the peer's overlay address is present and not C(0.0.0.0); null when the line is
            absent.
          type: bool
        created_seconds:
          description: >-
            Seconds since the gateway was created.
          type: int
        ike_sa:
          description: >-
            IKE SA counters C(created_current), C(created_total), C(established_current),
            C(established_total) and C(time_ms) (C(min), C(avg), C(max)); the established and time parts
            are null when the line has none.
          type: dict
        ipsec_sa:
          description: >-
            IPsec SA counters, same shape as C(ike_sa).
          type: dict
        auto_discovery:
          description: >-
            Raw ADVPN auto-discovery value, for example C(1 sender).
          type: str
        peer_id:
          description: >-
            Peer id as printed.
          type: str
        peer_sn:
          description: >-
            Peer serial number as printed.
          type: str
        extra:
          description: >-
            Any other C(key: value) line of the gateway, with snake_case keys.
          type: dict
        ike_sas:
          description: >-
            One entry per C(id/spi) block (IKE SA), in output order.
          type: list
          elements: dict
          contains:
            id:
              description: >-
                SA id, from C(id/spi).
              type: int
            spi_initiator:
              description: >-
                Initiator's SPI (first half of C(id/spi)).
              type: str
            spi_responder:
              description: >-
                Responder's SPI (second half of C(id/spi)).
              type: str
            direction:
              description: >-
                C(initiator) or C(responder).
              type: str
            status:
              description: >-
                First word of the status, for example C(established) or C(connecting).
              type: str
            status_raw:
              description: >-
                The whole status value.
              type: str
            proposal:
              description: >-
                Negotiated proposal.
              type: str
            lifetime:
              description: >-
                SA lifetime in seconds.
              type: int
            rekey:
              description: >-
                Seconds until rekey.
              type: int
            dpd_sent:
              description: >-
                DPD messages sent (decoded from hexadecimal).
              type: int
            dpd_recv:
              description: >-
                DPD messages received (decoded from hexadecimal).
              type: int
            extra:
              description: >-
                Any other C(key: value) line of the SA, snake_case keys; key material is never kept.
              type: dict
        # END gateway facts
    fortios_ike_summary:
      description:
        - C(gateways), C(ike_up), C(ipsec_up) (gateways with an IPsec SA up), C(ipsec_sas_up),
          C(overlays_exchanged), C(overlays_missing) (C(vdom/name) of the tunnels whose peer sent no
          overlay address), and C(tunnels), a list with one entry per gateway (C(name), C(vdom),
          C(ike_up), C(ipsec_up), C(ipsec_sas), C(overlay_local), C(overlay_peer), C(overlay_exchanged),
          C(remote_addr)).
      type: dict
command:
  description: The command that was run (absent with O(text)).
  returned: when run on a device
  type: str
  sample: diagnose vpn ike gateway list name SiteB-to-SiteA
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.connection import Connection, ConnectionError as AnsibleConnectionError

from ansible_collections.overlay.fortigate.plugins.module_utils.common.cli import cli_word_problem
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import (
    GatewayListError,
    parse_gateway_list,
)
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.summary import summarize

NEEDS_CLI = ("ike_gateway_facts runs 'diagnose vpn ike gateway list' over SSH, but the task's connection offers no "
             "CLI commands (ansible.netcommon.httpapi is REST only): set ansible_connection: "
             "ansible.netcommon.network_cli for this task (in its vars, with ansible_network_os: "
             "overlay.fortigate.fortios and the SSH port as ansible_port), or give text to parse captured output")


def cli_word(module, option):
    value = module.params[option]
    problem = cli_word_problem(value) if value is not None else None
    if problem:
        module.fail_json(msg="%s: %r %s" % (option, value, problem))
    return value


def read_from_device(module):
    """Run the command over the task's network_cli connection (in the VDOM given, by the cliconf plugin)."""
    command = "diagnose vpn ike gateway list"
    if cli_word(module, "name"):
        command += " name %s" % module.params["name"]
    vdom = cli_word(module, "vdom")
    if not getattr(module, "_socket_path", None):
        module.fail_json(msg="no device connection: use ansible_connection=ansible.netcommon.network_cli with "
                             "ansible_network_os=overlay.fortigate.fortios, or give text to parse captured output")
    try:
        output = Connection(module._socket_path).run_in_vdom(command=command, vdom=vdom)
    except AnsibleConnectionError as exc:
        if getattr(exc, "code", None) == -32601 or "Method not found" in str(exc):
            module.fail_json(msg=NEEDS_CLI)  # an httpapi (REST only) connection: say how to get the CLI
        module.fail_json(msg="ike_gateway_facts: %s" % exc, command=command)
    return command, output


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str"),
            vdom=dict(type="str"),
            # Captured output may hold key material (damaged key lines); never echo it back.
            text=dict(type="str", no_log=True),
            strict=dict(type="bool", default=False),
        ),
        mutually_exclusive=[["text", "name"]],
        supports_check_mode=True,
    )
    result = {"changed": False}
    if module.params["text"] is not None:
        output = module.params["text"]
    else:
        result["command"], output = read_from_device(module)
    try:
        parsed = parse_gateway_list(output, strict=module.params["strict"])
    except GatewayListError as exc:
        module.fail_json(msg="ike_gateway_facts: %s" % exc, **result)
    for warning in parsed.warnings:
        module.warn("ike_gateway_facts: %s" % warning)
    result["ansible_facts"] = {
        "fortios_ike_gateways": parsed.gateways,
        "fortios_ike_summary": summarize(parsed.gateways),
    }
    module.exit_json(**result)


if __name__ == "__main__":
    main()

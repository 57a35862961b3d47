# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: FortiOS ``diagnose vpn ike gateway list`` text to gateway facts."""

DOCUMENTATION = r"""
name: parse_ike_gateway_list
author: overlay.fortigate maintainers (@overlay-fortigate)
version_added: 0.1.0
short_description: Parse FortiOS C(diagnose vpn ike gateway list) output into gateway facts
description:
  - Turns the output of the FortiOS command C(diagnose vpn ike gateway list) (optionally
    C(name X)) into a list of gateways, one per C(vd:) block, in output order.
  - Reads every layout seen in practice, the real multi-line output, the one-line-per-gateway
    form that web pages flatten it into, lost indentation, CRLF line ends, a prompt or command
    echo before the output, several VDOMs, IPv6 addresses, IKEv1 and IKEv2, and releases that
    print no C(tun_id).
  - Key material (C(key), C(SK_ei), C(SK_er), C(SK_ai), C(SK_ar), C(enc), C(dec)) is never returned.
  - Text that cannot be read is skipped with a warning naming the line, or fails the task
    when O(strict=true). Text that is a FortiOS error (for example C(Command fail)) or is not a
    gateway list at all fails with a clear message.
  - The same parser is available to M(ansible.utils.cli_parse) as C(overlay.fortigate.ike_gateway_list)
    and is used by the facts module, so all three return identical facts.
positional: _input
options:
  _input:
    description:
      - The command output, as one string (for example C(result.stdout[0]) of
        M(ansible.netcommon.cli_command)) or as a list of lines (C(stdout_lines)).
    type: raw
    required: true
  strict:
    description:
      - Fail when any part of the text could not be read, instead of warning.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the gateway list from a FortiGate
  ansible.netcommon.cli_command:
    command: diagnose vpn ike gateway list
  register: gateway_list

- name: Parse it into facts
  ansible.builtin.set_fact:
    gateways: "{{ gateway_list.stdout | overlay.fortigate.parse_ike_gateway_list }}"

- name: Tunnels whose peer did not send its overlay address
  ansible.builtin.debug:
    msg: "{{ gateways | selectattr('overlay_exchanged', 'false') | map(attribute='name') | list }}"

# Given the output of the knowledge-base article on exchange-interface-ip (FGT B, before):
#   vd: root/0
#   name: SiteB-to-SiteA
#   version: 1
#   interface: port1 3
#   addr: 10.47.1.80:500 -> 10.47.2.86:500
#   virtual-interface-addr: 1.1.1.2 -> 0.0.0.0
#   IKE SA: created 1/1  established 1/1  time 3010/3010/3010 ms
#   IPsec SA: created 0/0
# the filter returns (abridged):
#   - name: SiteB-to-SiteA
#     vdom: root
#     remote_addr: 10.47.2.86
#     virtual_interface_addr_local: 1.1.1.2
#     virtual_interface_addr_peer: 0.0.0.0
#     overlay_exchanged: false
#     ike_sa: {created_current: 1, created_total: 1, established_current: 1, established_total: 1,
#              time_ms: {min: 3010, avg: 3010, max: 3010}}
#     ipsec_sa: {created_current: 0, created_total: 0, established_current: null,
#                established_total: null, time_ms: null}

- name: Refuse output that was only partly readable
  ansible.builtin.set_fact:
    gateways: "{{ gateway_list.stdout[0] | overlay.fortigate.parse_ike_gateway_list(strict=true) }}"

- name: IKE SAs that are not established, with their gateway
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.ike_sas | rejectattr('status', 'eq', 'established') | map(attribute='id') | list }}"
  loop: "{{ gateways }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
_value:
  description:
    - One dictionary per gateway (C(vd:) block), in output order. Every key is always present;
      a field the output does not show is C(null). Integers are integers.
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
        C(established_total) and C(time_ms) (C(min), C(avg), C(max)); the established and time parts are
        null when the line has none.
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
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import GatewayListError
from ansible_collections.overlay.fortigate.plugins.plugin_utils.gateway_list import gateway_facts


def parse_ike_gateway_list(data, strict=False):
    """Filter entry point; see DOCUMENTATION."""
    if not isinstance(strict, bool):
        raise AnsibleFilterError(
            "parse_ike_gateway_list: strict must be a boolean (true or false), got %r" % (strict,)
        )
    try:
        return gateway_facts(data, strict=strict)
    except GatewayListError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    """overlay.fortigate gateway-list filter."""

    def filters(self):
        return {"parse_ike_gateway_list": parse_ike_gateway_list}

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: the IPsec overlay's operational state and settings over REST, as facts."""

DOCUMENTATION = r"""
module: overlay_state_facts
short_description: Read a FortiGate's IPsec overlay state over REST (tunnels, BGP, routes, settings)
version_added: 0.2.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Reads, over one C(ansible.netcommon.httpapi) connection, what a FortiGate's overlay is doing and how it is
    configured, and sets C(ansible_facts.fortios_overlay_state).
  - "Operational state from the REST monitors: IPsec tunnels (C(monitor/vpn/ipsec): dial-up instances and
    shortcuts with their parent, phase2 status, byte counters), BGP neighbors (C(monitor/router/bgp/neighbors)),
    the IPv4 routing table (C(monitor/router/ipv4)) and, where the release serves it, interface links
    (C(monitor/system/interface))."
  - "Settings from the CMDB, read with C(format=) so that no secret is ever requested: phase1-interface
    (type, interface, remote-gw, IKE version, proposal, network-overlay/network-id, exchange-interface-ip,
    exchange-ip-addr4, auto-discovery sender/receiver, net-device, add-route), phase2-interface (phase1name,
    auto-negotiate, keepalive, proposal), system interface (type, address, status) and router bgp (AS,
    router-id, neighbors, neighbor-groups, neighbor-ranges, networks)."
  - A source the device does not serve (HTTP 404, e.g. an older release) is listed in C(unavailable) and its
    key is C(null); other errors fail the task with the request and the device's answer.
  - What C(diagnose vpn ike gateway list) alone shows (network-id in use, exchanged overlay addresses, ADVPN
    role) comes from M(overlay.fortigate.ike_gateway_facts) over SSH; the role
    R(overlay.fortigate.advpn_validate,ansible_collections.overlay.fortigate.docsite.advpn_validate) uses both.
  - Read-only; runs in check mode too.
attributes:
  facts:
    description: Sets C(fortios_overlay_state).
    support: full
extends_documentation_fragment:
  - overlay.fortigate.fortigate
  - overlay.fortigate.fortigate.read_attributes
seealso:
  - module: overlay.fortigate.ike_gateway_facts
"""

EXAMPLES = r"""
- name: Read the overlay state
  overlay.fortigate.overlay_state_facts:
    access_token: "{{ fortios_access_token }}"

- name: BGP neighbors that are not Established
  ansible.builtin.debug:
    msg: "{{ ansible_facts.fortios_overlay_state.bgp_neighbors | rejectattr('state', 'eq', 'Established')
             | map(attribute='neighbor_ip') | list }}"

- name: Tunnels with a phase2 down
  ansible.builtin.debug:
    msg: "{{ ansible_facts.fortios_overlay_state.tunnels | selectattr('phase2')
             | rejectattr('phase2', 'contains', {'status': 'up'}) | map(attribute='name') | list }}"
"""

RETURN = r"""
ansible_facts:
  description: The facts set.
  returned: success
  type: dict
  contains:
    fortios_overlay_state:
      description: The overlay's state; a key is C(null) when its source is in C(unavailable).
      type: dict
      contains:
        vdom:
          description: The VDOM read.
          type: str
        version:
          description: FortiOS release (C(v7.4.4)).
          type: str
        hostname:
          description: The device's hostname.
          type: str
        tunnels:
          description:
            - One entry per tunnel of C(monitor/vpn/ipsec) (static tunnels, dial-up templates, their instances
              and ADVPN shortcuts).
            - C(name), C(parent) (dial-up parent or shortcut parent, else null), C(type) (C(automatic) static,
              C(dialup) instance or shortcut, empty for a dial-up template), C(remote_gw), C(tun_id) (a dial-up
              instance's learned overlay address), C(peer_id), C(incoming_bytes), C(outgoing_bytes), C(phase2)
              (list of C(name), C(status) C(up)/C(down), byte counters).
          type: list
          elements: dict
        bgp_neighbors:
          description: C(neighbor_ip), C(local_ip), C(remote_as), C(state) (C(Established), C(Active), ...),
            C(admin_status). Dynamic (neighbor-range) peers are listed while established.
          type: list
          elements: dict
        routes:
          description: The IPv4 routing table, C(prefix), C(type) (C(connect), C(static), C(bgp)), C(gateway),
            C(interface) (C(Null) for blackholes), C(tunnel_parent), C(is_tunnel_route), C(distance),
            C(priority). IKE routes (from exchanged overlay addresses) are C(static) through a tunnel.
          type: list
          elements: dict
        links:
          description: C(name) and C(link) (physical link up) per interface, or null when the release does not
            serve C(monitor/system/interface).
          type: list
          elements: dict
        interfaces:
          description: C(name), C(type), C(ip) (C(a.b.c.d/len)), C(status) (C(up)/C(down)), C(vdom).
          type: list
          elements: dict
        phase1:
          description: Phase1-interface settings (no secret), snake_case keys.
          type: list
          elements: dict
        phase2:
          description: Phase2-interface settings, snake_case keys.
          type: list
          elements: dict
        bgp:
          description: C(as), C(router_id), C(neighbors) (C(ip), C(remote_as), C(update_source)),
            C(neighbor_groups), C(neighbor_ranges) (C(prefix), C(neighbor_group)), C(networks) (prefixes).
          type: dict
        unavailable:
          description: The REST paths the device answered with 404.
          type: list
          elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.connection import Connection, ConnectionError as AnsibleConnectionError

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.module import COMMON_ARGUMENTS
from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec.overlay_state import (
    OverlayStateError,
    OverlayStateReader,
)


def main():
    module = AnsibleModule(argument_spec=dict(COMMON_ARGUMENTS), supports_check_mode=True)
    if not getattr(module, "_socket_path", None):
        module.fail_json(msg="overlay_state_facts reads over REST: set ansible_connection: ansible.netcommon.httpapi "
                             "and ansible_network_os: overlay.fortigate.fortios for the host")
    connection = Connection(module._socket_path)
    if module.params.get("access_token"):
        connection.set_custom_option("access_token", module.params["access_token"])

    def send(method, url, body):
        return connection.send_request(url=url, method=method, data=body)

    try:
        state = OverlayStateReader(send, vdom=module.params["vdom"]).read()
    except OverlayStateError as exc:
        module.fail_json(msg="overlay_state_facts: %s" % exc)
    except AnsibleConnectionError as exc:
        module.fail_json(msg="overlay_state_facts: connection to the FortiGate failed: %s" % exc)
    module.exit_json(changed=False, ansible_facts={"fortios_overlay_state": state})


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: overlay address exchange on an IPsec phase1-interface."""

DOCUMENTATION = r"""
module: ipsec_phase1_exchange
short_description: Manage overlay address exchange (exchange-interface-ip, exchange-ip-addr4/6) of a FortiGate phase1-interface
version_added: 0.1.0
author: overlay.fortigate maintainers (@overlay-fortigate)
description:
  - Sets whether a route-based IPsec tunnel (C(vpn ipsec phase1-interface)) sends its overlay
    address to the peer during IKE, and which address.
  - C(exchange-interface-ip enable) sends the tunnel interface address; the peer shows it in
    C(diagnose vpn ike gateway list) as C(virtual-interface-addr local -> peer) and installs a
    /32 route to it through the tunnel. Without it the peer shows C(-> 0.0.0.0).
  - C(exchange-ip-addr4) sends that address instead, typically the loopback that BGP runs on in
    an ADVPN with BGP on loopback.
  - Reads the tunnel, compares, and writes only what differs; a second run writes nothing.
    C(changed), check mode and the diff come from that comparison.
  - The phase1-interface must exist; the module never creates half a tunnel.
  - Some FortiOS releases accept C(exchange-ip-addr4) only while C(exchange-interface-ip) is
    enabled. The module therefore writes the addresses while it is enabled (enabling first, or
    disabling last). On those releases, when O(exchange_interface_ip) is not given and an address
    is refused, it enables C(exchange-interface-ip) first and warns; when the device refuses the
    combination asked for, the steps already written are undone and the task fails naming the fix.
    Check mode cannot know the release's rule and says so in a warning when it matters.
options:
  name:
    description: Name of the phase1-interface (the tunnel).
    type: str
    required: true
  exchange_interface_ip:
    description: Send the tunnel interface address to the peer (C(exchange-interface-ip)).
    type: bool
  exchange_ip_addr4:
    description:
      - IPv4 address to send to the peer instead of the interface address (C(exchange-ip-addr4)).
      - An empty string stops sending one (FortiOS C(0.0.0.0)).
      - A plain dotted address; a prefix length or a multicast address is refused (the peer installs
        a host route to the address it receives).
    type: str
  exchange_ip_addr6:
    description:
      - IPv6 address to send to the peer (C(exchange-ip-addr6)); an empty string stops sending one.
      - A plain address, as FortiOS's C(ipv6-address) type takes it; it is sent in compressed form.
        A zone index (C(fe80::1%port1)), a prefix length or a multicast address is refused before
        anything is sent. A link-local address without zone index is accepted.
    type: str
extends_documentation_fragment:
  - overlay.fortigate.fortigate
  - overlay.fortigate.fortigate.config_attributes
notes:
  - Omitted options are left as they are on the device.
  - An empty O(name) (for example an undefined template variable rendered as C("")) is refused before
    any request; without a key, the request would address the whole table.
  - If the device refuses a later step and also refuses undoing an earlier one, the task fails saying
    the tunnel is half-written, which values it holds now and how to recover.
seealso:
  - module: overlay.fortigate.ipsec_phase2_autonegotiate
  - plugin: overlay.fortigate.parse_ike_gateway_list
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Both sides send their tunnel address (Fortinet KB 253455)
  overlay.fortigate.ipsec_phase1_exchange:
    name: SiteA-to-SiteB
    exchange_interface_ip: true

- name: A spoke announces its loopback for BGP on loopback
  overlay.fortigate.ipsec_phase1_exchange:
    name: H1_INET
    exchange_ip_addr4: 10.200.1.1

- name: Stop announcing a specific address, in another VDOM
  overlay.fortigate.ipsec_phase1_exchange:
    name: H1_INET
    vdom: customer-a
    exchange_ip_addr4: ""

- name: Set the VDOM once for every module of the collection
  module_defaults:
    group/overlay.fortigate.fortigate:
      vdom: root
  block:
    - name: Enable the exchange
      overlay.fortigate.ipsec_phase1_exchange:
        name: SiteA-to-SiteB
        exchange_interface_ip: true
"""

RETURN = r"""
exchange_interface_ip:
  description: Whether the tunnel sends its interface address after the task (predicted in check mode).
  returned: success
  type: bool
  sample: true
exchange_ip_addr4:
  description: The IPv4 address sent to the peer after the task, empty when none.
  returned: success
  type: str
  sample: 10.200.1.1
exchange_ip_addr6:
  description: The IPv6 address sent to the peer after the task, empty when none.
  returned: success
  type: str
  sample: ""
diff:
  description: Before and after values of the managed attributes (also in normal mode).
  returned: success
  type: dict
  sample: {"before": {"exchange-interface-ip": "disable"}, "after": {"exchange-interface-ip": "enable"}}
requests:
  description: The write requests sent (method, URL, body), in order; empty when nothing differed.
  returned: always
  type: list
  elements: dict
object:
  description: Identity of the tunnel (name, type, interface, remote-gw).
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.module import COMMON_ARGUMENTS, run
from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec.phase1_exchange import reconcile


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        exchange_interface_ip=dict(type="bool"),
        exchange_ip_addr4=dict(type="str"),
        exchange_ip_addr6=dict(type="str"),
        **COMMON_ARGUMENTS,
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[["exchange_interface_ip", "exchange_ip_addr4", "exchange_ip_addr6"]])
    run(module, lambda client: reconcile(client, module.params, module.check_mode))


if __name__ == "__main__":
    main()

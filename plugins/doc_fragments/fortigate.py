# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the modules that talk to the FortiOS REST API."""


class ModuleDocFragment:
    """Connection and scope options, and the attributes of configuration modules."""

    DOCUMENTATION = r"""
options:
  vdom:
    description:
      - Virtual domain of the objects. Use C(global) for global objects.
      - Set it once for every module of this collection with C(module_defaults) and the group
        C(group/overlay.fortigate.fortigate).
    type: str
    default: root
  access_token:
    description:
      - FortiOS REST API token. Usually given once per host in the inventory instead, as the
        C(access_token) key of C(ansible_httpapi_session_key).
    type: str
notes:
  - Runs over C(ansible.netcommon.httpapi) with C(ansible_network_os) set to
    C(overlay.fortigate.fortios) (which retries transient errors) or C(fortinet.fortios.fortios).
"""

    CONFIG_ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Reads the device and reports the change it would make, writing nothing.
    support: full
  diff_mode:
    description: Reports the before and after values of the managed attributes, in check mode and in normal mode.
    support: full
  action_group:
    description: Member of the C(overlay.fortigate.fortigate) action group for C(module_defaults).
    support: full
    membership:
      - overlay.fortigate.fortigate
"""

    READ_ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  action_group:
    description: Member of the C(overlay.fortigate.fortigate) action group for C(module_defaults).
    support: full
    membership:
      - overlay.fortigate.fortigate
"""

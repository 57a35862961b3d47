# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between AnsibleModule and the CMDB client: connection, shared options, errors."""

from __future__ import annotations

from ansible.module_utils.connection import Connection, ConnectionError as AnsibleConnectionError

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbClient, CmdbError
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ReconcileError, WriteError

COMMON_ARGUMENTS = {
    "vdom": {"type": "str", "default": "root"},
    "access_token": {"type": "str", "no_log": True},
}


def cmdb_client(module):
    """A CmdbClient over the task's httpapi connection."""
    if not getattr(module, "_socket_path", None):
        module.fail_json(
            msg="this module needs a persistent httpapi connection: set ansible_connection: "
                "ansible.netcommon.httpapi and ansible_network_os: overlay.fortigate.fortios for the host"
        )
    connection = Connection(module._socket_path)
    if module.params.get("access_token"):
        connection.set_custom_option("access_token", module.params["access_token"])

    def send(method, url, body):
        return connection.send_request(url=url, method=method, data=body)

    return CmdbClient(send, vdom=module.params["vdom"])


def run(module, work):
    """Run ``work(client)`` for the task and exit with its result.

    Device, engine and connection errors become a clean failure that carries the requests
    already sent, so a user can see that nothing (or what) was written. A ``warnings`` list
    in the result becomes Ansible warnings.
    """
    client = cmdb_client(module)
    try:
        result = work(client)
    except (CmdbError, WriteError) as exc:
        device = exc.device_error if isinstance(exc, WriteError) else exc
        module.fail_json(msg=str(exc), status=device.status, error=device.code, cli_error=device.cli_error,
                         field=device.field, requests=client.requests)
    except ReconcileError as exc:
        module.fail_json(msg=str(exc), requests=client.requests)
    except AnsibleConnectionError as exc:
        module.fail_json(msg="connection to the FortiGate failed: %s" % exc, requests=client.requests)
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)

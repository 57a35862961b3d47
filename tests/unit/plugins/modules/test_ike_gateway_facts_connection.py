"""ike_gateway_facts over a connection without a CLI (httpapi) names the fix instead of "Method not found"."""

import json

import pytest
from ansible.module_utils.connection import ConnectionError as AnsibleConnectionError
from ansible.module_utils.testing import patch_module_args

from ansible_collections.overlay.fortigate.plugins.modules import ike_gateway_facts


class RestOnly:
    """What an httpapi connection answers to any CLI call: JSON-RPC 'Method not found'."""

    def __init__(self, socket_path):
        self.socket_path = socket_path

    def __getattr__(self, name):
        def call(*args, **kwargs):
            raise AnsibleConnectionError("Method not found", code=-32601)
        return call


@pytest.mark.parametrize("args", [{}, {"vdom": "root"}, {"vdom": "blue"}, {"name": "H1_ISP1"}])
def test_httpapi_connection_gets_the_fix(monkeypatch, capsys, args):
    monkeypatch.setattr(ike_gateway_facts, "Connection", RestOnly)
    with patch_module_args(dict(args, _ansible_socket="/fake/socket")):
        with pytest.raises(SystemExit):
            ike_gateway_facts.main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert "set ansible_connection: ansible.netcommon.network_cli" in result["msg"]
    assert "Method not found" not in result["msg"]

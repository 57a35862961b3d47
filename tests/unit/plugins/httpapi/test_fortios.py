"""The httpapi plugin builds on fortinet.fortios' plugin and reads some of its private state.

This is the contract with upstream: if a fortinet.fortios release renames or drops what the
plugin relies on, this test fails loudly instead of the plugin failing at run time. The tested
release is the one pinned in requirements-dev.txt; galaxy.yml accepts its 2.x series.
"""

import inspect
import json
import pathlib

import yaml
from ansible_collections.ansible.netcommon.plugins.connection.httpapi import Connection as NetcommonHttpapi
from ansible_collections.fortinet.fortios.plugins.httpapi.fortios import HttpApi as UpstreamHttpApi

from ansible_collections.overlay.fortigate.plugins.httpapi.fortios import HttpApi

ROOT = pathlib.Path(__file__).resolve().parents[4]
# Private attributes of fortinet.fortios' HttpApi that our plugin reads or resets.
UPSTREAM_STATE = ("_options", "_session_key", "_cookie", "_ccsrf_token", "_logged_in")
# Methods we override or call, with the parameters we pass.
UPSTREAM_METHODS = {
    "login": ["username", "password"], "send_request": ["message_kwargs"], "update_auth": ["response", "response_text"],
    "handle_httperror": ["exc"], "get_access_token": [], "log": ["msg"], "set_custom_option": ["k", "v"],
}


class _Connection:
    def get_option(self, name):
        return None


def test_upstream_still_has_the_private_state_we_use():
    api = UpstreamHttpApi(_Connection())
    missing = [name for name in UPSTREAM_STATE if not hasattr(api, name)]
    assert missing == [], "fortinet.fortios' HttpApi no longer sets %s: update plugins/httpapi/fortios.py" % missing
    assert HttpApi.__mro__[1] is UpstreamHttpApi


def test_upstream_methods_keep_their_parameters():
    for name, parameters in UPSTREAM_METHODS.items():
        method = getattr(UpstreamHttpApi, name, None)
        assert method is not None, "fortinet.fortios' HttpApi lost %s()" % name
        assert list(inspect.signature(method).parameters)[1:] == parameters, name


def test_netcommon_connection_keeps_its_auth_headers_attribute():
    source = inspect.getsource(NetcommonHttpapi.__init__)
    assert "self._auth = None" in source  # reset by the plugin before logging in again


def test_the_tested_release_is_inside_the_range_galaxy_accepts():
    manifest = pathlib.Path(inspect.getfile(UpstreamHttpApi)).parents[2] / "MANIFEST.json"
    installed = json.loads(manifest.read_text())["collection_info"]["version"]
    accepted = yaml.safe_load((ROOT / "galaxy.yml").read_text())["dependencies"]["fortinet.fortios"]
    low, high = (_version(part.strip().lstrip("<>=")) for part in accepted.split(","))
    assert low <= _version(installed) < high, (installed, accepted)


def _version(text):
    return tuple(int(part) for part in text.split("."))

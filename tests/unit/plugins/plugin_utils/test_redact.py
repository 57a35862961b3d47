"""Secrets never survive into the httpapi plugin's log lines."""

import json

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.redact import MASK, redact

TOKEN = "Hq8nN3gkz5Qf1sN0mrw6yd4pkQ9tGh"


@pytest.mark.parametrize("message, secret", [
    # The shapes fortinet.fortios' plugin actually logs.
    ("Sending request: METHOD:POST URL:/api/v2/authentication DATA:%s HEADERS:{}"
     % json.dumps({"username": "admin", "secretkey": "S3cr3t!pw", "password": "S3cr3t!pw"}), "S3cr3t!pw"),
    ("Sending request: METHOD:GET URL:/x DATA: HEADERS:{'Authorization': 'Bearer %s'}" % TOKEN, TOKEN),
    ("using access token - no auth update needed: %s" % TOKEN, TOKEN),
    ("updated auth headers: dict_items([('Accept', 'application/json'), ('x-csrftoken', '\"c5rf\"'),"
     " ('Cookie', 'APSCOOKIE_3=\"Era%3D0\"; ccsrftoken=\"c5rf\"')])", "Era%3D0"),
    ("username=admin&secretkey=pa%26ss&ajax=1", "pa%26ss"),
    ("/api/v2/cmdb/system/status?vdom=root&access_token=%s" % TOKEN, TOKEN),
    ('DATA:{"name": "HUB", "psksecret": "my \\"quoted\\" psk", "type": "dynamic"}', "quoted"),
    ("API based auth returned status code 200, data: {\"session_key\":\"%s\"}" % TOKEN, TOKEN),
    ("set psksecret ENC Zm9vYmFyYmF6cXV4MTIzNDU2", "Zm9vYmFyYmF6cXV4MTIzNDU2"),
    ("Authorization: Basic YWRtaW46cGFzcw==", "YWRtaW46cGFzcw=="),
])
def test_secrets_are_masked(message, secret):
    cleaned = redact(message, secrets=[TOKEN])
    assert secret not in cleaned
    assert MASK in cleaned


def test_known_values_are_masked_anywhere():
    assert redact("prefix-%s-suffix" % TOKEN, secrets=[TOKEN, None, ""]) == "prefix-%s-suffix" % MASK


def test_short_or_empty_known_values_do_not_shred_the_text():
    text = "GET /api/v2/monitor/system/status 200"
    assert redact(text, secrets=["", None, "a", "200"]) == text


def test_ordinary_text_is_kept():
    text = "response status: 200, data: {\"name\": \"HUB\", \"type\": \"dynamic\", \"revision_changed\": false}"
    assert redact(text) == text

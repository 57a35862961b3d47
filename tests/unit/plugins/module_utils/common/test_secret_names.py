"""One definition of what is secret, used by the engine, the log redaction and the parser."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import mask
from ansible_collections.overlay.fortigate.plugins.module_utils.common.secret_names import MASK, is_secret_name
from ansible_collections.overlay.fortigate.plugins.module_utils.ike import gateway_list
from ansible_collections.overlay.fortigate.plugins.plugin_utils.redact import redact

SECRET = [
    # CMDB attributes
    "psksecret", "psksecret-remote", "password", "passwd", "secret", "key", "authpasswd", "auth-password",
    "ppk-secret", "api-key", "private-key", "passphrase", "auth-pwd",
    # HTTP parameters, headers and cookies
    "access_token", "secretkey", "session_key", "x-csrftoken", "ccsrftoken_443_ABCDEF", "Authorization",
    "Cookie", "Set-Cookie", "APSCOOKIE_3", "apikey",
    # key material in diagnose vpn ike gateway list
    "SK_ei", "SK_er", "SK_ai", "SK_ar", "sk_ei", "enc", "dec",
]
NOT_SECRET = ["passive", "bypass", "keylife", "keepalive", "name", "remote-gw", "fortitoken-cloud", "monkey",
              "encryption", "decimal", "token-x", "ike-version", "peer-id-auth", "proposal", "comments", "PPK",
              "q_origin_key"]


@pytest.mark.parametrize("name", SECRET)
def test_secret_names(name):
    assert is_secret_name(name) and is_secret_name(name.replace("-", "_")) and is_secret_name(name.upper())


@pytest.mark.parametrize("name", NOT_SECRET)
def test_names_that_only_look_secret(name):
    assert not is_secret_name(name)


@pytest.mark.parametrize("name", SECRET)
def test_the_engine_the_log_and_the_parser_agree(name):
    assert mask({name: "value-1234"}) == {name: MASK}
    assert "value-1234" not in redact('{"%s": "value-1234"}' % name)
    assert "value-1234" not in redact("%s=value-1234" % name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_ordinary_names_are_shown_by_all(name):
    assert mask({name: "value-1234"}) == {name: "value-1234"}
    assert "value-1234" in redact('{"%s": "value-1234"}' % name)


def test_the_parser_drops_every_key_material_label_it_knows():
    labels = [label for label in gateway_list._HANDLERS if is_secret_name(label)]
    assert sorted(labels) == sorted(("key", "SK_ei", "SK_er", "SK_ai", "SK_ar", "enc", "dec"))
    for label in labels:
        result = gateway_list.parse_gateway_list("vd: root/0\nname: t\n  id/spi: 1 ab/cd\n  %s: 0123456789abcdef\n" % label)
        assert "0123456789abcdef" not in repr(result.gateways) + repr(result.warnings)

"""The filter returns the parser's facts and fails cleanly."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.overlay.fortigate.plugins.filter.parse_ike_gateway_list import FilterModule
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import parse_gateway_list

from ..module_utils.ike.test_gateway_list import FGT_A_MULTILINE

FILTER = FilterModule().filters()["parse_ike_gateway_list"]
ANNOTATED = FGT_A_MULTILINE.replace("-> 1.1.1.2", "-> 1.1.1.2 <--- note")


def test_filter_returns_parser_facts():
    assert FILTER(FGT_A_MULTILINE) == parse_gateway_list(FGT_A_MULTILINE).gateways


def test_filter_strict_fails_on_skipped_text():
    assert FILTER(ANNOTATED)[0]["virtual_interface_addr_peer"] == "1.1.1.2"
    with pytest.raises(AnsibleFilterError, match="strict mode and 1 part"):
        FILTER(ANNOTATED, strict=True)


def test_filter_errors_name_the_filter_and_the_fix():
    with pytest.raises(AnsibleFilterError, match="parse_ike_gateway_list: .*Command fail"):
        FILTER("Command fail. Return code -61")
    with pytest.raises(AnsibleFilterError, match="result.stdout"):
        FILTER({"stdout": []})
    with pytest.raises(AnsibleFilterError, match="strict must be a boolean"):
        FILTER(FGT_A_MULTILINE, strict="yes")


# The key line with its label coloured: nothing may echo the key (issue 9, item 1).
COLOURED_KEY = FGT_A_MULTILINE.replace("  key: fc443e85", "  \x1b[1mkey\x1b[0m: fc443e85").replace(
    "status: established", "sta?tus: established fc443e8594fa5be2")


def test_filter_never_echoes_key_material(capsys):
    assert FILTER(COLOURED_KEY)[0]["name"] == "SiteA-to-SiteB"
    with pytest.raises(AnsibleFilterError) as caught:
        FILTER(COLOURED_KEY, strict=True)
    shown = str(caught.value) + capsys.readouterr().err
    assert "sta?tus" in shown and "fc443e85" not in shown

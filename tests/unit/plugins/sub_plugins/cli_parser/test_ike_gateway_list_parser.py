"""The cli_parse parser returns exactly what the filter returns, and errors instead of exceptions."""

from ansible_collections.overlay.fortigate.plugins.filter.parse_ike_gateway_list import FilterModule
from ansible_collections.overlay.fortigate.plugins.sub_plugins.cli_parser.ike_gateway_list_parser import CliParser

from ...module_utils.ike.test_gateway_list import FGT_A_MULTILINE

FILTER = FilterModule().filters()["parse_ike_gateway_list"]
# The key line with its label coloured, and a damaged line holding key material (issue 9, item 1).
COLOURED_KEY = FGT_A_MULTILINE.replace("  key: fc443e85", "  \x1b[1mkey\x1b[0m: fc443e85").replace(
    "status: established", "sta?tus: established fc443e8594fa5be2")


def parse(text):
    return CliParser(task_args={"text": text}, task_vars={}, debug=False).parse()


def test_cli_parse_parser_matches_filter():
    assert parse(FGT_A_MULTILINE) == {"parsed": FILTER(FGT_A_MULTILINE)}


def test_cli_parse_parser_reports_errors():
    result = parse("Unknown action 0")
    assert list(result) == ["errors"] and "Unknown action" in result["errors"][0]


def test_cli_parse_parser_never_echoes_key_material(capsys):
    assert parse(COLOURED_KEY)["parsed"][0]["name"] == "SiteA-to-SiteB"
    shown = capsys.readouterr().err
    assert "sta?tus" in shown and "fc443e85" not in shown

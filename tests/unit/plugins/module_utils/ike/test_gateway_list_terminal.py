"""Terminal captures (colours, pager leftovers) parse like the plain output, and no text the
parser echoes (warnings, errors) ever holds key material, whatever the damage to the line."""

import json
import re

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import (
    GatewayListError,
    parse_gateway_list,
)

from .test_gateway_list import FGT_A_FLATTENED, FGT_A_MULTILINE, IKEV2_DIALUP_HUB

KEY_LINES = {
    FGT_A_MULTILINE: "  key: fc443e8594fa5be2-eae13f4db24b4d78",
    IKEV2_DIALUP_HUB: "  SK_ei: 36:0C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2",
}
# Every run of eight hexadecimal digits of the key material in the samples.
KEY_HEX = ("fc443e8594fa5be2", "eae13f4db24b4d78", "0C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2",
           "9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A5")
FRAGMENTS = sorted({run[i:i + 8].lower() for run in KEY_HEX for i in range(len(run) - 7)})
# Terminal noise as captures carry it, and plain damage that no cleaning can undo.
NOISE = ["\x1b[1;36m", "\x1b[0m", "--More--", "--More-- \r          \r", "\x08", "\x00"]
DAMAGE = ["?", " ", "\t", ";", "\u00e9"]

COLOUR = re.compile(r"^(\s*)([^:\n]+):", re.MULTILINE)


def echoed(text):
    """Every text the parser gives back about ``text``: warnings, and the errors of both modes."""
    shown = []
    for strict in (False, True):
        try:
            shown += parse_gateway_list(text, strict=strict).warnings
        except GatewayListError as exc:
            shown.append(str(exc))
    return "\n".join(shown).lower()


def coloured(text):
    """Every label in bold cyan and every value in green, as a colourised terminal shows them."""
    text = COLOUR.sub(lambda m: "%s\x1b[1;36m%s\x1b[0m:" % (m.group(1), m.group(2)), text)
    return "\n".join(re.sub(r": (.+)$", lambda m: ": \x1b[32m%s\x1b[0m" % m.group(1), line)
                     for line in text.splitlines())


def paged(text, every=5):
    """The pager's prompt left at the start of every ``every``-th line, erased with CRs as FortiOS does."""
    lines = text.splitlines()
    return "\n".join(("--More-- \r          \r" + line) if index % every == every - 1 else line
                     for index, line in enumerate(lines))


@pytest.mark.parametrize("text", [FGT_A_MULTILINE, IKEV2_DIALUP_HUB, FGT_A_FLATTENED])
@pytest.mark.parametrize("dress", [coloured, paged, lambda text: paged(coloured(text), every=2)])
def test_a_terminal_capture_parses_like_the_plain_output(text, dress):
    plain = parse_gateway_list(text)
    dressed = parse_gateway_list(dress(text))
    assert dressed.gateways == plain.gateways and dressed.warnings == plain.warnings
    assert any(gateway["name"] and gateway["ike_sa"] for gateway in dressed.gateways)


@pytest.mark.parametrize("text", list(KEY_LINES))
@pytest.mark.parametrize("junk", NOISE + DAMAGE)
def test_no_echo_holds_key_material_whatever_is_inserted_into_the_key_line(text, junk):
    line = KEY_LINES[text]
    for position in range(len(line) + 1):
        damaged = text.replace(line, line[:position] + junk + line[position:])
        shown = echoed(damaged)
        leaked = [fragment for fragment in FRAGMENTS if fragment in shown]
        assert not leaked, (position, repr(junk), shown)


@pytest.mark.parametrize("text", list(KEY_LINES))
def test_no_echo_holds_key_material_when_the_key_line_is_cut_or_alone(text):
    line = KEY_LINES[text]
    for position in range(len(line) + 1):
        for damaged in (text.replace(line, line[:position]), text.replace(line, line[position:]),
                        line[position:], "garbage " + line[position:]):
            assert not [fragment for fragment in FRAGMENTS if fragment in echoed(damaged)], (position, damaged)


def test_a_damaged_label_still_warns_usefully():
    text = FGT_A_MULTILINE.replace("  key: fc443e8594fa5be2-eae13f4db24b4d78", "  k?ey: fc443e8594fa5be2-eae13f4db24b4d78")
    warnings = parse_gateway_list(text).warnings
    assert len(warnings) == 1 and warnings[0].startswith("line 18 (gateway SiteA-to-SiteB): skipped unreadable text")
    assert "fc443e85" not in json.dumps(warnings)

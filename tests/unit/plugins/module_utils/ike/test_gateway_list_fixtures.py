"""Real FortiOS outputs (tests/unit/fixtures/ike_gateway_list, sources in its README) against
facts worked out by hand."""

import json
import pathlib

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import (
    GatewayListError,
    parse_gateway_list,
)

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "fixtures" / "ike_gateway_list"
WITH_FACTS = sorted(p.stem for p in FIXTURES.glob("*.txt") if p.with_suffix(".json").exists())
GARBAGE = sorted(p.stem for p in FIXTURES.glob("garbage_*.txt"))
# The article's author annotated two outputs; the parser must say it skipped those notes.
EXPECTED_WARNINGS = {
    "kb253455_before_fgt_b_flat": ["<----- Peer tunnel IP 0.0.0.0."],
    "kb253455_after_fgt_b_flat": ["<----- Peer tunnel IP exchanged."],
}


def test_fixture_set_is_complete():
    assert len(WITH_FACTS) >= 15
    assert set(GARBAGE) <= {p.stem for p in FIXTURES.glob("*.txt")} - set(WITH_FACTS)


@pytest.mark.parametrize("name", WITH_FACTS)
def test_real_output_gives_hand_checked_facts(name):
    result = parse_gateway_list((FIXTURES / (name + ".txt")).read_text())
    expected = json.loads((FIXTURES / (name + ".json")).read_text())
    assert result.gateways == expected
    notes = EXPECTED_WARNINGS.get(name, [])
    assert len(result.warnings) == len(notes)
    for warning, note in zip(result.warnings, notes):
        assert note in warning


@pytest.mark.parametrize("name", GARBAGE)
def test_garbage_is_an_error_or_nothing(name):
    text = (FIXTURES / (name + ".txt")).read_text()
    if not text.strip():
        assert parse_gateway_list(text).gateways == []
        return
    with pytest.raises(GatewayListError) as caught:
        parse_gateway_list(text)
    assert str(caught.value)

"""Property-based tests: whatever the text, the parser returns well-formed facts or raises
GatewayListError, never anything else."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.facts_schema import (
    GATEWAY_FACTS,
    GATEWAY_KEYS,
    IKE_SA_FACTS,
    IKE_SA_KEYS,
    keys_of_kind,
)
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import GatewayListError, parse_gateway_list

from .test_gateway_list import FGT_A_FLATTENED, FGT_A_MULTILINE, IKEV2_DIALUP_HUB

SAMPLES = [FGT_A_MULTILINE, FGT_A_FLATTENED, IKEV2_DIALUP_HUB]
INT_FIELDS = keys_of_kind(GATEWAY_FACTS, "int")
SA_INT_FIELDS = keys_of_kind(IKE_SA_FACTS, "int")
# Characters the output is made of, plus the ones that break naive parsers.
ALPHABET = st.sampled_from(list("0123456789abcdef:/.-> \n\r\t_sSAIPkeyvdnam") + ["\u00e9", "\x00", "#", "("])


def assert_well_formed(gateways):
    assert isinstance(gateways, list)
    for gw in gateways:
        assert list(gw) == list(GATEWAY_KEYS)
        for field in INT_FIELDS:
            assert gw[field] is None or isinstance(gw[field], int)
        assert gw["overlay_exchanged"] in (None, True, False)
        assert isinstance(gw["extra"], dict)
        for sa in gw["ike_sas"]:
            assert list(sa) == list(IKE_SA_KEYS)
            for field in SA_INT_FIELDS:
                assert sa[field] is None or isinstance(sa[field], int)
    json.dumps(gateways)


def run(text):
    try:
        result = parse_gateway_list(text)
    except GatewayListError as exc:
        assert str(exc)
        return
    assert_well_formed(result.gateways)
    assert all(isinstance(w, str) for w in result.warnings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), data=st.data())
def test_truncated_output(sample, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    run(sample[:cut])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), data=st.data())
def test_mutated_output(sample, data):
    text = list(sample)
    for _step in range(data.draw(st.integers(min_value=1, max_value=20))):
        pos = data.draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
        action = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        if action == "delete" and text:
            del text[pos]
        elif action == "insert":
            text.insert(pos, data.draw(ALPHABET))
        elif text:
            text[pos] = data.draw(ALPHABET)
    run("".join(text))


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.sampled_from(SAMPLES[0].splitlines() + SAMPLES[2].splitlines()), max_size=40))
def test_shuffled_lines(lines):
    run("\n".join(lines))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text(text):
    run(text)


def test_key_material_absent_even_in_mutations():
    """A value after key: is dropped even when the line around it is damaged."""
    damaged = FGT_A_MULTILINE.replace("proposal: aes128-sha256", "proposal aes128-sha256")
    result = parse_gateway_list(damaged)
    assert "fc443e8594fa5be2" not in json.dumps(result.gateways)
    assert "fc443e8594fa5be2" not in json.dumps(result.warnings)

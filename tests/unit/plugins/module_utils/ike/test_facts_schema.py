"""The gateway-facts contract has one definition: the parser, the docs and the tests follow it."""

import importlib.util
import json
import pathlib

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.facts_schema import (
    GATEWAY_FACTS,
    GATEWAY_KEYS,
    IKE_SA_FACTS,
    IKE_SA_KEYS,
)
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import parse_gateway_list

from .test_gateway_list import IKEV2_DIALUP_HUB

ROOT = pathlib.Path(__file__).resolve().parents[5]
TYPES = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list}


def generator():
    spec = importlib.util.spec_from_file_location("gateway_facts_docs", ROOT / "tools" / "gateway_facts_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_doc_of_the_facts_is_written_from_the_schema():
    stale = generator().stale(ROOT)
    assert not stale, "%s disagree with facts_schema.py: run python tools/gateway_facts_docs.py" % sorted(stale)


def test_a_doc_edited_by_hand_is_caught(tmp_path):
    docs = generator()
    for name in docs.TARGETS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text())
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| `created_seconds` |", "| `created_secs` |"))
    assert list(docs.stale(tmp_path)) == ["README.md"]


def test_the_parser_returns_the_schema_keys_with_the_schema_types():
    (gateway,) = parse_gateway_list(IKEV2_DIALUP_HUB).gateways
    assert tuple(gateway) == GATEWAY_KEYS and all(tuple(sa) == IKE_SA_KEYS for sa in gateway["ike_sas"])
    values = [(fact, gateway[fact.key]) for fact in GATEWAY_FACTS]
    values += [(fact, sa[fact.key]) for sa in gateway["ike_sas"] for fact in IKE_SA_FACTS]
    wrong = [(fact.key, value) for fact, value in values if value is not None and not isinstance(value, TYPES[fact.kind])]
    assert wrong == [] and json.dumps(gateway)

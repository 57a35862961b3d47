# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bench self-check: the TextFSM baseline does the same job as parse_gateway_list.

Not part of ``make test``. Run with
``.venv/bin/python -m pytest bench/ike_gateway_list -q -p no:cacheprovider``.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given, settings, strategies as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_parser  # noqa: E402  pylint: disable=wrong-import-position
import generate  # noqa: E402  pylint: disable=wrong-import-position

FIXTURES = os.path.join(bench_parser.ROOT, "tests", "unit", "fixtures", "ike_gateway_list")
# Fixtures in the real multi-line layout, the one the template is written for.
MULTILINE_FIXTURES = (
    "handbook_advpn_hub_sender.txt",
    "handbook_hub_dialup_peer_0000.txt",
    "handbook_advpn_shortcut_list_name.txt",
    "blog_vti_ikev2_transport_udp.txt",
    "lab_sdwan_hub_network_id_peer_sn.txt",
)


@pytest.fixture(scope="module")
def parser_module():
    return bench_parser.load_parser_module()


@pytest.fixture(scope="module")
def fsm():
    return bench_parser.compile_template()


def _int(text):
    return int(text) if text not in ("", None) else None


def _counters(row, prefix):
    return {
        "created_current": _int(row[prefix + "_CREATED_CURRENT"]),
        "created_total": _int(row[prefix + "_CREATED_TOTAL"]),
        "established_current": _int(row[prefix + "_ESTABLISHED_CURRENT"]),
        "established_total": _int(row[prefix + "_ESTABLISHED_TOTAL"]),
    }


def _from_textfsm(row):
    """A TextFSM record in the parser's vocabulary (the fields both extract)."""
    return {
        "vdom": row["VDOM"],
        "name": row["NAME"],
        "ike_version": _int(row["IKE_VERSION"]),
        "interface": row["INTERFACE"],
        "local_addr": row["LOCAL_ADDR"],
        "local_port": _int(row["LOCAL_PORT"]),
        "remote_addr": row["REMOTE_ADDR"],
        "remote_port": _int(row["REMOTE_PORT"]),
        "tun_id": row["TUN_ID"] or None,
        "network_id": _int(row["NETWORK_ID"]),
        "transport": row["TRANSPORT"] or None,
        "virtual_interface_addr_local": row["VIF_LOCAL"] or None,
        "virtual_interface_addr_peer": row["VIF_PEER"] or None,
        "created_seconds": _int(row["CREATED_SECONDS"]),
        "auto_discovery": row["AUTO_DISCOVERY"] or None,
        "peer_id": row["PEER_ID"] or None,
        "ike_sa": _counters(row, "IKE_SA"),
        "ipsec_sa": _counters(row, "IPSEC_SA"),
        "sa_count": len(row["SA_ID"]),
        "sa_ids": [int(value) for value in row["SA_ID"]],
        "sa_spis": list(zip(row["SA_SPI_INITIATOR"], row["SA_SPI_RESPONDER"])),
        "sa_directions": row["SA_DIRECTION"],
        "sa_statuses": row["SA_STATUS"],
    }


def _from_parser(gateway):
    counters = ("created_current", "created_total", "established_current", "established_total")
    sas = gateway["ike_sas"]
    return {
        "vdom": gateway["vdom"],
        "name": gateway["name"],
        "ike_version": gateway["ike_version"],
        "interface": gateway["interface"],
        "local_addr": gateway["local_addr"],
        "local_port": gateway["local_port"],
        "remote_addr": gateway["remote_addr"],
        "remote_port": gateway["remote_port"],
        "tun_id": gateway["tun_id"],
        "network_id": gateway["network_id"],
        "transport": gateway["transport"],
        "virtual_interface_addr_local": gateway["virtual_interface_addr_local"],
        "virtual_interface_addr_peer": gateway["virtual_interface_addr_peer"],
        "created_seconds": gateway["created_seconds"],
        "auto_discovery": gateway["auto_discovery"],
        "peer_id": gateway["peer_id"],
        "ike_sa": {key: gateway["ike_sa"][key] for key in counters},
        "ipsec_sa": {key: gateway["ipsec_sa"][key] for key in counters},
        "sa_count": len(sas),
        "sa_ids": [sa["id"] for sa in sas],
        "sa_spis": [(sa["spi_initiator"], sa["spi_responder"]) for sa in sas],
        "sa_directions": [sa["direction"] for sa in sas],
        "sa_statuses": [sa["status"] for sa in sas],
    }


def _established_sa_details_agree(parsed_gateway, row):
    """Proposal, lifetime/rekey and DPD of established SAs (connecting SAs print none)."""
    sas = [sa for sa in parsed_gateway["ike_sas"] if sa["proposal"] is not None]
    assert [sa["proposal"] for sa in sas] == row["SA_PROPOSAL"]
    assert [sa["lifetime"] for sa in sas] == [int(v) for v in row["SA_LIFETIME"]]
    assert [sa["rekey"] for sa in sas] == [int(v) for v in row["SA_REKEY"]]
    assert [sa["dpd_sent"] for sa in sas] == [int(v, 16) for v in row["SA_DPD_SENT"]]
    assert [sa["dpd_recv"] for sa in sas] == [int(v, 16) for v in row["SA_DPD_RECV"]]


def _assert_agree(parser_module, fsm, text):
    parsed = parser_module.parse_gateway_list(text)
    rows = bench_parser.textfsm_dicts(fsm, text)
    assert len(rows) == len(parsed.gateways)
    for gateway, row in zip(parsed.gateways, rows):
        assert _from_textfsm(row) == _from_parser(gateway), gateway["name"]
        _established_sa_details_agree(gateway, row)
    return parsed, rows


def test_generated_5000_gateways_agree(parser_module, fsm):
    """The benchmark input: every gateway, every shared field, both extractors agree."""
    text = generate.generate(generate.DEFAULT_GATEWAYS, generate.DEFAULT_SEED)
    parsed, rows = _assert_agree(parser_module, fsm, text)
    assert parsed.warnings == []
    assert [row["NAME"] for row in rows] == ["HUB_%d" % index for index in range(generate.DEFAULT_GATEWAYS)]
    # The variety the generator promises is really in the input.
    gateways = parsed.gateways
    assert {gw["ike_version"] for gw in gateways} == {1, 2}
    assert any(gw["local_port"] == 4500 for gw in gateways)
    assert any(len(gw["ike_sas"]) == 2 for gw in gateways)
    assert any(gw["ipsec_sa"]["created_total"] == 0 for gw in gateways)
    assert any(gw["ike_sas"][0]["status"] == "connecting" for gw in gateways)
    assert any(gw["virtual_interface_addr_peer"] == "0.0.0.0" for gw in gateways)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), gateways=st.integers(1, 40))
def test_any_seed_agrees(parser_module, fsm, seed, gateways):
    _assert_agree(parser_module, fsm, generate.generate(gateways, seed))


@pytest.mark.parametrize("fixture", MULTILINE_FIXTURES)
def test_multiline_fixtures_agree(parser_module, fsm, fixture):
    """Real device text from the unit-test fixtures, not only our generator's."""
    path = os.path.join(FIXTURES, fixture)
    if not os.path.exists(path):
        pytest.skip("fixture %s not present" % fixture)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    parsed, _rows = _assert_agree(parser_module, fsm, text)
    assert parsed.gateways


def test_generator_is_deterministic():
    assert generate.generate(50, 7) == generate.generate(50, 7)
    assert generate.generate(50, 7) != generate.generate(50, 8)


def test_floor_sees_every_gateway():
    text = generate.generate(100, 1)
    assert len(bench_parser.floor_parse(text)) == 100

"""Every line the simulator prints for ``diagnose vpn ike gateway list`` has a real FortiOS shape.

The oracle is the set of real captures in ``tests/unit/fixtures/ike_gateway_list`` (see
``gateway_shapes``): the keys, their indentation, their value patterns and their order. Outputs are
collected from all model labs in several states (IKEv1/IKEv2, AEAD and not, static, dial-up
instance, shortcut, a gateway still connecting), parsed by the collection's parser with no warning.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway_shapes import ANONYMISED, VALUE_SHAPES, parser, real_multiline_captures, shape_errors, split

DIALUP = str(Path(__file__).parent / "labs" / "model-dialup.yml")
P1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"
KEY_LABELS = ("key", "SK_ei", "SK_er", "SK_ai", "SK_ar")

parse = parser().parse_gateway_list


@pytest.fixture(scope="module")
def outputs(model_labs) -> dict[str, str]:
    """``device -> gateway list`` across labs and states (with a connecting gateway)."""
    kb, advpn, dialup = model_labs("kb-exchange-interface-ip"), model_labs("advpn-bgp-loopback"), model_labs(DIALUP)
    kb.cli("FGT_1", "execute ping -c 2 1.1.1.2")
    advpn.advance(3600)  # DPD counters and ages move; a shortcut made afterwards is still fresh
    advpn.cli("SPOKE1", "execute ping -c 2 10.0.2.1")
    body = {"name": "NOWHERE", "interface": "port1", "ike-version": "1", "peertype": "any",
            "proposal": "aes256-sha256", "remote-gw": "203.0.113.99", "psksecret": "not-shown"}
    assert dialup.request("SPOKE_B", "POST", P1, body).status == 200
    texts = {}
    for lab, devices in ((kb, ("FGT_1", "FGT2")), (advpn, ("HUB", "SPOKE1", "SPOKE2")),
                         (dialup, ("HUB_A", "HUB_B", "SPOKE_A", "SPOKE_B"))):
        for device in devices:
            texts[device] = lab.cli(device, "diagnose vpn ike gateway list")
    yield texts
    assert dialup.request("SPOKE_B", "DELETE", f"{P1}/NOWHERE").status == 200


def test_value_shapes_fit_every_real_capture():
    """The shape table is not invented: each pattern matches every real line with that key."""
    seen = set()
    for name, lines in real_multiline_captures().items():
        for line in lines:
            parts = split(line)
            if parts is None or (parts[0], parts[1]) not in VALUE_SHAPES or (name, parts[1]) in ANONYMISED:
                continue
            seen.add((parts[0], parts[1]))
            assert re.fullmatch(VALUE_SHAPES[(parts[0], parts[1])], parts[2]), (name, line)
    assert seen == set(VALUE_SHAPES), f"shapes never seen in a real capture: {set(VALUE_SHAPES) - seen}"


def test_every_line_has_a_real_shape(outputs):
    errors = [f"{device}: {error}" for device, text in outputs.items()
              for line in text.split("\n")[:-1] for error in shape_errors(line)]
    assert errors == []
    joined = "\n".join(outputs.values())
    assert "status: connecting, state 3, started" in joined  # NOWHERE is negotiating
    assert "SK_ai: " in joined and "  key: " in joined  # IKEv2 non-AEAD and IKEv1 variants covered


def test_block_layout_matches_fortios(outputs):
    """Header lines at column 0, one blank line, the SA block indented by 2, a blank line."""
    for device, text in outputs.items():
        for block in filter(None, text.split("vd: ")):
            lines = ("vd: " + block).split("\n")
            assert lines[-2:] == ["", ""], (device, lines[-3:])
            body = lines[:-2]
            blank = body.index("") if "" in body else len(body)
            assert all(not line.startswith(" ") for line in body[:blank]), device
            assert all(line.startswith("  ") and not line.startswith("   ") for line in body[blank + 1:]), device


def _key_orders(gateway_lines: list[list[str]]) -> set[tuple[str, str]]:
    pairs = set()
    for keys in gateway_lines:
        for i, first in enumerate(keys):
            pairs.update((first, later) for later in keys[i + 1:] if later != first)
    return pairs


def _gateway_keys(text: str) -> list[list[str]]:
    gateways, current = [], None
    for line in text.split("\n"):
        parts = split(line)
        if parts is None or parts[0] != 0:
            continue
        if parts[1] == "vd":
            current = []
            gateways.append(current)
        if current is not None:
            current.append(parts[1])
    return gateways


def test_header_key_order_never_contradicts_real_output(outputs):
    real = _key_orders([keys for lines in real_multiline_captures().values()
                        for keys in _gateway_keys("\n".join(lines))])
    simulated = _key_orders([keys for text in outputs.values() for keys in _gateway_keys(text)])
    contradictions = {(a, b) for a, b in simulated if (b, a) in real and (a, b) not in real}
    assert contradictions == set()


def test_parser_reads_everything_and_returns_no_key_material(outputs):
    for device, text in outputs.items():
        result = parse(text)
        assert result.warnings == [], (device, result.warnings)
        assert len(result.gateways) == text.count("vd: ")
        secrets = [value for line in text.split("\n") if (p := split(line)) and p[1] in KEY_LABELS
                   for value in [p[2]] if value]
        flat = repr(result.gateways)
        assert not any(secret in flat for secret in secrets), device


def test_key_material_is_random_per_sa_and_shared_by_both_ends(outputs):
    by_sa: dict[str, set] = {}
    for text in outputs.values():
        for gateway in text.split("vd: ")[1:]:
            spi = re.search(r"id/spi: \d+ (\S+)", gateway)
            keys = tuple(re.findall(r"^  (?:key|SK_e[ir]): (\S+)$", gateway, re.M))
            if spi and keys and not spi.group(1).endswith("/0000000000000000"):
                by_sa.setdefault(spi.group(1), set()).add(keys)
    assert len(by_sa) >= 6  # kb, hub-spoke x2, shortcut, dial-up x2
    assert all(len(keys) == 1 for keys in by_sa.values())  # both ends print the same SA keys
    every_key = [k for keys in by_sa.values() for k in next(iter(keys))]
    assert len(every_key) == len(set(every_key))  # never reused across SAs

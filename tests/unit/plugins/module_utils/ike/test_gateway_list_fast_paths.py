# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parser's speed-ups give exactly what the general readers give (issue 15).

The regex-free readers of ``addr``, ``tun_id``, ``virtual-interface-addr`` and ``DPD sent/recv``
must either return what the value's regex and reader return for the whole value, or decline
(None) so that the regex reads it; the per-parse line cache must not change any result, also when
a remembered line comes back where its gateway or IKE SA is missing.
"""

from __future__ import annotations

import random

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ike import gateway_list as gl

SPECS = {**gl._GATEWAY_FIELDS, **gl._SA_FIELDS}
QUICK = {"addr": gl._quick_addr, "tun_id": gl._quick_tun_id,
         "virtual-interface-addr": gl._quick_arrow, "DPD sent/recv": gl._quick_dpd}
EDGES = [
    "10.47.2.86:500 -> 100.64.0.1:500", "fe80::1:500 -> ::1:4500", "a:1->b:2 -> c:3", "[::1]:500 -> [::2]:500",
    "10.10.0.1 -> 10.10.0.2", "a- -> b", "a-> -> b", "10.10.0.2/::10.0.0.2", "a/", "/b", "a//b",
    "00000d1c/00000bd5", "0x1/2", "1_0/2", "+1/2", ":500 -> b:1", "a:1 -> b:1 x", "abc]:500 -> d:1",
    "1:2  ->  3:4", "a:\u0661 -> b:1", "a:1 -> b:2 -> c:3", "->", "a ->", "1.1.1.1 -> 0.0.0.0",
]
PIECES = ["1", "10", ":", "/", " ", "  ", "->", "-", ">", "[", "]", "a", "f", "0x", "::", "\t", "\xa0", "500", "."]


def _samples():
    rng = random.Random(15)
    random_lines = ["".join(rng.choice(PIECES) for _piece in range(rng.randint(1, 8))).strip()
                    for _sample in range(20000)]
    return EDGES + random_lines


@pytest.mark.parametrize("key", sorted(QUICK))
def test_quick_reader_agrees_with_the_regex_or_declines(key):
    pattern, reader = SPECS[key][0], SPECS[key][1]
    accepted = 0
    for value in _samples():
        fields = QUICK[key](value)
        if fields is None:
            continue
        accepted += 1
        match = pattern.match(value)
        assert match is not None and match.end() == len(value), value
        assert reader(match) == fields, value
    assert accepted > 0  # the comparison saw values the quick reader takes


GATEWAY = """vd: root/0
name: HUB_{n}
version: 2
interface: port1 3
addr: 10.0.0.1:500 -> 100.64.0.{n}:4500
tun_id: 10.10.0.{n}
virtual-interface-addr: 10.10.0.1 -> 10.10.0.{n}
created: {n}s ago
PPK: no
IKE SA: created 1/1  established 1/1  time 0/0/0 ms
IPsec SA: created 1/1  established 1/1  time 0/0/0 ms
"""
SA = """  id/spi: {n} 0a0b0c0d0e0f0102/0102030405060708
  direction: responder
  status: established 10-10s ago = 0ms
  proposal: aes256gcm
  PPK: no
  SK_ai:
  lifetime/rekey: 28800/100
  DPD sent/recv: 00000000/00000000
"""


def _text():
    # Gateway 2 repeats SA lines (``direction``, ``PPK``...) with no id/spi before them: orphans,
    # which the cache must hand to the usual path, and ``PPK: no`` lands in the gateway's extras there.
    return "".join([GATEWAY.format(n=1), SA.format(n=1), GATEWAY.format(n=2), SA.format(n=2).split("\n", 1)[1],
                    GATEWAY.format(n=3), SA.format(n=3)])


def test_line_cache_changes_no_result(monkeypatch):
    cached = gl.parse_gateway_list(_text())
    monkeypatch.setattr(gl, "_LINE_CACHE_SIZE", 0)
    plain = gl.parse_gateway_list(_text())
    assert cached.gateways == plain.gateways
    assert cached.warnings == plain.warnings
    orphan = cached.gateways[1]
    assert orphan["ike_sas"] == [] and orphan["extra"]["direction"] == "responder"
    assert cached.gateways[2]["ike_sas"][0]["direction"] == "responder"
    assert [g["ipsec_sa"]["created_total"] for g in cached.gateways] == [1, 1, 1]
    assert cached.gateways[0]["ipsec_sa"] is not cached.gateways[2]["ipsec_sa"]  # counters are not shared

"""The shape of real ``diagnose vpn ike gateway list`` lines, learnt from the real captures.

``tests/unit/fixtures/ike_gateway_list`` holds real FortiOS outputs. Every gateway-level line is
``key: value`` at column 0, every IKE SA line the same indented by two spaces. For each key the
simulator prints, :data:`VALUE_SHAPES` gives the value's pattern; the tests check the pattern
against every real occurrence of the key (so it is not invented) and against the simulator's lines.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "unit" / "fixtures" / "ike_gateway_list"

IP = r"\d{1,3}(?:\.\d{1,3}){3}"
HEXKEY = r"[0-9a-f]{16}(?:-[0-9a-f]{1,16})*"

# (indent, key) -> pattern of the value; indent 0 = gateway line, 2 = IKE SA line.
VALUE_SHAPES = {
    (0, "vd"): r"\S+/\d+",
    (0, "name"): r"\S+",
    (0, "version"): r"[12]",
    (0, "interface"): r"\S+ \d+",
    (0, "addr"): rf"{IP}:\d+ -> {IP}:\d+|->",
    (0, "tun_id"): rf"{IP}/::{IP}",
    (0, "remote_location"): IP,
    (0, "network-id"): r"\d+",
    (0, "transport"): r"UDP|TCP",
    (0, "virtual-interface-addr"): rf"{IP} -> {IP}",
    (0, "created"): r"\d+s ago",
    (0, "peer-id"): r"\S+",
    (0, "peer-id-auth"): r"yes|no",
    (0, "peer-SN"): r"[A-Z0-9]{16}",
    (0, "pending-queue"): r"\d+",
    (0, "auto-discovery"): r"\d(?: sender| receiver)*",
    (0, "PPK"): r"yes|no",
    (0, "IKE SA"): r"created \d+/\d+(?:  established \d+/\d+  time \d+/\d+/\d+ ms)?",
    (0, "IPsec SA"): r"created \d+/\d+(?:  established \d+/\d+  time \d+/\d+/\d+ ms)?",
    (2, "id/spi"): r"\d+ [0-9a-f]{16}/[0-9a-f]{16}",
    (2, "direction"): r"initiator|responder",
    (2, "status"): r"established \d+-\d+s ago = \d+ms|connecting, state \d+, started \d+s ago",
    (2, "proposal"): r"[a-z0-9]+(?:-[a-z0-9]+)?",
    (2, "key"): HEXKEY,
    (2, "child"): r"yes|no",
    (2, "SK_ei"): HEXKEY,
    (2, "SK_er"): HEXKEY,
    (2, "SK_ai"): rf"(?:{HEXKEY})?",
    (2, "SK_ar"): rf"(?:{HEXKEY})?",
    (2, "PPK"): r"yes|no",
    (2, "message-id sent/recv"): r"\d+/\d+",
    (2, "QKD"): r"yes|no",
    (2, "lifetime/rekey"): r"\d+/\d+",
    (2, "DPD sent/recv"): r"[0-9a-f]{8}/[0-9a-f]{8}",
    (2, "peer-id"): r"\S+",
}
# Real captures whose values were anonymised or hand-edited for a field (README of the fixtures).
ANONYMISED = {("fos56_no_tun_id.txt", "key")}

_LINE = re.compile(r"^( {0,2})([A-Za-z][A-Za-z0-9 _/-]*?):(?: (.*))?$")


def parser():
    """The collection's own gateway-list parser (plugins/module_utils/ike/gateway_list.py)."""
    if str(REPO / ".devcollections") not in sys.path:
        sys.path.insert(0, str(REPO / ".devcollections"))  # this checkout as overlay.fortigate (make setup)
    return importlib.import_module("ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list")


def split(line: str):
    """(indent, key, value) of a ``key: value`` line, or None."""
    match = _LINE.match(line.rstrip("\r"))
    if not match:
        return None
    return len(match.group(1)), match.group(2), match.group(3) or ""


def real_multiline_captures() -> dict[str, list[str]]:
    """Real outputs in FortiOS's own multi-line layout, from the first ``vd:`` line on."""
    captures = {}
    for path in sorted(FIXTURES.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("vd: ") and " name: " not in line]
        if starts:
            captures[path.name] = [line for line in lines[starts[0]:] if not line.rstrip().endswith("#")]
    return captures


def shape_errors(line: str) -> list[str]:
    """Why ``line`` does not look like a real gateway-list line ([] when it does)."""
    if not line.strip():
        return [] if line == "" else [f"whitespace-only line {line!r}"]
    parts = split(line)
    if parts is None:
        return [f"not a 'key: value' line: {line!r}"]
    indent, key, value = parts
    shape = VALUE_SHAPES.get((indent, key))
    if shape is None:
        return [f"key {key!r} at indent {indent} never appears in the real captures' shape table: {line!r}"]
    if not re.fullmatch(shape, value):
        return [f"value of {key!r} does not look real: {line!r}"]
    return []

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse ``diagnose vpn ike gateway list`` output into gateway facts.

Pure Python with no Ansible imports: the filter, the ``cli_parse`` parser, the facts
module and the benchmarks all call :func:`parse_gateway_list`. What is key material comes from
the collection's one definition of secret names (``common/secret_names.py``).

The parser does not trust layout. FortiOS prints one ``key: value`` per line, but the
text users feed us has often been flattened by a web page (every line of a gateway joined
with spaces), lost its indentation, gained CRLF line ends, or starts with a prompt and
command echo. So each physical line is cut into ``key: value`` segments at the keys we
know, context (gateway or IKE SA) comes from the keys themselves rather than from
indentation, and every value is read with a strict pattern. What cannot be read is
reported as a warning that names the text, never silently dropped and never a traceback.

The output contract (key names, types, nulls) is ``facts_schema.py``; the README section
"Gateway facts" and the returned-value docs are written from it.
"""

from __future__ import annotations

import re

from ansible_collections.overlay.fortigate.plugins.module_utils.common.cli import PROMPT_IN_TEXT
from ansible_collections.overlay.fortigate.plugins.module_utils.common.secret_names import is_secret_name
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.facts_schema import GATEWAY_KEYS, IKE_SA_KEYS

__all__ = ["GatewayListError", "GatewayListResult", "parse_gateway_list", "GATEWAY_KEYS", "IKE_SA_KEYS"]


class GatewayListError(ValueError):
    """The text is not ``diagnose vpn ike gateway list`` output, or is a FortiOS error."""


class GatewayListResult:
    """Parsed gateways (list of dicts, output order) and warnings about skipped text."""

    __slots__ = ("gateways", "warnings")

    def __init__(self, gateways, warnings):
        self.gateways = gateways
        self.warnings = warnings


_EMPTY_GATEWAY = dict.fromkeys(GATEWAY_KEYS)

# Value patterns, anchored at the start of a segment's value. Anything after the match is
# "leftover" and is read as further key: value pairs or reported.
_VDOM = re.compile(r"(\S+?)/(\d+)\b")
_WORD = re.compile(r"\S+")
_INT = re.compile(r"\d+\b")
_INTERFACE = re.compile(r"(?:(\S+)\s+)?(\d+)\b")
# Greedy host parts stop at the last colon, so IPv6 addresses keep theirs.
_ADDR = re.compile(r"\[?(\S+?)\]?:(\d+)\s*->\s*\[?(\S+?)\]?:(\d+)(?=\s|$)|->(?=\s|$)")
_TUN_ID = re.compile(r"([^/\s]+)(?:/(\S+))?")
_ARROW = re.compile(r"(\S+)\s*->\s*(\S+)")
_CREATED = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\s+ago\b")
_SA_COUNTERS = re.compile(
    r"created\s+(\d+)/(\d+)(?:\s+established\s+(\d+)/(\d+))?(?:\s+time\s+(\d+)/(\d+)/(\d+)\s*ms)?"
)
_ID_SPI = re.compile(r"(\d+)\s+([0-9A-Fa-f]+)/([0-9A-Fa-f]+)\b")
_PAIR_INT = re.compile(r"(\d+)/(\d+)\b")
_PAIR_HEX = re.compile(r"([0-9A-Fa-f]+)/([0-9A-Fa-f]+)\b")

# Where a free-form value ends in flattened text: at the next token that looks like a key.
_NEXT_KEY = re.compile(r"\s(?=[A-Za-z][A-Za-z0-9_/().-]*:(?:\s|$))")
# One line that is a key: value pair of a key we do not model (multi-word keys allowed).
_GENERIC_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9 _/().-]*?):(?:\s+(.*))?$")
_SNAKE = re.compile(r"[^a-z0-9]+")

# FortiOS prompt (``FGT # ``, ``FGT (root) # ``, ``FGT (phase1-interface) $ ``) optionally
# followed by the command, in full or abbreviated form, and ``name X``.
_PROMPT_ECHO = re.compile(
    r"^\s*(?:%s\s*)?" % PROMPT_IN_TEXT
    + r"(?:di\w*\s+vpn\s+ike\s+gat\w*(?:\s+li\w*(?:\s+name\s+(?!\S+:)\S+)?)?)(?=\s|$)"
)
_PROMPT_ONLY = re.compile(r"^\s*%s\s*$" % PROMPT_IN_TEXT)
# Lines FortiOS prints instead of output when a command fails.
_FORTIOS_ERROR = re.compile(
    r"^\s*(Command fail\..*|Unknown action.*|command parse error.*|Invalid (?:parameter|VDOM).*|"
    r"Return code -?\d+.*|node_check_object fail.*|.*value parse error.*)$",
    re.IGNORECASE,
)


def _int_or_none(text):
    return None if text is None else int(text)


def _quick_age(value):
    """``2028s ago`` without a regex; None for other forms (``1h2m3s ago``)."""
    number = value[:-5]
    if value.endswith("s ago") and number.isdecimal():
        return {"created_seconds": int(number)}
    return None


def _quick_pair(value, first, second):
    """``86400/84071`` without a regex; None if the value is not that."""
    left, slash, right = value.partition("/")
    if slash and left.isdecimal() and right.isdecimal():
        return {first: int(left), second: int(right)}
    return None


_HEX_DIGITS = "0123456789abcdefABCDEF"


def _quick_addr(value):
    """``10.47.2.86:500 -> 100.64.0.1:4500`` without a regex; None for any other form (brackets,
    no spaces around the arrow, a second arrow), which the regex then reads."""
    parts = value.split()
    if len(parts) != 3 or parts[1] != "->" or "[" in value or "]" in value or value.count("->") != 1:
        return None
    local_addr, colon, local_port = parts[0].rpartition(":")
    remote_addr, colon2, remote_port = parts[2].rpartition(":")
    if not (colon and colon2 and local_addr and remote_addr and local_port.isdecimal() and remote_port.isdecimal()):
        return None
    return {"local_addr": local_addr, "local_port": int(local_port),
            "remote_addr": remote_addr, "remote_port": int(remote_port)}


def _quick_arrow(value):
    """``10.10.0.1 -> 10.10.0.2`` without a regex; None for other forms."""
    parts = value.split()
    if len(parts) != 3 or parts[1] != "->":
        return None
    return {"virtual_interface_addr_local": parts[0], "virtual_interface_addr_peer": parts[2]}


def _quick_tun_id(value):
    """``10.10.0.2/::10.0.0.2`` without a regex; None for other forms."""
    if len(value.split()) != 1:
        return None
    tun_id, slash, tun_id6 = value.partition("/")
    if not tun_id or (slash and not tun_id6):
        return None
    return {"tun_id": tun_id, "tun_id6": tun_id6 if slash else None}


def _quick_dpd(value):
    """``00000d1c/00000bd5`` (hexadecimal counters) without a regex; None for other forms."""
    sent, slash, recv = value.partition("/")
    if slash and sent and recv and not sent.strip(_HEX_DIGITS) and not recv.strip(_HEX_DIGITS):
        return {"dpd_sent": int(sent, 16), "dpd_recv": int(recv, 16)}
    return None


def _first_word(text):
    """``connecting, state 0`` -> ``connecting``."""
    return text.split(None, 1)[0].rstrip(",;.") if text else None


# Distinct values (or keys) remembered per cache; a hub repeats few, and once a cache is full new
# ones are computed without being added, so no cache keyed by device text grows without bound in
# a long-lived controller process.
_CACHE_SIZE = 512
_SNAKE_CACHE = {}


def _snake(key):
    """``peer-id-auth`` -> ``peer_id_auth`` (cached: a hub repeats the same keys thousands of times)."""
    snake = _SNAKE_CACHE.get(key)
    if snake is None:
        snake = _SNAKE.sub("_", key.lower()).strip("_")
        if len(_SNAKE_CACHE) < _CACHE_SIZE:
            _SNAKE_CACHE[key] = snake
    return snake


def _seconds(match):
    days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if not any(match.groups()):
        return None
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


# The line cache. A hub repeats most lines verbatim (``PPK: no``, ``direction: responder``,
# ``IKE SA: created 1/1 ...``), so _parse_lines remembers, per distinct stripped line, what it did:
# merge these fields into the gateway, the IKE SA or the extras of the SA (or gateway), set
# these SA counters, or skip (key material). A remembered line then costs one dictionary
# lookup instead of a split, a handler call and a read of its value. Only lines whose effect
# depends on nothing but the line are remembered: the handlers of such keys register, in
# _LINE_ACTIONS, a function from value to action (None: not cacheable), with no side effects.
_IN_GATEWAY, _IN_SA, _IN_EXTRA, _COUNTERS, _SKIP = range(5)
_LINE_ACTIONS = {}
# Distinct lines remembered per parse; lines that never repeat (SPIs, ages) fill it, and once
# it is full, lines are no longer added (they are still read the usual way).
_LINE_CACHE_SIZE = 2048


def _line_action(where, fields, field=None):
    if fields is None:
        return None
    return (where, fields if field is None else (field, fields))


# How each key FortiOS prints is read: (value pattern, reader[, simple]); see _field for
# the optional simple spec. Every handler is built once from these tables by a small
# factory, so that reading a line costs one dictionary lookup and one call, which keeps a
# 5,000-tunnel hub list fast. Readers take the value's regex match and return the fields.
_GATEWAY_FIELDS = {
    "version": (_INT, lambda m: {"ike_version": int(m.group(0))}, ("ike_version", int)),
    "interface": (_INTERFACE, lambda m: {"interface": m.group(1) or "", "interface_index": int(m.group(2))}),
    "addr": (_ADDR, lambda m: {
        "local_addr": m.group(1), "local_port": _int_or_none(m.group(2)),
        "remote_addr": m.group(3), "remote_port": _int_or_none(m.group(4)),
    }, _quick_addr),
    "transport": (_WORD, lambda m: {"transport": m.group(0)}, ("transport", str)),
    "tun_id": (_TUN_ID, lambda m: {"tun_id": m.group(1), "tun_id6": m.group(2)}, _quick_tun_id),
    "remote_location": (_WORD, lambda m: {"remote_location": m.group(0)}, ("remote_location", str)),
    "network-id": (_INT, lambda m: {"network_id": int(m.group(0))}, ("network_id", int)),
    "virtual-interface-addr": (_ARROW, lambda m: {
        "virtual_interface_addr_local": m.group(1), "virtual_interface_addr_peer": m.group(2),
    }, _quick_arrow),
    "created": (_CREATED, lambda m: {"created_seconds": _seconds(m)}, _quick_age),
}
_GATEWAY_TEXT = {"auto-discovery": "auto_discovery", "peer-SN": "peer_sn"}
_SA_FIELDS = {
    "direction": (_WORD, lambda m: {"direction": m.group(0)}, ("direction", str)),
    "proposal": (_WORD, lambda m: {"proposal": m.group(0)}, ("proposal", str)),
    "lifetime/rekey": (_PAIR_INT, lambda m: {"lifetime": int(m.group(1)), "rekey": int(m.group(2))},
                       lambda v: _quick_pair(v, "lifetime", "rekey")),
    "DPD sent/recv": (_PAIR_HEX, lambda m: {"dpd_sent": int(m.group(1), 16), "dpd_recv": int(m.group(2), 16)},
                      _quick_dpd),
}
# Other keys FortiOS prints, listed so that flattened text (where a value's end is only visible
# as the start of the next key) splits at them, multi-word ones included. Those that are secret
# (the key material: key, SK_ei...) are cut out and dropped, the others kept in "extra".
_OTHER_LABELS = (
    "assigned IPv4 address", "assigned IPv6 address", "xauth-user", "EAP user", "2FA",
    "FortiClient UID", "nat", "peer-id-auth", "pending-queue", "PPK", "QKD", "child",
    "message-id sent/recv", "FEC", "mode-cfg", "key", "SK_ei", "SK_er", "SK_ai", "SK_ar", "enc", "dec",
)


def _field(key, pattern, reader, simple=None, in_sa=False):
    """Handler for a key with a structured value, on the gateway or (``in_sa``) the IKE SA.

    ``simple`` is ``(field, str)`` or ``(field, int)``: a one-token value is then stored
    without running the regex, which matters on a hub with thousands of tunnels. It may
    also be a function that reads the common form of the value without a regex and
    returns the fields, or None to fall back to the regex. Values that repeat (a hub's
    instances share most of them) are read once: readers return flat dicts of immutable
    values, so a cached result can be merged into any number of targets.
    """
    quick = simple if callable(simple) else None
    simple_field, simple_kind = (None, None) if simple is None or quick else simple
    opens_gateway = key in ("vd", "name")
    cache = {}

    def known(value):
        """The fields of a value read without a regex or read before, else None (no side effects)."""
        if quick is not None:
            return quick(value)
        if simple_field is not None and value and " " not in value:
            if simple_kind is str:
                return {simple_field: value}
            if value.isdecimal():
                return {simple_field: int(value)}
        return cache.get(value)

    if not opens_gateway:
        _LINE_ACTIONS[key] = lambda value: _line_action(_IN_SA if in_sa else _IN_GATEWAY, known(value))

    def handle(parser, value):
        if in_sa:
            target = parser.sa
            if target is None:
                parser.orphan_sa_line(key, value)
                return
        else:
            target = parser.gateway
            # ``vd`` opens a gateway; so does a second ``name`` (releases without ``vd:``).
            if target is None or (opens_gateway and (key == "vd" or target["name"] is not None)):
                target = parser.start_gateway()
        if quick is not None:
            fields = quick(value)
            if fields is not None:
                target.update(fields)
                return
        elif simple_field is not None and value and " " not in value:
            if simple_kind is str:
                target[simple_field] = value
                return
            if value.isdecimal():
                target[simple_field] = int(value)
                return
        fields = cache.get(value)
        if fields is not None:
            target.update(fields)
            return
        match = pattern.match(value)
        if match is None:
            parser.unreadable(key, value)
            return
        fields = reader(match)
        target.update(fields)
        end = match.end()
        if end != len(value):
            parser.leftover(value[end:], key)
        elif len(cache) < _CACHE_SIZE:
            cache[value] = fields
    return handle


def _counters(key, field):
    """Handler for ``IKE SA:`` / ``IPsec SA:`` counters (nested dicts, so built per gateway)."""
    cache = {}

    def handle(parser, value):
        gateway = parser.gateway or parser.start_gateway()
        numbers = cache.get(value)
        if numbers is None:
            match = _SA_COUNTERS.match(value)
            if match is None:
                parser.unreadable(key, value)
                return
            numbers = tuple(None if group is None else int(group) for group in match.groups())
            if match.end() != len(value):
                parser.leftover(value[match.end():], key)
            elif len(cache) < _CACHE_SIZE:
                cache[value] = numbers
        gateway[field] = _counter_dict(numbers)

    _LINE_ACTIONS[key] = lambda value: _line_action(_COUNTERS, cache.get(value), field)
    return handle


def _counter_dict(numbers):
    """Nested dicts are built per gateway (a cached one would be shared by every gateway)."""
    created_current, created_total, est_current, est_total, t_min, t_avg, t_max = numbers
    return {
        "created_current": created_current,
        "created_total": created_total,
        "established_current": est_current,
        "established_total": est_total,
        "time_ms": None if t_min is None else {"min": t_min, "avg": t_avg, "max": t_max},
    }


def _gateway_text(key, field):
    _LINE_ACTIONS[key] = lambda value: None if ":" in value else (_IN_GATEWAY, {field: value})

    def handle(parser, value):
        gateway = parser.gateway or parser.start_gateway()
        text, rest = _split_free_text(value)
        gateway[field] = text
        if rest:
            parser.leftover(rest, key)
    return handle


def _sa_status(parser, value):
    sa = parser.sa
    if sa is None:
        parser.orphan_sa_line("status", value)
        return
    text, rest = _split_free_text(value)
    sa["status"] = _first_word(text)
    sa["status_raw"] = text or None
    if rest:
        parser.leftover(rest, "status")


def _sa_start(parser, value):
    gateway = parser.gateway or parser.start_gateway()
    match = _ID_SPI.match(value)
    if match is None:
        parser.unreadable("id/spi", value)
        return
    sa = dict.fromkeys(IKE_SA_KEYS)
    sa["id"] = int(match.group(1))
    sa["spi_initiator"] = match.group(2)
    sa["spi_responder"] = match.group(3)
    sa["extra"] = {}
    gateway["ike_sas"].append(sa)
    parser.sa = sa
    if match.end() < len(value):
        parser.leftover(value[match.end():], "id/spi")


def _peer_id(parser, value):
    """Gateway ``peer_id``; IKEv2 repeats it inside each SA, where it is kept as extra."""
    text, rest = _split_free_text(value)
    if parser.sa is not None:
        parser.sa["extra"]["peer_id"] = text
    else:
        (parser.gateway or parser.start_gateway())["peer_id"] = text
    if rest:
        parser.leftover(rest, "peer-id")


def _extra(key):
    snake = _snake(key)
    _LINE_ACTIONS[key] = lambda value: None if ":" in value else (_IN_EXTRA, {snake: value})

    def handle(parser, value):
        text, rest = _split_free_text(value)
        target = parser.sa if parser.sa is not None else parser.gateway
        if target is None:
            parser.store_extra(key, text)
        else:
            target["extra"][snake] = text
        if rest:
            parser.leftover(rest, key)
    return handle


def _secret(key):
    _LINE_ACTIONS[key] = lambda value: None if ":" in value else (_SKIP, None)

    def handle(parser, value):
        _material, rest = _split_free_text(value)
        if rest:
            parser.leftover(rest, key)
    return handle


_HANDLERS = {
    "vd": _field("vd", _VDOM, lambda m: {"vdom": m.group(1), "vdom_index": int(m.group(2))}),
    "name": _field("name", _WORD, lambda m: {"name": m.group(0)}, ("name", str)),
    "id/spi": _sa_start,
    "status": _sa_status,
    "peer-id": _peer_id,
}
_HANDLERS.update((key, _field(key, *spec)) for key, spec in _GATEWAY_FIELDS.items())
_HANDLERS.update((key, _counters(key, field)) for key, field in (("IKE SA", "ike_sa"), ("IPsec SA", "ipsec_sa")))
_HANDLERS.update((key, _gateway_text(key, field)) for key, field in _GATEWAY_TEXT.items())
_HANDLERS.update((key, _field(key, *spec, in_sa=True)) for key, spec in _SA_FIELDS.items())
_HANDLERS.update((key, _secret(key) if is_secret_name(key) else _extra(key)) for key in _OTHER_LABELS)
_SECRET_LABELS = frozenset(key for key in _HANDLERS if is_secret_name(key))

# A known key starts at the line start or after whitespace and is followed by a colon and
# whitespace (or the line end). Longest keys first so ``IPsec SA`` wins over shorter ones.
_KEY_AT = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(re.escape(k) for k in sorted(_HANDLERS, key=len, reverse=True)) + r"):(?=\s|$)"
)


class _Parser:
    """One pass over the text; holds the gateway and IKE SA being filled."""

    def __init__(self):
        self.gateways = []
        self.warnings = []
        self.gateway = None
        self.sa = None
        self.line_no = 0

    def warn(self, message):
        where = "line %d" % self.line_no
        if self.gateway is not None and self.gateway["name"]:
            where += " (gateway %s)" % self.gateway["name"]
        self.warnings.append(_no_key_material("%s: %s" % (where, message)))

    def start_gateway(self):
        gateway = _EMPTY_GATEWAY.copy()
        gateway["extra"] = {}
        gateway["ike_sas"] = []
        self.gateways.append(gateway)
        self.gateway = gateway
        self.sa = None
        return gateway

    def unreadable(self, key, value):
        self.warn("could not read %s value %r" % (key, _clip(value)))

    def orphan_sa_line(self, key, value):
        """An SA line without its id/spi line (truncated output): keep it visibly."""
        gateway = self.gateway or self.start_gateway()
        gateway["extra"][_snake(key)] = value

    def store_extra(self, key, value):
        """Store a key we do not model, in the current SA or gateway."""
        snake = _snake(key)
        if not snake:
            self.warn("skipped a value with an empty key")
            return
        if is_secret_name(snake):
            return
        if self.gateway is None:
            # key: value text before any gateway (for example a banner); not ours to keep.
            self.warn("skipped %r before the first gateway" % _clip(key))
            return
        target = self.sa if self.sa is not None else self.gateway
        target["extra"][snake] = value

    def feed_line(self, line):
        """Read one stripped line in any layout (the general path)."""
        if "  " in line or "\t" in line:
            # Damaged spacing (``IPsec  SA:``) must not hide a known key; values lose nothing.
            line = " ".join(line.split())
        if "#" in line or "$" in line or "vpn" in line:
            if _PROMPT_ONLY.match(line):
                return
            echo = _PROMPT_ECHO.match(line)
            if echo:
                line = line[echo.end():].strip()
                if not line:
                    return
        if not self.gateways:
            # An error line only means failure before any gateway was read.
            error = _FORTIOS_ERROR.match(line)
            if error:
                raise GatewayListError(
                    "FortiOS returned an error instead of a gateway list: %s"
                    % _no_key_material(_clip(error.group(1), 200))
                )
        matches = list(_KEY_AT.finditer(line))
        if not matches:
            self.generic_line(line)
            return
        head = line[:matches[0].start()].strip()
        if head:
            self.generic_line(head)
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
            _HANDLERS[match.group(1)](self, line[match.end():end].strip())

    def generic_line(self, text):
        generic = _GENERIC_LINE.match(text)
        if generic and generic.group(1).strip():
            self.generic_pairs(generic.group(1).strip(), (generic.group(2) or "").strip())
        else:
            self.warn("skipped unreadable text %r" % _shown(text))

    def generic_pairs(self, key, value):
        """Store a key we do not model; a flattened value may hold further pairs."""
        value, rest = _split_free_text(value)
        self.store_extra(key, value)
        while rest:
            pair = _GENERIC_LINE.match(rest)
            if not pair:
                self.warn("skipped unreadable text %r" % _shown(rest))
                return
            key = pair.group(1).split()[-1]
            value, rest = _split_free_text((pair.group(2) or "").strip())
            self.store_extra(key, value)

    def leftover(self, rest, after_key):
        """Text after a value: more pairs of unknown keys in flattened text, or junk."""
        rest = rest.strip()
        if not rest:
            return
        pair = _GENERIC_LINE.match(rest)
        if pair and _looks_like_key(pair.group(1)):
            self.generic_pairs(pair.group(1), (pair.group(2) or "").strip())
        else:
            self.warn("ignored %r after %s" % (_shown(rest), after_key))

    def finish(self):
        for gateway in self.gateways:
            peer = gateway["virtual_interface_addr_peer"]
            gateway["overlay_exchanged"] = None if peer is None else peer not in ("0.0.0.0", "::", "")
        return GatewayListResult(self.gateways, self.warnings)


def _looks_like_key(text):
    text = text.strip()
    return bool(text) and " " not in text


def _split_free_text(value):
    """Split a free-form value at the next ``key:`` token (flattened text)."""
    if ":" not in value:
        return value, ""
    cut = _NEXT_KEY.search(value)
    if cut is None:
        return value, ""
    return value[:cut.start()].strip(), value[cut.end():].strip()


# The first word of a line: a damaged key-material line (``SK_ei 36:…``, ``key; 1a2b…``) starts
# with a secret name and is not echoed at all.
_FIRST_WORD = re.compile(r"\W*([\w-]+)")
# The last line of defence for every text the parser echoes: FortiOS prints key material as runs
# of hexadecimal digits, so any run of eight or more is hidden, whatever label (or damage) is around it.
_HEX_RUN = re.compile(r"[0-9A-Fa-f]{8,}")


def _shown(text):
    """Text for a warning: clipped, and key material replaced by a placeholder."""
    first = _FIRST_WORD.match(text)
    return "<key material>" if first and is_secret_name(first.group(1)) else _clip(text)


def _no_key_material(message):
    """``message`` with every hexadecimal run that could be (part of) a key replaced."""
    return _HEX_RUN.sub("<hex>", message)


# Terminal noise that a captured session adds around the text: ANSI/VT100 escape sequences (colours,
# cursor moves), the pager's ``--More--`` prompt with the carriage returns and backspaces it uses to
# erase itself, and any other control character. Removed before parsing, so a coloured or paged
# capture reads like the plain output. See ECMA-48 (https://ecma-international.org/publications-and-
# standards/standards/ecma-48/) for the sequence syntax.
_TERMINAL_NOISE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"                   # CSI: colours, cursor movement, erase
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"       # OSC: window titles
    r"|\x1b[ -/]*[0-~]?"                         # other escapes (charset selection...)
    r"|--More--[ \t\x08]*(?:\r(?!\n)[ \t\x08]*)*"  # the pager prompt and what erases it
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"             # any other control character
)
# What makes cleaning necessary. The plain device output has none of it; substring tests find that
# out at a few per cent of the parse time on a 5,000-tunnel hub, where one regex scan would cost a third.
_CONTROL_CHARACTERS = tuple(chr(code) for code in (*range(0, 9), 11, 12, *range(14, 32), 127))


def _without_terminal_noise(text):
    if "--More--" in text or any(character in text for character in _CONTROL_CHARACTERS):
        return _TERMINAL_NOISE.sub("", text)
    return text


def _clip(text, limit=80):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _as_text(text):
    if isinstance(text, (list, tuple)):
        if not all(isinstance(line, str) for line in text):
            raise GatewayListError("expected the command output as a string or a list of strings")
        return "\n".join(text)
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise GatewayListError(
            "expected the command output as a string, got %s; pass the command's stdout "
            "(for example result.stdout[0] of cli_command)" % type(text).__name__
        )
    return text


def parse_gateway_list(text, strict=False):
    """Parse ``diagnose vpn ike gateway list`` output.

    :arg text: the command output, as a string (a list of lines is accepted too).
    :arg strict: make text that had to be skipped an error instead of a warning.
    :returns: :class:`GatewayListResult` with ``gateways`` (one dict per ``vd:`` block,
        keys :data:`GATEWAY_KEYS`) and ``warnings`` (text that was skipped, by line).
    :raises GatewayListError: when the text is a FortiOS error message, is not text, or
        holds something other than a gateway list; in strict mode also when text was skipped.
    """
    # The garbage collector is left alone: pausing it would pause it for the whole process (every
    # thread of a controller), not just for this parse.
    result = _parse_lines(_without_terminal_noise(_as_text(text)))
    if strict and result.warnings:
        raise GatewayListError(
            "strict mode and %d part(s) of the text could not be read: %s. Pass strict=false to keep "
            "what was read and warn." % (len(result.warnings), "; ".join(result.warnings))
        )
    return result


def _parse_lines(text):
    parser = _Parser()
    handlers = _HANDLERS
    secrets = _SECRET_LABELS
    line_actions = _LINE_ACTIONS
    feed_line = parser.feed_line
    seen = {}
    for line_no, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        action = seen.get(line)
        if action is not None:
            where, fields = action
            if where == _SKIP:
                continue
            gateway = parser.gateway
            # Without the gateway (or SA) the line needs, it goes the usual way, which reports it.
            if gateway is not None:
                if where == _IN_GATEWAY:
                    gateway.update(fields)
                    continue
                sa = parser.sa
                if where == _IN_EXTRA:
                    (gateway if sa is None else sa)["extra"].update(fields)
                    continue
                if where == _COUNTERS:
                    gateway[fields[0]] = _counter_dict(fields[1])
                    continue
                if sa is not None:
                    sa.update(fields)
                    continue
        parser.line_no = line_no
        # Fast path for the device's own layout: one known key at the start of the line and
        # no other key in the value. Keys start after whitespace and end with a colon before
        # whitespace or the line end, so a value without a colon, without whitespace, or
        # without such a colon holds none. Such a line is also neither a prompt nor an
        # error, so the fast path gives exactly what feed_line would.
        key, sep, value = line.partition(": ")
        if not sep and line[-1] == ":":
            # A key with an empty value (``SK_ai:``): no other key can be in the line.
            key, sep, value = line[:-1], ":", ""
        handler = handlers.get(key) if sep else None
        if handler is not None and (
            ":" not in value
            or (" " not in value and "\t" not in value)
            or (": " not in value and ":\t" not in value and value[-1] != ":")
        ):
            value = value.lstrip()
            if key not in secrets:
                handler(parser, value)
            remember = line_actions.get(key)
            if remember is not None and len(seen) < _LINE_CACHE_SIZE:
                action = remember(value)
                if action is not None:
                    seen[line] = action
        else:
            feed_line(line)
    if not parser.gateways and parser.warnings:
        raise GatewayListError(
            "no IKE gateway found: the text does not look like 'diagnose vpn ike gateway list' output (%s)"
            % parser.warnings[0]
        )
    return parser.finish()

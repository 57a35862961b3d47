# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse ``diagnose vpn ike gateway list`` output into gateway facts.

Pure Python with no Ansible imports: the filter, the ``cli_parse`` parser, the facts
module and the benchmarks all call :func:`parse_gateway_list`.

The parser does not trust layout. FortiOS prints one ``key: value`` per line, but the
text users feed us has often been flattened by a web page (every line of a gateway joined
with spaces), lost its indentation, gained CRLF line ends, or starts with a prompt and
command echo. So each physical line is cut into ``key: value`` segments at the keys we
know, context (gateway or IKE SA) comes from the keys themselves rather than from
indentation, and every value is read with a strict pattern. What cannot be read is
reported as a warning that names the text, never silently dropped and never a traceback.

The output contract (key names, types, nulls) is documented in the collection README,
section "Gateway facts".
"""

from __future__ import annotations

import re

__all__ = ["GatewayListError", "GatewayListResult", "parse_gateway_list", "GATEWAY_KEYS", "IKE_SA_KEYS"]


class GatewayListError(ValueError):
    """The text is not ``diagnose vpn ike gateway list`` output, or is a FortiOS error."""


class GatewayListResult:
    """Parsed gateways (list of dicts, output order) and warnings about skipped text."""

    __slots__ = ("gateways", "warnings")

    def __init__(self, gateways, warnings):
        self.gateways = gateways
        self.warnings = warnings


GATEWAY_KEYS = (
    "vdom", "vdom_index", "name", "ike_version", "interface", "interface_index",
    "local_addr", "local_port", "remote_addr", "remote_port", "transport", "tun_id", "tun_id6",
    "remote_location", "network_id", "virtual_interface_addr_local", "virtual_interface_addr_peer",
    "overlay_exchanged", "created_seconds", "ike_sa", "ipsec_sa", "auto_discovery", "peer_id",
    "peer_sn", "extra", "ike_sas",
)
IKE_SA_KEYS = (
    "id", "spi_initiator", "spi_responder", "direction", "status", "status_raw", "proposal",
    "lifetime", "rekey", "dpd_sent", "dpd_recv", "extra",
)

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
    r"^\s*(?:[^\s#$]*\s*(?:\([^)]*\)\s*)?[#$]\s*)?"
    r"(?:di\w*\s+vpn\s+ike\s+gat\w*(?:\s+li\w*(?:\s+name\s+(?!\S+:)\S+)?)?)(?=\s|$)"
)
_PROMPT_ONLY = re.compile(r"^\s*[^\s#$]*\s*(?:\([^)]*\)\s*)?[#$]\s*$")
# Lines FortiOS prints instead of output when a command fails.
_FORTIOS_ERROR = re.compile(
    r"^\s*(Command fail\..*|Unknown action.*|command parse error.*|Invalid (?:parameter|VDOM).*|"
    r"Return code -?\d+.*|node_check_object fail.*|.*value parse error.*)$",
    re.IGNORECASE,
)

# Keys whose values are key material: never returned, never echoed in warnings.
_SECRET_KEY = re.compile(r"^(key|sk_\w+|enc(_key)?|dec(_key)?|\w*_key|psk\w*)$")


def _int_or_none(text):
    return None if text is None else int(text)


def _first_word(text):
    """``connecting, state 0`` -> ``connecting``."""
    return text.split(None, 1)[0].rstrip(",;.") if text else None


def _snake(key):
    return _SNAKE.sub("_", key.lower()).strip("_")


def _sa_counters(match):
    created_current, created_total, est_current, est_total, t_min, t_avg, t_max = match.groups()
    return {
        "created_current": int(created_current),
        "created_total": int(created_total),
        "established_current": None if est_current is None else int(est_current),
        "established_total": None if est_total is None else int(est_total),
        "time_ms": None if t_min is None else {"min": int(t_min), "avg": int(t_avg), "max": int(t_max)},
    }


def _seconds(match):
    days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if not any(match.groups()):
        return None
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


# Each reader takes the regex match of a key's value and returns the fields it sets.
# Table: key as FortiOS prints it -> (scope, value pattern or None for free text, reader).
# Scope "gw" always writes to the gateway, "sa" to the current IKE SA (or the gateway's
# extra when no SA has started), "any" to the current SA if there is one, else the gateway.
_KNOWN_KEYS = {
    "vd": ("gw", _VDOM, lambda m: {"vdom": m.group(1), "vdom_index": int(m.group(2))}),
    "name": ("gw", _WORD, lambda m: {"name": m.group(0)}),
    "version": ("gw", _INT, lambda m: {"ike_version": int(m.group(0))}),
    "interface": ("gw", _INTERFACE, lambda m: {"interface": m.group(1) or "", "interface_index": int(m.group(2))}),
    "addr": ("gw", _ADDR, lambda m: {
        "local_addr": m.group(1), "local_port": _int_or_none(m.group(2)),
        "remote_addr": m.group(3), "remote_port": _int_or_none(m.group(4)),
    }),
    "transport": ("gw", _WORD, lambda m: {"transport": m.group(0)}),
    "tun_id": ("gw", _TUN_ID, lambda m: {"tun_id": m.group(1), "tun_id6": m.group(2)}),
    "remote_location": ("gw", _WORD, lambda m: {"remote_location": m.group(0)}),
    "network-id": ("gw", _INT, lambda m: {"network_id": int(m.group(0))}),
    "virtual-interface-addr": ("gw", _ARROW, lambda m: {
        "virtual_interface_addr_local": m.group(1), "virtual_interface_addr_peer": m.group(2),
    }),
    "created": ("gw", _CREATED, lambda m: {"created_seconds": _seconds(m)}),
    "IKE SA": ("gw", _SA_COUNTERS, lambda m: {"ike_sa": _sa_counters(m)}),
    "IPsec SA": ("gw", _SA_COUNTERS, lambda m: {"ipsec_sa": _sa_counters(m)}),
    "auto-discovery": ("gw", None, lambda text: {"auto_discovery": text}),
    "peer-SN": ("gw", None, lambda text: {"peer_sn": text}),
    "peer-id": ("any", None, lambda text: {"peer_id": text}),
    "id/spi": ("new_sa", _ID_SPI, lambda m: {
        "id": int(m.group(1)), "spi_initiator": m.group(2), "spi_responder": m.group(3),
    }),
    "direction": ("sa", _WORD, lambda m: {"direction": m.group(0)}),
    "status": ("sa", None, lambda text: {"status": _first_word(text), "status_raw": text or None}),
    "proposal": ("sa", _WORD, lambda m: {"proposal": m.group(0)}),
    "lifetime/rekey": ("sa", _PAIR_INT, lambda m: {"lifetime": int(m.group(1)), "rekey": int(m.group(2))}),
    "DPD sent/recv": ("sa", _PAIR_HEX, lambda m: {"dpd_sent": int(m.group(1), 16), "dpd_recv": int(m.group(2), 16)}),
    # Keys kept in "extra" as they are; listed so that flattened text (where a value's end
    # is only visible as the start of the next key) splits at them, multi-word ones included.
    **{label: ("extra", None, None) for label in (
        "assigned IPv4 address", "assigned IPv6 address", "xauth-user", "EAP user", "2FA",
        "FortiClient UID", "nat", "peer-id-auth", "pending-queue", "PPK", "QKD", "child",
        "message-id sent/recv", "FEC", "mode-cfg",
    )},
    # Key material: recognised so that it can be cut out of flattened lines, then dropped.
    "key": ("secret", None, None),
    "SK_ei": ("secret", None, None),
    "SK_er": ("secret", None, None),
    "SK_ai": ("secret", None, None),
    "SK_ar": ("secret", None, None),
    "enc": ("secret", None, None),
    "dec": ("secret", None, None),
}
# A known key starts at the line start or after whitespace and is followed by a colon and
# whitespace (or the line end). Longest keys first so ``IPsec SA`` wins over shorter ones.
_KEY_AT = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(re.escape(k) for k in sorted(_KNOWN_KEYS, key=len, reverse=True)) + r"):(?=\s|$)"
)


def _new_gateway():
    gateway = dict.fromkeys(GATEWAY_KEYS)
    gateway["extra"] = {}
    gateway["ike_sas"] = []
    return gateway


def _new_sa():
    sa = dict.fromkeys(IKE_SA_KEYS)
    sa["extra"] = {}
    return sa


class _Parser:
    """One pass over the text; holds the gateway and IKE SA being filled."""

    def __init__(self):
        self.gateways = []
        self.warnings = []
        self.gateway = None
        self.sa = None
        self.recognised = 0
        self.line_no = 0

    # -- context -----------------------------------------------------------------------
    def _warn(self, message):
        where = "line %d" % self.line_no
        if self.gateway is not None and self.gateway["name"]:
            where += " (gateway %s)" % self.gateway["name"]
        self.warnings.append("%s: %s" % (where, message))

    def _start_gateway(self):
        self.gateway = _new_gateway()
        self.gateways.append(self.gateway)
        self.sa = None

    def _ensure_gateway(self):
        if self.gateway is None:
            self._start_gateway()
        return self.gateway

    # -- input -------------------------------------------------------------------------
    def feed_line(self, line):
        line = line.strip()
        if not line or _PROMPT_ONLY.match(line):
            return
        echo = _PROMPT_ECHO.match(line)
        if echo:
            line = line[echo.end():].strip()
            if not line:
                return
        error = _FORTIOS_ERROR.match(line)
        if error and not self.gateways:
            raise GatewayListError("FortiOS returned an error instead of a gateway list: %s" % error.group(1).strip())
        matches = list(_KEY_AT.finditer(line))
        if not matches:
            self._generic_line(line)
            return
        head = line[:matches[0].start()].strip()
        if head:
            self._generic_line(head)
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
            self._known(match.group(1), line[match.end():end].strip())

    def _generic_line(self, text):
        generic = _GENERIC_LINE.match(text)
        if generic and generic.group(1).strip():
            self._generic_pairs(generic.group(1).strip(), (generic.group(2) or "").strip())
        else:
            self._warn("skipped unreadable text %r" % _clip(text))

    def _generic_pairs(self, key, value):
        """Store a key we do not model; a flattened value may hold further pairs."""
        value, rest = _split_free_text(value)
        self._store_extra(key, value)
        while rest:
            pair = _GENERIC_LINE.match(rest)
            if not pair:
                self._warn("skipped unreadable text %r" % _clip(rest))
                return
            key = pair.group(1).split()[-1] if " " in pair.group(1) else pair.group(1)
            value, rest = _split_free_text((pair.group(2) or "").strip())
            self._store_extra(key, value)

    def _store_extra(self, key, value):
        snake = _snake(key)
        if not snake:
            self._warn("skipped a value with an empty key")
            return
        if _SECRET_KEY.match(snake):
            return
        if self.gateway is None:
            # key: value text before any gateway (for example a banner); not ours to keep.
            self._warn("skipped %r before the first gateway" % _clip(key))
            return
        self.recognised += 1
        target = self.sa if self.sa is not None else self.gateway
        target["extra"][snake] = value

    def _starts_gateway(self, key):
        if key == "vd":
            return True
        # Releases that print no ``vd:`` line: a second ``name`` means the next gateway.
        return key == "name" and self.gateway is not None and self.gateway["name"] is not None

    def _known(self, key, value):
        scope, pattern, reader = _KNOWN_KEYS[key]
        if scope == "extra":
            text, rest = _split_free_text(value)
            self._store_extra(key, text)
            if rest:
                self._leftover(rest, key)
            return
        if scope == "secret":
            # Drop the value; anything after it in flattened text is read again.
            _secret, rest = _split_free_text(value)
            if rest:
                self._leftover(rest, key)
            return
        if self._starts_gateway(key):
            self._start_gateway()
        gateway = self._ensure_gateway()
        if pattern is None:
            text, rest = _split_free_text(value)
            fields = reader(text)
        else:
            match = pattern.match(value)
            if not match:
                self._warn("could not read %s value %r" % (key, _clip(value)))
                return
            fields = reader(match)
            rest = value[match.end():].strip()
        if scope == "new_sa":
            self.sa = _new_sa()
            gateway["ike_sas"].append(self.sa)
            target = self.sa
        elif scope == "any" and self.sa is not None:
            # Same key on both levels (IKEv2 repeats peer-id per SA): SA copies are extra.
            target = self.sa["extra"]
        elif scope == "sa":
            if self.sa is None:
                # An SA line without its id/spi line (truncated output): keep it visibly.
                gateway["extra"][_snake(key)] = value
                self.recognised += 1
                if rest:
                    self._leftover(rest, key)
                return
            target = self.sa
        else:
            target = gateway
        target.update(fields)
        self.recognised += 1
        if rest:
            self._leftover(rest, key)

    def _leftover(self, rest, after_key):
        """Text after a value: more pairs of unknown keys in flattened text, or junk."""
        pair = _GENERIC_LINE.match(rest)
        if pair and _looks_like_key(pair.group(1)):
            self._generic_pairs(pair.group(1), (pair.group(2) or "").strip())
        else:
            self._warn("ignored %r after %s" % (_clip(rest), after_key))

    def finish(self):
        for gateway in self.gateways:
            peer = gateway["virtual_interface_addr_peer"]
            gateway["overlay_exchanged"] = None if peer is None else peer not in ("0.0.0.0", "::", "")
        return GatewayListResult(self.gateways, self.warnings)


def _looks_like_key(text):
    return " " not in text.strip() and bool(text.strip())


def _split_free_text(value):
    """Split a free-form value at the next ``key:`` token (flattened text)."""
    cut = _NEXT_KEY.search(value)
    if cut is None:
        return value, ""
    return value[:cut.start()].strip(), value[cut.end():].strip()


def _clip(text, limit=80):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def parse_gateway_list(text):
    """Parse ``diagnose vpn ike gateway list`` output.

    :arg text: the command output, as a string (a list of lines is accepted too).
    :returns: :class:`GatewayListResult` with ``gateways`` (one dict per ``vd:`` block,
        keys :data:`GATEWAY_KEYS`) and ``warnings`` (text that was skipped, by line).
    :raises GatewayListError: when the text is a FortiOS error message, is not text, or
        holds something other than a gateway list.
    """
    if isinstance(text, (list, tuple)):
        if not all(isinstance(line, str) for line in text):
            raise GatewayListError("expected the command output as a string or a list of strings")
        text = "\n".join(text)
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise GatewayListError(
            "expected the command output as a string, got %s; pass the command's stdout "
            "(for example result.stdout[0] of cli_command)" % type(text).__name__
        )
    parser = _Parser()
    for line_no, line in enumerate(text.splitlines(), 1):
        parser.line_no = line_no
        parser.feed_line(line)
    if not parser.gateways and parser.warnings:
        raise GatewayListError(
            "no IKE gateway found: the text does not look like 'diagnose vpn ike gateway list' output (%s)"
            % parser.warnings[0]
        )
    return parser.finish()

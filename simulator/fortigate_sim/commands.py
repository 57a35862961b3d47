"""Operational (non-configuration) CLI commands of a simulated FortiGate.

Entry point for the SSH server, the admin API and tests::

    run_operational_command(lab, device_name, vdom, command_line) -> str | None

``lab`` is the running :class:`fortigate_sim.lab.LabRuntime`; any object with a ``devices`` mapping
(name -> :class:`fortigate_sim.device.Device`) works, optionally with ``clock`` (a
:class:`~fortigate_sim.model.SimClock`) and ``model``; the lab's tunnel model is created on first
use and shared by every caller, so CLI, REST monitors and tests see one state. ``vdom`` is the
VDOM the CLI session is in (``root`` without VDOMs).

The result is the command's output (lines ending in ``\\n``; ``""`` for commands that print
nothing, such as ``diagnose vpn ike gateway clear``), or ``None`` when the line is not an
operational command known here (unknown or ambiguous words, configuration commands, an unknown
device or VDOM): the caller then tries its own commands or prints FortiOS's error. Nothing is
raised for bad input. Words may be abbreviated as FortiOS allows (``diag vpn ike gate list``);
an abbreviation must be unambiguous among the real sibling keywords. A trailing ``| grep
[-i|-v|-c|-n|-A N|-B N|-C N] PATTERN`` filters the output like FortiOS's grep.

Commands: ``get system status``; ``diagnose vpn ike gateway list|clear [name X]``; ``diagnose vpn
tunnel list [name X]``; ``get vpn ipsec tunnel summary``; ``get router info routing-table all``;
``get router info bgp summary``; ``execute ping [-c N] <ip> [source <ip>]``; ``execute
ping-options source <ip>|repeat-count <n>|reset|view-settings`` (kept per device and VDOM, like a
FortiOS admin session's options, until ``reset``).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import shlex
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .model import model_of
from .outputs.gateway import gateway_list
from .outputs.ping import ping_text
from .outputs.router import bgp_summary, routing_table
from .outputs.system import system_status
from .outputs.tunnel import tunnel_list, tunnel_summary

log = logging.getLogger(__name__)

MAX_PINGS = 1000  # one command must not tie up the lab's event loop (FortiOS allows 2^31-1)

PARSE_ERROR = "command parse error before '{}'\nCommand fail. Return code -61\n"

# Keyword tree: each level lists the real FortiOS sibling keywords (so that abbreviations are
# ambiguous exactly when they are on a unit); a string value names the handler of a leaf.
_TREE: dict = {
    "get": {
        "system": {"status": "system_status", "session": None, "settings": None, "startup-error-log": None,
                   "interface": None, "global": None, "arp": None, "admin": None, "performance": None,
                   "ha": None, "dns": None, "console": None, "sdwan": None, "source-ip": None},
        "vpn": {"ipsec": {"tunnel": {"summary": "tunnel_summary", "details": None, "name": None},
                          "stats": None, "phase1": None, "phase1-interface": None, "phase2": None,
                          "phase2-interface": None, "concentrator": None, "fec": None, "forticlient": None,
                          "manualkey": None, "manualkey-interface": None},
                "certificate": None, "ssl": None, "l2tp": None, "pptp": None, "ocvpn": None, "kmip-server": None},
        "router": {"info": {"routing-table": {"all": "routing_table", "bgp": None, "connected": None,
                                              "database": None, "details": None, "isis": None, "kernel": None,
                                              "ospf": None, "rip": None, "static": None},
                            "bgp": {"summary": "bgp_summary", "neighbors": None, "network": None, "paths": None,
                                    "community": None, "community-info": None, "community-list": None,
                                    "dampening": None, "filter-list": None, "inconsistent-as": None,
                                    "ipv4": None, "memory": None, "prefix-list": None, "regexp": None,
                                    "route-map": None, "scan": None, "vpnv4": None},
                            "bfd": None, "gwdetect": None, "isis": None, "kernel": None, "multicast": None,
                            "ospf": None, "rip": None, "vrrp": None},
                   "info6": None, "access-list": None, "bgp": None, "static": None, "policy": None},
        "alertemail": None, "antivirus": None, "application": None, "endpoint-control": None,
        "firewall": None, "gui": None, "ips": None, "log": None, "report": None, "user": None,
        "webfilter": None, "wireless-controller": None, "hardware": None, "switch-controller": None,
        "sctp-filter": None, "extension-controller": None, "emailfilter": None, "dnsfilter": None,
        "dlp": None, "certificate": None, "icap": None, "voip": None, "waf": None, "wanopt": None,
        "web-proxy": None, "authentication": None, "automation": None,
    },
    "diagnose": {
        "vpn": {"ike": {"gateway": {"list": "gateway_list", "clear": "gateway_clear", "flush": None},
                        "config": None, "counts": None, "crypto": None, "errors": None, "filter": None,
                        "log": None, "log-filter": None, "restart": None, "routes": None, "stats": None,
                        "status": None, "shortcut": None},
                "tunnel": {"list": "tunnel_list", "log": None, "flush": None, "stat": None, "up": None,
                           "down": None, "dumpsa": None, "delinbsa": None, "deloutbsa": None, "dialup-list": None},
                "ipsec": None, "ssl": None, "l2tp": None, "pptp": None, "ocvpn": None, "gdoi": None},
        "sys": None, "debug": None, "hardware": None, "ip": None, "netlink": None, "firewall": None,
        "test": None, "sniffer": None, "autoupdate": None, "log": None, "wad": None, "router": None,
    },
    "execute": {"ping": "ping", "ping-options": "ping_options", "ping6": None, "ping6-options": None,
                "traceroute": None, "traceroute-options": None, "backup": None, "reboot": None,
                "shutdown": None, "factoryreset": None, "date": None, "time": None, "telnet": None,
                "ssh": None, "restore": None, "update-now": None, "log": None, "router": None},
    "show": None, "config": None, "end": None, "exit": None, "tree": None, "sudo": None,
}

_PING_OPTIONS = ("adaptive-ping", "data-size", "df-bit", "interface", "interval", "pattern", "repeat-count",
                 "reset", "source", "timeout", "tos", "ttl", "use-sdwan", "validate-reply", "view-settings")


@dataclass
class PingOptions:
    source: Optional[ipaddress.IPv4Address] = None
    repeat_count: int = 5


def run_operational_command(lab: Any, device_name: str, vdom: str, command_line: str) -> Optional[str]:
    """Output of ``command_line`` on ``device_name`` in ``vdom``, or ``None`` if not known here."""
    try:
        device = getattr(lab, "devices", {}).get(device_name)
        if device is None or vdom not in device.spec.vdoms:
            return None
        command, filters = _split_pipe(command_line)
        if command is None:
            return None
        try:
            words = shlex.split(command)
        except ValueError:
            return None
        handler, args = _resolve(words)
        if handler is None:
            return None
        output = _HANDLERS[handler](_Context(lab, device, (device_name, vdom)), args)
        if output is None:
            return None
        for grep in filters:
            output = grep(output)
        return output
    except Exception:  # noqa: BLE001 - the documented contract: never raise for a command line
        log.exception("operational command failed on %s", device_name)
        return None


# ---- parsing -----------------------------------------------------------------------------------

def _resolve(words: list[str]) -> tuple[Optional[str], list[str]]:
    level: Any = _TREE
    for position, word in enumerate(words):
        if not isinstance(level, dict):
            break
        key = _match(level, word.lower())
        if key is None or level[key] is None:
            return None, []
        level = level[key]
        if isinstance(level, str):
            return level, words[position + 1:]
    return None, []


def _match(choices, word: str) -> Optional[str]:
    if word in choices:
        return word
    found = [c for c in choices if c.startswith(word)]
    return found[0] if len(found) == 1 else None


def _split_pipe(line: str) -> tuple[Optional[str], list[Callable[[str], str]]]:
    parts = line.split("|")
    filters = []
    for part in parts[1:]:
        grep = _grep(part.strip())
        if grep is None:
            return None, []
        filters.append(grep)
    return parts[0].strip(), filters


def _grep(text: str) -> Optional[Callable[[str], str]]:
    """FortiOS ``grep``: -i ignore case, -v invert, -c count, -n numbers, -A/-B/-C context."""
    try:
        words = shlex.split(text)
    except ValueError:
        return None
    if not words or words[0] != "grep":
        return None
    flags, before, after, pattern = set(), 0, 0, None
    index = 1
    while index < len(words):
        word = words[index]
        if word in ("-A", "-B", "-C") and index + 1 < len(words) and words[index + 1].isdigit():
            count = int(words[index + 1])
            before = count if word in ("-B", "-C") else before
            after = count if word in ("-A", "-C") else after
            index += 2
            continue
        if word.startswith("-") and len(word) > 1 and pattern is None:
            flags.update(word[1:])
        elif pattern is None:
            pattern = word
        index += 1
    if pattern is None:
        return None
    try:
        regex = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    except re.error:
        regex = re.compile(re.escape(pattern), re.IGNORECASE if "i" in flags else 0)

    def apply(output: str) -> str:
        lines = output.splitlines()
        hits = [bool(regex.search(line)) != ("v" in flags) for line in lines]
        if "c" in flags:
            return f"{sum(hits)}\n"
        keep = set()
        for number, hit in enumerate(hits):
            if hit:
                keep.update(range(max(0, number - before), min(len(lines), number + after + 1)))
        shown = [f"{n + 1}:{lines[n]}" if "n" in flags else lines[n] for n in sorted(keep)]
        return "".join(line + "\n" for line in shown)

    return apply


# ---- handlers ----------------------------------------------------------------------------------

class _Context:
    def __init__(self, lab, device, node):
        self.lab, self.device, self.node = lab, device, node
        self.model = model_of(lab)


def _name_arg(args: list[str]) -> tuple[bool, Optional[str]]:
    """``[name X]`` -> (valid, X)."""
    if not args:
        return True, None
    if len(args) == 2 and _match(("name",), args[0].lower()) == "name":
        return True, args[1]
    return False, None


def _system_status(ctx: _Context, args) -> Optional[str]:
    if args:
        return None
    return system_status(ctx.device, ctx.node[1], ctx.model.clock.epoch())


def _gateway_list(ctx: _Context, args) -> Optional[str]:
    ok, name = _name_arg(args)
    return gateway_list(ctx.model, ctx.node, name) if ok else None


def _gateway_clear(ctx: _Context, args) -> Optional[str]:
    ok, name = _name_arg(args)
    if not ok:
        return None
    ctx.model.clear(ctx.node, name)
    return ""


def _tunnel_list(ctx: _Context, args) -> Optional[str]:
    ok, name = _name_arg(args)
    return tunnel_list(ctx.model, ctx.node, name) if ok else None


def _no_args(render):
    def handler(ctx: _Context, args) -> Optional[str]:
        return None if args else render(ctx.model, ctx.node)
    return handler


def _options(ctx: _Context) -> PingOptions:
    return ctx.model.ping_options.setdefault(ctx.node, PingOptions())


def _ip(text: str) -> Optional[ipaddress.IPv4Address]:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def _ping(ctx: _Context, args) -> Optional[str]:
    options = _options(ctx)
    count, source, target = options.repeat_count, options.source, None
    index = 0
    while index < len(args):
        word = args[index]
        if word == "-c" and index + 1 < len(args) and args[index + 1].isdigit():
            count, index = max(1, int(args[index + 1])), index + 2
        elif word.lower() == "source" and index + 1 < len(args):
            source = _ip(args[index + 1])
            if source is None:
                return PARSE_ERROR.format(args[index + 1])
            index += 2
        elif target is None:
            target = _ip(word)
            if target is None:
                return f"Unknown host {word}\n" if not re.match(r"^[\d.]+$", word) else PARSE_ERROR.format(word)
            index += 1
        else:
            return PARSE_ERROR.format(word)
    if target is None:
        return "Command fail. Return code -61\n"
    report = ctx.model.ping(ctx.node, target, source, min(count, MAX_PINGS))
    return ping_text(report)


def _ping_options(ctx: _Context, args) -> Optional[str]:
    if not args:
        return None
    option = _match(_PING_OPTIONS, args[0].lower())
    options = _options(ctx)
    if option == "reset" and len(args) == 1:
        options.source, options.repeat_count = None, 5
        return ""
    if option == "view-settings" and len(args) == 1:
        return (f"Ping Options:\n   Repeat Count: {options.repeat_count}\n   Data Size: 56\n   Timeout: 2\n"
                f"   Interval: 1\n   TTL: 64\n   TOS: 0\n   DF bit: unset\n"
                f"   Source Address: {options.source or 'auto'}\n   Pattern: \n   Pattern Size in Bytes: 0\n"
                f"   Validate Reply: no\n")
    if option == "source" and len(args) == 2:
        if args[1].lower() == "auto":
            options.source = None
            return ""
        address = _ip(args[1])
        if address is None:
            return PARSE_ERROR.format(args[1])
        options.source = address
        return ""
    if option == "repeat-count" and len(args) == 2 and args[1].isdigit():
        options.repeat_count = max(1, min(2147483647, int(args[1])))
        return ""
    return None


_HANDLERS: dict[str, Callable[[_Context, list], Optional[str]]] = {
    "system_status": _system_status,
    "gateway_list": _gateway_list,
    "gateway_clear": _gateway_clear,
    "tunnel_list": _tunnel_list,
    "tunnel_summary": _no_args(tunnel_summary),
    "routing_table": _no_args(routing_table),
    "bgp_summary": _no_args(bgp_summary),
    "ping": _ping,
    "ping_options": _ping_options,
}

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FortiOS CLI configuration text, for the cliconf plugin: prompts, candidates, change prediction.

Pure functions, unit-tested without a device. FortiOS configuration is a tree of
``config <path>`` / ``edit <key>`` blocks closed by ``next`` / ``end`` (``end`` inside an ``edit``
closes both), with ``set``/``unset``/``append``/``select``/``unselect`` leaves. Indentation is
decoration, so everything here tracks the block keywords, never the indentation.

FortiOS has no candidate configuration: every ``next``/``end`` commits. So the cliconf plugin
reports real changes by comparing ``show`` before and after, and can only *predict* them in
check mode; ``predict_changes`` does that from the running configuration, knowing the three ways
the same value is spelt differently (quotes, ``a.b.c.d/nn`` vs ``a.b.c.d m.m.m.m``, default
values that plain ``show`` leaves out, hence ``show full-configuration``).
"""

from __future__ import annotations

import ast
import re
import shlex
from typing import Iterable, Optional, Union

from ansible_collections.overlay.fortigate.plugins.module_utils.common.addresses import ipv4_mask_form
from ansible_collections.overlay.fortigate.plugins.module_utils.common.cli import PROMPT

PROMPT_RE = re.compile("^%s$" % PROMPT)
SCOPE_PATHS = (("vdom",), ("global",))
# Leaving nested contexts never needs more than this many `end`/`abort` lines
# (config vdom > edit X > config table > edit key > config child > edit key).
MAX_CONTEXT_DEPTH = 8
# Lines with which FortiOS refuses a command (the terminal plugin's terminal_stderr_re).
ERROR_PATTERNS = (
    r"Command fail\. Return code -?\d+",
    r"command parse error before",
    r"value parse error before",
    r"Unknown action \d+",
    r"node_check_object fail",
    r"entry not found in datasource",
)
_ERROR_RE = re.compile("|".join(ERROR_PATTERNS))


def prompt_context(prompt: Union[str, bytes, None]) -> Optional[str]:
    """The context of a prompt (``"SiteA-to-SiteB"``), ``""`` at the top level, None if no prompt."""
    if prompt is None:
        return None
    text = prompt.decode("utf-8", "replace") if isinstance(prompt, bytes) else str(prompt)
    match = PROMPT_RE.match(text.strip("\r\n").lstrip())
    if not match:
        return None
    return match.group("context") or ""


def leave_contexts(prompt, send, command):
    """Send ``command`` (``end`` commits what is pending, ``abort`` discards it) until the prompt is
    the top level again; False when it still is not after :data:`MAX_CONTEXT_DEPTH` of them.

    ``prompt()`` returns the current prompt, ``send(command)`` runs one line.
    """
    for dummy in range(MAX_CONTEXT_DEPTH):
        if not prompt_context(prompt()):
            return True
        send(command)
    return not prompt_context(prompt())


# ``get`` inside ``config vdom`` lists the VDOMs as "== [ root ]" lines.
_VDOM_LISTED = re.compile(r"^== \[ (\S+) \]", re.MULTILINE)


def vdom_names(listing: str) -> list[str]:
    """The VDOM names of a ``get`` inside ``config vdom``."""
    return _VDOM_LISTED.findall(listing)


def candidate_lines(candidate: Union[str, Iterable[str], None]) -> list[str]:
    """Configuration lines to send: stripped, without blanks and ``#`` comments."""
    if candidate is None:
        return []
    raw = candidate.splitlines() if isinstance(candidate, str) else list(candidate)
    lines = []
    for item in raw:
        for line in str(item).splitlines() or [""]:
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def words(line: str) -> list[str]:
    """A CLI line as FortiOS reads it (quotes group, backslash escapes)."""
    try:
        return shlex.split(line, posix=True)
    except ValueError:
        return line.split()


def top_level_paths(lines: list[str]) -> Optional[list[str]]:
    """The ``config`` paths a candidate opens at the top, in order; None when it uses VDOM scopes
    (``config vdom`` / ``config global``), whose parts cannot be shown one by one."""
    paths: list[str] = []
    for context, tokens in _walk(lines):
        if tokens[0] == "config" and not context:
            if tuple(tokens[1:]) in SCOPE_PATHS:
                return None
            path = " ".join(tokens[1:])
            if path not in paths:
                paths.append(path)
    return paths


def _normalise(tokens: list[str]) -> tuple:
    """Spelling-independent tokens: ``10.0.0.1/32`` -> ``10.0.0.1 255.255.255.255``."""
    out: list[str] = []
    for token in tokens:
        masked = ipv4_mask_form(token) if "/" in token else None
        out += masked.split() if masked else [token]
    return tuple(out)


def _walk(lines: Iterable[str]):
    """Yield (context, tokens) for every line; context is a tuple of ("config", path...) and
    ("edit", key) frames *enclosing* the line."""
    stack: list[tuple] = []
    for line in lines:
        tokens = words(line)
        if not tokens:
            continue
        verb = tokens[0]
        if verb in ("next", "end"):
            yield tuple(stack), tokens
            if stack and stack[-1][0] == "edit":
                stack.pop()
            if verb == "end" and stack:
                stack.pop()
            continue
        yield tuple(stack), tokens
        if verb == "config":
            stack.append(("config",) + tuple(tokens[1:]))
        elif verb == "edit" and len(tokens) > 1:
            stack.append(("edit", tokens[1]))


class _Running:
    """Index of a ``show`` text: set lines and edit keys per context."""

    def __init__(self, text: str):
        self.sets: dict[tuple, dict[str, tuple]] = {}
        self.edits: dict[tuple, set] = {}
        for context, tokens in _walk(text.splitlines()):
            if tokens[0] == "set" and len(tokens) > 1:
                self.sets.setdefault(context, {})[tokens[1]] = _normalise(tokens[2:])
            elif tokens[0] == "edit" and len(tokens) > 1:
                self.edits.setdefault(context, set()).add(tokens[1])
            elif tokens[0] == "config":
                self.edits.setdefault(context + (("config",) + tuple(tokens[1:]),), set())


def _changes(context: tuple, tokens: list[str], full: _Running, plain: _Running) -> bool:
    verb, args = tokens[0], tokens[1:]
    if verb in ("config", "next", "end", "abort"):
        return False
    if verb == "edit":
        return bool(args) and args[0] not in full.edits.get(context, set())
    if verb in ("set", "select"):
        return not args or full.sets.get(context, {}).get(args[0]) != _normalise(args[1:])
    if verb == "unset":
        return not args or args[0] in plain.sets.get(context, {})
    if verb in ("append", "unselect"):
        current = set(full.sets.get(context, {}).get(args[0], ())) if args else set()
        values = set(_normalise(args[1:]))
        return bool(values - current) if verb == "append" else bool(values & current)
    if verb == "delete":
        return any(key in full.edits.get(context, set()) for key in args)
    if verb == "purge":
        return bool(full.edits.get(context))
    if verb == "rename":
        return bool(args) and args[0] in full.edits.get(context, set())
    return True  # move, execute, anything else: assume it acts


def predict_changes(lines: list[str], running_full: str, running: str = "") -> list[str]:
    """The candidate ``lines`` that would change a device whose configuration is
    ``running_full`` (``show full-configuration``) and ``running`` (``show``, for ``unset``),
    inside the ``config``/``edit`` lines that enclose them. Empty when nothing would change.
    """
    full, plain = _Running(running_full), _Running(running or running_full)
    lines = [line for line in lines if words(line)]
    entries = list(_walk(lines))
    changed = [_changes(context, tokens, full, plain) for context, tokens in entries]
    keep = list(changed)
    openers: list[int] = []
    for index, (_context, tokens) in enumerate(entries):
        verb = tokens[0]
        if verb in ("next", "end"):
            inside_edit = bool(openers) and entries[openers[-1]][1][0] == "edit"
            closes = 2 if verb == "end" and inside_edit else 1
            for dummy in range(closes):
                if openers:
                    opener = openers.pop()
                    keep[index] = keep[index] or keep[opener]
            continue
        if keep[index]:
            for opener in openers:
                keep[opener] = True
        if verb in ("config", "edit"):
            openers.append(index)
    return [line for line, kept in zip(lines, keep) if kept]


def device_error(message: object, command: Optional[str] = None) -> Optional[str]:
    """FortiOS's error lines from a network_cli failure, or None if it is not a device error.

    network_cli raises with the raw output window, often as the repr of bytes
    (``b'set ip x\\r\\nvalue parse error ...\\r\\nHOST (x) # '``); the command echo and the
    prompt are dropped, the device's own lines kept.
    """
    text = str(message)
    if text.startswith(("b'", 'b"')):
        try:
            text = ast.literal_eval(text).decode("utf-8", "replace")
        except (ValueError, SyntaxError, AttributeError):
            pass
    if not _ERROR_RE.search(text):
        return None
    echo = (command or "").strip()
    lines = [line.strip() for line in text.replace("\r", "").splitlines()]
    kept = [line for line in lines if line and line != echo and prompt_context(line) is None]
    return "\n".join(kept)

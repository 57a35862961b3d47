"""FortiOS's output filter: ``<command> | grep [-i] [-v] [-c] [-f] [-A n] [-B n] [-C n] [-e] pattern``.

FortiOS accepts only ``grep`` after a pipe (several pipes chain). ``-f`` keeps each matching line
inside its ``config``/``edit`` blocks, so ``show | grep -f psksecret`` still reads as configuration.
Clients depend on this: netmiko opens every session with ``get system status | grep Virtual``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .cli_lang import CliSyntaxError, tokenize


class PipeError(ValueError):
    """A pipe the CLI does not understand; ``token`` is what FortiOS names in its parse error."""

    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


@dataclass
class GrepFilter:
    pattern: re.Pattern
    invert: bool = False
    count: bool = False
    context_blocks: bool = False
    before: int = 0
    after: int = 0

    def apply(self, text: str) -> str:
        lines = text.splitlines()
        hits = [bool(self.pattern.search(line)) != self.invert for line in lines]
        if self.count:
            return f"{sum(hits)}\n"
        if self.context_blocks:
            kept = _with_blocks(lines, hits)
        else:
            kept = [False] * len(lines)
            for index, hit in enumerate(hits):
                if hit:
                    for near in range(max(0, index - self.before), min(len(lines), index + self.after + 1)):
                        kept[near] = True
        out = [line for line, keep in zip(lines, kept) if keep]
        return "\n".join(out) + ("\n" if out else "")


def split_pipes(line: str) -> tuple[str, list[str]]:
    """``"show | grep x | grep y"`` -> ``("show", ["grep x", "grep y"])``; ``|`` inside quotes is kept."""
    parts, buf, quote = [], [], None
    index = 0
    while index < len(line):
        ch = line[index]
        if quote:
            buf.append(ch)
            if ch == "\\" and index + 1 < len(line):
                buf.append(line[index + 1])
                index += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            buf.append(ch)
        elif ch == "|":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        index += 1
    parts.append("".join(buf))
    return parts[0].strip(), [p.strip() for p in parts[1:]]


def parse_grep(stage: str) -> GrepFilter:
    """One pipe stage (``grep -i foo``) as a filter, or ``PipeError`` naming the offending word."""
    try:
        words = tokenize(stage)
    except CliSyntaxError:
        raise PipeError(stage) from None
    if not words or words[0] != "grep":
        raise PipeError(words[0] if words else "|")
    flags = 0
    grep = GrepFilter(pattern=re.compile(""))
    pattern: Optional[str] = None
    index = 1
    while index < len(words):
        word = words[index]
        if pattern is None and word.startswith("-") and len(word) > 1:
            if word == "-e":
                index += 1
                if index >= len(words):
                    raise PipeError(word)
                pattern = words[index]
            elif word[:2] in ("-A", "-B", "-C"):
                option, number_text = word[:2], word[2:]
                if not number_text:
                    index += 1
                    number_text = words[index] if index < len(words) else ""
                if not number_text.isdigit():
                    raise PipeError(word)
                number = int(number_text)
                word = option
                grep.before = number if word in ("-B", "-C") else grep.before
                grep.after = number if word in ("-A", "-C") else grep.after
            elif set(word[1:]) <= set("ivcf"):
                flags |= re.IGNORECASE if "i" in word else 0
                grep.invert = grep.invert or "v" in word
                grep.count = grep.count or "c" in word
                grep.context_blocks = grep.context_blocks or "f" in word
            else:
                raise PipeError(word)
        elif pattern is None:
            pattern = word
        else:
            raise PipeError(word)
        index += 1
    if pattern is None:
        raise PipeError("grep")
    try:
        grep.pattern = re.compile(pattern, flags)
    except re.error:
        raise PipeError(pattern) from None
    return grep


def apply_pipes(text: str, stages: list[str]) -> str:
    for stage in stages:
        text = parse_grep(stage).apply(text)
    return text


def _with_blocks(lines: list[str], hits: list[bool]) -> list[bool]:
    """Keep hits plus the ``config``/``edit`` lines that enclose them and their ``next``/``end``."""
    kept = list(hits)
    stack: list[tuple[int, int]] = []  # (indent, line index) of open blocks
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        word = stripped.split(" ", 1)[0]
        if word in ("next", "end") and stack and stack[-1][0] == indent:
            _, opener = stack.pop()
            kept[index] = kept[opener]
            continue
        if hits[index]:
            for _, opener in stack:
                kept[opener] = True
        if word in ("config", "edit"):
            stack.append((indent, index))
    return kept

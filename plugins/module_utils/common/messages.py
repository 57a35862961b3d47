# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values quoted in messages, kept short (pure functions, no Ansible imports).

A message names the value it is about, but a refused 100,000-character value (or a device
error that quotes it) must not fill a terminal or a CI log: long values are cut, saying how
long they were.
"""

from __future__ import annotations

import re

# Longest value or word shown whole; longer ones keep their start.
LIMIT = 80
# Quotes stay outside, so a device's 'value' keeps them and the length counted is the value's.
_LONG_WORD = re.compile(r"[^\s'\"]{%d,}" % (LIMIT + 1))


def clip(text, limit=LIMIT):
    """``text`` cut to about ``limit`` characters, with the full length when it was cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return "%s...(%d characters)" % (text[:limit - 20], len(text))


def shown(value, limit=LIMIT):
    """``repr(value)`` for a message, cut like :func:`clip`."""
    return clip(repr(value), limit)


def clip_words(text, limit=LIMIT):
    """``text`` with every run of more than ``limit`` non-space characters cut (device messages)."""
    return _LONG_WORD.sub(lambda match: clip(match.group(0), limit), str(text))

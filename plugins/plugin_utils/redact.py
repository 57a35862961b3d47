# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Remove secrets from text before a connection plugin writes it to a log.

The messages ``fortinet.fortios``' httpapi plugin logs contain whole request bodies (the login
JSON with ``secretkey``/``password``, phase1 bodies with ``psksecret``), headers
(``Authorization: Bearer``, ``Cookie``, ``x-csrftoken``), form data and, in one message, the bare
access token. Two complementary passes make that safe:

1. literal values the caller knows are secret (token, password, session key, cookie) are
   replaced wherever they occur, which also catches them without a recognisable key around;
2. patterns replace the value after any key that looks secret, in JSON, form, query, header
   and FortiOS CLI (``set psksecret ...``, ``ENC ...``) shapes.
"""

from __future__ import annotations

import re
from typing import Iterable

from ansible_collections.overlay.fortigate.plugins.module_utils.common.secret_names import (
    MASK,
    SECRET_NAME_PATTERN,
)

# Parameter, header and attribute names whose values are secret: the collection's one definition.
SECRET_WORDS = SECRET_NAME_PATTERN

_PATTERNS = (
    # JSON or Python-repr pairs and tuples: "password": "x" / ('x-csrftoken', 'x') (quoted or bare).
    re.compile(r"""(?i)(["'](?:%s)["']\s*[:,]\s*)(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^,}\s]+)""" % SECRET_WORDS),
    # key=value in forms, queries and cookies: secretkey=x&, access_token=x, APSCOOKIE_1=x;
    re.compile(r"(?i)\b((?:%s)=)(?:\"[^\"]*\"|[^&;,\s'\"]+)" % SECRET_WORDS),
    # Header lines and schemes: "Authorization: Bearer x", "Bearer x".
    re.compile(r"(?i)\b(bearer\s+)[^\s'\",;]+"),
    re.compile(r"(?i)\b((?:authorization|cookie|set-cookie|x-csrftoken):\s*)[^\r\n]+"),
    # FortiOS CLI: set psksecret x / set password ENC x.
    re.compile(r"(?i)(\bset\s+(?:%s)\s+)(?:ENC\s+)?(?:\"(?:\\.|[^\"\\])*\"|\S+)" % SECRET_WORDS),
    re.compile(r"\b(ENC\s+)[A-Za-z0-9+/=]{8,}"),
)


def redact(text: object, secrets: Iterable[object] = ()) -> str:
    """``text`` as a string with every known secret value and secret-looking field masked."""
    result = str(text)
    # Longest first, so a secret containing another one is masked whole.
    for value in sorted({str(s) for s in secrets if s not in (None, "") and len(str(s)) >= 4},
                        key=len, reverse=True):
        result = result.replace(value, MASK)
    for pattern in _PATTERNS:
        result = pattern.sub(lambda match: match.group(1) + MASK, result)
    return result

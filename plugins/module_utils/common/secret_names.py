# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What is secret: one definition for the whole collection (pure, no Ansible imports).

A name is secret when its value must never be shown, compared or logged. The same rule serves
the reconcile engine (CMDB attributes such as ``psksecret``, never compared or shown), the
redaction of connection logs and diffs (HTTP parameters and headers such as ``access_token``,
``Authorization``, ``Cookie``, ``x-csrftoken``; ``plugin_utils/redact.py``) and the gateway-list
parser (the key material ``diagnose vpn ike gateway list`` prints: ``key``, ``SK_ei``, ``enc``).
Names match whatever their case and whether words are joined by ``_`` or ``-``.
"""

from __future__ import annotations

import re

MASK = "********"  # what a secret value is shown as, everywhere
_CHAR = r"[\w-]"   # letters, digits, "_" and "-"
_SEP = r"[_-]"

# The secret names, as a regular expression without anchors, so that patterns that look for
# them inside text (the log redaction) use exactly this definition. ``q_origin_key`` and the
# other ``q_`` metadata of REST answers name the entry, never a secret.
SECRET_NAME_PATTERN = r"(?![qQ]{s})(?:%s)".format(s=_SEP) % "|".join(part.format(c=_CHAR, s=_SEP) for part in (
    r"{c}*(?:secret|password|passwd|passphrase|pwd){c}*",   # psksecret, auth-password, authpasswd, secretkey
    r"(?:{c}+{s})?key|{c}*api{s}?key",                        # key, api-key, private-key, session_key, apikey
    r"(?:access{s}?)?token|{c}*csrf{s}?token{c}*",          # access_token, x-csrftoken, ccsrftoken_443_x
    r"authorization|(?:set{s})?cookie|apscookie{c}*",      # HTTP credentials
    r"sk{s}{c}+|enc|dec",                                   # IKE key material: SK_ei, SK_ar, enc, dec
))
_SECRET_NAME = re.compile(r"(?:%s)\Z" % SECRET_NAME_PATTERN, re.IGNORECASE)


def is_secret_name(name):
    """True when values named ``name`` (an attribute, a parameter, a header, an output label) are secret."""
    return bool(_SECRET_NAME.match(str(name).strip()))

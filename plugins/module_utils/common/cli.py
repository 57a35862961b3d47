# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The FortiOS CLI's own shapes: its prompt and what one word of a command is (pure, no Ansible imports).

The terminal plugin finds the end of an output by the prompt, the cliconf plugin reads the
configuration context from it, and the gateway-list parser skips it when a capture starts
with a prompt and the command echo; all three build their patterns from :data:`PROMPT`.
"""

from __future__ import annotations

import re

# "HOST # " at the top; "HOST (context) # " inside config, edit and VDOM contexts (the context is
# a config path word, an edited key or a VDOM); "$" instead of "#" for restricted admin profiles.
_HOST = r"[^\s()#$]+"
_MARK = r"[#$]"
PROMPT = r"(?P<host>%s)(?: \((?P<context>[^)\r\n]*)\))? %s ?" % (_HOST, _MARK)
# The same prompt as captured text shows it: spacing may be lost, the host cut off.
PROMPT_IN_TEXT = r"(?:%s)?\s*(?:\([^)\r\n]*\)\s*)?%s" % (_HOST, _MARK)

# One word of a command: no whitespace (a line break would start another command), quotes or backslashes.
_CLI_WORD = re.compile(r"^[^\s\"'\\]+$")


def cli_word_problem(value):
    """Why ``value`` cannot be sent as one word of a command (a gateway or VDOM name), or None."""
    if _CLI_WORD.match(value):
        return None
    return "is not a FortiOS name (no spaces, quotes, backslashes or line breaks)"

# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception of the ADVPN plan library: every problem of an intent at once."""

from __future__ import annotations


class IntentError(ValueError):
    """An intent the library cannot build a plan from.

    ``errors`` holds one message per problem, each naming the host, the key and the fix, sorted so
    that the same intent always reports the same text (golden tests compare it exactly).
    """

    def __init__(self, errors):
        self.errors = sorted(set(errors))
        super().__init__("%d problem(s) in the ADVPN intent:\n- %s" % (len(self.errors), "\n- ".join(self.errors)))


class Problems:
    """Collects problems while validating, so a user fixes all of them in one round."""

    def __init__(self):
        self.messages = []

    def add(self, host, key, problem, fix):
        self.messages.append("%s: %s: %s; %s" % (host, key, problem, fix))

    def raise_if_any(self):
        if self.messages:
            raise IntentError(self.messages)

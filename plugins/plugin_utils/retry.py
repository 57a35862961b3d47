# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When and how long to wait before repeating a FortiOS REST request.

Pure policy, no I/O: the httpapi plugin asks ``RetryPolicy`` whether a failed attempt may be
repeated and how long to sleep first. Kept apart from the plugin so it is unit-tested without a
connection.

Why these rules:

* Only 429 (rate limited) and 503 (busy, e.g. during a configuration save or an HA sync) are
  transient answers. 500 means FortiOS refused the request (bad value, -651...), and 401/403/404
  will not change by themselves, so repeating them only delays the failure.
* A connection dropped before an answer is transient too (daemon restart, session table full).
  A *timeout* is not: the request may still be running, and the socket timeout already equals
  the persistent command timeout, so a retry would outlive the task's own deadline.
* Only idempotent methods are repeated. FortiOS CMDB ``PUT`` sets absolute values and ``DELETE``
  of an entry already gone answers 404, which ``fortinet.fortios`` counts as success, so both
  converge when repeated after a lost answer. ``POST`` creates (a repeat yields -5 "duplicate
  entry") or triggers actions (monitor ``tunnel_up``, logins) and is never repeated.
"""

from __future__ import annotations

import email.utils
import http.client
import ssl
import time
from dataclasses import dataclass
from typing import Optional

RETRYABLE_STATUSES = frozenset((429, 503))
# Methods a user may allow; POST and PATCH are deliberately absent.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
DEFAULT_METHODS = ("GET", "PUT", "DELETE")

# Errors that mean "the connection went away before an answer", whatever layer reports them.
_TRANSIENT_ERRORS = (
    ConnectionResetError,
    ConnectionAbortedError,
    ConnectionRefusedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
    http.client.BadStatusLine,
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential back-off.

    ``retries`` repeats at most (0 disables), waiting ``backoff * 2**attempt`` seconds before
    repeat number ``attempt + 1`` (attempt counts from 0), or the server's ``Retry-After``;
    either is capped at ``max_delay`` so a task cannot stall on a hostile header.
    """

    retries: int = 3
    backoff: float = 1.0
    max_delay: float = 10.0
    methods: frozenset = frozenset(DEFAULT_METHODS)

    def __post_init__(self):
        if self.retries < 0:
            raise ValueError("retries must be 0 or more")
        if self.backoff < 0 or self.max_delay < 0:
            raise ValueError("retry_backoff and retry_max_delay must not be negative")
        methods = frozenset(str(m).upper() for m in self.methods)
        refused = methods - IDEMPOTENT_METHODS
        if refused:
            raise ValueError(
                "retry_methods may only name idempotent methods (%s); not %s"
                % (", ".join(sorted(IDEMPOTENT_METHODS)), ", ".join(sorted(refused)))
            )
        object.__setattr__(self, "methods", methods)

    def may_repeat(self, method: str, attempt: int) -> bool:
        """True when a request of ``method`` that failed on try ``attempt`` may be sent again."""
        return attempt < self.retries and str(method or "GET").upper() in self.methods

    def may_repeat_after_login(self, method: str) -> bool:
        """True when a request answered 401 on an expired session may be sent again after a new login.

        A 401 is answered before the device acts, but the user's ``retry_methods`` still decide,
        and POST is never among them.
        """
        return str(method or "GET").upper() in self.methods

    def retry_status(self, method: str, status: int, attempt: int) -> bool:
        return status in RETRYABLE_STATUSES and self.may_repeat(method, attempt)

    def retry_error(self, method: str, error: BaseException, attempt: int) -> bool:
        return is_transient_error(error) and self.may_repeat(method, attempt)

    def delay(self, attempt: int, retry_after: Optional[float] = None) -> float:
        """Seconds to wait before repeat ``attempt + 1``."""
        if retry_after is not None:
            wanted = retry_after
        else:
            wanted = self.backoff * (2 ** attempt)
        return max(0.0, min(wanted, self.max_delay))


def parse_retry_after(value: object, now: Optional[float] = None) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    reference = time.time() if now is None else now
    return max(0.0, when.timestamp() - reference)


def is_transient_error(error: BaseException) -> bool:
    """True when ``error`` (or an error it wraps) is a dropped or refused connection.

    Errors reach the plugin wrapped: ``fortinet.fortios`` re-raises everything as
    ``Exception("Error in send_request", err)``, netcommon turns ``URLError`` into
    ``AnsibleConnectionFailure`` (keeping it as ``__context__``) and urllib keeps the socket
    error in ``URLError.reason``. Timeouts are never transient here (see the module docstring).
    """
    seen = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, TimeoutError):
            return False
        if isinstance(current, _TRANSIENT_ERRORS):
            return True
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
        pending.append(getattr(current, "reason", None))
        pending.append(current.__cause__)
        pending.append(current.__context__)
    return False

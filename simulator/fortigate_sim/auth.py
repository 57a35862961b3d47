"""Authentication of one device: API tokens, session keys, cookie sessions with CSRF, lockout.

FortiOS flows reproduced (Fortinet KB "About REST API",
https://community.fortinet.com/t5/FortiGate/Technical-Tip-About-REST-API/ta-p/195425, for CSRF on
writes; the login answers as the fortinet.fortios httpapi plugin reads them, simulator/README.md
"REST API"):

* ``Authorization: Bearer <api token>`` (``?access_token=`` only where the release allows it);
* ``POST /api/v2/authentication`` -> ``session_key`` used as a Bearer token, ``DELETE`` logs out;
* ``POST /logincheck`` (form) -> ``APSCOOKIE_*`` + ``ccsrftoken`` cookies; writes need
  ``X-CSRFTOKEN``; ``POST /logout`` ends it;
* after ``admin-lockout-threshold`` failed logins from one source for one user, that pair is locked
  for ``admin-lockout-duration`` seconds (both read from ``system global``).

``Authorization: Basic`` is ignored everywhere, as FortiOS does (netcommon sends it first).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Optional

_COOKIE_RE = re.compile(r"(APSCOOKIE_[\w-]+)=\"?([^\";]*)\"?")


@dataclass
class Session:
    key: str
    user: str
    kind: str  # "api" (session_key) or "cookie"
    csrf: str = ""
    last_used: float = field(default_factory=time.monotonic)


@dataclass
class Principal:
    """Who a request runs as, and how it authenticated (for the request log)."""

    user: str
    method: str  # token | session | cookie
    session: Optional[Session] = None


class AuthError(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class DeviceAuth:
    def __init__(self, admin_user: str, admin_password: str, api_tokens: dict[str, str],
                 cookie_suffix: str, settings):
        """``api_tokens`` maps token -> API user name. ``settings`` is a callable returning
        (idle timeout seconds, lockout threshold, lockout duration seconds, token-in-query ok)."""
        self._admin_user = admin_user
        self._admin_password = admin_password
        self._tokens = dict(api_tokens)
        self._sessions: dict[str, Session] = {}
        self._failures: dict[tuple, list[float]] = {}
        self._locked_until: dict[tuple, float] = {}
        self.cookie_name = f"APSCOOKIE_{cookie_suffix}"
        self._settings = settings

    # ---- login / logout ------------------------------------------------------------------
    def login(self, user: str, password: str, source: str, kind: str) -> tuple[str, Optional[Session]]:
        """Returns ("ok", session) | ("failed", None) | ("locked", None)."""
        pair = (source, user)
        _idle, threshold, duration, _q = self._settings()
        now = time.monotonic()
        if self._locked_until.get(pair, 0) > now:
            return "locked", None
        good = hmac.compare_digest(user.encode(), self._admin_user.encode()) and hmac.compare_digest(
            password.encode(), self._admin_password.encode())
        if not good:
            recent = [t for t in self._failures.get(pair, []) if now - t < duration] + [now]
            self._failures[pair] = recent
            if len(recent) >= threshold:
                self._locked_until[pair] = now + duration
                self._failures.pop(pair, None)
            return "failed", None
        self._failures.pop(pair, None)
        session = Session(key=secrets.token_urlsafe(22), user=user, kind=kind,
                          csrf=secrets.token_hex(16) if kind == "cookie" else "")
        self._sessions[session.key] = session
        return "ok", session

    def logout(self, session: Optional[Session]) -> None:
        if session is not None:
            self._sessions.pop(session.key, None)

    def expire(self, session: Optional[Session]) -> None:
        """Fault injection: make a session behave as expired."""
        self.logout(session)

    # ---- per-request authentication --------------------------------------------------------
    def authenticate(self, headers, query, method: str) -> Principal:
        """Resolve the caller or raise AuthError(401 | 403)."""
        bearer = _bearer(headers.get("Authorization", ""))
        if bearer:
            return self._by_key(bearer)
        if "access_token" in query:
            if not self._settings()[3]:
                raise AuthError(401, "access_token in the URL is not allowed on this release")
            return self._by_key(query["access_token"])
        cookie = _COOKIE_RE.search(headers.get("Cookie", ""))
        if cookie and cookie.group(1) == self.cookie_name:
            session = self._live(cookie.group(2), "cookie")
            if method not in ("GET", "HEAD"):
                sent = headers.get("X-CSRFTOKEN", "").strip('"')
                if not sent or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
                    raise AuthError(403, "CSRF token missing or invalid")
            return Principal(session.user, "cookie", session)
        raise AuthError(401, "no valid credentials")

    def session_from_headers(self, headers) -> Optional[Session]:
        bearer = _bearer(headers.get("Authorization", ""))
        if bearer and bearer in self._sessions:
            return self._sessions[bearer]
        cookie = _COOKIE_RE.search(headers.get("Cookie", ""))
        if cookie:
            return self._sessions.get(cookie.group(2))
        return None

    def _by_key(self, key: str) -> Principal:
        for token, user in self._tokens.items():
            if hmac.compare_digest(token.encode(), key.encode()):
                return Principal(user, "token")
        session = self._live(key, "api")
        return Principal(session.user, "session", session)

    def _live(self, key: str, kind: str) -> Session:
        session = self._sessions.get(key)
        if session is None or session.kind != kind:
            raise AuthError(401, "invalid or expired session")
        idle = self._settings()[0]
        now = time.monotonic()
        if now - session.last_used > idle:
            self._sessions.pop(key, None)
            raise AuthError(401, "session expired")
        session.last_used = now
        return session


def _bearer(value: str) -> str:
    if value[:7].lower() == "bearer ":
        return value[7:].strip()
    return ""

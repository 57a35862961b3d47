"""Run-time fault injection: make chosen requests fail, slow down or drop.

A rule is scoped to a device, an HTTP method (or ``*``) and a regular expression searched in the
request path (query string excluded), and fires ``count`` times (0 = until cleared). Kinds:

* ``status`` 500 / 503 / 429 (with ``Retry-After`` when ``retry_after`` is set) / 401
  (an expired session: the caller's session is dropped too, so later requests fail as well);
* ``latency`` seconds added before the request is handled (alone or with a status);
* ``drop``: the connection is closed without any response.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Optional

_ids = itertools.count(1)


@dataclass
class FaultRule:
    device: str
    method: str = "*"
    path_pattern: str = ".*"
    status: Optional[int] = None
    count: int = 1
    retry_after: Optional[int] = None
    latency: float = 0.0
    drop: bool = False
    after: int = 0  # let this many matching requests through first (e.g. fail the 2nd step of a change)
    id: int = field(default_factory=lambda: next(_ids))
    fired: int = 0
    passed: int = 0

    def __post_init__(self):
        self.method = self.method.upper()
        self._regex = re.compile(self.path_pattern)
        if self.status is not None and self.status not in (401, 429, 500, 502, 503, 504):
            raise ValueError("fault status must be one of 401, 429, 500, 502, 503, 504")
        if self.status is None and not self.drop and not self.latency:
            raise ValueError("a fault needs a status, a latency or drop")
        if self.count < 0 or self.latency < 0 or self.after < 0:
            raise ValueError("count, latency and after must not be negative")

    def matches(self, device: str, method: str, path: str) -> bool:
        return (self.device in (device, "*") and self.method in (method, "*")
                and self._regex.search(path) is not None)

    @property
    def exhausted(self) -> bool:
        return self.count and self.fired >= self.count

    def describe(self) -> dict:
        data = asdict(self)
        data.pop("_regex", None)
        return data


class FaultRegistry:
    """All rules of a lab; shared by every device's request handler."""

    def __init__(self):
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self, device: Optional[str] = None) -> int:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if device not in (None, r.device)]
            return before - len(self._rules)

    def take(self, device: str, method: str, path: str) -> Optional[FaultRule]:
        """The first live rule matching the request, counted as fired."""
        with self._lock:
            for rule in self._rules:
                if not rule.exhausted and rule.matches(device, method, path):
                    if rule.passed < rule.after:
                        rule.passed += 1
                        continue
                    rule.fired += 1
                    return rule
        return None

    def list(self) -> list[dict]:
        with self._lock:
            return [r.describe() for r in self._rules]

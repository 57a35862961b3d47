"""Per-device request log: ``<workdir>/<device>/requests.jsonl``, one JSON object per request.

Never written: request or response bodies' values, headers (Authorization, Cookie, CSRF), or any
query value whose name looks secret. Body *attribute names* are logged so tests can assert what a
client sent without seeing values.
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

_SECRET_NAME = re.compile(r"token|pass|secret|key|psk|cookie|csrf|auth", re.IGNORECASE)
MASK = "***"


def mask_query(pairs) -> dict[str, Any]:
    """Query parameters with secret-looking values masked (repeated names become lists)."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        value = MASK if _SECRET_NAME.search(name) else value
        if name in out:
            out[name] = out[name] if isinstance(out[name], list) else [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


class RequestLog:
    def __init__(self, path: Optional[Path]):
        self._path = path
        self._handle = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(path, "a", encoding="utf-8", buffering=1)

    def write(self, *, method: str, path: str, query, status: int, started: float,
              revision_changed: Optional[bool] = None, auth: Optional[str] = None,
              body_keys: Optional[list] = None, fault: Optional[str] = None,
              error: Optional[int] = None) -> None:
        if self._handle is None:
            return
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "method": method,
            "path": path,
            "query": mask_query(query),
            "status": status,
            "revision_changed": revision_changed,
            "auth": auth,
            "duration_ms": round((time.monotonic() - started) * 1000, 2),
        }
        if body_keys:
            entry["body_keys"] = body_keys
        if error is not None:
            entry["error"] = error
        if fault:
            entry["fault"] = fault
        self._handle.write(json.dumps(entry, separators=(",", ":")) + "\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

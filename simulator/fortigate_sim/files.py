"""Small pieces shared by the command line and the lab runtime, kept free of heavy imports.

``fortigate-sim lab …`` and ``status``/``stop`` should not pay for importing the servers (aiohttp,
asyncssh), so what they share with ``lab.py`` lives here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ADMIN_KEY_HEADER = "X-Sim-Admin-Key"


def atomic_write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

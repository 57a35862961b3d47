"""FortiOS version numbers: parsing, comparison and the build numbers a device reports."""

from __future__ import annotations

import re
from functools import total_ordering

_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")

# Build numbers of some GA releases, so `monitor/system/status` looks like the real thing. Unknown
# versions get a plausible derived number; the lab YAML may set `build` explicitly.
_KNOWN_BUILDS = {
    (6, 2, 16): 1392,
    (6, 4, 15): 2095,
    (7, 0, 15): 632,
    (7, 2, 8): 1639,
    (7, 2, 10): 1706,
    (7, 4, 4): 2662,
    (7, 4, 5): 2702,
    (7, 4, 7): 2731,
    (7, 6, 0): 3401,
    (7, 6, 3): 3510,
}


@total_ordering
class FosVersion:
    """A FortiOS release such as ``7.4.4``; compares numerically, prints as ``v7.4.4``."""

    __slots__ = ("parts",)

    def __init__(self, text: str | "FosVersion"):
        if isinstance(text, FosVersion):
            self.parts = text.parts
            return
        match = _VERSION_RE.match(str(text).strip())
        if not match:
            raise ValueError(f"not a FortiOS version (want X.Y.Z): {text!r}")
        self.parts = tuple(int(p) for p in match.groups())

    def __eq__(self, other):
        return self.parts == FosVersion(other).parts

    def __lt__(self, other):
        return self.parts < FosVersion(other).parts

    def __hash__(self):
        return hash(self.parts)

    def __str__(self):
        return "v%d.%d.%d" % self.parts

    def __repr__(self):
        return f"FosVersion({str(self)!r})"

    @property
    def plain(self) -> str:
        return "%d.%d.%d" % self.parts

    def default_build(self) -> int:
        major, minor, patch = self.parts
        return _KNOWN_BUILDS.get(self.parts, 1000 + minor * 300 + patch * 20 + major)

    def in_range(self, since: str | None, until: str | None) -> bool:
        """True when ``since <= self <= until`` (either bound may be ``None``)."""
        if since and self < FosVersion(since):
            return False
        if until and self > FosVersion(until):
            return False
        return True

"""Simulated time shared by every device of a lab.

Lifetimes (phase2 ``keylifeseconds`` 43200, IKE ``keylife`` 86400, idle timers) are far too long to
wait for in a test, and tests must not depend on wall-clock scheduling. So the model never reads
the wall clock directly: it asks a :class:`SimClock`, which runs at ``speed`` times real time
(``0`` freezes it) and can be moved forward on demand. Time is a float number of seconds since the
lab started; :meth:`epoch` converts it to a Unix timestamp for displays such as ``System time``.
"""

from __future__ import annotations

import time
from typing import Callable


class SimClock:
    """A monotonic simulated clock: ``now() = elapsed_real * speed + advanced``."""

    def __init__(self, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time):
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        self._monotonic = monotonic
        self._started_wall = wall()
        self._anchor_real = monotonic()
        self._anchor_sim = 0.0
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        return self._anchor_sim + (self._monotonic() - self._anchor_real) * self._speed

    def set_speed(self, speed: float) -> None:
        """Change the rate from now on (time already elapsed is kept)."""
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        self._rebase()
        self._speed = float(speed)

    def advance(self, seconds: float) -> float:
        """Jump forward (never backward); returns the new ``now()``."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._rebase()
        self._anchor_sim += float(seconds)
        return self._anchor_sim

    def epoch(self, at: float | None = None) -> float:
        """Unix time of simulated instant ``at`` (default: now)."""
        return self._started_wall + (self.now() if at is None else at)

    def describe(self) -> dict:
        return {"now": round(self.now(), 3), "speed": self._speed, "epoch": round(self.epoch(), 3)}

    def _rebase(self) -> None:
        self._anchor_sim = self.now()
        self._anchor_real = self._monotonic()

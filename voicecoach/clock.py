"""Clocks the player schedules against: monotonic seconds and sleeping until an absolute time."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A monotonic time source the player can wait on."""

    def now(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep_until(self, t: float) -> None:
        """Return once `now()` has reached `t` (at once if it already has)."""
        ...


class MonotonicClock:
    """The real clock: `time.monotonic`, sleeping until an absolute deadline."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, t: float) -> None:
        # Sleeping towards an absolute time, not for a length, makes early wake-ups harmless.
        while (left := t - time.monotonic()) > 0:
            time.sleep(left)

"""One clock for the app, so time that decides behaviour can be set instead of waited for.

Session expiry, the fast-vote flag, turn leases, the new-identity hold, proof-of-work
windows and rate-limit windows all compare "now" with a moment stored earlier. They read
the time through one injected :class:`Clock`: the server passes :data:`SYSTEM_CLOCK`, a
test passes a :class:`ManualClock` and moves it forward instead of sleeping. One clock
for all of them also keeps their comparisons on one time line (a lease set by a test
clock and checked against the system's would hold a battle for the wrong time).

Invariant: ``now()`` is timezone-aware UTC; ``monotonic()`` never goes back.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["SYSTEM_CLOCK", "Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC: for moments that are stored."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start that never go back: for windows and timeouts."""
        ...


class SystemClock:
    """The machine's clocks."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM_CLOCK = SystemClock()


class ManualClock:
    """A clock that stands still until :meth:`advance` moves it (for tests).

    Safe to move from a test's thread while the app reads it on another.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime.now(UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._elapsed += seconds

"""The tests' clock: it stands still until a test moves it.

The app reads time only through a `Clock` (`retro_tui.clock`), so a test passes this one
in and says when time passes; no test waits for the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

"""A token bucket: a steady rate with room for a short burst, on a clock you pass in.

One rule serves three places that must agree on what "too fast" means: the hub refuses
commands over its rate, each participant's client paces its own sends under that rate
(so a held key waits instead of being refused), and the web server paces a tab's typed
bytes. Pure: no I/O, and time comes from the `clock` given (tests pass a fake one).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; starts full."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("A token bucket needs a positive rate and burst.")
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = burst, clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def allow(self, amount: float = 1.0) -> bool:
        """Take `amount` if it is there now; tell whether it was."""
        self._refill()
        if self.tokens < amount:
            return False
        self.tokens -= amount
        return True

    def take(self, amount: float = 1.0) -> float:
        """Take `amount` now, borrowing if needed; return the seconds to wait before
        acting so that the rate holds (0.0 when there was room)."""
        self._refill()
        self.tokens -= amount
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

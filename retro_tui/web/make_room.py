"""Who gives way when the retro is full: a browser still on the join screen, never a seat.

The participant cap counts browsers with a tab open. A script that opens the participant
link again and again gets a fresh identity each time, and its tabs could hold every
place, so the next real person was told the retro is full. A browser without a seat
(its tabs are on the join screen) has nothing to lose, so when the room is full:

- someone whose browser has a seat (back after a refresh or a restart) takes the place
  of the browser without a seat that arrived first;
- a new arrival takes it too, but only from one that has had `JOIN_GRACE` seconds to
  type a name: so every person on the join screen keeps a place at least that long,
  however fast a script opens tabs, and a script that cycles its tabs only replaces
  its own. While every seatless browser is younger than that, a new arrival is told
  the retro is full, as before.

The places are the web server's (`RetroWebServer.hold_place`); this keeps only when each
browser arrived and what frees its places, on a clock you pass in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

JOIN_GRACE: Final = 60.0
"""Seconds a browser on the join screen keeps its place against new arrivals."""

EVICTED: Final = b"The retro was full: your place went to someone with a seat. Reload to try again."


class JoinQueue:
    """Participant browsers with a tab open, in the order they came, and their places."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._since: dict[str, float] = {}  # identity → when its first open tab came
        self._frees: dict[str, list[Callable[[], None]]] = {}

    def holds(self, identity: str, free: Callable[[], None]) -> Callable[[], None]:
        """Remember one more tab place of `identity`; return what forgets it."""
        self._since.setdefault(identity, self.clock())
        self._frees.setdefault(identity, []).append(free)

        def forget() -> None:
            frees = self._frees.get(identity, [])
            if free in frees:
                frees.remove(free)
            if not frees:
                self._frees.pop(identity, None)
                self._since.pop(identity, None)

        return forget

    def give_way(self, has_seat: Callable[[str], bool], for_a_seat: bool) -> str | None:
        """Free every place of the browser that should give way to one more arrival, and
        return its identity; None when nobody should."""
        now = self.clock()
        for identity, since in self._since.items():  # oldest first
            if has_seat(identity):
                continue
            if for_a_seat or now - since >= JOIN_GRACE:
                for free in list(self._frees.get(identity, ())):
                    free()
                return identity
        return None

"""How much of the host's CPU the browser tabs' processes may take, as the room grows.

Every terminal-board tab is an app process on the facilitator's machine. The host
process (hub and web server) is on everyone's path, so together the tabs must not
outweigh it; but a fixed lowest priority starves a small room behind anything else the
laptop runs (a video call, a build): its few tabs crawl while the host idles.

Linux schedules each session as one group (autogroup), and every tab leads a session of
its own, so a tab's group niceness is what weighs against the host. Each niceness step
is about 1.25 times less CPU weight; `niceness_for` picks the step at which all the
tabs together weigh about `TABS_OVER_HOST` times one group at niceness 0. The web server
sets it for a tab as it starts (`NICENESS_ENV`) and moves the others as tabs come and go
(`Rebalancer`); where a change is not allowed, the tab keeps what it had.
"""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path

from retro_tui.tab_env import NICENESS_ENV

__all__ = ["NICENESS_ENV", "Rebalancer", "niceness_for", "renice"]

TABS_OVER_HOST = 2.0  # busy tabs together may weigh this many times the host
WEIGHT_STEP = 1.25  # the scheduler's weight ratio between neighbouring nice levels
LOWEST, HIGHEST = 19, 2  # niceness bounds: a tab never goes above the host's priority


def niceness_for(tabs: int) -> int:
    """The niceness for each of `tabs` tab processes (1 tab → 2, 12 → 9, 100 → 18)."""
    if tabs <= 0:
        return HIGHEST
    steps = math.ceil(math.log(max(tabs / TABS_OVER_HOST, 1.0), WEIGHT_STEP))
    return max(HIGHEST, min(LOWEST, steps))


def renice(pid: int, niceness: int) -> bool:
    """Set the niceness of the session `pid` leads (its autogroup and its process group);
    False where the system does not allow it (lowering without the privilege)."""
    done = False
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(niceness))
        done = True
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PGRP, pid, niceness)
            done = True
    return done


class Rebalancer:
    """Keeps every live tab at the niceness the room's size calls for."""

    def __init__(self) -> None:
        self._set: dict[int, int] = {}  # tab session leader pid → niceness given

    def next_niceness(self) -> int:
        """What the next tab should start at (it sets this itself, first thing)."""
        return niceness_for(len(self._set) + 1)

    def started(self, pid: int, niceness: int) -> None:
        self._set[pid] = niceness
        self._apply()

    def ended(self, pid: int) -> None:
        if self._set.pop(pid, None) is not None:
            self._apply()

    def _apply(self) -> None:
        wanted = niceness_for(len(self._set))
        for pid in [pid for pid, given in self._set.items() if given != wanted]:
            if renice(pid, wanted):
                self._set[pid] = wanted

    @property
    def given(self) -> dict[int, int]:
        return dict(self._set)


"""The phase timer: counts down locally from the hub's stored deadline.

The hub never ticks; each client redraws from `Timer.remaining_at(now)` twice a second,
so every screen shows the same time without any traffic.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Digits, Static

from retro_tui.clock import Clock
from retro_tui.domain.model import Timer
from retro_tui.ui.shaping import clock_text


def timer_state(timer: Timer, now: datetime) -> str:
    """One word for the timer's state: off, ready, running, paused or up."""
    if timer.duration <= 0 and timer.remaining <= 0 and not timer.running:
        return "off"
    if timer.running:
        return "up" if timer.remaining_at(now) <= 0 else "running"
    if timer.remaining <= 0:
        return "up"
    return "paused" if timer.remaining < timer.duration else "ready"


STATE_LABELS = {
    "off": "no timer",
    "ready": "ready",
    "running": "running",
    "paused": "paused",
    "up": "time's up!",
}


class TimerDisplay(Vertical):
    """Big digits plus a state word; posts `TimeUp` once when a running timer ends."""

    DEFAULT_CSS = """
    TimerDisplay {
        width: auto;
        height: auto;
        align-horizontal: right;
        & Digits { width: auto; }
        & .timer-state { width: 100%; text-align: right; color: $text-muted; }
        &.-running Digits { color: $success; }
        &.-paused Digits { color: $warning; }
        &.-up Digits { color: $error; text-style: bold; }
        &.-up .timer-state { color: $error; text-style: bold; }
        &.-off Digits { color: $text-disabled; }
    }
    """

    class TimeUp(Message):
        """A running timer has just reached zero."""

    timer: reactive[Timer] = reactive(Timer, always_update=True, repaint=False)
    muted: reactive[bool] = reactive(False, repaint=False)

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._rung_for: datetime | None = None
        self._digits = Digits("00:00")
        self._shown: tuple[str, str, bool] | None = None  # what is on screen now
        self._state = Static("", classes="timer-state", markup=False)

    def compose(self) -> ComposeResult:
        yield self._digits
        yield self._state

    def on_mount(self) -> None:
        self.set_interval(0.5, self.tick)
        self.tick()

    def watch_timer(self, timer: Timer) -> None:
        if timer.deadline != self._rung_for:
            self._rung_for = None if timer.deadline is None else self._rung_for
        if self.is_mounted:
            self.tick()

    def watch_muted(self, muted: bool) -> None:
        if self.is_mounted:
            self.tick()

    def tick(self) -> None:
        """Redraw from the clock; ring once per deadline that has passed."""
        now = self._clock()
        timer = self.timer
        state = timer_state(timer, now)
        shown = (clock_text(timer.remaining_at(now)), STATE_LABELS[state], self.muted)
        if shown != self._shown:  # an idle board must not redraw twice a second
            before = self._shown
            self._shown = shown
            self._digits.update(shown[0])
            if before is None or before[1:] != shown[1:]:
                # Only when the state changes: a label's update lays the screen out again,
                # which once a second cost each participant more than the digits.
                self._state.update(shown[1] + (" · bell off" if self.muted else ""))
                for name in STATE_LABELS:
                    self.set_class(name == state, f"-{name}")
        if state == "up" and timer.deadline is not None and self._rung_for != timer.deadline:
            self._rung_for = timer.deadline
            self.post_message(self.TimeUp())

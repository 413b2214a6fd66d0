"""Keys are handled one at a time, in the order they arrived, however they were grouped.

A fast typist, a paste without bracketed paste or a browser tab on a lagging link hands
the app several keys in one read. Textual (8.2.8) then races them against each other:

- `App.on_event` posts each key to the focused widget's queue and turns to the next key
  at once, so a key reaches the board before the key ahead of it has been dealt with;
- a binding that opens a dialog does it from a worker (`push_screen_wait`), and the
  dialog's editor takes focus later still (`Widget.focus` defers to `app.call_later`),
  so the keys typed after `a` went to the board and ran its commands;
- priority bindings run in `App.on_event` itself, before the keys still queued at a
  widget: a priority Enter saved a card whose last letters were still in the editor's
  queue, and Enter in a list read the cursor before the arrows had moved it.

`KeyGate` is the one mechanism every screen, dialog and list gets: it holds the keys
(and pastes) the driver delivers, and lets the next through only when the one before
has been dealt with — handled by the widget it was given to and every node it bubbled
through, the binding it ran has either finished its work or is waiting on the dialog it
opened, and that dialog is mounted and focused. Only quitting is never held, so a stuck
command cannot lock the keyboard.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import NoActiveWorker, Worker, get_current_worker

from retro_tui.ui.workarounds import drained, drained_upwards, finished

GATE_GROUP = "key-gate"
NEVER_HELD = frozenset({"ctrl+q"})  # quitting works even behind a stuck command


class KeyGate:
    """Holds incoming keys and pastes, releasing each when the one before is done."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._waiting: deque[events.Key | events.Paste] = deque()
        self._current: events.Key | events.Paste | None = None
        self._target: Widget | Screen[Any] | None = None
        self._running = False
        # Workers started by a key, and the dialog each has open (if any).
        self._key_workers: set[Worker[Any]] = set()
        self._dialogs: dict[Worker[Any], Screen[Any]] = {}
        self._screen_changed = asyncio.Event()

    def start(self) -> None:
        """Follow screen pushes; call once the app is running (its `on_mount`)."""
        self._app.screen_change_signal.subscribe(self._app, self._screen_pushed, immediate=True)

    def holds(self, event: events.Event) -> bool:
        """Whether the gate takes `event` from `App.on_event` (to release it later)."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        app = self._app
        if event is self._current:
            if not app.screen_stack:  # the app is shutting down
                return True
            self._target = app.focused or app.screen  # where App.on_event gives it
            return False
        if isinstance(event, events.Key) and event.key in NEVER_HELD:
            return False
        self._waiting.append(event)
        if not self._running:
            self._running = True
            self._app.run_worker(self._release_in_order(), group=GATE_GROUP)
        return True

    @property
    def idle(self) -> bool:
        """No key is waiting or being dealt with."""
        return not self._running

    def _screen_pushed(self, screen: Screen[Any]) -> None:
        try:
            worker = get_current_worker()
        except NoActiveWorker:
            pass
        else:
            self._dialogs[worker] = screen
        self._screen_changed.set()

    async def _release_in_order(self) -> None:
        try:
            while self._waiting:
                await self._release(self._waiting.popleft())
        finally:
            self._running = False

    async def _release(self, event: events.Key | events.Paste) -> None:
        app = self._app
        before = set(app.workers)
        self._current, self._target = event, None
        app.post_message(event)
        await drained(app)  # App.on_event has run: a priority binding, or forwarded
        target, self._current, self._target = self._target, None, None
        if target is not None:
            await drained_upwards(target)  # handled, bubbled, its binding run
        self._key_workers |= {w for w in app.workers if w not in before and w.group != GATE_GROUP}
        await self._settle()

    def _waits_on_dialog(self, worker: Worker[Any]) -> bool:
        dialog = self._dialogs.get(worker)
        return dialog is not None and dialog in self._app.screen_stack

    async def _settle(self) -> None:
        """Wait until the key's workers rest and the screen and focus stop moving."""
        app = self._app
        while True:
            self._key_workers = {w for w in self._key_workers if not w.is_finished}
            self._dialogs = {w: s for w, s in self._dialogs.items() if not w.is_finished}
            moving = [w for w in self._key_workers if not self._waits_on_dialog(w)]
            if moving:
                self._screen_changed.clear()
                waits: list[asyncio.Future[object]] = [
                    asyncio.ensure_future(finished(w)) for w in moving
                ]
                waits.append(asyncio.ensure_future(self._screen_changed.wait()))
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for wait in waits:
                        wait.cancel()
                continue
            if not app.screen_stack:
                return  # shutting down
            screen, focused = app.screen, app.focused
            # What the key set off where it landed (an Input's Submitted moving focus
            # on), a new screen mounted and resumed, then the focus it asked the app for.
            await drained_upwards(focused or screen)
            if not app.screen_stack or (app.screen is screen and app.focused is focused):
                return

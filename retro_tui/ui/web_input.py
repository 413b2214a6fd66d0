"""A tab's input with backpressure: typed bytes wait in the pipe, not in memory.

Textual's web driver parses stdin in a thread and hands every key event to the app's loop
at once, however far behind the app is (Textual 8.2.8: `Driver.send_message` schedules a
coroutine per event and never waits). Each waiting event holds a key object, a coroutine,
a future and a queue slot: a 900 KB paste of letters on the join screen grew a tab's
process to over 3 GB, and a tab at the lowest priority on a busy host falls behind even
typing paced by the web server. Here the input thread, every `CHECK_EVERY` events, stops
parsing while more than `MAX_EVENTS_WAITING` events wait in the app's queue or the focused
widget's; the pipe
from the web server then fills, the server stops reading that tab's socket, and the
sender is the one who waits.

Measured with a real tab on the join screen (web limits lifted, 900 KB of letters in one
message): 37 MB before, 39 MB flat for a minute after; without it, 479 MB after 25 s and
climbing. The queues are Textual's private `_message_queue` (read with getattr, so a
rename only turns the bound off); like `workarounds.py`, revisit when the pin moves.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Final

from textual.drivers.web_driver import WebDriver
from textual.message import Message
from textual.message_pump import MessagePump

MAX_EVENTS_WAITING: Final = 256
"""Events a tab's app may have queued before its input thread waits: far more than a
person produces between two frames, far fewer than a memory problem."""
CATCH_UP_POLL: Final = 0.02
CHECK_EVERY: Final = 32


def _waiting(pump: MessagePump | None) -> int:
    queue: asyncio.Queue[Any] | None = getattr(pump, "_message_queue", None)
    return queue.qsize() if queue is not None else 0


class BoundedWebDriver(WebDriver):
    """Textual's web driver, with the input thread held back while the app catches up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stopping = threading.Event()
        self._sent = 0

    def _backlog(self) -> int:
        app = self._app
        return _waiting(app) + _waiting(app.focused)

    async def _room(self) -> None:
        """Return once the app's queues are short enough for more input."""
        while self._backlog() > MAX_EVENTS_WAITING and not self._stopping.is_set():
            await asyncio.sleep(CATCH_UP_POLL)

    def send_message(self, message: Message) -> None:
        """Called on the input thread: post as Textual does; every `CHECK_EVERY` events,
        wait until the app has room (a round trip per event would cost most of the speed)."""
        super().send_message(message)
        self._sent += 1
        if self._sent % CHECK_EVERY or self._stopping.is_set():
            return
        future = asyncio.run_coroutine_threadsafe(self._room(), loop=self._loop)
        while not self._stopping.is_set():
            try:
                future.result(timeout=0.5)
            except TimeoutError:
                continue
            except Exception:  # the loop is closing: nothing more to wait for
                return
            return

    def stop_application_mode(self) -> None:
        self._stopping.set()
        super().stop_application_mode()

"""The page → app half of a tab: what a browser may push into its app process, and how fast.

A tab's app parses every byte it is sent into key events, and Textual keeps each one
until it is handled: a single 900 KB `["stdin", …]` message of letters grew a tab's
process from 150 MB to over 3 GB. So typed input is bounded here, before the app:

- one message carries at most `MAX_STDIN_MESSAGE` bytes. A bigger one is dropped whole
  (never cut: half a paste is worse than none, and a cut can split an escape sequence),
  logged once per tab, and the tab stays open: a person who pastes a long text loses the
  paste, not their seat. The page sends a paste as one message, wrapped in bracketed-paste
  marks, which the app turns into a single event; 16 KB is far more than a card holds.
- a tab's typed bytes are paced (`STDIN_BYTES_PER_SECOND`, with a burst of two full
  messages): past that the relay waits before reading on, so the flood backs up into the
  sender's own socket instead of into memory here or in the app. Typing, even fast
  pasting, never waits. (The app holds its own input back too when it falls behind, see
  `ui/web_input.py`: a tab at the lowest priority on a busy host may handle fewer keys
  than this rate.) A tab whose flood keeps the relay waiting past the websocket
  heartbeat is cut off by it; no person types that much.
- resizes are coalesced: the newest size wins and at most `RESIZES_PER_SECOND` reach the
  app. 482 resizes cost a tab 5.6 CPU seconds and 47 MB of redraws; a person dragging a
  window edge only needs the screen to follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Final, Protocol

from aiohttp import WSMsgType, web

from retro_tui.pacing import TokenBucket

log = logging.getLogger("retro_tui.web")

MAX_STDIN_MESSAGE: Final = 16 * 1024
"""Bytes of typed text in one page message; more is dropped (see the module docstring)."""
STDIN_BYTES_PER_SECOND: Final = 8 * 1024
STDIN_BURST: Final = 2 * MAX_STDIN_MESSAGE
RESIZES_PER_SECOND: Final = 4.0
MAX_COLUMNS: Final = 500
MAX_ROWS: Final = 200
"""A browser may claim any terminal size; a huge one would only exhaust the app's memory."""

Sleep = Callable[[float], Awaitable[object]]


class AppInput(Protocol):
    """What the relay drives: textual-serve's AppService has these."""

    async def send_bytes(self, data: bytes) -> bool: ...

    async def set_terminal_size(self, width: int, height: int) -> None: ...

    async def blur(self) -> None: ...

    async def focus(self) -> None: ...


class BrowserRelay:
    """Forward one tab's page messages to its app, within the limits above."""

    def __init__(
        self,
        websocket: web.WebSocketResponse,
        app: AppInput,
        *,
        bucket: TokenBucket | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.websocket, self.app, self.sleep = websocket, app, sleep
        self.bucket = bucket or TokenBucket(STDIN_BYTES_PER_SECOND, STDIN_BURST)
        self.dropped = 0
        self._size: tuple[int, int] | None = None
        self._resized = asyncio.Event()

    async def run(self) -> None:
        """Relay until the page closes its socket; ignore anything malformed."""
        resizer = asyncio.create_task(self._apply_resizes())
        try:
            async for message in self.websocket:
                if message.type == WSMsgType.TEXT:
                    await self._handle(*envelope(message.data))
        finally:
            resizer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await resizer

    async def _handle(self, kind: str, payload: object) -> None:
        if kind == "stdin" and isinstance(payload, str):
            await self._type(payload.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(payload, dict):
            self._size = (
                clamp(payload.get("width"), 80, MAX_COLUMNS),
                clamp(payload.get("height"), 24, MAX_ROWS),
            )
            self._resized.set()
        elif kind == "ping" and isinstance(payload, str) and len(payload) <= 64:
            await self.websocket.send_json(["pong", payload])
        elif kind == "blur":
            await self.app.blur()
        elif kind == "focus":
            await self.app.focus()

    async def _type(self, data: bytes) -> None:
        if len(data) > MAX_STDIN_MESSAGE:
            if not self.dropped:
                log.warning(
                    "A tab sent %d bytes of input at once (the limit is %d); dropped.",
                    len(data),
                    MAX_STDIN_MESSAGE,
                )
            self.dropped += 1
            return
        wait = self.bucket.take(len(data))
        if wait > 0:
            await self.sleep(wait)
        await self.app.send_bytes(data)

    async def _apply_resizes(self) -> None:
        """Apply the newest size, then let `1 / RESIZES_PER_SECOND` pass before the next."""
        while True:
            await self._resized.wait()
            self._resized.clear()
            if self._size is not None:
                await self.app.set_terminal_size(*self._size)
            await self.sleep(1 / RESIZES_PER_SECOND)


def envelope(text: str) -> tuple[str, object]:
    """Split a page message `[kind, payload]`; anything else becomes ("", None)."""
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return "", None
    if not isinstance(decoded, list) or not decoded or not isinstance(decoded[0], str):
        return "", None
    return decoded[0], decoded[1] if len(decoded) > 1 else None


def clamp(value: object, default: int, upper: int) -> int:
    """Read a terminal dimension from untrusted input, within 1..upper."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return max(1, min(number, upper))

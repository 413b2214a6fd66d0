"""The simulated browser tab: the project's TermClient plus exact timing of what is drawn.

`TermClient` (tests/support/termclient.py) speaks textual-serve's page protocol and feeds
the app's output into pyte. The benchmark needs one more thing: the moment a condition
on the screen first holds, stamped when the frame is decoded rather than when a waiting
task next gets the event loop, so a busy benchmark process does not add its own delay
to every figure. `BenchClient._check` tests its conditions right after each frame is fed.

The tabs live in tab workers (bench/tabworker.py); conditions travel to them as data
(`shows`, `column_count_at_least`) and become checks there (`condition`).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from tests.support.termclient import TermClient

Condition = Callable[[str], bool]
Spec = dict[str, Any]  # a condition as JSON data: see `shows`, `column_count_at_least`


class BenchClient(TermClient):
    """One browser tab whose screen conditions resolve futures with decode timestamps."""

    def __init__(self, join_url: str, *, width: int = 80, height: int = 24) -> None:
        super().__init__(join_url, width=width, height=height)
        self._watches: list[tuple[Condition, asyncio.Future[float]]] = []
        self.ws_opened = 0.0
        self.on_closed: Callable[[], None] | None = None  # told when the socket closes

    async def connect(self) -> None:
        """As TermClient.connect, noting when the websocket is open."""
        await self.join()
        self._ws = await self._http().ws_connect(self.ws_url, origin=self.origin)
        self.ws_opened = time.perf_counter()
        self._reader = asyncio.create_task(self._read())
        await self.resize(self.screen.columns, self.screen.lines)
        await self.send(["ping", "0"])

    def watch(self, condition: Condition) -> asyncio.Future[float]:
        """A future for the perf_counter time at which `condition(screen)` first holds."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)  # a closed tab's watches may go unawaited
        if condition(self.screen_text()):
            future.set_result(time.perf_counter())
        else:
            self._watches.append((condition, future))
        return future

    async def wait_for(self, condition: Condition, timeout: float = 30.0) -> float:
        return await asyncio.wait_for(self.watch(condition), timeout)

    def _check(self) -> None:
        if not self._watches:
            return
        now = time.perf_counter()
        text = self.screen_text()
        keep = []
        for condition, future in self._watches:
            if future.done():
                continue
            if condition(text):
                future.set_result(now)
            else:
                keep.append((condition, future))
        self._watches = keep

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.bytes_received += len(message.data)
                self._stream.feed(message.data)
                self._check()
            self._changed.set()
        self.close_code = self._ws.close_code
        self._closed.set()
        self._changed.set()
        for _, future in self._watches:
            if not future.done():
                future.set_exception(ConnectionError("the page's socket closed"))
        self._watches = []
        if self.on_closed is not None:
            self.on_closed()

    @property
    def identity(self) -> str:
        return self.cookies.get("retro_tui_identity", "")

    @property
    def closed(self) -> bool:
        return self._closed.is_set()


def _retrieve(future: asyncio.Future[float]) -> None:
    if not future.cancelled():
        future.exception()


def shows(text: str) -> Spec:
    """The screen shows `text` somewhere."""
    return {"shows": text}


def hides(text: str) -> Spec:
    """The screen no longer shows `text` (a dialog has closed)."""
    return {"hides": text}


def column_count_at_least(title: str, n: int) -> Spec:
    """The column heading ("Went well  12") shows at least `n` cards."""
    return {"column": title, "at_least": n}


_COLUMN_COUNT: dict[str, re.Pattern[str]] = {}


def condition(spec: Spec) -> Condition:
    """The check a spec names. Specs are data so they can cross to a tab worker."""
    if "shows" in spec:
        text = str(spec["shows"])
        return lambda screen: text in screen
    if "hides" in spec:
        gone = str(spec["hides"])
        return lambda screen: gone not in screen
    title, n = str(spec["column"]), int(spec["at_least"])
    pattern = _COLUMN_COUNT.get(title)
    if pattern is None:
        pattern = _COLUMN_COUNT[title] = re.compile(re.escape(title) + r"  (\d+)")

    def check(screen: str) -> bool:
        found = pattern.search(screen)
        return found is not None and int(found.group(1)) >= n

    return check

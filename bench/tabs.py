"""The coordinator's side of the tab workers: tabs that live in other processes.

`TabPool` starts K `python -m bench.tabworker` processes and deals the tabs out to them
in turn; a `RemoteTab` does what `BenchClient` does (connect, watch, wait, type, close)
by JSON lines to its worker (the protocol is in bench/tabworker.py). Screen conditions
are specs (`shows`, `column_count_at_least` in bench/clients.py), checked in the worker
as each frame is decoded.

Every time a worker reports (`ws_opened`, a watch's `at`, a key's `sent`) is its
`time.perf_counter()`, which on Linux is CLOCK_MONOTONIC: the same clock in every
process, so those stamps compare with each other and with the coordinator's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import psutil

from bench.clients import Spec

ROOT = Path(__file__).resolve().parent.parent
AUTOGROUP = Path("/proc/self/autogroup")
_ERRORS: dict[str, type[Exception]] = {"timeout": TimeoutError, "connection": ConnectionError}


def _failure(kind: str, message: str) -> Exception:
    return _ERRORS.get(kind, RuntimeError)(message)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # a closed tab's watches may go unawaited


class TabWorker:
    """One worker process and the requests, watches and tabs it holds."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.tabs: dict[int, RemoteTab] = {}
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._watches: dict[int, asyncio.Future[float]] = {}
        self._ids = itertools.count()
        self._gone = False
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls) -> TabWorker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.tabworker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            limit=2**24,
        )
        return cls(process)

    def post(self, message: dict[str, Any]) -> None:
        if self._gone or self.process.stdin is None or self.process.stdin.is_closing():
            return
        self.process.stdin.write(json.dumps(message).encode() + b"\n")

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one request; its answer, or the error the worker met raised here."""
        if self._gone:
            raise ConnectionError("the tab worker has exited")
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        self.post({"id": number, "op": op, **fields})
        return await future

    async def watch(self, tabs: list[RemoteTab], spec: Spec) -> list[asyncio.Future[float]]:
        """Arm one watch per tab; once this returns, every frame after is checked."""
        loop = asyncio.get_running_loop()
        futures, pairs = [], []
        for tab in tabs:
            number = next(self._ids)
            future: asyncio.Future[float] = loop.create_future()
            future.add_done_callback(_retrieve)
            future.add_done_callback(functools.partial(self._given_up, number))
            self._watches[number] = future
            futures.append(future)
            pairs.append([number, tab.number])
        try:
            await self.request("watch", watches=pairs, cond=spec)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return futures

    def _given_up(self, number: int, future: asyncio.Future[float]) -> None:
        if self._watches.pop(number, None) is not None and future.cancelled():
            self.post({"id": next(self._ids), "op": "unwatch", "watches": [number]})

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            message = json.loads(line)
            if "id" in message:
                reply = self._pending.pop(message["id"], None)
                if reply is None or reply.done():
                    continue
                if "error" in message:
                    reply.set_exception(_failure(message["error"], message.get("message", "")))
                else:
                    reply.set_result(message["ok"])
            elif message["event"] == "watch":
                watch = self._watches.pop(message["watch"], None)
                if watch is None or watch.done():
                    continue
                if "error" in message:
                    watch.set_exception(_failure(message["error"], "the page's socket closed"))
                else:
                    watch.set_result(message["at"])
            elif message["event"] == "closed" and message["tab"] in self.tabs:
                self.tabs[message["tab"]].closed = True
        self._gone = True
        gone = ConnectionError("the tab worker exited")
        for reply in self._pending.values():
            if not reply.done():
                reply.set_exception(gone)
        for watch in list(self._watches.values()):
            if not watch.done():
                watch.set_exception(gone)
        for tab in self.tabs.values():
            tab.closed = True

    async def stop(self) -> None:
        """End of stdin: the worker closes its tabs and exits."""
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        await self._reader


class RemoteTab:
    """One simulated browser tab held by a tab worker."""

    def __init__(self, worker: TabWorker, number: int) -> None:
        self.worker = worker
        self.number = number
        self.ws_opened = 0.0  # perf_counter time the websocket was open (worker's stamp)
        self.identity = ""  # the identity cookie, known once connected
        self.closed = False  # its socket closed (the worker says so as it happens)

    async def connect(self, join_url: str, *, width: int = 80, height: int = 24) -> None:
        """Follow the join link and open the websocket, as BenchClient.connect."""
        reply = await self.worker.request(
            "connect", tab=self.number, url=join_url, width=width, height=height
        )
        self.ws_opened = float(reply["ws_opened"])
        self.identity = str(reply["identity"])

    async def watch(self, spec: Spec) -> asyncio.Future[float]:
        """An armed future for the time `spec` first holds on this screen."""
        return (await self.worker.watch([self], spec))[0]

    async def wait_for(self, spec: Spec, timeout: float = 30.0) -> float:
        async with asyncio.timeout(timeout):
            return await (await self.watch(spec))

    async def send_keys(self, text: str) -> float:
        """Type text; the perf_counter time just before the worker sent it."""
        reply = await self.worker.request("keys", tab=self.number, text=text)
        return float(reply["sent"])

    async def status(self) -> dict[str, Any]:
        """`identity`, `closed` and `screen` (the text), asked of the worker now."""
        reply = await self.worker.request("status", tab=self.number)
        self.closed = self.closed or bool(reply["closed"])
        return reply

    async def screen_text(self) -> str:
        return str((await self.status())["screen"])

    async def close(self) -> None:
        await self.worker.request("close", tabs=[self.number])


class TabPool:
    """K tab workers; tabs dealt out in turn."""

    def __init__(self, workers: list[TabWorker], autogroup: str | None) -> None:
        self.workers = workers
        self._autogroup = autogroup
        self._count = itertools.count()

    @classmethod
    async def start(cls, count: int) -> TabPool:
        autogroup = _autogroup_niceness()  # the workers raise it; put back on close
        workers = await asyncio.gather(*(TabWorker.start() for _ in range(max(1, count))))
        return cls(list(workers), autogroup)

    def tab(self) -> RemoteTab:
        number = next(self._count)
        worker = self.workers[number % len(self.workers)]
        tab = worker.tabs[number] = RemoteTab(worker, number)
        return tab

    async def watch(self, tabs: list[RemoteTab], spec: Spec) -> list[asyncio.Future[float]]:
        """Arm a watch on each tab, all workers at once; returns when all are armed."""
        by_worker: dict[int, list[RemoteTab]] = {}
        for tab in tabs:
            by_worker.setdefault(id(tab.worker), []).append(tab)
        groups = list(by_worker.values())
        armed = await asyncio.gather(*(g[0].worker.watch(g, spec) for g in groups))
        futures = {
            tab.number: f
            for g, fs in zip(groups, armed, strict=True)
            for tab, f in zip(g, fs, strict=True)
        }
        return [futures[tab.number] for tab in tabs]

    def processes(self) -> list[psutil.Process]:
        found = []
        for worker in self.workers:
            with contextlib.suppress(psutil.Error):
                found.append(psutil.Process(worker.process.pid))
        return found

    async def close(self) -> None:
        await asyncio.gather(*(w.stop() for w in self.workers), return_exceptions=True)
        if self._autogroup is not None:
            with contextlib.suppress(OSError):
                AUTOGROUP.write_text(self._autogroup)


def _autogroup_niceness() -> str | None:
    """This session's autogroup niceness ("/autogroup-2787 nice 0" → "0"), if readable."""
    with contextlib.suppress(OSError, IndexError):
        return AUTOGROUP.read_text().split()[-1]
    return None

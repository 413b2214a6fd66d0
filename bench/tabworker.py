"""A tab worker: a share of the simulated browser tabs, in a process of its own.

Why: in a real retro the browsers are on other machines. Here they share two cores with
the host and a hundred participant apps; run in one process, their event loop was
starved for seconds, the host's websocket heartbeat dropped the tabs, and the queueing
of a hundred pyte screens became part of every figure. So `LiveRun` (bench/live.py)
spreads the tabs over several of these processes, and each raises its own priority
(niceness -5, and the same for its autogroup, since Linux schedules each session as a
group; the group is the benchmark's session, not the host's, which runs in a session
of its own; `TabPool.close` puts its niceness back). Not allowed (not root): left as is.
No `setsid`: the workers stay in the benchmark's session, and end with it.

`python -m bench.tabworker` speaks JSON lines. Requests on stdin carry an `id` and an
`op`; each gets one line back, `{"id", "ok": {...}}` or `{"id", "error": kind,
"message"}` with kind "timeout", "connection" or "other":

- `connect` `tab` `url` `width` `height`: open a tab → `ws_opened`, `identity` (cookie)
- `watch` `watches` (`[[watch, tab], ...]`) `cond` (a spec, bench/clients.py): armed
  when the reply is sent; each watch later reports `{"event": "watch", "watch", "at"}`
  with the time its condition first held, stamped as the frame is decoded, or
  `{"event": "watch", "watch", "error"}` when the tab closes first
- `unwatch` `watches`: forget watches the coordinator gave up on
- `keys` `tab` `text`: type → `sent`, the time just before the keys went out
- `status` `tab` → `identity`, `closed`, `screen` (text)
- `close` `tabs`: close them (the server then ends their apps)

A tab whose socket closes reports `{"event": "closed", "tab", "code"}`. At the end of
stdin the worker closes its tabs and exits.

Times are `time.perf_counter()`: on Linux that is CLOCK_MONOTONIC, one clock for every
process on the machine, so a worker's stamps compare with the coordinator's and with
other workers'.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import BenchClient, Condition, condition

NICENESS = -5


def not_starved() -> None:
    """Raise this process's priority, and its autogroup's, above the apps' (if allowed)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, 0, NICENESS)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(NICENESS))


def _error_kind(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionError | aiohttp.ClientError):
        return "connection"
    return "other"


class Worker:
    def __init__(self) -> None:
        self.tabs: dict[int, BenchClient] = {}
        self.watches: dict[int, asyncio.Future[float]] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def emit(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(BrokenPipeError):  # the coordinator is gone: nobody to tell
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=2**24)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := await reader.readline():
            request = json.loads(line)
            if request["op"] in ("watch", "unwatch", "status"):
                self.answer(request["id"], self.now(request))  # at once: arming keeps order
            else:
                task = asyncio.create_task(self.later(request))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(t.close() for t in self.tabs.values()), return_exceptions=True)

    def answer(self, number: int, outcome: dict[str, Any] | BaseException) -> None:
        if isinstance(outcome, BaseException):
            kind = _error_kind(outcome)
            self.emit({"id": number, "error": kind, "message": repr(outcome)[:300]})
        else:
            self.emit({"id": number, "ok": outcome})

    def now(self, request: dict[str, Any]) -> dict[str, Any] | BaseException:
        """The requests answered synchronously, in the order they arrive."""
        try:
            if request["op"] == "watch":
                check = condition(request["cond"])
                for number, tab in request["watches"]:
                    self.arm(number, self.tabs[tab], check)
                return {}
            if request["op"] == "unwatch":
                for number in request["watches"]:
                    future = self.watches.pop(number, None)
                    if future is not None:
                        future.cancel()
                return {}
            tab = self.tabs[request["tab"]]
            return {"identity": tab.identity, "closed": tab.closed, "screen": tab.screen_text()}
        except Exception as error:  # answered, the worker goes on
            return error

    def arm(self, number: int, tab: BenchClient, check: Condition) -> None:
        if tab.closed:
            self.emit({"event": "watch", "watch": number, "error": "connection"})
            return
        future = tab.watch(check)  # stamped in BenchClient._check, as the frame is decoded
        self.watches[number] = future

        def report(done: asyncio.Future[float]) -> None:
            self.watches.pop(number, None)
            if done.cancelled():
                return
            error = done.exception()
            if error is None:
                self.emit({"event": "watch", "watch": number, "at": done.result()})
            else:
                self.emit({"event": "watch", "watch": number, "error": _error_kind(error)})

        future.add_done_callback(report)

    async def later(self, request: dict[str, Any]) -> None:
        try:
            outcome: dict[str, Any] | BaseException = await self.run(request)
        except Exception as error:  # answered, the worker goes on
            outcome = error
        self.answer(request["id"], outcome)

    async def run(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        if op == "connect":
            number = int(request["tab"])
            tab = BenchClient(request["url"], width=request["width"], height=request["height"])
            self.tabs[number] = tab
            tab.on_closed = lambda: self.emit(
                {"event": "closed", "tab": number, "code": tab.close_code}
            )
            await tab.connect()
            return {"ws_opened": tab.ws_opened, "identity": tab.identity}
        if op == "keys":
            tab = self.tabs[request["tab"]]
            sent = time.perf_counter()
            await tab.send_keys(request["text"])
            return {"sent": sent}
        if op == "close":
            tabs = [self.tabs[n] for n in request["tabs"] if n in self.tabs]
            await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
            return {}
        raise ValueError(f"unknown op {op!r}")


def main() -> None:
    not_starved()
    asyncio.run(Worker().serve())


if __name__ == "__main__":
    main()

"""Simple-page participants at 30, 100 and 300, beside terminal tabs in the same run:
join time, card → every screen, memory, CPU.

The same real host as the terminal runs (`retro-tui serve`, bench/host.py). Each
simulated participant speaks the simple page's real protocol: it follows the join link
keeping its cookies, opens `/simple-ws` with an Origin header, receives the hub's view
line and then its patches, sends `join` and `add_card` messages. The participants live
in worker processes (one per core), so their JSON decoding is not queued behind the
coordinator. A few terminal tabs (`--tabs`, each a real participant process drawn by
pyte in a tab worker, bench/tabs.py) join the same retro first and are timed on the
same cards: the issue's mixed room, where both kinds of screen share the host's cores.

A page's figure stops where a browser's work starts: a view is stamped when its frame
arrives and is decoded (as the page's script does first), not when the browser paints.
The terminal figures stop at pyte having drawn the frame, which is the closer analogue of
a paint; the difference is small next to a participant process's redraw.

Run alone: `python -m bench.pages [--sizes 30 100 300] [--cards 50] [--tabs 3]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import column_count_at_least, shows
from bench.host import Host
from bench.live import BOARD_TEXT, COLUMN, JOIN_TEXT
from bench.stats import percentile
from bench.tabs import RemoteTab, TabPool
from retro_tui.client import SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role

JOIN_AT_ONCE = 8  # per worker: pages opening at the same moment


@dataclass
class PageResult:
    n: int
    join_view: list[float] = field(default_factory=list)  # socket open -> first view
    join_seat: list[float] = field(default_factory=list)  # name sent -> joined view
    card_all: list[float] = field(default_factory=list)  # per card: the last page to get it
    card_each: list[float] = field(default_factory=list)  # per card and page
    host_rss_before: float = 0.0
    host_rss_after: float = 0.0
    cpu_per_card_host: float = 0.0
    tabs: int = 0  # terminal tabs in the same run
    tab_join: list[float] = field(default_factory=list)  # name sent -> board drawn
    tab_card_all: list[float] = field(default_factory=list)  # per card: the last tab to draw it
    cpu_per_card_tab: float = 0.0  # one tab's participant process, per card
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)  # the machine's, as the cards began
    errors: list[str] = field(default_factory=list)

    @property
    def card_everyone(self) -> list[float]:
        """Per card: the last screen of either kind to show it."""
        if not self.tab_card_all:
            return self.card_all
        return [max(a, b) for a, b in zip(self.card_all, self.tab_card_all, strict=True)]

    @property
    def memory_per_page(self) -> float:
        return (self.host_rss_after - self.host_rss_before) / max(1, self.n)


class Page:
    """One simulated simple page: cookies, socket, the newest view's card count."""

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.cards = 0
        self.seen: dict[int, float] = {}  # card count -> when a view with it arrived
        self.changed = asyncio.Event()
        self.answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def open(self) -> tuple[float, float]:
        """Join; return (socket open -> first view, name sent -> seated view)."""
        async with self.http.get(self.url, allow_redirects=False) as response:
            assert response.status == 303, response.status
        origin = self.url.split("/?")[0]
        self.ws = await self.http.ws_connect(f"{origin}/simple-ws", headers={"Origin": origin})
        opened = time.perf_counter()
        self._reader = asyncio.create_task(self._read())
        await self._until(lambda: self.view is not None)
        first = time.perf_counter() - opened
        sent = time.perf_counter()
        await self.ws.send_str(json.dumps({"t": "join", "name": self.name}))
        await self._until(lambda: bool(self.view and self.view["you"]))
        return first, time.perf_counter() - sent

    view: dict[str, Any] | None = None

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            stamp = time.perf_counter()
            data = json.loads(message.data)
            if data["t"] in ("view", "patch"):
                if data["t"] == "view":
                    self.view = data["view"]
                elif self.view is not None:  # as the page merges a patch (app.js)
                    session = {**self.view["session"], **data["session"]}
                    self.view = {**self.view, **data["view"], "session": session}
                assert self.view is not None
                count = len(self.view["session"]["cards"])
                if count > self.cards:
                    self.cards = count
                    self.seen.setdefault(count, stamp)
            else:
                self.answers.put_nowait(data)
            self.changed.set()

    async def _until(self, condition: Any) -> None:
        async with asyncio.timeout(60):
            while not condition():
                self.changed.clear()
                await self.changed.wait()

    async def send(self, cmd: dict[str, Any], ident: int) -> dict[str, Any]:
        assert self.ws is not None
        await self.ws.send_str(json.dumps({"t": "cmd", "id": ident, "cmd": cmd}))
        while True:
            answer = await self.answers.get()
            if answer["t"] in ("ack", "nack") and answer["id"] == ident:
                return answer

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.ws is not None:
                await self.ws.close()
        await self.http.close()


def worker(url: str, names: list[str], cards: int, out: Queue[Any], go: Queue[Any]) -> None:
    """A worker process: join its pages, report, then stamp every card as it arrives."""
    asyncio.run(_worker(url, names, cards, out, go))


async def _worker(url: str, names: list[str], cards: int, out: Queue[Any], go: Queue[Any]) -> None:
    pages = [Page(url, name) for name in names]
    gate = asyncio.Semaphore(JOIN_AT_ONCE)

    async def join(page: Page) -> tuple[float, float]:
        async with gate:
            return await page.open()

    try:
        joins = await asyncio.gather(*(join(page) for page in pages))
        out.put(("joined", joins))
        await asyncio.to_thread(go.get)  # the coordinator says when the cards start
        for k in range(1, cards + 1):
            for page in pages:
                await page._until(lambda page=page, k=k: page.cards >= k)  # type: ignore[misc]
            out.put(("seen", k))
        out.put(("stamps", [page.seen for page in pages]))
    except Exception as error:  # the coordinator reports it
        out.put(("error", repr(error)))
    finally:
        for page in pages:
            await page.close()


async def _join_tabs(pool: TabPool, url: str, count: int, result: PageResult) -> list[RemoteTab]:
    """Terminal tabs joined one at a time, each past the join screen to the board."""
    tabs = []
    for i in range(count):
        tab = pool.tab()
        await tab.connect(url)
        await tab.wait_for(shows(JOIN_TEXT), 60)
        await tab.send_keys(f"Tab {i}")
        await tab.wait_for(shows(f"Tab {i}"), 30)
        sent = await tab.send_keys("\r")
        result.tab_join.append(await tab.wait_for(shows(BOARD_TEXT), 60) - sent)
        tabs.append(tab)
    return tabs


async def run_pages(n: int, folder: Path, *, cards: int, workers: int, tabs: int = 0) -> PageResult:
    result = PageResult(n, tabs=tabs)
    host = Host(folder, max_participants=n + tabs + 5)
    await host.start()
    context = multiprocessing.get_context("spawn")
    out: Queue[Any] = context.Queue()
    gates = [context.Queue() for _ in range(workers)]
    processes = []
    writer: Page | None = None
    pool: TabPool | None = None
    terminals: list[RemoteTab] = []
    try:
        await asyncio.sleep(0.5)  # the host settles after start
        # The write phase first: a terminal tab's board shows the columns it is timed on.
        chair = await SocketClient.connect(host.socket_path, "bench-chair", Role.FACILITATOR)
        await chair.join("Fay")
        await chair.send(c.GoToPhase(phase="write"))
        await chair.close()
        if tabs:
            pool = await TabPool.start(1)
            terminals = await _join_tabs(pool, host.participant_url, tabs, result)
        result.host_rss_before = host.host_process().memory_info().rss
        names = [f"Page {i}" for i in range(n)]
        for w in range(workers):
            process = context.Process(
                target=worker, args=(host.participant_url, names[w::workers], cards, out, gates[w])
            )
            process.start()
            processes.append(process)

        seen: dict[int, int] = {}
        stamps: list[dict[int, float]] = []

        async def take() -> tuple[str, Any]:
            """The next message of a worker; "seen" and "stamps" are kept as they come."""
            message: tuple[str, Any] = await asyncio.to_thread(out.get, True, 300)
            if message[0] == "error":
                raise RuntimeError(message[1])
            if message[0] == "seen":
                seen[message[1]] = seen.get(message[1], 0) + 1
            elif message[0] == "stamps":
                stamps.extend(message[1])
            return message

        for _ in range(workers):
            _, joins = await take()
            result.join_view += [first for first, _ in joins]
            result.join_seat += [seated for _, seated in joins]
        await asyncio.sleep(1.0)  # let the joins' saves and broadcasts finish
        result.host_rss_after = host.host_process().memory_info().rss

        writer = Page(host.participant_url, "Writer")
        await writer.open()
        for gate in gates:
            gate.put("go")
        result.load = os.getloadavg()
        tab_processes = host.participant_processes()
        cpu = host.host_process().cpu_times()
        tab_cpu = _cpu_seconds(tab_processes)
        sent: dict[int, float] = {}
        for k in range(1, cards + 1):
            # Armed on every terminal tab before the card is sent; stamped at decode.
            drawn = await pool.watch(terminals, column_count_at_least(COLUMN, k)) if pool else []
            sent[k] = time.perf_counter()
            cmd = {"name": "add_card", "column": "went-well", "text": f"Card {k}"}
            answer = await writer.send(cmd, k)
            if answer["t"] != "ack":
                raise RuntimeError(f"card {k} refused: {answer}")
            while seen.get(k, 0) < workers:
                await take()  # every worker's pages have card k
            if drawn:
                async with asyncio.timeout(60):
                    result.tab_card_all.append(max(await asyncio.gather(*drawn)) - sent[k])
            await asyncio.sleep(0.05)
        after = host.host_process().cpu_times()
        spent = (after.user - cpu.user) + (after.system - cpu.system)
        result.cpu_per_card_host = spent / cards
        if tab_processes:
            result.cpu_per_card_tab = (
                (_cpu_seconds(tab_processes) - tab_cpu) / cards / len(tab_processes)
            )
        while len(stamps) < n:
            await take()
        for k in range(1, cards + 1):
            # A view counts cards of every column; the writer's card is the k-th new one.
            delays = [page[min(c for c in page if c >= k)] - sent[k] for page in stamps]
            result.card_each += delays
            result.card_all.append(max(delays))
    except Exception as error:
        result.errors.append(repr(error))
    finally:
        if writer is not None:
            await writer.close()
        if pool is not None:
            await pool.close()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        await host.stop()
    return result


def _cpu_seconds(processes: list[Any]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(Exception):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _ms(values: list[float]) -> str:
    if not values:
        return "–"
    p50, p95, top = percentile(values, 50), percentile(values, 95), max(values)
    return f"{p50 * 1000:.0f} ms / {p95 * 1000:.0f} ms / {top * 1000:.0f} ms"


def page_table(results: list[PageResult]) -> list[str]:
    head = "| figure (simple page) | target (2 cores) | " + " | ".join(
        f"{r.n} participants" for r in results
    )
    rows = [
        head + " |",
        "|---|---|" + "---|" * len(results),
        "| join: socket open → first view, p50 / p95 / max | – | "
        + " | ".join(_ms(r.join_view) for r in results)
        + " |",
        "| join: name sent → seated view, p50 / p95 / max | – | "
        + " | ".join(_ms(r.join_seat) for r in results)
        + " |",
        "| live: card added → on every other page, p50 / p95 / max "
        "| p95 ≤ 100 ms at 100, ≤ 250 ms at 300 | "
        + " | ".join(f"{_ms(r.card_all)} ({len(r.card_all)} cards)" for r in results)
        + " |",
        "| live: same card → on every terminal tab of the run, p50 / p95 / max | – | "
        + " | ".join(f"{_ms(r.tab_card_all)} ({r.tabs} tabs)" for r in results)
        + " |",
        "| live: same card → on every screen of either kind, p50 / p95 / max | – | "
        + " | ".join(_ms(r.card_everyone) for r in results)
        + " |",
        "| live: same, per page, p50 / p95 / max | – | "
        + " | ".join(_ms(r.card_each) for r in results)
        + " |",
        "| host memory per simple-page participant (RSS growth / N) | ≤ 1 MB | "
        + " | ".join(f"{r.memory_per_page / 2**20:.2f} MB" for r in results)
        + " |",
        "| host CPU ms per card added | – | "
        + " | ".join(f"{r.cpu_per_card_host * 1000:.0f}" for r in results)
        + " |",
        "| CPU ms per card of one terminal tab's process (same run) | – | "
        + " | ".join(f"{r.cpu_per_card_tab * 1000:.0f}" for r in results)
        + " |",
        "| terminal tab join: name sent → board drawn, p50 / p95 / max | – | "
        + " | ".join(_ms(r.tab_join) for r in results)
        + " |",
        "| load average (1 / 5 / 15 min) as the cards began | – | "
        + " | ".join(" / ".join(f"{x:.1f}" for x in r.load) for r in results)
        + " |",
    ]
    return rows


async def run_sizes(sizes: list[int], cards: int, workers: int, tabs: int = 0) -> list[PageResult]:
    results = []
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-pages-") as tmp:
        for n in sizes:
            print(f"{n} simple-page participants and {tabs} terminal tabs", flush=True)
            folder = Path(tmp) / f"pages-{n}"
            folder.mkdir()
            results.append(await run_pages(n, folder, cards=cards, workers=workers, tabs=tabs))
            for error in results[-1].errors:
                print(f"problem at {n}: {error}", file=sys.stderr)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300])
    parser.add_argument("--cards", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--tabs", type=int, default=3, help="terminal tabs in the same run")
    args = parser.parse_args()
    results = asyncio.run(run_sizes(args.sizes, args.cards, args.workers, args.tabs))
    print("\n".join(page_table(results)))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

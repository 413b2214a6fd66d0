"""One live run at N participants: join, live latency, CPU, memory, vote storm.

Everything goes through the real path: a `retro-tui serve` process (hub + textual-serve),
browser tabs simulated by `BenchClient` (join link, cookies, `/ws`, stdin and resize
packets, the app's output decoded by pyte), one participant process per tab. The
facilitator is a hub-socket client, like the facilitator's own terminal app would be.

The tabs live in tab worker processes (bench/tabworker.py, reached through
bench/tabs.py), so a hundred screens' decoding is not queued in this one event loop;
this process only coordinates, and compares the workers' perf_counter stamps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.clients import column_count_at_least, shows
from bench.host import Host
from bench.tabs import RemoteTab, TabPool
from retro_tui.client import SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.store import SessionStore

SCENARIO = Path("/work/shared/scenarios/q3-campaign-retro.json")
FALLBACK_TEXTS = (
    "Webinar series brought 40% of qualified leads",
    "Paid social launched before the audience research was finished",
    "Shared KPI dashboard made trade-offs visible",
)
COLUMN = "Went well"  # the writer's focused column (the default format's first)
JOIN_TEXT = "Join the retro"
BOARD_TEXT = f"{COLUMN}  "


def card_texts() -> tuple[str, ...]:
    with contextlib.suppress(OSError, ValueError, KeyError):
        cards = json.loads(SCENARIO.read_text(encoding="utf-8"))["cards"]
        texts = tuple(str(card["text"]).replace("\n", " ")[:200] for card in cards)
        if texts:
            return texts
    return FALLBACK_TEXTS


@dataclass
class LiveResult:
    n: int
    join: list[float] = field(default_factory=list)  # ws open -> join screen drawn
    join_to_board: list[float] = field(default_factory=list)  # name sent -> board drawn
    card_all: list[float] = field(default_factory=list)  # per card: drawn on every other screen
    card_each: list[float] = field(default_factory=list)  # per card and screen
    card_failures: int = 0
    participant_rss: list[float] = field(default_factory=list)
    host_rss: float = 0.0
    cpu_window: float = 0.0
    cpu_host: float = 0.0
    cpu_participants: float = 0.0
    cpu_bench: float = 0.0  # the benchmark's processes: coordinator + tab workers
    tabs_lost: int = 0
    cards_in_window: int = 0
    cpu_per_card_participant: float = 0.0  # CPU s one participant spends per card shown
    cpu_per_card_host: float = 0.0
    vote_acks: list[float] = field(default_factory=list)
    vote_screens: list[float] = field(default_factory=list)  # storm -> "0 of 5 votes left"
    votes_expected: int = 0
    votes_counted: int = 0
    votes_refused: int = 0
    vote_problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


class LiveRun:
    def __init__(
        self,
        n: int,
        folder: Path,
        *,
        cards: int,
        cpu_window: float,
        join_concurrency: int,
        tab_workers: int | None = None,
        log: bool = True,
    ) -> None:
        """`tab_workers`: processes holding the tabs (default: one per core, at most n)."""
        self.n = n
        self.folder = folder
        self.cards = cards
        self.cpu_window = cpu_window
        self.join_concurrency = join_concurrency
        self.tab_workers = min(n, tab_workers or os.cpu_count() or 2)
        self.host = Host(folder, max_participants=n + 5)
        self.result = LiveResult(n)
        self.pool: TabPool | None = None
        self.tabs: list[RemoteTab] = []
        self.facilitator: SocketClient | None = None
        self.texts = card_texts()
        self.cards_added = 0
        self._log = log

    def say(self, text: str) -> None:
        if self._log:
            print(f"  [{self.n:>3}] {text}", flush=True)

    async def run(self) -> LiveResult:
        await self.host.start()
        try:
            self.pool = await TabPool.start(self.tab_workers)
            self.facilitator = await SocketClient.connect(
                self.host.socket_path, "bench-facilitator-identity", Role.FACILITATOR
            )
            await self.facilitator.join("Facilitator")
            await self.facilitator.send(c.GoToPhase(phase="write"))
            await self.facilitator.send(c.TimerStart(minutes=30))
            await self.join_all()
            await self.live_latency()
            await self.typical_minute()
            self.memory()
            await self.vote_storm()
        finally:
            await self.teardown()
        return self.result

    # --- join ----------------------------------------------------------------------------
    async def join_all(self) -> None:
        assert self.pool is not None
        pool = self.pool
        gate = asyncio.Semaphore(self.join_concurrency)
        started = time.perf_counter()

        async def one(i: int) -> None:
            async with gate:
                tab = pool.tab()
                self.tabs.append(tab)
                await tab.connect(self.host.participant_url)
                drawn = await tab.wait_for(shows(JOIN_TEXT), 60)
                self.result.join.append(drawn - tab.ws_opened)
                await tab.send_keys(f"Person {i:03d}")
                await tab.wait_for(shows("Person"), 30)
                sent = await tab.send_keys("\r")
                board = await tab.wait_for(shows(BOARD_TEXT), 60)
                self.result.join_to_board.append(board - sent)

        outcomes = await asyncio.gather(*(one(i) for i in range(self.n)), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                self.result.errors.append(f"join: {outcome!r}"[:300])
        screens = await asyncio.gather(
            *(t.screen_text() for t in self.tabs), return_exceptions=True
        )
        self.tabs = [
            t
            for t, s in zip(self.tabs, screens, strict=True)
            if t.ws_opened and isinstance(s, str) and JOIN_TEXT not in s  # past the join screen
        ]
        self.say(f"{len(self.tabs)} joined in {time.perf_counter() - started:.1f} s")

    # --- live latency ----------------------------------------------------------------------
    async def add_card(self, writer: RemoteTab) -> float:
        """Type a card in the writer's tab; return the perf_counter time Enter was sent
        (stamped by the writer's worker)."""
        text = self.texts[self.cards_added % len(self.texts)]
        await writer.send_keys("a")
        await writer.wait_for(shows("0/500"), 30)
        await writer.send_keys(text)
        await writer.wait_for(shows(f"{len(text)}/500"), 30)
        await asyncio.sleep(0.05)  # a person's pause before Enter; lets the dialog settle
        sent = await writer.send_keys("\r")
        self.cards_added += 1
        return sent

    async def live_latency(self) -> None:
        started = time.perf_counter()
        assert self.pool is not None
        parts, host = self.host.participant_processes(), self.host.host_process()
        p0, h0 = _cpu(parts), _cpu([host])
        for _ in range(self.cards):
            alive = [t for t in self.tabs if not t.closed]  # a lost tab must not end the run
            writer = alive[0]  # armed[0] below is its watch
            target = self.cards_added + 1
            try:
                # armed on every screen (the writer's too) before Enter: stamped at decode
                armed = await self.pool.watch(alive, column_count_at_least(COLUMN, target))
            except ConnectionError as error:
                self.result.card_failures += 1
                self.result.errors.append(f"card {target}: {error!r}"[:200])
                continue
            mine, watches = armed[0], armed[1:]
            try:
                sent = await self.add_card(writer)
                async with asyncio.timeout(60):
                    drawn = await asyncio.gather(*watches)
                    await mine
            except (TimeoutError, ConnectionError, RuntimeError) as error:
                self.result.card_failures += 1
                self.result.errors.append(f"card {target}: {error!r}"[:200])
                for w in armed:
                    w.cancel()
                continue
            each = [t - sent for t in drawn]
            self.result.card_each.extend(each)
            self.result.card_all.append(max(each) if each else 0.0)
            await asyncio.sleep(0.2)  # quiet between cards: each is measured alone
        cards = max(1, self.cards)
        self.result.cpu_per_card_participant = (_cpu(parts) - p0) / cards / max(1, len(parts))
        self.result.cpu_per_card_host = (_cpu([host]) - h0) / cards
        self.say(
            f"{len(self.result.card_all)} cards measured in {time.perf_counter() - started:.1f} s"
        )

    # --- CPU over a typical minute -------------------------------------------------------------
    async def typical_minute(self) -> None:
        """A writing phase with the timer running: one card every 3 s from the writer, every
        screen drawing each card and the ticking timer. CPU is scaled to a minute."""
        assert self.pool is not None
        host = self.host.host_process()
        parts = self.host.participant_processes()
        bench = [psutil.Process(), *self.pool.processes()]  # coordinator + tab workers
        h0, p0, b0 = _cpu([host]), _cpu(parts), _cpu(bench)
        t0 = time.perf_counter()
        writer = next(t for t in self.tabs if not t.closed)
        added = 0
        while time.perf_counter() - t0 < self.cpu_window - 3:
            await self.add_card(writer)
            added += 1
            await asyncio.sleep(max(0.0, 3.0 - (time.perf_counter() - t0) % 3.0))
        await asyncio.sleep(max(0.0, self.cpu_window - (time.perf_counter() - t0)))
        window = time.perf_counter() - t0
        per_minute = 60.0 / window
        r = self.result
        r.cpu_window = window
        r.cards_in_window = added
        r.cpu_host = (_cpu([host]) - h0) * per_minute
        r.cpu_participants = (_cpu(parts) - p0) * per_minute
        r.cpu_bench = (_cpu(bench) - b0) * per_minute

    def memory(self) -> None:
        parts = self.host.participant_processes()
        rss = []
        for process in parts:
            with contextlib.suppress(psutil.Error):
                rss.append(float(process.memory_info().rss))
        self.result.participant_rss = rss
        self.result.host_rss = float(self.host.host_process().memory_info().rss)

    # --- vote storm ----------------------------------------------------------------------------
    async def vote_storm(self) -> None:
        """Every participant casts its whole budget, and one vote more, at the same moment.

        The votes go through hub-socket clients that take each tab's identity (its cookie),
        so they are that participant's votes and its screen shows the budget shrink; the
        ack is the hub's answer, sent only once the vote is durable.
        """
        fac = self.facilitator
        assert fac is not None
        await fac.send(c.NextPhase())  # group: cards revealed
        await fac.send(c.NextPhase())  # vote
        view = await _latest_view(fac)
        budget = view.session.settings.votes_per_person
        targets = view.session.vote_targets()
        cap = view.session.settings.max_votes_per_target
        assert self.pool is not None
        tabs = [t for t in self.tabs if not t.closed]
        for tab in tabs:
            with contextlib.suppress(TimeoutError, ConnectionError):
                await tab.wait_for(shows(f"{budget} of {budget} votes left"), 30)
        job = []
        for i, tab in enumerate(tabs):
            # distinct targets per voter, so the per-topic cap is never what refuses
            job.append([tab.identity, [targets[(i + k) % len(targets)] for k in range(budget + 1)]])
        if cap is not None and len(targets) < budget + 1:
            self.result.vote_problems.append("too few cards for a storm within the cap")
        storm = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.storm",
            str(self.host.socket_path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert storm.stdin is not None and storm.stdout is not None
        storm.stdin.write(json.dumps(job).encode() + b"\n")
        await storm.stdin.drain()
        ready = await asyncio.wait_for(storm.stdout.readline(), 60)
        if ready.strip() != b"ready":
            raise RuntimeError(f"the storm's voters did not connect: {ready!r}")
        screens = await self.pool.watch(tabs, shows(f"0 of {budget} votes left"))
        started = time.perf_counter()
        storm.stdin.write(b"go\n")
        await storm.stdin.drain()
        report = json.loads(await asyncio.wait_for(storm.stdout.readline(), 120))
        await storm.wait()
        r = self.result
        acked: dict[str, list[str]] = {}
        for voter in report:
            for kind, target, after in voter["votes"]:
                if kind == "ok":
                    r.vote_acks.append(after)
                    acked.setdefault(voter["voter"], []).append(target)
                else:
                    r.votes_refused += 1
        r.votes_expected = budget * len(job)
        for watch in screens:
            with contextlib.suppress(TimeoutError, ConnectionError):
                r.vote_screens.append(await asyncio.wait_for(watch, 30) - started)
        self.check_votes(acked, budget)

    def check_votes(self, acked: dict[str, list[str]], budget: int) -> None:
        """Count the votes in the hub's file: each acked vote exactly once, none beyond."""
        r = self.result
        saved = SessionStore(self.folder).load(self.host.session_id)
        stored: dict[str, list[str]] = {}
        for vote in saved.votes:
            stored.setdefault(vote.voter, []).append(vote.target)
        r.votes_counted = sum(len(v) for v in stored.values())
        for voter, targets in acked.items():
            if sorted(stored.get(voter, [])) != sorted(targets):
                r.vote_problems.append(f"{voter}: acked {targets}, stored {stored.get(voter)}")
        for voter, targets in stored.items():
            if len(targets) > budget:
                r.vote_problems.append(f"{voter} has {len(targets)} votes (budget {budget})")
        if r.votes_counted != r.votes_expected:
            r.vote_problems.append(f"{r.votes_counted} votes stored, {r.votes_expected} expected")
        if r.votes_refused != len(acked):
            r.vote_problems.append(f"{r.votes_refused} over-budget votes refused of {len(acked)}")

    async def teardown(self) -> None:
        self.result.tabs_lost = lost = sum(1 for t in self.tabs if t.closed)
        if lost:
            self.result.errors.append(f"{lost} tabs lost their websocket during the run")
        if self.pool is not None:
            await self.pool.close()  # each worker closes its tabs, then exits
        if self.facilitator is not None:
            await self.facilitator.close()
        await self.host.stop()


async def _latest_view(client: SocketClient):  # type: ignore[no-untyped-def]
    """The newest view the client holds (waits briefly for the first)."""
    view = await asyncio.wait_for(client.next_view(), 10)
    with contextlib.suppress(TimeoutError):
        while True:
            view = await asyncio.wait_for(client.next_view(), 0.3)
    return view

"""`python -m bench --soak`: a whole retro, long, with every tab's memory and CPU sampled.

Why: a participant's tab is a process on the facilitator's laptop for the whole
meeting (issue 17). The live run (bench/live.py) measures a few minutes of writing;
this one plays every phase with 12+ tabs — cards typed at a person's pace, edits,
deletions, grouping, votes, discussion, action items, the close — and samples the RSS
and CPU time of the host and of every tab's process all along. At the end of each
phase a fresh tab joins on the same state, so the gap between a tab that lived through
the retro and one that did not is measured where it matters: what a long tab keeps.

It reuses the live run's machinery (`LiveRun`: the host, the tab workers, the join and
the facilitator's hub client); only the retro's script and the sampling are new here.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.clients import hides, shows
from bench.host import Host
from bench.live import LiveRun
from bench.stats import mib
from bench.tabs import RemoteTab, TabPool
from retro_tui.client import SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.domain.views import BoardView
from retro_tui.store import SessionStore
from retro_tui.tab_env import IDENTITY_ENV

# Shares of the run's length given to each phase (writing is most of a retro).
PHASE_SHARES = (
    ("write", 0.45),
    ("group", 0.1),
    ("vote", 0.1),
    ("discuss", 0.15),
    ("actions", 0.1),
    ("close", 0.1),
)
SAMPLE_EVERY = 2.0  # seconds between two samples of every process
CHUNK = 6  # characters a tab sends at once while "typing" a card
TYPING_PAUSE = 0.4  # seconds between two chunks: about 15 characters a second
THINKING = (3.0, 8.0)  # seconds a person pauses between two cards
SETTLE = 3.0  # seconds a fresh tab is left to draw before its memory is read
UP, DOWN = "\x1b[A", "\x1b[B"  # the arrow keys, as a terminal sends them


@dataclass
class Sample:
    at: float  # seconds since the retro started
    phase: str
    host_rss: float
    host_cpu: float
    tab_rss: dict[int, float]  # by tab number
    tab_cpu: dict[int, float]
    cards: int  # cards in the session (as the facilitator last saw it)


@dataclass
class PhaseGap:
    phase: str
    long_rss: list[float]  # the long-lived tabs, at the phase's end
    fresh_rss: float  # a tab opened on the same state


@dataclass
class SoakResult:
    tabs: int
    minutes: float
    samples: list[Sample] = field(default_factory=list)
    gaps: list[PhaseGap] = field(default_factory=list)
    written: dict[int, int] = field(default_factory=dict)  # cards each tab wrote
    write_growth: dict[int, float] = field(default_factory=dict)  # RSS over the write phase
    edits: int = 0
    deletions: int = 0
    votes: int = 0
    errors: list[str] = field(default_factory=list)


def _rss(process: psutil.Process | None) -> float:
    with contextlib.suppress(psutil.Error, AttributeError):
        assert process is not None
        return float(process.memory_info().rss)
    return float("nan")


def _cpu(process: psutil.Process | None) -> float:
    with contextlib.suppress(psutil.Error, AttributeError):
        assert process is not None
        times = process.cpu_times()
        return times.user + times.system
    return float("nan")


class SoakRun(LiveRun):
    """One scripted retro of `minutes` with `tabs` long-lived tabs."""

    def __init__(self, tabs: int, folder: Path, *, minutes: float, tab_workers: int) -> None:
        super().__init__(
            tabs,
            folder,
            cards=0,
            cpu_window=0.0,
            join_concurrency=2,
            tab_workers=tab_workers,
        )
        self.host = Host(folder, max_participants=tabs + 2 * len(PHASE_SHARES))  # + fresh tabs
        self.minutes = minutes
        self.soak = SoakResult(tabs, minutes)
        self.processes: dict[int, psutil.Process] = {}  # tab number -> its app process
        self.phase = "join"
        self.started = 0.0
        self.view: BoardView | None = None
        self._random = random.Random(17)
        self._fresh = 0

    def say(self, text: str) -> None:
        print(f"  [soak] {text}", flush=True)

    async def soak_run(self) -> SoakResult:
        await self.host.start()
        sampler: asyncio.Task[None] | None = None
        try:
            self.pool = await TabPool.start(self.tab_workers)
            self.facilitator = await SocketClient.connect(
                self.host.socket_path, "bench-facilitator-identity", Role.FACILITATOR
            )
            await self.facilitator.join("Facilitator")
            await self.facilitator.send(c.GoToPhase(phase="write"))
            await self.facilitator.send(c.TimerStart(minutes=max(5, int(self.minutes) + 5)))
            await self.join_all()
            self.find_processes()
            self.started = time.perf_counter()
            sampler = asyncio.create_task(self.sample_forever())
            for phase, share in PHASE_SHARES:
                self.phase = phase
                length = self.minutes * 60 * share
                self.say(f"{phase}: {length:.0f} s")
                await getattr(self, f"play_{phase}")(length)
                await self.fresh_tab_gap()
        finally:
            if sampler is not None:
                sampler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sampler
            await self.teardown()
        return self.soak

    # --- processes and samples -----------------------------------------------------------
    def _process_of(self, tab: RemoteTab) -> psutil.Process | None:
        for process in self.host.participant_processes():
            with contextlib.suppress(psutil.Error):
                if process.environ().get(IDENTITY_ENV) == tab.identity:
                    return process
        return None

    def find_processes(self) -> None:
        for tab in self.tabs:
            process = self._process_of(tab)
            if process is None:
                self.soak.errors.append(f"no process found for tab {tab.number}")
            else:
                self.processes[tab.number] = process

    def take_sample(self) -> Sample:
        host = self.host.host_process()
        view = self.view
        return Sample(
            at=time.perf_counter() - self.started,
            phase=self.phase,
            host_rss=_rss(host),
            host_cpu=_cpu(host),
            tab_rss={n: _rss(p) for n, p in self.processes.items()},
            tab_cpu={n: _cpu(p) for n, p in self.processes.items()},
            cards=len(view.session.cards) if view is not None else 0,
        )

    async def sample_forever(self) -> None:
        while True:
            self.soak.samples.append(self.take_sample())
            await asyncio.sleep(SAMPLE_EVERY)

    async def latest_view(self) -> BoardView:
        """The facilitator's newest view of the session (waits briefly for news)."""
        assert self.facilitator is not None
        with contextlib.suppress(TimeoutError):
            while True:
                self.view = await asyncio.wait_for(self.facilitator.next_view(), 0.3)
        if self.view is None:
            self.view = await asyncio.wait_for(self.facilitator.next_view(), 10)
        return self.view

    async def fresh_tab_gap(self) -> None:
        """A tab joins now, on the state the long tabs show; both are measured, it leaves."""
        assert self.pool is not None
        tab = self.pool.tab()
        self._fresh += 1
        try:
            await tab.connect(self.host.participant_url)
            await tab.wait_for(shows("Join the retro"), 60)
            await tab.send_keys(f"Fresh {self._fresh:02d}")
            await tab.wait_for(shows(f"Fresh {self._fresh:02d}"), 30)
            await tab.send_keys("\r")
            await tab.wait_for(shows("online"), 60)
            await asyncio.sleep(SETTLE)  # let its first frames and panes be made
            fresh = _rss(self._process_of(tab))
            long = [_rss(p) for p in self.processes.values()]
            self.soak.gaps.append(PhaseGap(self.phase, long, fresh))
            gap = max(long) - fresh
            each = " ".join(f"{rss / 2**20:.0f}" for rss in long)
            self.say(f"{self.phase}: long tabs' RSS (MB): {each}")
            most = mib(max(long))
            self.say(f"{self.phase}: long tabs up to {most}, fresh {mib(fresh)}, gap {mib(gap)}")
        except (TimeoutError, ConnectionError, RuntimeError) as error:
            self.soak.errors.append(f"fresh tab after {self.phase}: {error!r}"[:200])
        finally:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await tab.close()

    # --- write: every tab types cards, edits some, deletes some ---------------------------------
    async def play_write(self, length: float) -> None:
        until = time.perf_counter() + length
        first = {t.number: self.process_rss(t) for t in self.tabs}
        await asyncio.gather(*(self.writer(tab, until) for tab in self.tabs))
        for tab in self.tabs:
            self.soak.write_growth[tab.number] = self.process_rss(tab) - first[tab.number]
        await self.latest_view()

    def process_rss(self, tab: RemoteTab) -> float:
        return _rss(self.processes.get(tab.number))

    async def writer(self, tab: RemoteTab, until: float) -> None:
        rng = random.Random(tab.number)
        await asyncio.sleep(rng.uniform(0, THINKING[1]))  # people do not start together
        n = 0
        while time.perf_counter() < until and not tab.closed:
            text = self.texts[(tab.number * 7 + n) % len(self.texts)]
            try:
                await self.type_card(tab, text)
                n += 1
                self.soak.written[tab.number] = n
                if n % 5 == 2:
                    await self.edit_own_card(tab)
                if n % 8 == 4:
                    await self.delete_own_card(tab)
            except (TimeoutError, ConnectionError, RuntimeError) as error:
                self.soak.errors.append(f"tab {tab.number} writing: {error!r}"[:200])
                with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
                    await tab.send_keys("\x1b")  # out of whatever dialog is open
            await asyncio.sleep(rng.uniform(*THINKING))

    async def type_card(self, tab: RemoteTab, text: str) -> None:
        await tab.send_keys("a")
        await self._wait(tab, shows("0/500"), "the card dialog")
        for i in range(0, len(text), CHUNK):
            await tab.send_keys(text[i : i + CHUNK])
            await asyncio.sleep(TYPING_PAUSE)
        await self._wait(tab, shows(f"{len(text)}/500"), "the typed text")
        await tab.send_keys("\r")
        await self._wait(tab, hides("/500"), "the dialog to close")

    async def _wait(self, tab: RemoteTab, spec: dict[str, str], what: str) -> None:
        try:
            await tab.wait_for(spec, 30)
        except TimeoutError:
            screen = await tab.screen_text()
            near = " | ".join(line.strip() for line in screen.splitlines() if "/500" in line)
            raise TimeoutError(f"tab {tab.number}: no {what} after 30 s ({near!r})") from None

    async def select_own_card(self, tab: RemoteTab) -> bool:
        """Put the tab's cursor on its newest card, found in the session file (the hub
        writes it atomically; its seats say whose a card is)."""
        session = SessionStore(self.folder).load(self.host.session_id)
        seat = hashlib.sha256(tab.identity.encode()).hexdigest()
        me = next((p.id for p in session.participants if p.seat == seat), None)
        column = [card for card in session.cards if card.column == session.columns[0].key]
        mine = [i for i, card in enumerate(column) if card.author == me]
        if not mine:
            return False
        await tab.send_keys(UP * (len(column) + 1) + DOWN * mine[-1])
        return True

    async def edit_own_card(self, tab: RemoteTab) -> None:
        if not await self.select_own_card(tab):
            return
        await tab.send_keys("e")
        try:
            await tab.wait_for(shows("/500"), 5)
        except TimeoutError:
            return  # the cursor was not on one of this person's cards: nothing opened
        await tab.send_keys(" (edited)")
        await asyncio.sleep(TYPING_PAUSE)
        await tab.send_keys("\r")
        await self._wait(tab, hides("/500"), "the edit dialog to close")
        self.soak.edits += 1

    async def delete_own_card(self, tab: RemoteTab) -> None:
        if not await self.select_own_card(tab):
            return
        await tab.send_keys("d")
        try:
            await tab.wait_for(shows("Delete this card?"), 5)
        except TimeoutError:
            return
        await tab.send_keys("y")
        await self._wait(tab, hides("Delete this card?"), "the question to close")
        self.soak.deletions += 1

    # --- group: the facilitator merges cards into topics and titles them -------------------
    async def play_group(self, length: float) -> None:
        assert self.facilitator is not None
        await self.facilitator.send(c.NextPhase())
        until = time.perf_counter() + length
        cards = [card.id for card in (await self.latest_view()).session.cards]
        topics = 0
        while time.perf_counter() < until and len(cards) >= 3:
            target, a, b = cards.pop(), cards.pop(), cards.pop()
            await self.facilitator.send(c.Merge(source=a, target=target))
            await self.facilitator.send(c.Merge(source=b, target=target))
            view = await self.latest_view()
            card = view.session.card(target)
            if card is not None and card.topic is not None:
                topics += 1
                await self.facilitator.send(c.TitleTopic(topic=card.topic, title=f"Theme {topics}"))
            await asyncio.sleep(2.0)
        await asyncio.sleep(max(0.0, until - time.perf_counter()))

    # --- vote: each tab moves its cursor and votes with its keys -------------------------------
    async def play_vote(self, length: float) -> None:
        assert self.facilitator is not None
        await self.facilitator.send(c.NextPhase())
        until = time.perf_counter() + length
        budget = (await self.latest_view()).session.settings.votes_per_person
        await asyncio.gather(*(self.voter(tab, budget, until) for tab in self.tabs))
        await asyncio.sleep(max(0.0, until - time.perf_counter()))

    async def voter(self, tab: RemoteTab, budget: int, until: float) -> None:
        rng = random.Random(100 + tab.number)
        for _ in range(budget):
            if time.perf_counter() >= until or tab.closed:
                return
            await asyncio.sleep(rng.uniform(1.0, 4.0))
            with contextlib.suppress(ConnectionError, RuntimeError):
                for _ in range(rng.randint(0, 3)):
                    await tab.send_keys(DOWN)  # another card or topic
                await tab.send_keys("v")
                self.soak.votes += 1

    # --- discuss: the facilitator goes down the topics, with notes --------------------------
    async def play_discuss(self, length: float) -> None:
        assert self.facilitator is not None
        await self.facilitator.send(c.NextPhase())
        until = time.perf_counter() + length
        view = await self.latest_view()
        targets = list(view.session.vote_targets())
        n = 0
        while time.perf_counter() < until and targets:
            target = targets[n % len(targets)]
            await self.facilitator.send(c.Discuss(target=target))
            await asyncio.sleep(2.0)
            await self.facilitator.send(c.SetNotes(target=target, text=f"Note {n}: agreed"))
            await asyncio.sleep(2.0)
            if n % 3 == 0:
                await self.facilitator.send(c.ActionFromTopic(target=target))
            n += 1
        await asyncio.sleep(max(0.0, until - time.perf_counter()))

    # --- actions: the facilitator writes SMART items --------------------------------------------
    async def play_actions(self, length: float) -> None:
        assert self.facilitator is not None
        await self.facilitator.send(c.NextPhase())
        until = time.perf_counter() + length
        n = 0
        while time.perf_counter() < until:
            n += 1
            await self.facilitator.send(
                c.AddAction(
                    text=f"Follow up {n}",
                    owner="Facilitator",
                    due="2026-12-31",
                    metric=f"metric {n}",
                )
            )
            await asyncio.sleep(3.0)

    # --- close: everyone rates the retro ------------------------------------------------------
    async def play_close(self, length: float) -> None:
        assert self.facilitator is not None
        await self.facilitator.send(c.NextPhase())
        until = time.perf_counter() + length
        await asyncio.sleep(1.0)
        for tab in self.tabs:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await tab.send_keys(str(3 + tab.number % 3))
            await asyncio.sleep(0.3)
        await asyncio.sleep(max(0.0, until - time.perf_counter()))


# --- the report ---------------------------------------------------------------------------------
def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (NaN with fewer than two points)."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if y == y]
    if len(pairs) < 2 or len({x for x, _ in pairs}) < 2:
        return float("nan")
    return statistics.linear_regression([x for x, _ in pairs], [y for _, y in pairs]).slope


def soak_table(result: SoakResult) -> list[str]:
    samples = result.samples
    rows: list[str] = []
    if not samples:
        return ["(no samples: the soak broke before the retro started)"]
    first, last = samples[0], samples[-1]
    minutes = (last.at - first.at) / 60 or float("nan")
    cards = max(s.cards for s in samples)
    written = sum(result.written.values())
    tabs = sorted(first.tab_rss)
    tab_growth = [last.tab_rss.get(n, float("nan")) - first.tab_rss[n] for n in tabs]
    per_minute = [
        _slope([s.at / 60 for s in samples], [s.tab_rss.get(n, float("nan")) for s in samples])
        for n in tabs
    ]
    host_per_minute = _slope([s.at / 60 for s in samples], [s.host_rss for s in samples])
    own = [
        result.write_growth[n] / result.written[n]
        for n in tabs
        if result.written.get(n) and n in result.write_growth
    ]
    cpu_tabs = sum(last.tab_cpu.get(n, 0.0) - first.tab_cpu.get(n, 0.0) for n in tabs)

    def kb(n: float) -> str:
        return "–" if n != n else f"{n / 1024:.0f} KB"

    def med(values: list[float]) -> float:
        values = [v for v in values if v == v]
        return statistics.median(values) if values else float("nan")

    rows += [
        f"Soak: {result.tabs} tabs, {minutes:.1f} min, {cards} cards in the session "
        f"({written} typed by the tabs, {result.edits} edits, {result.deletions} deletions), "
        f"{result.votes} votes",
        "",
        "| figure | host | tabs (p50 / max of the long-lived tabs) |",
        "|---|---|---|",
        f"| RSS at start → end | {mib(first.host_rss)} → {mib(last.host_rss)} | "
        f"{mib(med(list(first.tab_rss.values())))} → {mib(med(list(last.tab_rss.values())))}"
        f" / max {mib(max(last.tab_rss.values()))} |",
        f"| growth per minute (least squares) | {kb(host_per_minute)} | "
        f"{kb(med(per_minute))} / {kb(max(per_minute, default=float('nan')))} |",
        f"| growth per card in the session (whole retro) | "
        f"{kb((last.host_rss - first.host_rss) / max(1, cards))} | "
        f"{kb(med(tab_growth) / max(1, cards))} / {kb(max(tab_growth) / max(1, cards))} |",
        f"| growth per card the tab wrote itself (write phase) | – | "
        f"{kb(med(own))} / {kb(max(own, default=float('nan')))} |",
        f"| CPU s per minute | {(last.host_cpu - first.host_cpu) / minutes:.1f} | "
        f"{cpu_tabs / minutes / max(1, len(tabs)):.1f} per tab |",
        "",
        "| after phase | long tabs RSS p50 / max | fresh tab, same state | gap: max − fresh |",
        "|---|---|---|---|",
    ]
    for gap in result.gaps:
        rows.append(
            f"| {gap.phase} | {mib(med(gap.long_rss))} / {mib(max(gap.long_rss))} | "
            f"{mib(gap.fresh_rss)} | {mib(max(gap.long_rss) - gap.fresh_rss)} |"
        )
    return rows


async def run_soak(tabs: int, minutes: float, folder: Path, tab_workers: int) -> SoakResult:
    return await SoakRun(tabs, folder, minutes=minutes, tab_workers=tab_workers).soak_run()

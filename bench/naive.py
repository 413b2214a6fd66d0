"""The naive baseline: every participant process polls the session file once a second.

`python -m bench.naive poll FILE` is one poller: every second it `stat`s the file and,
when it changed, reloads the whole session through the store (as a participant process
of a design without a hub would) and prints the wall-clock time it first saw each card
count. The driver runs an in-process hub that makes each card durable, notes the wall
time its save returned, and starts N pollers. Latency = poller noticed - save returned.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub

POLL_SECONDS = 1.0


def poll(path: Path) -> None:
    from retro_tui.store import SessionStore

    store = SessionStore(path.parent)
    session_id = path.stem
    time.sleep(random.random() * POLL_SECONDS)  # pollers start out of step, like people
    last: tuple[int, int] | None = None
    seen = 0
    tick = time.monotonic()
    while True:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != last:
            last = stamp
            session = store.load(session_id)
            noticed = time.time()
            count = len(session.cards)
            if count > seen:
                for k in range(seen + 1, count + 1):
                    print(f"{k} {noticed:.6f}", flush=True)
                seen = count
        tick += POLL_SECONDS
        time.sleep(max(0.0, tick - time.monotonic()))


@dataclass
class NaiveResult:
    n: int
    card_all: list[float] = field(default_factory=list)
    card_each: list[float] = field(default_factory=list)


async def run_naive(n: int, folder: Path, *, cards: int, gap: float = 1.0) -> NaiveResult:
    from retro_tui.launcher import LocalLauncher
    from retro_tui.store import SessionStore

    store = SessionStore(folder)
    launcher = LocalLauncher(store)
    session = launcher.create_session(
        format_key="went-well", title="Naive baseline", team="bench", anonymous=False
    )
    hub = Hub(store, store.load(session.id))
    writer = LocalClient(hub, "naive-writer", Role.FACILITATOR)
    await writer.join("Writer")
    await writer.send(c.GoToPhase(phase="write"))
    path = store.path_for(session.id)
    pollers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.naive",
            "poll",
            str(path),
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(n)
    ]
    seen: list[dict[int, float]] = [{} for _ in pollers]

    async def read(i: int, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            k, stamp = line.split()
            seen[i][int(k)] = float(stamp)

    readers = [asyncio.create_task(read(i, p)) for i, p in enumerate(pollers)]
    await asyncio.sleep(3.0)  # every poller has started and loaded the session once
    column = hub.session.columns[0].key
    saved: dict[int, float] = {}
    for k in range(1, cards + 1):
        await writer.send(c.AddCard(column=column, text=f"Naive card {k}"))
        saved[k] = time.time()  # the hub's save has returned: the card is durable
        await asyncio.sleep(gap * (0.5 + random.random()))
    await asyncio.sleep(POLL_SECONDS * 3)
    for process in pollers:
        process.terminate()
    await asyncio.gather(*(p.wait() for p in pollers))
    await asyncio.gather(*readers, return_exceptions=True)
    await hub.close()
    result = NaiveResult(n)
    for k, at in saved.items():
        each = [s[k] - at for s in seen if k in s]
        if len(each) == n:
            result.card_each.extend(each)
            result.card_all.append(max(each))
    return result


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "poll":
    poll(Path(sys.argv[2]))

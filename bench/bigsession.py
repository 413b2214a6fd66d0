"""The 1,000-card session figures (open, one change durable, export), on the real disk."""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.store_bench import START, big_session
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.export import session_markdown
from retro_tui.store import SessionStore


@dataclass
class BigResult:
    cards: int
    file_kib: float
    open_median: float
    save_median: float
    save_p95: float
    export_median: float


def run_big(folder: Path, *, saves: int = 100) -> BigResult:
    session, fac = big_session()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".big-") as tmp:
        store = SessionStore(Path(tmp))
        store.create(session)
        size = store.path_for(session.id).stat().st_size
        opens = []
        for _ in range(5):
            t0 = time.perf_counter()
            SessionStore(Path(tmp)).load(session.id)
            opens.append(time.perf_counter() - t0)
        store.load(session.id)
        times = []
        current = session
        for i in range(saves):
            command = c.SetNotes(target=current.current_topic or "", text=f"note {i}")
            current = rules.apply(current, fac, command, START)
            t0 = time.perf_counter()
            store.save(current)
            times.append(time.perf_counter() - t0)
        times.sort()
        exports = []
        for _ in range(5):
            t0 = time.perf_counter()
            session_markdown(current)
            exports.append(time.perf_counter() - t0)
    return BigResult(
        cards=len(session.cards),
        file_kib=size / 1024,
        open_median=statistics.median(opens),
        save_median=statistics.median(times),
        save_p95=times[max(0, int(len(times) * 0.95) - 1)],
        export_median=statistics.median(exports),
    )

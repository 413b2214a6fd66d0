"""Store and export figures for a 1,000-card session (DESIGN.md: performance targets).

Run: `python bench/store_bench.py [--folder DIR] [--saves N]`. The folder defaults to a
temporary one beside the current directory, on the disk the sessions would live on
(`/tmp` is often a RAM disk, where fsync costs nothing and the figures would flatter).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Role, Session
from retro_tui.domain.serial import session_to_dict
from retro_tui.export import session_markdown
from retro_tui.store import SessionStore
from retro_tui.store.files import _encode

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def big_session(n_cards: int = 1000, n_people: int = 30) -> tuple[Session, str]:
    """A session in Discuss with `n_cards` cards of realistic length, topics and votes."""
    columns = tuple(ColumnSpec(k, k.title()) for k in ("worked", "didnt", "signals", "ideas"))
    fmt = RetroFormat("bench", "Bench format", "", columns, votes_per_person=5)
    s = rules.new_session(fmt, session_id="bench-1000", title="Bench", team="t", now=START)
    people = []
    for i in range(n_people):
        role = Role.FACILITATOR if i == 0 else Role.PARTICIPANT
        s, pid = rules.join(s, f"Person {i}", role, START)
        people.append(pid)
    fac = people[0]
    s = rules.apply(s, fac, c.GoToPhase(phase="write"), START)
    for i in range(n_cards):
        text = f"Card {i}: the webinar series brought qualified leads, but follow-up was slow #{i}"
        cmd = c.AddCard(column=columns[i % 4].key, text=text)
        s = rules.apply(s, people[i % n_people], cmd, START + timedelta(seconds=i))
    s = rules.apply(s, fac, c.NextPhase(), START)
    for i in range(0, 200, 2):  # 100 topics of two cards
        s = rules.apply(s, fac, c.Merge(source=s.cards[i + 1].id, target=s.cards[i].id), START)
    s = rules.apply(s, fac, c.NextPhase(), START)
    targets = s.vote_targets()
    for n, pid in enumerate(people):
        for k in range(5):
            s = rules.apply(s, pid, c.CastVote(target=targets[(n * 7 + k * 13) % 150]), START)
    s = rules.apply(s, fac, c.NextPhase(), START)
    return s, fac


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()

    t0 = time.perf_counter()
    session, fac = big_session()
    print(f"built a {len(session.cards)}-card session in {time.perf_counter() - t0:.2f} s")

    with tempfile.TemporaryDirectory(dir=args.folder or Path.cwd(), prefix=".bench-") as tmp:
        folder = Path(tmp) / "sessions"
        store = SessionStore(folder)
        store.create(session)
        size = store.path_for(session.id).stat().st_size
        print(f"file size: {size / 1024:.0f} KiB")

        opens = []
        for _ in range(10):
            t0 = time.perf_counter()
            SessionStore(folder).load(session.id)
            opens.append(time.perf_counter() - t0)
        print(
            f"open (load from disk): median {statistics.median(opens) * 1000:.1f} ms, "
            f"max {max(opens) * 1000:.1f} ms   (target <= 1000 ms)"
        )

        store.load(session.id)
        saves = []
        current = session
        for i in range(args.saves):
            current = rules.apply(
                current,
                fac,
                c.SetNotes(target=current.current_topic or "", text=f"note {i}"),
                START,
            )
            t0 = time.perf_counter()
            store.save(current)
            saves.append(time.perf_counter() - t0)
        saves.sort()
        p95 = saves[int(len(saves) * 0.95) - 1]
        print(
            f"one change durable (save): median {statistics.median(saves) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms, max {saves[-1] * 1000:.1f} ms   (target <= 15 ms)"
        )

        cpu = []
        for _ in range(50):
            t0 = time.perf_counter()
            _encode({"session": {"1": session_to_dict(current)}})
            cpu.append(time.perf_counter() - t0)
        print(
            f"  of which serialising (to dict + JSON, no disk): "
            f"median {statistics.median(cpu) * 1000:.1f} ms; the rest is write + fsync + rename"
        )

        exports = []
        for _ in range(10):
            t0 = time.perf_counter()
            session_markdown(current)
            exports.append(time.perf_counter() - t0)
        print(
            f"export to Markdown: median {statistics.median(exports) * 1000:.1f} ms   "
            f"(target <= 200 ms)"
        )


if __name__ == "__main__":
    main()

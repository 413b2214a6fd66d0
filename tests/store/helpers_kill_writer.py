"""Subprocess helper for the store tests (run as a script, never imported by pytest).

`python helpers_kill_writer.py FOLDER SESSION_ID`
    Save the session over and over with an increasing revision and print each revision
    once `save` has returned (flushed), until killed. Picks up the revision on disk.
`python helpers_kill_writer.py --hold-lock FOLDER SESSION_ID`
    Take the session's lock, print `locked <pid>`, and hold it until stdin closes.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Role, Session
from retro_tui.store import SessionStore

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def sizeable_session(session_id: str, cards: int = 300) -> Session:
    """Big enough (~70 KB) that a kill often lands in the middle of a write."""
    fmt = RetroFormat("kill", "Kill test", "", (ColumnSpec("a", "A"), ColumnSpec("b", "B")))
    s = rules.new_session(fmt, session_id=session_id, title="Kill test", team="t", now=START)
    s, fac = rules.join(s, "Facilitator", Role.FACILITATOR, START)
    s = rules.apply(s, fac, c.GoToPhase(phase="write"), START)
    for i in range(cards):
        text = f"Card {i}: ünïcode and some length so the file is not tiny ({i * 7919})"
        s = rules.apply(s, fac, c.AddCard(column="ab"[i % 2], text=text), START)
    return s


def write_forever(folder: Path, session_id: str) -> None:
    store = SessionStore(folder)
    if store.exists(session_id):
        session = store.load(session_id)
    else:
        session = sizeable_session(session_id)
        store.create(session)
    out = sys.stdout
    while True:
        session = session.with_changes(revision=session.revision + 1)
        store.save(session)
        out.write(f"{session.revision}\n")
        out.flush()


def hold_lock(folder: Path, session_id: str) -> None:
    lock = SessionStore(folder).lock(session_id)
    sys.stdout.write(f"locked {os.getpid()}\n")
    sys.stdout.flush()
    sys.stdin.read()
    lock.release()


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--hold-lock":
        hold_lock(Path(argv[1]), argv[2])
    else:
        write_forever(Path(argv[0]), argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])

"""Builders for hub tests: a session, an in-memory saver, a hub with its socket server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Session

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class MemoryStore:
    """Records every save; `fail_with` makes saves fail until cleared."""

    def __init__(self) -> None:
        self.saved: list[Session] = []
        self.fail_with: Exception | None = None

    def save(self, session: Session) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.saved.append(session)


def make_session(**overrides: Any) -> Session:
    fmt = RetroFormat(
        key="test",
        name="Test format",
        description="",
        columns=(ColumnSpec("good", "Good"), ColumnSpec("bad", "Bad")),
        votes_per_person=overrides.pop("votes", 5),
    )
    return rules.new_session(fmt, session_id="s1", title="Sprint 1", team="core", now=NOW)

"""Builders for hub tests: a session, an in-memory saver, a hub with its socket server."""

from __future__ import annotations

from typing import Any

from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Session
from tests.support.clock import NOW

__all__ = ["NOW", "MemoryStore", "make_session"]


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

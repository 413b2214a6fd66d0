"""What listing the sessions folder gives: a summary per session, a problem per bad file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.text import visible_path
from retro_tui.store.errors import _one_line


@dataclass(frozen=True)
class SessionSummary:
    """What a session picker shows, without keeping the whole session around."""

    id: str
    title: str
    team: str
    format_key: str
    phase: Phase
    created_at: datetime
    n_cards: int
    n_participants: int
    path: Path

    @classmethod
    def of(cls, session: Session, path: Path) -> SessionSummary:
        return cls(
            id=session.id,
            title=session.title,
            team=session.team,
            format_key=session.format_key,
            phase=session.phase,
            created_at=session.created_at,
            n_cards=len(session.cards),
            n_participants=len(session.participants),
            path=path,
        )


@dataclass(frozen=True)
class StoreProblem:
    """A file in the sessions folder that could not be listed, and why (one line)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{visible_path(self.path)}: {_one_line(self.reason)}"


@dataclass(frozen=True)
class StoreListing:
    sessions: list[SessionSummary] = field(default_factory=list)  # newest first
    problems: list[StoreProblem] = field(default_factory=list)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

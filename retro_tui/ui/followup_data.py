"""Reading and changing action items across retros for the in-app follow-up screens.

The same steps as `retro-tui actions` and `retro-tui insights` (see `cli_reports`): load
every readable session, `followup.collect` the rows, and write a status change into the
newest session that mentions the item, under that session's lock, with
`followup.with_status`. No Textual here: these run in thread workers, which post what
they return. Each call uses its own `SessionStore`, so a worker thread never shares the
hub's store (and its cached files) with the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from retro_tui.domain.model import ActionStatus, Session
from retro_tui.domain.text import name_key, visible_path
from retro_tui.followup import ActionRow, FollowupError, collect, with_status
from retro_tui.insights import Insights, insights
from retro_tui.store import SessionLocked, SessionStore, StoreError

VERBS = {ActionStatus.DONE: "Done", ActionStatus.OPEN: "Reopened", ActionStatus.DROPPED: "Dropped"}


class StatusRefused(Exception):
    """A status change that cannot be made, with the sentence to show."""


@dataclass(frozen=True)
class Loaded:
    """Every readable session of the folder and the files that could not be read."""

    sessions: tuple[Session, ...] = ()
    problems: tuple[str, ...] = ()

    def teams(self) -> list[str]:
        """Team names as last spelled, most recently active first."""
        names: dict[str, str] = {}
        for s in sorted(self.sessions, key=lambda x: (x.created_at, x.id), reverse=True):
            names.setdefault(name_key(s.team.strip()), s.team)
        return list(names.values())


@dataclass(frozen=True)
class ActionsData:
    rows: tuple[ActionRow, ...]
    teams: tuple[str, ...]
    problems: tuple[str, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)  # session id -> title


def load_sessions(folder: Path) -> Loaded:
    """Like `cli_reports._load_all`: unreadable files are named, not raised."""
    store = SessionStore(folder)
    listing = store.list()
    problems = [f"{visible_path(p.path.name)}: {p.reason}" for p in listing.problems]
    sessions: list[Session] = []
    try:
        for summary in listing.sessions:
            try:
                sessions.append(store.load(summary.id))
            except StoreError as error:
                problems.append(f"{summary.path.name}: {error.reason}")
    finally:
        store.close()
    return Loaded(tuple(sessions), tuple(problems))


def load_actions(folder: Path, today: date) -> ActionsData:
    loaded = load_sessions(folder)
    rows = collect(loaded.sessions, today)
    titles = {s.id: s.title for s in loaded.sessions}
    return ActionsData(tuple(rows), tuple(loaded.teams()), loaded.problems, titles)


def team_insights(folder: Path, team: str | None, today: date) -> tuple[Insights | None, Loaded]:
    """Insights for `team` (default: the most recently active team)."""
    loaded = load_sessions(folder)
    teams = loaded.teams()
    if not teams:
        return None, loaded
    chosen = team if team and name_key(team.strip()) in {name_key(t) for t in teams} else teams[0]
    return insights(loaded.sessions, chosen, today), loaded


def set_status(
    folder: Path, key: str, status: ActionStatus, today: date, live_session: str | None
) -> str:
    """Write `status` for the item whose chain key is `key`; return what was done.

    Refused (`StatusRefused`) when the item's newest retro is the one open in this app
    (`live_session`) or in another retro-tui: that retro's hub owns the file.
    """
    loaded = load_sessions(folder)
    row = next((r for r in collect(loaded.sessions, today) if r.key == key), None)
    if row is None:
        raise StatusRefused("That action item is no longer in the sessions folder.")
    if row.status is status:
        return f"Already {status.value}: {row.text}"
    target = row.target
    if target.session_id == live_session:
        raise StatusRefused(
            "That item belongs to the retro open right now; change it on the board "
            "(review or actions phase)."
        )
    store = SessionStore(folder)
    try:
        lock = store.lock(target.session_id)
    except SessionLocked:
        raise StatusRefused(
            f"The retro {target.session_id} is open in another retro-tui; change the item "
            "there, or try again once that retro has ended."
        ) from None
    except StoreError as error:
        raise StatusRefused(error.reason) from None
    try:
        session = store.load(target.session_id)
        store.save(with_status(session, target, status))
    except (StoreError, FollowupError) as error:
        raise StatusRefused(getattr(error, "reason", None) or str(error)) from None
    finally:
        lock.release()
        store.close()
    return f"{VERBS[status]}: {row.text}"

"""The sessions folder as the after-the-meeting reports read and change it.

One path for both front ends (`retro-tui actions`/`insights` and the app's follow-up
screens): load every readable session, `followup.collect` the rows, and write a status
change into the newest session that mentions the item, under that session's lock, with
`followup.with_status`. Unreadable files are named, never raised. Each call opens its own
`SessionStore`, so a UI worker thread never shares the hub's store (and its cached files)
with the event loop. No Textual here: the screens run these in thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from retro_tui.domain import judging
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import ActionStatus, Session
from retro_tui.domain.text import name_key, visible_path
from retro_tui.reports.followup import (
    ActionRow,
    FollowupError,
    MentionKind,
    collect,
    find_row,
    item_at,
    with_status,
)
from retro_tui.reports.insights import Insights, insights
from retro_tui.reports.problems import Scores, seen_phrases
from retro_tui.store import SessionLocked, SessionStore, StoreError, StoreProblem


class StatusRefused(Exception):
    """A status change that cannot be made, with the sentence to show.

    `problems` names the files skipped while looking for the item.
    """

    def __init__(self, sentence: str, problems: tuple[StoreProblem, ...] = ()) -> None:
        super().__init__(sentence)
        self.problems = problems


class ItemNotFound(StatusRefused):
    """Nothing, or more than one item, answers to what was given."""


@dataclass(frozen=True)
class Loaded:
    """Every readable session of the folder and the files that could not be read."""

    sessions: tuple[Session, ...] = ()
    problems: tuple[StoreProblem, ...] = ()

    def teams(self) -> list[str]:
        """Team names as last spelled, most recently active first."""
        names: dict[str, str] = {}
        for s in sorted(self.sessions, key=lambda x: (x.created_at, x.id), reverse=True):
            names.setdefault(name_key(s.team.strip()), s.team)
        return list(names.values())

    def problem_names(self) -> tuple[str, ...]:
        """Each unreadable file by its name and why, for a screen's one-line summary."""
        return tuple(f"{visible_path(p.path.name)}: {p.reason}" for p in self.problems)


@dataclass(frozen=True)
class ActionsData:
    rows: tuple[ActionRow, ...]
    teams: tuple[str, ...]
    problems: tuple[str, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)  # session id -> title


@dataclass(frozen=True)
class StatusChange:
    """What `set_status` did: `row` as it was found, and whether its file changed."""

    row: ActionRow
    status: ActionStatus
    changed: bool
    problems: tuple[StoreProblem, ...] = ()
    note: str = ""  # e.g. that a decision done before its threshold was acted early

    @property
    def in_review(self) -> bool:
        """The change was written as a decision in a later retro's review."""
        return self.row.target.kind is MentionKind.REVIEW


def load_sessions(folder: Path) -> Loaded:
    """Every readable session in `folder`; unreadable files are named, not raised. Nothing
    is written: a file of an older schema is read as it is (`SessionStore.read`)."""
    store = SessionStore(folder)
    try:
        listing = store.list()
        problems = list(listing.problems)
        sessions: list[Session] = []
        for summary in listing.sessions:
            try:
                sessions.append(store.read(summary.id))
            except StoreError as error:
                problems.append(StoreProblem(summary.path, error.reason))
    finally:
        store.close()
    return Loaded(tuple(sessions), tuple(problems))


def load_actions(folder: Path, today: date) -> ActionsData:
    loaded = load_sessions(folder)
    rows = collect(loaded.sessions, today)
    titles = {s.id: s.title for s in loaded.sessions}
    return ActionsData(tuple(rows), tuple(loaded.teams()), loaded.problem_names(), titles)


def team_insights(
    folder: Path, team: str | None, today: date, *, scores: Scores | None = None
) -> tuple[Insights | None, Loaded]:
    """Insights for `team` (default: the most recently active team); with `scores`, the
    unlinked look-alikes of known problems too (as guesses)."""
    loaded = load_sessions(folder)
    teams = loaded.teams()
    if not teams:
        return None, loaded
    chosen = team if team and name_key(team.strip()) in {name_key(t) for t in teams} else teams[0]
    return insights(loaded.sessions, chosen, today, scores=scores), loaded


def problems_seen(folder: Path, session: Session) -> dict[str, str]:
    """How often the team has raised each problem `session` links to, for its notes."""
    if not session.problem_links:
        return {}
    return seen_phrases(load_sessions(folder).sessions, session)


def change_session(
    folder: Path,
    session_id: str,
    change: Callable[[Session], Session],
    *,
    live_session: str | None = None,
) -> Session:
    """Load `session_id` under its lock, apply `change` (a domain function) and save.

    The one load-and-change path for after the meeting (problem links here; action
    statuses take the same steps in `set_status`). Refused (`StatusRefused`) when the
    session is `live_session` or locked by a live retro-tui, when the file cannot be
    read or written, or when `change` refuses (its sentence is kept)."""
    if session_id == live_session:
        raise StatusRefused("That retro is open right now; change it on the board.")
    store = SessionStore(folder)
    try:
        try:
            lock = store.lock(session_id)
        except SessionLocked:
            raise StatusRefused(
                f"The retro {session_id} is open in a live session; change it there, or try "
                "again once that retro has ended."
            ) from None
        except StoreError as error:
            raise StatusRefused(str(error)) from None
        try:
            loaded = store.load(session_id)
            changed = change(loaded).with_changes(revision=loaded.revision + 1)
            store.save(changed)
        except StoreError as error:
            raise StatusRefused(str(error)) from None
        except Refused as refused:
            raise StatusRefused(refused.reason) from None
        finally:
            lock.release()
    finally:
        store.close()
    return changed


def set_status(
    folder: Path,
    typed: str,
    status: ActionStatus,
    today: date,
    *,
    live_session: str | None = None,
) -> StatusChange:
    """Write `status` for the item `typed` names (ref, key or action id, see `find_row`).

    It goes into the newest session that mentions the item, under that session's lock.
    Refused (`StatusRefused`) when nothing or several items match, when the session is
    `live_session` (open in this app: its hub owns the file) or locked by another
    retro-tui, or when the file cannot be read or written.
    """
    loaded = load_sessions(folder)
    try:
        row = find_row(collect(loaded.sessions, today), typed)
    except FollowupError as error:
        raise ItemNotFound(str(error), loaded.problems) from None
    if row.status is status:
        return StatusChange(row, status, changed=False, problems=loaded.problems)
    target = row.target
    if target.session_id == live_session:
        raise StatusRefused(
            "That item belongs to the retro open right now; change it on the board "
            "(review or actions phase).",
            loaded.problems,
        )
    store = SessionStore(folder)
    try:
        try:
            lock = store.lock(target.session_id)
        except SessionLocked:
            raise StatusRefused(
                f"The retro {target.session_id} is open in a live session; change the item "
                "there, or try again once that retro has ended.",
                loaded.problems,
            ) from None
        except StoreError as error:
            raise StatusRefused(str(error), loaded.problems) from None
        try:
            session = with_status(store.load(target.session_id), target, status)
            store.save(session)
        except (StoreError, FollowupError) as error:
            raise StatusRefused(str(error), loaded.problems) from None
        finally:
            lock.release()
    finally:
        store.close()
    item = item_at(session, target)
    note = judging.early_note(session, item) if item is not None else ""
    return StatusChange(row, status, changed=True, problems=loaded.problems, note=note)

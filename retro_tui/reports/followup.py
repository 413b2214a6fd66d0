"""Action items across a team's retros: what is still open, whose, how old, from where.

An action item lives on across retros. Its first retro holds it as `a3`; when the next
retro carries it over, that retro holds a copy `a3~<that session>`, and so on. Each later
retro also keeps, in its review list, the decision taken on the item it inherited (done,
carried, dropped, or still pending when nobody decided). Every such appearance is a
`Mention`; the newest mention of an item says its current status, and is the one place
a status change from the shell is written (`with_status`).

Pure computation: sessions in, rows out. No I/O, no clock reads (`today` is passed in).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from retro_tui.domain import judging
from retro_tui.domain.model import ActionItem, ActionStatus, ReviewDecision, Session
from retro_tui.domain.text import name_key, shorten

__all__ = [
    "ActionRow",
    "AmbiguousAction",
    "FollowupError",
    "Mention",
    "MentionKind",
    "UnknownAction",
    "base_id",
    "collect",
    "filter_rows",
    "find_row",
    "item_at",
    "short_ref",
    "with_status",
]

REF_CHARS = 6


class FollowupError(Exception):
    """A lookup that cannot be answered, with a sentence for the person who asked."""


class UnknownAction(FollowupError):
    """No action item matches what was typed."""


class AmbiguousAction(FollowupError):
    """What was typed matches several action items."""


class MentionKind(StrEnum):
    ACTION = "action"  # in the session's action items
    REVIEW = "review"  # in the session's review of the previous retro's items


@dataclass(frozen=True)
class Mention:
    """One place a session holds an action item."""

    session_id: str
    created_at: datetime
    kind: MentionKind
    action_id: str
    status: ActionStatus  # what this mention says the status is


@dataclass(frozen=True)
class ActionRow:
    """An action item as followed across retros, seen from its newest mention."""

    ref: str  # short, stable, typeable id (hash of `key`)
    key: str  # `<first retro's session id>:<first action id>`
    id: str  # the action id in the newest session holding it
    text: str
    owner: str
    due: str
    metric: str
    status: ActionStatus
    age_days: int  # since the retro that first raised it
    overdue: bool
    retro_title: str  # the retro that first raised it
    retro_date: str  # ISO date
    session_id: str  # the newest session holding it
    team: str
    carried: int
    origin_session_id: str
    mentions: tuple[Mention, ...]

    @property
    def target(self) -> Mention:
        """Where a status change is written: the newest mention."""
        return self.mentions[-1]

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.OPEN

    @property
    def missing(self) -> tuple[str, ...]:
        parts = (("owner", self.owner), ("due date", self.due), ("metric", self.metric))
        return tuple(name for name, value in parts if not value)

    def to_json(self) -> dict[str, object]:
        """A plain dict for `--json` output; field names are part of the CLI's contract."""
        return {
            "ref": self.ref,
            "key": self.key,
            "id": self.id,
            "text": self.text,
            "owner": self.owner,
            "due": self.due or None,
            "metric": self.metric,
            "status": self.status.value,
            "age_days": self.age_days,
            "overdue": self.overdue,
            "retro_title": self.retro_title,
            "retro_date": self.retro_date,
            "session_id": self.session_id,
            "team": self.team,
            "carried": self.carried,
            "smart": not self.missing,
        }


def base_id(action_id: str) -> str:
    """The id an item had in its first retro: carried copies add `~<session>` suffixes."""
    return action_id.split("~", 1)[0]


def short_ref(key: str) -> str:
    """Six hex digits derived from the item's first appearance, so they never change."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:REF_CHARS]


_DECISION_STATUS = {
    ReviewDecision.PENDING: ActionStatus.OPEN,
    ReviewDecision.CARRIED: ActionStatus.OPEN,  # its copy in the same session says more
    ReviewDecision.DONE: ActionStatus.DONE,
    ReviewDecision.DROPPED: ActionStatus.DROPPED,
}


def _order(session: Session) -> tuple[datetime, str]:
    return (session.created_at, session.id)


class _Chains:
    """Links every appearance of an item to the key of its first appearance."""

    def __init__(self, sessions: Sequence[Session]) -> None:
        self.sessions = sorted(sessions, key=_order)
        self.keys: dict[tuple[str, str], str] = {}  # (session id, action id) -> chain key
        self.mentions: dict[str, list[Mention]] = {}
        self.items: dict[str, ActionItem] = {}  # chain key -> item in the newest holder
        self.origin: dict[str, Session] = {}
        self.holder: dict[str, Session] = {}

    def build(self) -> _Chains:
        for position, session in enumerate(self.sessions):
            for entry in session.review:
                key = self._key_of(entry.action, position, holder=None)
                self._mention(
                    key,
                    Mention(
                        session.id,
                        session.created_at,
                        MentionKind.REVIEW,
                        entry.action.id,
                        _DECISION_STATUS[entry.decision],
                    ),
                )
            for item in session.actions:
                key = self._key_of(item, position, holder=session)
                self.keys[(session.id, item.id)] = key
                self.items[key] = item
                self.holder[key] = session
                self._mention(
                    key,
                    Mention(
                        session.id, session.created_at, MentionKind.ACTION, item.id, item.status
                    ),
                )
        return self

    def _mention(self, key: str, mention: Mention) -> None:
        self.mentions.setdefault(key, []).append(mention)

    def _key_of(self, item: ActionItem, position: int, holder: Session | None) -> str:
        """The chain an appearance belongs to; `holder` is set when it is held, not reviewed.

        A held id without `~` starts a chain in `holder`. `a3~S` is held by S and continues
        `a3` of an earlier retro. A reviewed id names an item held by an earlier session:
        `a3~S` by S, a bare `a3` by the retro that raised it.
        """
        action_id = item.id
        if holder is not None:
            if "~" not in action_id:
                key = f"{holder.id}:{action_id}"
                self.origin.setdefault(key, holder)
                return key
            action_id = action_id.rsplit("~", 1)[0]
        if "~" in action_id:
            held_in = action_id.rsplit("~", 1)[1]
            known = self.keys.get((held_in, action_id))
            if known is not None:
                return known
        bare = base_id(action_id)
        origin = self._origin_of(item, bare, position)
        if origin is None:  # its first retro is not in this folder: key it on what we know
            key = f"{item.raised_on or '?'}:{bare}:{item.raised_in}"
            return key
        key = f"{origin.id}:{bare}"
        self.origin.setdefault(key, origin)
        return key

    def _origin_of(self, item: ActionItem, bare: str, position: int) -> Session | None:
        """The earlier session of the same team that raised `bare`, newest first."""
        team = name_key(self.sessions[position].team.strip())
        fallback: Session | None = None
        for session in reversed(self.sessions[:position]):
            if name_key(session.team.strip()) != team or session.action(bare) is None:
                continue
            same_retro = (
                session.title == item.raised_in
                and session.created_at.date().isoformat() == item.raised_on
            )
            if same_retro:
                return session
            fallback = fallback or session
        return fallback if not item.raised_in else None


def collect(sessions: Iterable[Session], today: date) -> list[ActionRow]:
    """Every action item of these sessions once, oldest retro first.

    Sessions are the hub's truth, not a viewer's redacted copy.
    """
    chains = _Chains(list(sessions)).build()
    rows: list[ActionRow] = []
    for key, mentions in chains.mentions.items():
        mentions.sort(key=lambda m: (m.created_at, m.session_id, m.kind is MentionKind.ACTION))
        item = chains.items.get(key)
        holder = chains.holder.get(key)
        if item is None or holder is None:
            continue  # only ever reviewed, never held here: its retro is elsewhere
        status = mentions[-1].status
        origin = chains.origin.get(key)
        raised = _raised_date(item, origin)
        overdue = status is ActionStatus.OPEN and bool(item.due) and item.due < today.isoformat()
        rows.append(
            ActionRow(
                ref=short_ref(key),
                key=key,
                id=item.id,
                text=item.text,
                owner=item.owner,
                due=item.due,
                metric=item.metric,
                status=status,
                age_days=max(0, (today - raised).days) if raised else 0,
                overdue=overdue,
                retro_title=item.raised_in or (origin.title if origin else holder.title),
                retro_date=raised.isoformat() if raised else "",
                session_id=holder.id,
                team=holder.team,
                carried=item.carried,
                origin_session_id=origin.id if origin else "",
                mentions=tuple(mentions),
            )
        )
    rows.sort(key=lambda r: (r.retro_date, r.origin_session_id, _natural(base_id(r.id))))
    return rows


def _natural(action_id: str) -> tuple[str, int]:
    digits = action_id.lstrip("abcdefghijklmnopqrstuvwxyz")
    return (action_id[: len(action_id) - len(digits)], int(digits) if digits.isdigit() else 0)


def _raised_date(item: ActionItem, origin: Session | None) -> date | None:
    if item.raised_on:
        try:
            return date.fromisoformat(item.raised_on)
        except ValueError:
            pass
    return origin.created_at.date() if origin else None


def filter_rows(
    rows: Iterable[ActionRow],
    *,
    open_only: bool = False,
    owner: str | None = None,
    overdue: bool = False,
    team: str | None = None,
) -> list[ActionRow]:
    """The rows a person asked for; names compare without regard to case or spacing."""
    owner_key = name_key(owner.strip()) if owner else None
    team_key = name_key(team.strip()) if team else None
    return [
        r
        for r in rows
        if (not open_only or r.is_open)
        and (not overdue or r.overdue)
        and (owner_key is None or name_key(r.owner.strip()) == owner_key)
        and (team_key is None or name_key(r.team.strip()) == team_key)
    ]


def find_row(rows: Sequence[ActionRow], typed: str) -> ActionRow:
    """The one item `typed` names: its ref, its key, or an action id, whole or a prefix.

    Accepted: `3f9a2c` (the ref printed by `retro-tui actions`), `2026-06-15-x:a10`
    (the key), `a10~2026-06-29-y` (an id as stored), `<session id>:<action id>` for any
    session holding it — or the unique start of any of these.
    """
    name = typed.strip()
    if not name:
        raise UnknownAction("Give an action id (the ref shown by `retro-tui actions`).")
    aliases: list[tuple[str, ActionRow]] = []
    for row in rows:
        names = {row.ref, row.key}
        for m in row.mentions:
            if m.kind is MentionKind.ACTION:
                names.add(m.action_id)
                names.add(f"{m.session_id}:{m.action_id}")
        aliases.extend((n, row) for n in names)
    for matches in (
        [row for n, row in aliases if n == name],
        [row for n, row in aliases if n.startswith(name)],
    ):
        unique = list({row.key: row for row in matches}.values())
        if len(unique) == 1:
            return unique[0]
        if len(unique) > 1:
            shown = ", ".join(f"{r.ref} ({_clip(r.text, 30)})" for r in unique[:5])
            more = ", …" if len(unique) > 5 else ""
            raise AmbiguousAction(
                f"{_clip(name, 40)!r} matches {len(unique)} action items: {shown}{more}. "
                "Use the ref from `retro-tui actions`."
            )
    raise UnknownAction(
        f"No action item {_clip(name, 40)!r}; `retro-tui actions` lists them with their refs."
    )


def _clip(text: str, limit: int) -> str:
    return shorten(" ".join(text.split()), limit)


def with_status(session: Session, mention: Mention, status: ActionStatus) -> Session:
    """`session` with the item at `mention` set to `status`.

    An item in the action list gets the status itself. An item under review gets the
    matching decision (done, dropped, or pending again for open), exactly as if the
    facilitator had decided so in that retro's review phase. Either way a decision
    waiting for data that is done before its threshold is recorded as acted early
    (`judging`, the rule the review uses).
    """
    if mention.session_id != session.id:
        raise ValueError("mention belongs to another session")
    if mention.kind is MentionKind.ACTION:
        item = session.action(mention.action_id)
        if item is None:
            raise UnknownAction(f"Action {mention.action_id!r} is no longer in {session.id}.")
        actions = tuple(
            judging.with_status(session, a, status) if a.id == mention.action_id else a
            for a in session.actions
        )
        return session.with_changes(actions=actions, revision=session.revision + 1)
    decision = {
        ActionStatus.OPEN: ReviewDecision.PENDING,
        ActionStatus.DONE: ReviewDecision.DONE,
        ActionStatus.DROPPED: ReviewDecision.DROPPED,
    }[status]
    if not any(r.action.id == mention.action_id for r in session.review):
        raise UnknownAction(f"Action {mention.action_id!r} is no longer reviewed in {session.id}.")
    review = tuple(
        replace(r, action=judging.settled(session, r.action, decision), decision=decision)
        if r.action.id == mention.action_id
        else r
        for r in session.review
    )
    return session.with_changes(review=review, revision=session.revision + 1)


def item_at(session: Session, mention: Mention) -> ActionItem | None:
    """The item `mention` names in `session`: in its action list or under its review."""
    if mention.kind is MentionKind.ACTION:
        return session.action(mention.action_id)
    return next((r.action for r in session.review if r.action.id == mention.action_id), None)

"""Taking back a destructive change: a deleted card, action item or note, a merge or an
un-merge, a link to a known problem taken away or replaced, by the person who made it.

The session keeps a short list of `UndoRecord`s, persisted with it, so an undo survives
a restart. A record holds only what the change touched — the cards, topics, votes,
action items, notes and problem links before and after it — not a copy of the session,
so undoing one change never erases what others did meanwhile. If something the change touched has
changed again since, the undo is refused rather than guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from retro_tui.domain import commands as c
from retro_tui.domain import problems as pr
from retro_tui.domain.errors import NotAllowed, Refused
from retro_tui.domain.model import Participant, Session, UndoRecord, Vote

KEPT = 20  # records kept per session; older changes can no longer be taken back

T = TypeVar("T")


def describe(command: c.Command, before: Session, after: Session) -> str | None:
    """What `command` did, when it is a change that can be taken back (else None)."""
    if isinstance(command, c.DeleteCard):
        return "Card deleted"
    if isinstance(command, c.DeleteAction):
        return "Action item deleted"
    if isinstance(command, c.Merge):
        return "Cards grouped"
    if isinstance(command, c.Unmerge):
        return "Card taken out of its topic"
    if isinstance(command, c.SetNotes) and not after.notes.get(command.target, ""):
        return "Notes deleted" if before.notes.get(command.target) else None
    if isinstance(command, c.UnlinkProblem | c.LinkProblem | c.NameProblem):
        return pr.undo_label(before, after, command.target)
    return None


def _by_id(items: tuple[Any, ...]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _touched(
    old: tuple[Any, ...], new: tuple[Any, ...], places: dict[str, int]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Items of `old` that changed or went, and items of `new` that changed or came."""
    old_ids, new_ids = _by_id(old), _by_id(new)
    gone_or_changed = tuple(x for x in old if new_ids.get(x.id) != x)
    came_or_changed = tuple(x for x in new if old_ids.get(x.id) != x)
    for index, item in enumerate(old):
        if item.id not in new_ids:
            places[item.id] = index
    return gone_or_changed, came_or_changed


def _part(session: Session, **parts: Any) -> Session:
    """A session holding only `parts` of a change (what an undo record keeps)."""
    empty: dict[str, Any] = {
        "participants": (),
        "cards": (),
        "topics": (),
        "votes": (),
        "actions": (),
        "notes": {},
        "current_topic": None,
        "review": (),
        "roti": {},
        "phase_log": (),
        "undoable": (),
        "problems": (),
        "problem_links": (),
    }
    return session.with_changes(**{**empty, **parts})


def remember(before: Session, after: Session, actor: str, what: str) -> Session:
    """`after`, with a record that lets `actor` take the change back."""
    places: dict[str, int] = {}
    cards = _touched(before.cards, after.cards, places)
    topics = _touched(before.topics, after.topics, places)
    actions = _touched(before.actions, after.actions, places)
    gone = Counter(before.votes) - Counter(after.votes)
    came = Counter(after.votes) - Counter(before.votes)
    every = before.notes.keys() | after.notes.keys()
    keys = {k for k in every if before.notes.get(k) != after.notes.get(k)}
    moved = before.current_topic != after.current_topic
    links = pr.links_touched(before, after)
    record = UndoRecord(
        id=f"u{before.revision + 1}",
        actor=actor,
        what=what,
        phase=after.phase,
        before=_part(
            before,
            cards=cards[0],
            topics=topics[0],
            actions=actions[0],
            votes=tuple(gone.elements()),
            notes={k: before.notes[k] for k in keys if k in before.notes},
            current_topic=before.current_topic if moved else None,
            **links[0],
        ),
        after=_part(
            after,
            cards=cards[1],
            topics=topics[1],
            actions=actions[1],
            votes=tuple(came.elements()),
            notes={k: after.notes[k] for k in keys if k in after.notes},
            current_topic=after.current_topic if moved else None,
            **links[1],
        ),
        places=places,
    )
    return after.with_changes(undoable=(*after.undoable, record)[-KEPT:])


def _unchanged_since(session: Session, record: UndoRecord) -> bool:
    before, after = record.before, record.after
    assert before is not None and after is not None
    for mine, theirs in (
        (session.cards, after.cards),
        (session.topics, after.topics),
        (session.actions, after.actions),
    ):
        now = _by_id(mine)
        if any(now.get(item.id) != item for item in theirs):
            return False
    changed: set[str] = {x.id for x in after.cards}
    changed |= {x.id for x in after.topics} | {x.id for x in after.actions}
    for items, gone in (
        (session.cards, before.cards),
        (session.topics, before.topics),
        (session.actions, before.actions),
    ):
        ids = _by_id(items)
        if any(x.id in ids and x.id not in changed for x in gone):
            return False
    if Counter(after.votes) - Counter(session.votes):
        return False
    for key in before.notes.keys() | after.notes.keys():
        if session.notes.get(key) != after.notes.get(key):
            return False
    if not pr.links_unchanged_since(session, before, after):
        return False
    moved = before.current_topic != after.current_topic
    return not moved or session.current_topic == after.current_topic


def _restore(
    now: tuple[T, ...], old: tuple[T, ...], new: tuple[T, ...], places: dict[str, int]
) -> tuple[T, ...]:
    key: Callable[[T], str] = lambda item: item.id  # type: ignore[attr-defined]  # noqa: E731
    old_ids = {key(x): x for x in old}
    came = {key(x) for x in new} - old_ids.keys()
    result = [old_ids.get(key(x), x) for x in now if key(x) not in came]
    present = {key(x) for x in result}
    for item in sorted(
        (x for x in old if key(x) not in present), key=lambda x: places.get(key(x), 0)
    ):
        result.insert(min(places.get(key(item), len(result)), len(result)), item)
    return tuple(result)


def _votes(
    now: tuple[Vote, ...], gone: tuple[Vote, ...], came: tuple[Vote, ...]
) -> tuple[Vote, ...]:
    left = Counter(came)
    kept = []
    for vote in now:
        if left[vote]:
            left[vote] -= 1
        else:
            kept.append(vote)
    return (*kept, *gone)


def take_back(session: Session, actor: Participant, cmd: c.Undo) -> Session:
    """Undo one of `actor`'s recorded changes (their latest when `cmd.record` is "")."""
    if cmd.record:
        record = next((r for r in session.undoable if r.id == cmd.record), None)
    else:
        record = next((r for r in reversed(session.undoable) if r.actor == actor.id), None)
    if record is None:
        raise Refused("There is nothing of yours to undo.")
    if record.actor != actor.id:
        raise NotAllowed("Only the person who made a change can undo it.")
    if session.phase is not record.phase:
        raise Refused(
            f"{record.what} during {record.phase.label}; it can be undone only then "
            f"(this is {session.phase.label})."
        )
    if not _unchanged_since(session, record):
        raise Refused(f"{record.what} cannot be undone: it has changed since.")
    before, after = record.before, record.after
    assert before is not None and after is not None
    notes = {k: v for k, v in session.notes.items() if k not in after.notes}
    notes.update(before.notes)
    changes: dict[str, Any] = {
        "cards": _restore(session.cards, before.cards, after.cards, record.places),
        "topics": _restore(session.topics, before.topics, after.topics, record.places),
        "actions": _restore(session.actions, before.actions, after.actions, record.places),
        "votes": _votes(session.votes, before.votes, after.votes),
        "notes": notes,
        "undoable": tuple(r for r in session.undoable if r is not record),
        **pr.links_undone(session, before, after),
    }
    if before.current_topic != after.current_topic:
        changes["current_topic"] = before.current_topic
    return session.with_changes(**changes)


def for_viewer(session: Session, viewer: str | None) -> tuple[UndoRecord, ...]:
    """The records a viewer may see: their own, without what the changes touched."""
    return tuple(
        replace(r, before=None, after=None, places={})
        for r in session.undoable
        if r.actor == viewer
    )

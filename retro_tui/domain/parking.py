"""The parking lot: topics and cards the facilitator sets aside for another time.

A parked item is not lost when the retro ends: like an open action it comes back in the
team's next retro, at the review, until the facilitator says it has been dealt with.
Parking is facilitation, so only the facilitator parks; everyone sees what is parked.
A parked item keeps only its text (never who wrote it), so anonymity holds as for cards.
"""

from __future__ import annotations

from dataclasses import replace

from retro_tui.domain.errors import Refused
from retro_tui.domain.model import ParkedItem, Session
from retro_tui.domain.phases import Phase

PARK_PHASES: tuple[Phase, ...] = (Phase.GROUP, Phase.VOTE, Phase.DISCUSS)
"""Phases in which a card or topic can be parked: once cards are revealed."""

PARKED_MAX = 100


def title_of(session: Session, target: str) -> str:
    """A card's or topic's first line, as a parked item keeps it."""
    return session.target_title(target).splitlines()[0] if session.target_title(target) else ""


def is_parked(session: Session, target: str) -> bool:
    return any(item.id == target for item in session.parked)


def park(session: Session, target: str) -> Session:
    """`target` (a card or topic of this retro) in the parking lot."""
    if session.card(target) is None and session.topic(target) is None:
        raise Refused("That card or topic no longer exists.")
    if is_parked(session, target):
        raise Refused("That is already in the parking lot.")
    if len(session.parked) >= PARKED_MAX:
        raise Refused(f"The parking lot holds at most {PARKED_MAX} items.")
    item = ParkedItem(
        id=target,
        text=title_of(session, target),
        raised_on=session.created_at.date().isoformat(),
        raised_in=session.title,
    )
    return session.with_changes(parked=(*session.parked, item))


def unpark(session: Session, target: str) -> Session:
    if not is_parked(session, target):
        raise Refused("That is not in the parking lot.")
    return session.with_changes(parked=tuple(p for p in session.parked if p.id != target))


def settle(session: Session, item_id: str, settled: bool) -> Session:
    """Mark one of last retro's parked items dealt with (or not) at this review."""
    item = next((p for p in session.parked_before if p.id == item_id), None)
    if item is None:
        raise Refused("That is not in last retro's parking lot.")
    changed = replace(item, settled=settled)
    return session.with_changes(
        parked_before=tuple(changed if p is item else p for p in session.parked_before)
    )


def current(session: Session) -> tuple[ParkedItem, ...]:
    """This retro's parked items with their titles as they are now (a topic retitled
    after parking shows its new title); none while cards are face-down again."""
    if not session.cards_revealed:
        return ()
    out = []
    for item in session.parked:
        exists = session.card(item.id) is not None or session.topic(item.id) is not None
        out.append(replace(item, text=title_of(session, item.id)) if exists else item)
    return tuple(out)


def carried(previous: Session | None) -> tuple[ParkedItem, ...]:
    """What the team's next retro reviews: last retro's parked items, and the items it
    had itself carried but not dealt with. Ids get the old session's id, so a card id
    never collides with the new retro's own."""
    if previous is None:
        return ()
    fresh = tuple(
        replace(item, id=f"{item.id}~{previous.id}", settled=False)
        for item in current(previous.with_changes(phase=Phase.CLOSE))
    )
    still = tuple(item for item in previous.parked_before if not item.settled)
    return still + fresh

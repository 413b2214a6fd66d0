"""Raised hands: anyone raises theirs in any phase; the facilitator works the queue.

The queue keeps the order hands went up. What a viewer may see of it is decided in
`room_views.hands_for`: the facilitator of a named retro sees who and since when; everyone else
(and everyone in an anonymous retro, the facilitator included) sees how many hands are
up, plus their own.
"""

from __future__ import annotations

from datetime import datetime

from retro_tui.domain import commands as c
from retro_tui.domain.errors import NotAllowed, Refused
from retro_tui.domain.model import Participant, Session
from retro_tui.domain.room import Hand
from retro_tui.domain.room_views import hand_of
from retro_tui.domain.rules import _facilitator_only, _handles, _new_id


@_handles(c.RaiseHand)
def _raise_hand(session: Session, actor: Participant, cmd: c.RaiseHand, now: datetime) -> Session:
    mine = hand_of(session, actor.id)
    if not cmd.raised:
        if mine is None:
            return session
        return session.with_changes(hands=tuple(h for h in session.hands if h is not mine))
    if mine is not None:  # a second press in a burst changes nothing
        return session
    hid, session = _new_id(session, "h")
    hand = Hand(id=hid, participant=actor.id, raised_at=now)
    return session.with_changes(hands=(*session.hands, hand))


@_handles(c.LowerHand)
def _lower_hand(session: Session, actor: Participant, cmd: c.LowerHand, now: datetime) -> Session:
    hand = next((h for h in session.hands if h.id == cmd.hand), None)
    if hand is None:
        raise Refused("That hand is already down.")
    if hand.participant != actor.id and not actor.is_facilitator:
        raise NotAllowed("Only the facilitator can lower someone else's hand.")
    return session.with_changes(hands=tuple(h for h in session.hands if h is not hand))


@_handles(c.LowerAllHands)
def _lower_all(
    session: Session, actor: Participant, cmd: c.LowerAllHands, now: datetime
) -> Session:
    _facilitator_only(actor, "lower everyone's hands")
    return session.with_changes(hands=())

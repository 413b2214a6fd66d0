"""What one person may see of a session: the hub sends each client only its own copy.

Before the reveal, other people's cards keep their place and column (so counts show) but
lose text and author. Until voting ends, only your own votes are visible. In anonymous
mode nobody's authorship, votes, ratings or check-in are shown but your own. Check-in
words and moods are the facilitator's to see (and nobody's but their own person's in an
anonymous retro): the others learn only that someone has checked in.

A browser page reads everything it is sent, shown or not, so what is redacted here never
leaves the hub.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retro_tui.domain import health, parking
from retro_tui.domain.anonymity import reveal_order, timeless, unnamed_checkins
from retro_tui.domain.model import Card, CheckinAnswer, Participant, Session, Vote
from retro_tui.domain.room_views import room_view
from retro_tui.domain.undo import for_viewer


def _redact_card(card: Card, viewer: str | None, *, revealed: bool, anonymous: bool) -> Card:
    if card.author == viewer:
        return card
    if not revealed:
        return replace(card, text="", author="", hidden=True)
    if anonymous:
        return replace(card, author="")
    return card


def _redact_votes(session: Session, viewer: str | None) -> tuple[Vote, ...]:
    if not session.votes_revealed:
        return tuple(v for v in session.votes if v.voter == viewer)
    if session.settings.anonymous:
        return tuple(
            v if v.voter == viewer else Vote(voter="", target=v.target) for v in session.votes
        )
    return session.votes


def view_for(session: Session, viewer: str | None) -> Session:
    """The session as `viewer` (a participant id, or None for a public screen) may see it."""
    revealed = session.cards_revealed
    anonymous = session.settings.anonymous
    cards = tuple(
        timeless(session, _redact_card(c, viewer, revealed=revealed, anonymous=anonymous), viewer)
        for c in reveal_order(session, session.cards)
    )
    roti = session.roti
    if anonymous:
        # Numbered in the order of the scores, never of the people: "anon-0" must not be
        # the rating of whoever has the smallest participant id.
        others = sorted(score for pid, score in roti.items() if pid != viewer)
        roti = {f"anon-{i}": score for i, score in enumerate(others)}
        if viewer in session.roti:
            roti[viewer] = session.roti[viewer]
    people = _redact_checkins(session, viewer, anonymous=anonymous)
    links = session.problem_links
    if not revealed:  # the same for every viewer, so the hub encodes them once
        links = tuple(k for k in links if session.card(k.target) is None)
    return session.with_changes(
        cards=cards,
        votes=_redact_votes(session, viewer),
        roti=roti,
        participants=redact_seats(people),
        redacted_for=viewer or "",
        # A face-down card's link would tell what it is about (the facilitator went back
        # to writing after linking it).
        problem_links=links,
        undoable=for_viewer(session, viewer),
        **room_view(session, viewer),
        checkin_answers=checkin_answers_for(session, viewer),
        parked=parking.current(session),  # the same for every viewer
        health=health.for_viewer(session.health),  # likewise: no seat beside a score
    )


def checkin_answers_for(session: Session, viewer: str | None) -> tuple[CheckinAnswer, ...]:
    """An anonymous retro's check-ins for the facilitator's own seat: words and moods
    without names (domain/anonymity.py); nobody else reads them, as in a named retro."""
    reader = session.participant(viewer) if viewer else None
    if not (session.settings.anonymous and reader is not None and reader.is_facilitator):
        return ()
    return unnamed_checkins(session)


CHECKED_IN = "(checked in)"
"""What a viewer's copy says of another person's check-in it may not read."""


def reads_every_checkin(session: Session, viewer: str | None) -> bool:
    """The facilitator's own seat reads every check-in, unless the retro is anonymous."""
    reader = session.participant(viewer) if viewer else None
    return reader is not None and reader.is_facilitator and not session.settings.anonymous


def _redact_checkins(
    session: Session, viewer: str | None, *, anonymous: bool
) -> tuple[Participant, ...]:
    people = session.participants
    if reads_every_checkin(session, viewer):
        return people
    if not any((p.checkin_word or p.mood is not None) and p.id != viewer for p in people):
        return people
    return tuple(
        replace(p, checkin_word=CHECKED_IN, mood=None)
        if p.id != viewer and (p.checkin_word or p.mood is not None)
        else p
        for p in people
    )


SEAT_BOUND = "bound"
"""What a viewer's copy says of a seat bound to a browser: never the identity's hash."""


def redact_seats(people: tuple[Participant, ...]) -> tuple[Participant, ...]:
    """The people as any viewer sees them: a bound seat says so, never the hash."""
    if not any(p.seat and p.seat != SEAT_BOUND for p in people):
        return people
    return tuple(replace(p, seat=SEAT_BOUND) if p.seat else p for p in people)


def votes_used(session: Session, viewer: str) -> int:
    return sum(1 for v in session.votes if v.voter == viewer)


@dataclass(frozen=True)
class BoardView:
    """What a client renders: its own copy of the session, who it is, and who is online."""

    session: Session
    you: str
    online: frozenset[str] = frozenset()
    problem: str = ""  # e.g. the store cannot write; shown to the facilitator
    presenting: bool = False  # a shared screen: shows only what everyone may see

    @property
    def me(self) -> Participant | None:
        return self.session.participant(self.you)

    @property
    def is_facilitator(self) -> bool:
        me = self.me
        return me is not None and me.is_facilitator

"""What one person may see of a session: the hub sends each client only its own copy.

Before the reveal, other people's cards keep their place and column (so counts show) but
lose text and author. Until voting ends, only your own votes are visible. In anonymous
mode nobody's authorship or votes are shown but your own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retro_tui.domain.model import Card, Participant, Session, Vote
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
        _redact_card(card, viewer, revealed=revealed, anonymous=anonymous) for card in session.cards
    )
    roti = session.roti
    if anonymous:
        roti = {
            (pid if pid == viewer else f"anon-{i}"): score
            for i, (pid, score) in enumerate(sorted(roti.items()))
        }
    links = session.problem_links
    if not revealed:  # the same for every viewer, so the hub encodes them once
        links = tuple(k for k in links if session.card(k.target) is None)
    return session.with_changes(
        cards=cards,
        votes=_redact_votes(session, viewer),
        roti=roti,
        participants=_redact_seats(session.participants),
        redacted_for=viewer or "",
        # A face-down card's link would tell what it is about (the facilitator went back
        # to writing after linking it).
        problem_links=links,
        undoable=for_viewer(session, viewer),
    )


SEAT_BOUND = "bound"
"""What a viewer's copy says of a seat bound to a browser: never the identity's hash."""


def _redact_seats(people: tuple[Participant, ...]) -> tuple[Participant, ...]:
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

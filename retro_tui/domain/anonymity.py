"""What an anonymous retro must not give away by order or by time.

Names are not the only way to tell who wrote what. Cards shown in the order they were
written let anyone who watched the room type match a card to a person, and a check-in
list of words beside names defeats the setting outright. So in an anonymous retro:

- revealed cards stand in an order that follows neither write time nor seat: sorted by
  a hash of the card's id salted with the session's id, the same on every screen (each
  viewer's copy is ordered by this one function) and stable while cards come and go;
- other people's cards carry the session's start as their time, not their own;
- check-in words and moods reach the one who may read them (the facilitator) without
  names, sorted by word and mood, so the list says how the room arrives, not who said what.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from retro_tui.domain.model import Card, CheckinAnswer, Session


def _place(salt: str, card_id: str) -> str:
    return hashlib.sha256(f"{salt}\x00{card_id}".encode()).hexdigest()


def reveal_order(session: Session, cards: tuple[Card, ...]) -> tuple[Card, ...]:
    """`cards` in the order every screen shows them: as written, except in an anonymous
    retro after the reveal, where the order is the salted hash of each card's id."""
    if not (session.settings.anonymous and session.cards_revealed):
        return cards
    return tuple(sorted(cards, key=lambda card: _place(session.id, card.id)))


def timeless(session: Session, card: Card, viewer: str | None) -> Card:
    """Another person's card in an anonymous retro, its write time replaced by the
    session's start (the time would order cards by writer as well as the list did)."""
    if not session.settings.anonymous or card.author == viewer:
        return card
    return replace(card, created_at=session.created_at)


def unnamed_checkins(session: Session) -> tuple[CheckinAnswer, ...]:
    """Every check-in given, without names, sorted by word then mood."""
    answers = [
        CheckinAnswer(word=p.checkin_word, mood=p.mood)
        for p in session.participants
        if p.checkin_word or p.mood is not None
    ]
    return tuple(sorted(answers, key=lambda a: (a.word.casefold(), a.word, a.mood or 0)))

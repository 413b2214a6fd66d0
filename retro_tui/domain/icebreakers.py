"""Icebreakers: which check-in question a team gets, so it does not hear one twice
before the bank is used up.

The choice is a pure function of the bank, the questions the team was asked before
(read from its earlier sessions by the launcher: no state file to lose or to go stale)
and a seed (so two teams do not walk the bank in the same order). The session keeps
the chosen question and the next few, so the facilitator's skip needs no bank at hand.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Session

QUESTION_MAX = 200
QUEUE_LENGTH = 12
"""Questions a session keeps ready for skipping: more than anyone skips in one check-in."""


def _shuffle_key(seed: int, question: str) -> str:
    return hashlib.sha256(f"{seed}\x00{question}".encode()).hexdigest()


def upcoming(bank: Sequence[str], asked: Iterable[str], seed: int) -> tuple[str, ...]:
    """The bank in the order the team should meet it: questions asked least often first
    (so none comes back before every other has been asked as often), shuffled by `seed`
    among equals. Duplicates in the bank count once."""
    times = Counter(asked)
    unique = list(dict.fromkeys(q for q in bank if q))
    return tuple(sorted(unique, key=lambda q: (times[q], _shuffle_key(seed, q))))


def opening(bank: Sequence[str], asked: Iterable[str], seed: int) -> tuple[str, tuple[str, ...]]:
    """A new session's question and the ones kept ready after it ("" when no bank)."""
    order = upcoming(bank, asked, seed)
    if not order:
        return "", ()
    return order[0], order[1 : 1 + QUEUE_LENGTH]


def skip(session: Session) -> Session:
    """The next question in place of the current one; the skipped one goes last, so a
    facilitator who skips round the queue comes back to it."""
    if not session.icebreakers_next:
        raise Refused("There is no other check-in question to skip to.")
    following = session.icebreakers_next[1:]
    if session.icebreaker:
        following = (*following, session.icebreaker)
    return session.with_changes(icebreaker=session.icebreakers_next[0], icebreakers_next=following)

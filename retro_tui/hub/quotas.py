"""Per-person quotas on what the room shares: comments, reactions, and how often one
person's hand, ready mark or reaction may flicker on everybody's screen.

The session's own caps (`COMMENTS_PER_TOPIC`, `MAX_COMMENTS`, `MAX_REACTIONS`) keep a
session's size bounded, but one person could reach them alone: a hundred comments on a
topic and nobody else could comment on it. These quotas bind that person instead, and
the refusal says the number. With the default seat bound (two seats per place online,
so 100), the per-person quotas add up to the session caps, so one person, or a handful,
never reaches them.

Why the hub counts in memory and nowhere else: an anonymous comment is stored without
its author and a reaction only as a hash, on purpose. A count kept on the seat record
("2 comments on topic t3") would name the author of a topic's only comment. So the hub
keeps the counts in its own memory, per participant, and never writes, logs or sends
them. What a restart forgets: reactions are recounted exactly (the hub holds the
browser's secret whose hash marks them), named comments from their authors; only the
anonymous comments of before a restart are not counted again, and the session caps
still hold.

Signals (a hand raised or lowered, a ready or done mark, a reaction) store nothing that
grows, but each one redraws every screen in the room: a script raising and lowering a
hand at the hub's rate (20 a second, from each of a browser's tabs) kept every tab of a
50-person retro redrawing 20 to 60 times a second. One person's signals are paced
(`SIGNALS_PER_SECOND`, after a burst of `SIGNAL_BURST`, counted per person over all
their tabs).

A seat moved to a fresh browser identity (the join link opened again) is paced too:
each move is a save of the whole session, and a script re-opening the link in a loop
kept the disk busy for everyone.

The facilitator is bound by none of these quotas, only by the session's caps: the
facilitator link is the one trusted way in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Final

from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Session
from retro_tui.domain.reactions import has_reacted, reactions_by
from retro_tui.pacing import TokenBucket

COMMENTS_PER_PERSON_PER_TOPIC: Final = 10
COMMENTS_PER_PERSON: Final = 20
REACTIONS_PER_PERSON: Final = 200
SIGNALS_PER_SECOND: Final = 3.0
SIGNAL_BURST: Final = 15.0
SIGNALS: Final = (c.RaiseHand, c.SetReady, c.MarkDone, c.React)
SEAT_MOVES_PER_SECOND: Final = 0.1
SEAT_MOVE_BURST: Final = 5.0
TOO_MANY_SEAT_MOVES: Final = (
    "This browser opened the join link many times in a row. It is still in its seat: "
    "reload the page instead, or wait a minute."
)
TOO_MANY_SIGNALS: Final = (
    "That was a lot of hands, ready marks and reactions at once; "
    "everyone's screen redraws for each. Wait a moment, then try again."
)


class RoomQuotas:
    """How many comments and reactions each participant has added, in the hub's memory."""

    def __init__(self, session: Session, clock: Callable[[], float]) -> None:
        """`clock` gives seconds (the hub's own clock, so tests control it)."""
        self.clock = clock
        self._signals: dict[str, TokenBucket] = {}
        self._seat_moves: dict[str, TokenBucket] = {}
        self._on_topic: Counter[tuple[str, str]] = Counter()
        self._comments: Counter[str] = Counter()
        self._reactions: dict[str, int] = {}
        for comment in session.comments:
            if comment.author:  # a named retro keeps authors; anonymous comments have none
                self._on_topic[comment.author, comment.target] += 1
                self._comments[comment.author] += 1

    def admit(self, session: Session, pid: str, command: c.Command) -> None:
        """Refuse, with the number, a command that would take this person past a quota."""
        if _chairs(session, pid):
            return  # the facilitator link is trusted; the session's own caps still hold
        signal = isinstance(command, SIGNALS)
        if signal and not self._pace(self._signals, pid, SIGNALS_PER_SECOND, SIGNAL_BURST):
            raise Refused(TOO_MANY_SIGNALS)
        if isinstance(command, c.AddComment):
            if self._on_topic[pid, command.target] >= COMMENTS_PER_PERSON_PER_TOPIC:
                raise Refused(
                    f"You can add at most {COMMENTS_PER_PERSON_PER_TOPIC} comments per topic."
                )
            if self._comments[pid] >= COMMENTS_PER_PERSON:
                raise Refused(f"You can add at most {COMMENTS_PER_PERSON} comments in a retro.")
        elif isinstance(command, c.React):
            if pid not in self._reactions:
                self._reactions[pid] = reactions_by(session, command.reactor)
            full = self._reactions[pid] >= REACTIONS_PER_PERSON
            if full and not has_reacted(session, command.reactor, command.target, command.kind):
                raise Refused(
                    f"You can give at most {REACTIONS_PER_PERSON} reactions; "
                    "take one back to give another."
                )

    def move_seat(self, pid: str) -> None:
        """Refuse a seat's move to a fresh browser identity when it moves again and again."""
        if not self._pace(self._seat_moves, pid, SEAT_MOVES_PER_SECOND, SEAT_MOVE_BURST):
            raise Refused(TOO_MANY_SEAT_MOVES)

    def _pace(self, paces: dict[str, TokenBucket], pid: str, rate: float, burst: float) -> bool:
        """Take one from this person's bucket in `paces` (made on first use)."""
        pace = paces.get(pid)
        if pace is None:
            pace = paces[pid] = TokenBucket(rate, burst, clock=self.clock)
        return pace.allow()

    def count(self, before: Session, after: Session, pid: str, command: c.Command) -> None:
        """Count what an applied command added (or, for a reaction, took back)."""
        if isinstance(command, c.AddComment) and len(after.comments) > len(before.comments):
            self._on_topic[pid, command.target] += 1
            self._comments[pid] += 1
        elif isinstance(command, c.React) and pid in self._reactions:
            grown = len(after.reactions) - len(before.reactions)
            self._reactions[pid] = max(0, self._reactions[pid] + grown)


def _chairs(session: Session, pid: str) -> bool:
    person = session.participant(pid)
    return person is not None and person.is_facilitator

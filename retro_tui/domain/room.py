"""The live room's values: raised hands, the ready check, reactions and comments.

Plain frozen values the session holds (see `model.Session`); the rules that change them
live in `hands.py`, `ready.py`, `reactions.py` and `comments.py`, one feature each, so
this module imports nothing of the session and the model can import it.

Anonymity is decided in how they are stored, not only in how they are shown: a reaction
keeps no participant id at all (its `key` is a one-way hash of the reacting browser's
secret, which the session file never holds), and a comment in an anonymous retro is
stored without its author. So even the session file cannot be turned into who reacted
or who commented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from retro_tui.domain.phases import Phase

COMMENT_MAX = 280
"""A comment's length: a remark under a topic, not a second card."""


@dataclass(frozen=True)
class Hand:
    """A raised hand, queued in the order hands went up."""

    id: str
    participant: str  # "" in a viewer's copy that may not know whose hand it is
    raised_at: datetime | None  # None in such a copy: the count is all it may see


@dataclass(frozen=True)
class ReadyCheck:
    """Who said "ready" in one phase (and, in discuss, on one topic).

    Marks count only while the session is still where they were given: moving on to
    another phase or topic starts a fresh check without any rule having to clear it.
    Write and vote keep their own marks (`done_writing`, `done_voting`), which are
    their ready check.
    """

    phase: Phase | None = None
    topic: str | None = None
    people: tuple[str, ...] = ()
    requested: bool = False  # the facilitator asked everyone to confirm


class ReactionKind(StrEnum):
    AGREE = "agree"
    LOVE = "love"
    IDEA = "idea"
    QUESTION = "question"

    @property
    def symbol(self) -> str:
        return REACTION_SYMBOLS[self]

    @property
    def label(self) -> str:
        """The symbol with its name beside it: read aloud by a screen reader, and
        understood where a font lacks the symbol."""
        return f"{self.symbol} {self.value}"


REACTION_SYMBOLS: dict[ReactionKind, str] = {
    # Plain BMP symbols drawn by every terminal font, none of them an emoji that needs a
    # colour font (✋ or 👍 would be two cells wide in some terminals and blank in others).
    ReactionKind.AGREE: "✓",
    ReactionKind.LOVE: "♥",
    ReactionKind.IDEA: "✦",
    ReactionKind.QUESTION: "?",
}


@dataclass(frozen=True)
class Reaction:
    target: str  # a card or topic id
    kind: ReactionKind
    key: str  # one person's mark on this target and kind (a hash); "" in a viewer's copy


@dataclass(frozen=True)
class Comment:
    id: str
    target: str  # a topic id, or a card that is in no topic
    author: str  # a participant id; "" in an anonymous retro, where it is never stored
    text: str
    created_at: datetime

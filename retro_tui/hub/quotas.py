"""Per-person quotas on what the room shares: comments and reactions.

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
"""

from __future__ import annotations

from collections import Counter
from typing import Final

from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Session
from retro_tui.domain.reactions import has_reacted, reactions_by

COMMENTS_PER_PERSON_PER_TOPIC: Final = 10
COMMENTS_PER_PERSON: Final = 20
REACTIONS_PER_PERSON: Final = 200


class RoomQuotas:
    """How many comments and reactions each participant has added, in the hub's memory."""

    def __init__(self, session: Session) -> None:
        self._on_topic: Counter[tuple[str, str]] = Counter()
        self._comments: Counter[str] = Counter()
        self._reactions: dict[str, int] = {}
        for comment in session.comments:
            if comment.author:  # a named retro keeps authors; anonymous comments have none
                self._on_topic[comment.author, comment.target] += 1
                self._comments[comment.author] += 1

    def admit(self, session: Session, pid: str, command: c.Command) -> None:
        """Refuse, with the number, a command that would take this person past a quota."""
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

    def count(self, before: Session, after: Session, pid: str, command: c.Command) -> None:
        """Count what an applied command added (or, for a reaction, took back)."""
        if isinstance(command, c.AddComment) and len(after.comments) > len(before.comments):
            self._on_topic[pid, command.target] += 1
            self._comments[pid] += 1
        elif isinstance(command, c.React) and pid in self._reactions:
            grown = len(after.reactions) - len(before.reactions)
            self._reactions[pid] = max(0, self._reactions[pid] + grown)

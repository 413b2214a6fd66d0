"""The phases of a retro, in order, and which of them a facilitator may skip."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    CHECKIN = "checkin"
    REVIEW = "review"
    WRITE = "write"
    GROUP = "group"
    VOTE = "vote"
    DISCUSS = "discuss"
    ACTIONS = "actions"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return PHASE_TITLES[self]

    @property
    def order(self) -> int:
        return PHASE_ORDER.index(self)


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

PHASE_TITLES: dict[Phase, str] = {
    Phase.CHECKIN: "Check-in",
    Phase.REVIEW: "Review actions",
    Phase.WRITE: "Write",
    Phase.GROUP: "Group",
    Phase.VOTE: "Vote",
    Phase.DISCUSS: "Discuss",
    Phase.ACTIONS: "Actions",
    Phase.CLOSE: "Close",
}

OPTIONAL_PHASES: frozenset[Phase] = frozenset({Phase.CHECKIN, Phase.REVIEW})

# Minutes used when a format does not say; 0 means "no timer by default".
DEFAULT_DURATIONS: dict[Phase, int] = {
    Phase.CHECKIN: 3,
    Phase.REVIEW: 5,
    Phase.WRITE: 7,
    Phase.GROUP: 5,
    Phase.VOTE: 3,
    Phase.DISCUSS: 25,
    Phase.ACTIONS: 7,
    Phase.CLOSE: 3,
}

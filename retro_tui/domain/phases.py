"""The phases of a retro, in order, and which of them a facilitator may skip."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    CHECKIN = "checkin"
    DATA = "data"
    REVIEW = "review"
    HEALTH = "health"
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
    Phase.DATA: "Data",
    Phase.REVIEW: "Review actions",
    Phase.HEALTH: "Health check",
    Phase.WRITE: "Write",
    Phase.GROUP: "Group",
    Phase.VOTE: "Vote",
    Phase.DISCUSS: "Discuss",
    Phase.ACTIONS: "Actions",
    Phase.CLOSE: "Close",
}

OPTIONAL_PHASES: frozenset[Phase] = frozenset(
    {Phase.CHECKIN, Phase.DATA, Phase.REVIEW, Phase.HEALTH}
)


def phases_of(data_step: bool, health_step: bool = False) -> tuple[Phase, ...]:
    """The phases a session goes through. The Data step (the team's numbers, before the
    review so that actions are judged with this retro's figures) is visited only by
    sessions that use it: a team without numbers never sees an empty step. The health
    check (domain/health.py) likewise, only by sessions that turned it on."""
    left_out = {Phase.DATA} if not data_step else set()
    if not health_step:
        left_out.add(Phase.HEALTH)
    return tuple(p for p in PHASE_ORDER if p not in left_out)


# Minutes used when a format does not say; 0 means "no timer by default".
DEFAULT_DURATIONS: dict[Phase, int] = {
    Phase.CHECKIN: 3,
    Phase.DATA: 5,
    Phase.REVIEW: 5,
    Phase.HEALTH: 5,
    Phase.WRITE: 7,
    Phase.GROUP: 5,
    Phase.VOTE: 3,
    Phase.DISCUSS: 25,
    Phase.ACTIONS: 7,
    Phase.CLOSE: 3,
}

"""The session snapshot: immutable values, replaced by the rules, never mutated."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from retro_tui.domain.formats import ColumnSpec
from retro_tui.domain.measures import (
    Direction,
    Measurement,
    ReadinessCheck,
    TeamNumber,
)
from retro_tui.domain.phases import Phase
from retro_tui.domain.room import Comment, Hand, Reaction, ReadyCheck


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ReviewDecision(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CARRIED = "carried"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    role: Role
    joined_at: datetime
    done_writing: bool = False
    done_voting: bool = False
    checkin_word: str = ""
    mood: int | None = None
    seat: str = ""  # sha256 of the browser identity bound to this seat; "" = none (released)

    @property
    def is_facilitator(self) -> bool:
        return self.role is Role.FACILITATOR


@dataclass(frozen=True)
class Card:
    """A card. `hidden` is set only in a viewer's copy, where text and author are blanked."""

    id: str
    column: str
    author: str
    text: str
    created_at: datetime
    topic: str | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Topic:
    """Cards merged under one title; voted on and discussed as one item."""

    id: str
    title: str
    column: str


@dataclass(frozen=True)
class Vote:
    voter: str
    target: str  # a topic id, or the id of a card that is in no topic


@dataclass(frozen=True)
class ActionItem:
    id: str
    text: str
    owner: str = ""
    due: str = ""  # ISO date or ""
    metric: str = ""
    source: str | None = None  # topic or card id it came from
    status: ActionStatus = ActionStatus.OPEN
    raised_on: str = ""  # ISO date of the retro that first raised it
    raised_in: str = ""  # title of that retro
    carried: int = 0  # how many retros it has been carried over
    # Measured actions (see domain/measures.py); a decision's target is its threshold.
    baseline: float | None = None
    target: float | None = None
    direction: Direction = Direction.UP
    decision: bool = False  # a decision waiting for its metric to reach the target
    actuals: tuple[Measurement, ...] = ()  # entered at later reviews, oldest first
    acted_early: bool = False  # a decision marked done before its threshold was reached

    @property
    def missing(self) -> tuple[str, ...]:
        """The SMART parts this item lacks: owner, due date, metric, and a target (a
        metric without a target is not measurable)."""
        parts = (
            ("owner", self.owner),
            ("due date", self.due),
            ("metric", self.metric),
            ("target", self.target is not None),
        )
        return tuple(name for name, value in parts if not value)

    @property
    def measured(self) -> bool:
        return self.target is not None and not self.decision

    @property
    def latest_actual(self) -> Measurement | None:
        return self.actuals[-1] if self.actuals else None

    @property
    def is_smart(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class ReviewItem:
    action: ActionItem
    decision: ReviewDecision = ReviewDecision.PENDING


@dataclass(frozen=True)
class Timer:
    """A countdown stored as a deadline, so any client can count down without ticks."""

    duration: int = 0  # seconds, as last set
    deadline: datetime | None = None  # set while running
    remaining: float = 0.0  # seconds left while paused or stopped

    @property
    def running(self) -> bool:
        return self.deadline is not None

    def remaining_at(self, now: datetime) -> float:
        if self.deadline is None:
            return self.remaining
        return max(0.0, (self.deadline - now).total_seconds())

    def expired_at(self, now: datetime) -> bool:
        return self.duration > 0 and self.remaining_at(now) <= 0


@dataclass(frozen=True)
class PhaseRecord:
    phase: Phase
    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Problem:
    """A problem a team keeps naming: its id stays the same in every retro that links it."""

    id: str
    name: str


@dataclass(frozen=True)
class ProblemLink:
    """The facilitator's word that a card or topic of this retro is a known problem."""

    target: str  # a card or topic id
    problem: str  # a Problem id


@dataclass(frozen=True)
class CheckinAnswer:
    """One check-in without its person: a word (may be "") and a mood (may be None)."""

    word: str
    mood: int | None = None


@dataclass(frozen=True)
class ParkedItem:
    """A card or topic set aside for later: its text, never its author."""

    id: str  # the card or topic; "<id>~<session id>" once carried to a later retro
    text: str
    raised_on: str = ""  # ISO date of the retro that parked it
    raised_in: str = ""  # that retro's title
    settled: bool = False  # dealt with at a later retro's review


@dataclass(frozen=True)
class HealthDimension:
    """One thing a team rates itself on in the health check."""

    key: str
    title: str
    prompt: str = ""


@dataclass(frozen=True)
class HealthCheck:
    """The health check's ratings with no seat beside any score (domain/health.py)."""

    dimensions: tuple[HealthDimension, ...] = ()
    scores: dict[str, tuple[int, ...]] = field(default_factory=dict)  # sorted, per dimension
    rated: tuple[str, ...] = ()  # sorted ids of those who rated
    revealed: bool = False


@dataclass(frozen=True)
class Settings:
    anonymous: bool = False
    votes_per_person: int = 5
    max_votes_per_target: int | None = None
    participants_may_group: bool = False
    topic_minutes: int = 5
    joining_locked: bool = False  # new seats refused; existing seats still come back


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    team: str
    format_key: str
    format_name: str
    columns: tuple[ColumnSpec, ...]
    created_at: datetime
    durations: dict[Phase, int] = field(default_factory=dict)  # planned minutes
    settings: Settings = Settings()
    phase: Phase = Phase.CHECKIN
    participants: tuple[Participant, ...] = ()
    cards: tuple[Card, ...] = ()
    topics: tuple[Topic, ...] = ()
    votes: tuple[Vote, ...] = ()
    current_topic: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    actions: tuple[ActionItem, ...] = ()
    review: tuple[ReviewItem, ...] = ()
    roti: dict[str, int] = field(default_factory=dict)
    timer: Timer = Timer()
    phase_log: tuple[PhaseRecord, ...] = ()
    revision: int = 0
    next_id: int = 1
    redacted_for: str | None = None  # set on a viewer's copy; None on the hub's truth
    problems: tuple[Problem, ...] = ()  # the known problems this retro links to
    problem_links: tuple[ProblemLink, ...] = ()
    undoable: tuple[UndoRecord, ...] = ()  # recent destructive changes (domain/undo.py)
    data_step: bool = False  # the optional Data step (the team's numbers) is on
    numbers: tuple[TeamNumber, ...] = ()
    readiness: tuple[ReadinessCheck, ...] = ()
    # The live room (domain/room.py): raised hands, the ready check, reactions, comments.
    hands: tuple[Hand, ...] = ()
    ready: ReadyCheck = field(default_factory=ReadyCheck)
    reactions: tuple[Reaction, ...] = ()
    comments: tuple[Comment, ...] = ()
    # Issue 16, part B (domain/anonymity.py): set only in a viewer's copy.
    checkin_answers: tuple[CheckinAnswer, ...] = ()  # an anonymous retro's, without names
    # The parking lot (domain/parking.py): this retro's, and last retro's for the review.
    parked: tuple[ParkedItem, ...] = ()
    parked_before: tuple[ParkedItem, ...] = ()
    # The check-in question (domain/icebreakers.py) and the ones ready for a skip.
    icebreaker: str = ""
    icebreakers_next: tuple[str, ...] = ()
    opened_early: bool = False  # Write was opened before the meeting (domain/prewrite.py)
    health_step: bool = False  # the optional health check is on
    health: HealthCheck = HealthCheck()

    # --- lookups -------------------------------------------------------------
    def participant(self, pid: str) -> Participant | None:
        return next((p for p in self.participants if p.id == pid), None)

    def card(self, cid: str) -> Card | None:
        return next((c for c in self.cards if c.id == cid), None)

    def topic(self, tid: str) -> Topic | None:
        return next((t for t in self.topics if t.id == tid), None)

    def action(self, aid: str) -> ActionItem | None:
        return next((a for a in self.actions if a.id == aid), None)

    def problem(self, pid: str) -> Problem | None:
        return next((p for p in self.problems if p.id == pid), None)

    def problem_of(self, target: str) -> Problem | None:
        """The known problem a card or topic is linked to, if any."""
        link = next((k for k in self.problem_links if k.target == target), None)
        return self.problem(link.problem) if link is not None else None

    def cards_in(self, column: str) -> tuple[Card, ...]:
        return tuple(c for c in self.cards if c.column == column)

    def cards_of_topic(self, tid: str) -> tuple[Card, ...]:
        return tuple(c for c in self.cards if c.topic == tid)

    def column_title(self, key: str) -> str:
        return next((c.title for c in self.columns if c.key == key), key)

    @property
    def cards_revealed(self) -> bool:
        return self.phase.order > Phase.WRITE.order

    @property
    def votes_revealed(self) -> bool:
        return self.phase.order > Phase.VOTE.order

    def is_vote_target(self, target: str) -> bool:
        if self.topic(target) is not None:
            return True
        card = self.card(target)
        return card is not None and card.topic is None

    def vote_targets(self) -> tuple[str, ...]:
        """Topics and lone cards, in board order."""
        return tuple(dict.fromkeys(card.topic or card.id for card in self.cards))

    def target_title(self, target: str) -> str:
        topic = self.topic(target)
        if topic is not None:
            return topic.title
        card = self.card(target)
        return card.text if card is not None else target

    def target_column(self, target: str) -> str:
        topic = self.topic(target)
        if topic is not None:
            return topic.column
        card = self.card(target)
        return card.column if card is not None else ""

    def votes_of(self, voter: str) -> tuple[Vote, ...]:
        return tuple(v for v in self.votes if v.voter == voter)

    def totals(self) -> dict[str, int]:
        """Votes per target, as far as this copy of the session can see them."""
        result: dict[str, int] = {}
        for vote in self.votes:
            result[vote.target] = result.get(vote.target, 0) + 1
        return result

    def ranked_targets(self) -> tuple[str, ...]:
        """Discussion order: most votes first, ties in board order (the sort is stable)."""
        totals = self.totals()
        return tuple(sorted(self.vote_targets(), key=lambda t: -totals.get(t, 0)))

    def participants_with_role(self, role: Role) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.role is role)

    def roti_average(self) -> float | None:
        if not self.roti:
            return None
        return sum(self.roti.values()) / len(self.roti)

    def with_changes(self, **changes: object) -> Session:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class UndoRecord:
    """A destructive change its author may take back: what it changed, before and after.

    `before` and `after` are sessions holding only the cards, topics, votes, actions and
    notes the change touched (see `domain/undo.py`); a viewer's copy has neither.
    """

    id: str
    actor: str
    what: str  # "Card deleted", said in the confirmation and the undo notice
    phase: Phase
    before: Session | None = None
    after: Session | None = None
    places: dict[str, int] = field(default_factory=dict)  # where removed items stood

"""What a team's retros say over time: are actions done, is the retro worth it, and which
problems keep coming back.

Pure computation on sessions (no I/O, no clock reads): the CLI loads the sessions and
prints what these functions return.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from retro_tui.domain.model import ActionStatus, Session
from retro_tui.domain.text import name_key
from retro_tui.reports.followup import ActionRow, MentionKind, collect
from retro_tui.reports.health_trend import HealthTrend, health_trends
from retro_tui.reports.measure_insights import MeasureInsights, measure_insights
from retro_tui.reports.problems import Scores
from retro_tui.reports.recurring import (
    POSSIBLE_SIMILARITY,
    PossibleRecurrence,
    ProblemAction,
    confirmed,
    possible,
)

__all__ = [
    "NON_PROBLEM_COLUMNS",
    "SPARK_BARS",
    "Insights",
    "OpenTime",
    "RecurringProblem",
    "RetroCompletion",
    "RotiPoint",
    "SourceCard",
    "completion_per_retro",
    "insights",
    "open_time",
    "possible_recurrences",
    "recurring_problems",
    "roti_series",
    "sparkline",
    "team_sessions",
]

SPARK_BARS = "▁▂▃▄▅▆▇█"
DEFAULT_WINDOW = 10
DEFAULT_THRESHOLD = POSSIBLE_SIMILARITY  # how alike a *possible* recurrence must be

# Columns of the shipped formats that hold praise or proposals, not problems. Columns of
# other (user) formats count as problems: better a recurring "idea" shown than a problem
# hidden.
NON_PROBLEM_COLUMNS = frozenset(
    {
        "went-well",
        "action-items",
        "liked",
        "learned",
        "longed-for",
        "glad",
        "worked",
        "signals",
        "ideas",
        "wind",
        "island",
        "keep",
        "more",
        "start",
        "continue",
    }
)


def team_sessions(sessions: Iterable[Session], team: str) -> list[Session]:
    """A team's sessions, oldest first (team names compare as the launcher compares them)."""
    key = name_key(team.strip())
    chosen = [s for s in sessions if name_key(s.team.strip()) == key]
    return sorted(chosen, key=lambda s: (s.created_at, s.id))


# --- sparklines -----------------------------------------------------------------------------
def sparkline(
    values: Sequence[float | None], *, low: float | None = None, high: float | None = None
) -> str:
    """One block character per value, scaled between `low` and `high` (default: the data's
    own range); a missing value is a space so the positions still line up with the retros."""
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    lo = min(present) if low is None else low
    hi = max(present) if high is None else high
    top = len(SPARK_BARS) - 1
    out: list[str] = []
    for v in values:
        if v is None:
            out.append(" ")
        elif hi <= lo:
            out.append(SPARK_BARS[top // 2])
        else:
            ratio = min(1.0, max(0.0, (v - lo) / (hi - lo)))
            out.append(SPARK_BARS[round(ratio * top)])
    return "".join(out)


# --- actions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetroCompletion:
    """What became of the action items one retro raised (carried copies count once)."""

    session_id: str
    title: str
    date: str
    raised: int
    done: int
    dropped: int
    open: int

    @property
    def rate(self) -> float | None:
        """Done out of raised; None for a retro that raised nothing."""
        return self.done / self.raised if self.raised else None


def completion_per_retro(
    sessions: Sequence[Session], rows: Sequence[ActionRow]
) -> list[RetroCompletion]:
    """One entry per session, oldest first, counting the items that session first raised."""
    result: list[RetroCompletion] = []
    for s in sorted(sessions, key=lambda x: (x.created_at, x.id)):
        mine = [r for r in rows if r.origin_session_id == s.id]
        result.append(
            RetroCompletion(
                session_id=s.id,
                title=s.title,
                date=s.created_at.date().isoformat(),
                raised=len(mine),
                done=sum(r.status is ActionStatus.DONE for r in mine),
                dropped=sum(r.status is ActionStatus.DROPPED for r in mine),
                open=sum(r.status is ActionStatus.OPEN for r in mine),
            )
        )
    return result


@dataclass(frozen=True)
class OpenTime:
    """How long items stay open.

    Days to close are known for items closed in a later retro's review (that retro's
    date); an item closed from the shell has no date of closing and is left out of them.
    """

    open_items: int
    open_median_days: float | None
    open_oldest_days: int | None
    closed_items: int
    closed_median_days: float | None
    carried_items: int  # items carried over at least once
    carried_most: int  # the most times one item was carried


def open_time(rows: Sequence[ActionRow]) -> OpenTime:
    open_ages = [r.age_days for r in rows if r.is_open]
    closed_days: list[int] = []
    for r in rows:
        last = r.target
        if r.is_open or last.kind is not MentionKind.REVIEW or not r.retro_date:
            continue
        closed_days.append((last.created_at.date() - date.fromisoformat(r.retro_date)).days)
    return OpenTime(
        open_items=len(open_ages),
        open_median_days=statistics.median(open_ages) if open_ages else None,
        open_oldest_days=max(open_ages) if open_ages else None,
        closed_items=len(closed_days),
        closed_median_days=statistics.median(closed_days) if closed_days else None,
        carried_items=sum(r.carried > 0 for r in rows),
        carried_most=max((r.carried for r in rows), default=0),
    )


# --- ROTI -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RotiPoint:
    session_id: str
    title: str
    date: str
    average: float | None  # None when nobody rated that retro
    votes: int


def roti_series(sessions: Sequence[Session]) -> list[RotiPoint]:
    return [
        RotiPoint(s.id, s.title, s.created_at.date().isoformat(), s.roti_average(), len(s.roti))
        for s in sorted(sessions, key=lambda x: (x.created_at, x.id))
    ]


# --- recurring problems --------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceCard:
    """A card behind a recurring problem, with the retro it was written in."""

    session_id: str
    card_id: str
    retro_title: str
    date: str
    text: str
    topic: str  # its topic's title, or ""


@dataclass(frozen=True)
class RecurringProblem:
    """A problem the facilitator linked in two or more retros (`reports.recurring`)."""

    label: str
    retros: int  # how many retros of the window raised it
    window: int  # how many retros were looked at
    cards: tuple[SourceCard, ...]  # oldest first
    cohesion: float = 1.0  # kept for the JSON shape: confirmed by people, so 1.0
    problem_id: str = ""
    last: str = ""  # ISO date of the newest retro that raised it
    actions: tuple[ProblemAction, ...] = ()  # raised from its cards or topics

    @property
    def headline(self) -> str:
        """E.g. "Slow approvals — raised in 4 of the last 6 retros"."""
        return f"{self.label} — raised in {self.retros} of the last {self.window} retros"


def recurring_problems(
    sessions: Sequence[Session],
    *,
    window: int = DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
    min_retros: int = 2,
    columns: frozenset[str] | None = None,
    rows: Sequence[ActionRow] = (),
) -> list[RecurringProblem]:
    """Problems the facilitator linked in at least `min_retros` of the last `window`
    retros, the most retros first, then the most recently raised. Only confirmed links
    count (see `reports.recurring` for why); `threshold` and `columns` are for
    `possible_recurrences`. `rows` gives the actions' statuses as followed across retros."""
    recent = sorted(sessions, key=lambda s: (s.created_at, s.id))[-window:] if window else []
    if not recent:
        return []
    statuses = {r.key: r.status for r in rows}
    by_id = {s.id: s for s in sessions}
    latest = {}  # each action's newest copy: its actuals are entered at later reviews
    for r in rows:
        held = by_id.get(r.session_id)
        item = held.action(r.id) if held else None
        if held is not None and item is None:
            item = next((x.action for x in held.review if x.action.id == r.id), None)
        if item is not None:
            latest[r.key] = item
    problems: list[RecurringProblem] = []
    team = recent[-1].team
    for found in confirmed(recent, team, min_retros=min_retros, statuses=statuses, latest=latest):
        cards = tuple(
            SourceCard(c.session_id, c.card_id, c.retro_title, c.date, c.text, c.topic)
            for c in found.cards
        )
        problems.append(
            RecurringProblem(
                label=found.problem.name,
                retros=found.problem.retros,
                window=len(recent),
                cards=cards,
                problem_id=found.problem.id,
                last=found.problem.last,
                actions=found.actions,
            )
        )
    return problems


def possible_recurrences(
    sessions: Sequence[Session],
    scores: Scores,
    *,
    window: int = DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[PossibleRecurrence]:
    """Guesses, never facts: unlinked cards of the last `window` retros that look like a
    problem the team confirmed elsewhere, with their similarity."""
    recent = sorted(sessions, key=lambda s: (s.created_at, s.id))[-window:] if window else []
    if not recent:
        return []
    return possible(
        recent, recent[-1].team, scores, skip_columns=NON_PROBLEM_COLUMNS, threshold=threshold
    )


# --- everything at once ------------------------------------------------------------------
@dataclass(frozen=True)
class Insights:
    team: str
    sessions: int
    first: str
    last: str
    completion: tuple[RetroCompletion, ...]
    open_time: OpenTime
    roti: tuple[RotiPoint, ...]
    problems: tuple[RecurringProblem, ...]
    possible: tuple[PossibleRecurrence, ...] = ()  # guesses, shown as such
    linked_retros: int = 0  # retros with at least one confirmed link: what "none" rests on
    problems_window: int = 0  # how many retros were looked at for recurring problems
    measures: MeasureInsights | None = None  # issue 14: measured actions and numbers
    health: tuple[HealthTrend, ...] = ()  # issue 16: the health check per dimension

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json`; the shape is part of the CLI's contract."""
        return {
            **({"measures": self.measures.to_json()} if self.measures else {}),
            "health": [{"dimension": h.title, "averages": list(h.averages)} for h in self.health],
            "team": self.team,
            "sessions": self.sessions,
            "first": self.first,
            "last": self.last,
            "completion": [
                {
                    "session_id": c.session_id,
                    "title": c.title,
                    "date": c.date,
                    "raised": c.raised,
                    "done": c.done,
                    "dropped": c.dropped,
                    "open": c.open,
                    "rate": c.rate,
                }
                for c in self.completion
            ],
            "open_time": {
                "open_items": self.open_time.open_items,
                "open_median_days": self.open_time.open_median_days,
                "open_oldest_days": self.open_time.open_oldest_days,
                "closed_items": self.open_time.closed_items,
                "closed_median_days": self.open_time.closed_median_days,
                "carried_items": self.open_time.carried_items,
                "carried_most": self.open_time.carried_most,
            },
            "roti": [
                {
                    "session_id": p.session_id,
                    "title": p.title,
                    "date": p.date,
                    "average": p.average,
                    "votes": p.votes,
                }
                for p in self.roti
            ],
            "recurring_problems": [
                {
                    "label": p.label,
                    "retros": p.retros,
                    "window": p.window,
                    "headline": p.headline,
                    "confirmed": True,
                    "problem_id": p.problem_id,
                    "last": p.last,
                    "actions": [
                        {
                            "session_id": a.session_id,
                            "retro_title": a.retro_title,
                            "date": a.date,
                            "text": a.text,
                            "owner": a.owner,
                            "status": a.status.value,
                            "reached_target": a.reached,
                        }
                        for a in p.actions
                    ],
                    "cards": [
                        {
                            "session_id": c.session_id,
                            "card_id": c.card_id,
                            "retro_title": c.retro_title,
                            "date": c.date,
                            "text": c.text,
                            "topic": c.topic,
                        }
                        for c in p.cards
                    ],
                }
                for p in self.problems
            ],
            "linked_retros": self.linked_retros,
            "possible_recurrences": [
                {
                    "guess": True,
                    "similarity": round(g.similarity, 3),
                    "problem_id": g.problem_id,
                    "problem": g.problem_name,
                    "session_id": g.session_id,
                    "retro_title": g.retro_title,
                    "date": g.date,
                    "card_id": g.card_id,
                    "text": g.text,
                }
                for g in self.possible
            ],
        }


def insights(
    sessions: Sequence[Session],
    team: str,
    today: date,
    *,
    window: int = DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
    scores: Scores | None = None,
) -> Insights:
    """All the figures for one team. `sessions` may hold other teams; they are ignored.
    With `scores` (a meaning ranker), unlinked look-alikes are listed as possible
    recurrences too."""
    mine = team_sessions(sessions, team)
    rows = collect(mine, today)
    recent = mine[-window:] if window else []
    return Insights(
        team=mine[-1].team if mine else team,
        sessions=len(mine),
        first=mine[0].created_at.date().isoformat() if mine else "",
        last=mine[-1].created_at.date().isoformat() if mine else "",
        completion=tuple(completion_per_retro(mine, rows)),
        open_time=open_time(rows),
        roti=tuple(roti_series(mine)),
        problems=tuple(recurring_problems(mine, window=window, rows=rows)),
        possible=tuple(
            possible_recurrences(mine, scores, window=window, threshold=threshold)
            if scores is not None
            else ()
        ),
        linked_retros=sum(bool(s.problem_links) for s in recent),
        problems_window=len(recent),
        measures=measure_insights(mine, rows),
        health=health_trends(mine),
    )

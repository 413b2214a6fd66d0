"""The team health check: everyone rates a few dimensions from 1 to 5, anonymously.

Ratings are ALWAYS anonymous, in a named retro too: the session keeps, per dimension,
only the sorted list of scores, and apart from it the sorted ids of those who rated.
No record links a seat to a score, so no view, export, log or file can show one. The
price: a rating cannot be changed once given (nobody can tell which scores are yours).

Scores stay hidden until everyone has rated or the facilitator shows the results (not
with one or two ratings, which would name their givers); after that no new rating is
taken, since a late one would show as the change in the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from retro_tui.domain.errors import Refused
from retro_tui.domain.formats import RetroFormat
from retro_tui.domain.model import HealthCheck, HealthDimension, Session

DEFAULT_DIMENSIONS: tuple[HealthDimension, ...] = (
    HealthDimension("pace", "Pace", "We work at a speed we can keep up."),
    HealthDimension("fun", "Fun", "We enjoy working together."),
    HealthDimension("value", "Value", "What we deliver matters to the people it is for."),
    HealthDimension("release", "Releasing", "Getting our work out is easy and safe."),
    HealthDimension("learning", "Learning", "We learn something new most weeks."),
    HealthDimension("support", "Support", "We get help when we ask for it."),
    HealthDimension("mission", "Mission", "We know why we do what we do."),
    HealthDimension("say", "Say", "We have a say in how we work."),
)
DIMENSIONS_MAX = 12


def health_dimensions(fmt: RetroFormat) -> tuple[HealthDimension, ...]:
    """The format's own dimensions, else the default set."""
    if not fmt.health:
        return DEFAULT_DIMENSIONS
    return tuple(HealthDimension(key, title, prompt) for key, title, prompt in fmt.health)


@dataclass(frozen=True)
class DimensionResult:
    key: str
    title: str
    ratings: int
    average: float | None
    low: int | None
    high: int | None
    counts: tuple[int, ...] = field(default=(0, 0, 0, 0, 0))  # how many gave 1, 2, … 5


def parse_scores(check: HealthCheck, scores: str) -> tuple[int, ...]:
    """`"3,4,5"` (one score per dimension, in order) as numbers, or a refusal."""
    parts = [p.strip() for p in scores.split(",")] if scores.strip() else []
    n = len(check.dimensions)
    if len(parts) != n:
        raise Refused(f"Rate each of the {n} dimensions from 1 to 5.")
    if not all(p in ("1", "2", "3", "4", "5") for p in parts):
        raise Refused("Each rating is a whole number from 1 to 5.")
    return tuple(int(p) for p in parts)


def rate(session: Session, pid: str, scores: str) -> Session:
    """Add one person's ratings: each score joins its dimension's sorted list."""
    check = session.health
    if check.revealed:
        raise Refused("The results are shown; the health check takes no more ratings.")
    if pid in check.rated:
        raise Refused("You have rated already; ratings are anonymous, so they are final.")
    values = parse_scores(check, scores)
    lists = dict(check.scores)
    for dim, value in zip(check.dimensions, values, strict=True):
        lists[dim.key] = tuple(sorted((*lists.get(dim.key, ()), value)))
    changed = replace(check, scores=lists, rated=tuple(sorted((*check.rated, pid))))
    if set(changed.rated) >= {p.id for p in session.participants}:
        changed = replace(changed, revealed=True)
    return session.with_changes(health=changed)


REVEAL_MIN = 3
"""Ratings needed before the facilitator may show results early: one or two would show
whose they are (everyone sees who has rated)."""


def reveal(session: Session) -> Session:
    if session.health.revealed:
        raise Refused("The results are already shown.")
    if 0 < len(session.health.rated) < REVEAL_MIN:
        raise Refused(
            f"Wait for at least {REVEAL_MIN} ratings: with fewer, everyone could tell whose "
            "they are."
        )
    return session.with_changes(health=replace(session.health, revealed=True))


def for_viewer(check: HealthCheck) -> HealthCheck:
    """What any viewer sees: the count of ratings until the reveal, then the scores."""
    if check.revealed or not check.scores:
        return check
    return replace(check, scores={})


def results(check: HealthCheck) -> tuple[DimensionResult, ...]:
    out = []
    for dim in check.dimensions:
        values = check.scores.get(dim.key, ())
        counts = tuple(values.count(n) for n in range(1, 6))
        out.append(
            DimensionResult(
                key=dim.key,
                title=dim.title,
                ratings=len(values),
                average=sum(values) / len(values) if values else None,
                low=min(values) if values else None,
                high=max(values) if values else None,
                counts=counts,
            )
        )
    return tuple(out)

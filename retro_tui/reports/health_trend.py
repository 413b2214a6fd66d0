"""A team's health over its retros: each dimension's average, one point per retro.

Only health checks whose results were shown count (a check left hidden stays hidden
here too); a retro that did not hold one is a gap, so the points line up with the
team's retros on the ROTI and completion lines. Pure: the sessions are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retro_tui.domain import health
from retro_tui.domain.model import Session


@dataclass(frozen=True)
class HealthTrend:
    """One dimension (by title, as teams read it) across the team's retros, oldest first."""

    title: str
    averages: tuple[float | None, ...]

    @property
    def last(self) -> float | None:
        return next((v for v in reversed(self.averages) if v is not None), None)

    @property
    def last_words(self) -> str:
        last = self.last
        return "no ratings yet" if last is None else f"last {last:.1f} (1–5)"


def health_trends(sessions: Sequence[Session]) -> tuple[HealthTrend, ...]:
    """Per dimension title, its average in each of `sessions` (already in order)."""
    series: dict[str, list[float | None]] = {}
    for index, session in enumerate(sessions):
        check = session.health
        if not (session.health_step and check.revealed):
            continue
        for result in health.results(check):
            points = series.setdefault(result.title, [None] * len(sessions))
            points[index] = result.average
    return tuple(HealthTrend(title, tuple(points)) for title, points in series.items())

"""A team's known problems, and which of them today's card or topic looks like.

A team's known problems are the union of the problems its retros link to
(`domain.problems`): the same id in several retros is one problem seen several times.
Suggestions rank those problems for a card or topic by how close its text is to the
problem's name and to each card or topic ever linked to it (the best of them counts).
The scoring function is passed in (the meaning model on the facilitator's side, word
TF-IDF as the fallback), so this module stays pure: no I/O, no clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from retro_tui.domain.model import Session
from retro_tui.domain.problems import linked
from retro_tui.domain.text import name_key

__all__ = [
    "SUGGESTIONS",
    "KnownProblem",
    "Scores",
    "Sighting",
    "Suggestion",
    "known_problems",
    "rank_many",
    "rank_problems",
    "seen_phrase",
    "seen_phrases",
    "short_date",
    "suggestions_for",
    "target_text",
]

Scores = Callable[[Sequence[str], Sequence[str]], list[list[float]]]
"""Similarity of every query text to every candidate text (higher: closer in meaning)."""

SUGGESTIONS = 3


@dataclass(frozen=True)
class Sighting:
    """One card or topic of one retro linked to a problem."""

    session_id: str
    retro_title: str
    date: str  # ISO date of the retro
    target: str  # the card or topic id
    text: str  # the topic's title, or the card's text
    cards: tuple[str, ...] = ()  # the topic's cards' texts (a card: its own text)


@dataclass(frozen=True)
class KnownProblem:
    id: str
    name: str  # as spelled in the newest retro that links it
    sightings: tuple[Sighting, ...]  # oldest first

    @property
    def retros(self) -> int:
        return len({s.session_id for s in self.sightings})

    @property
    def first(self) -> str:
        return self.sightings[0].date if self.sightings else ""

    @property
    def last(self) -> str:
        return self.sightings[-1].date if self.sightings else ""

    def texts(self) -> tuple[str, ...]:
        """What a new card is compared with: the name and every linked card and topic."""
        found = [self.name]
        for s in self.sightings:
            found.append(s.text)
            found.extend(c for c in s.cards if c != s.text)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Suggestion:
    problem: KnownProblem
    similarity: float
    closest: str  # the linked text (or the name) that came closest


def target_text(session: Session, target: str) -> tuple[str, tuple[str, ...]]:
    """A card's text, or a topic's title with its cards' texts."""
    topic = session.topic(target)
    if topic is not None:
        return topic.title, tuple(c.text for c in session.cards_of_topic(target))
    card = session.card(target)
    return (card.text, (card.text,)) if card is not None else ("", ())


def _day(session: Session) -> str:
    return session.created_at.date().isoformat()


def known_problems(
    sessions: Iterable[Session], team: str, *, leave_out: str | None = None
) -> list[KnownProblem]:
    """The team's problems from every retro's links, most retros first, then most recent.

    `leave_out` skips one session (the retro being suggested for, so a problem is not
    suggested on the strength of today's own link)."""
    key = name_key(team.strip())
    mine = sorted(
        (s for s in sessions if name_key(s.team.strip()) == key and s.id != leave_out),
        key=lambda s: (s.created_at, s.id),
    )
    names: dict[str, str] = {}
    seen: dict[str, list[Sighting]] = {}
    for s in mine:
        for target, problem in linked(s):
            names[problem.id] = problem.name  # the newest retro's spelling wins
            text, cards = target_text(s, target)
            seen.setdefault(problem.id, []).append(
                Sighting(s.id, s.title, _day(s), target, text, cards)
            )
    found = [KnownProblem(pid, names[pid], tuple(sights)) for pid, sights in seen.items()]
    found.sort(key=lambda p: (-p.retros, _neg(p.last), p.name))
    return found


def _neg(day: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in day)


def rank_problems(
    text: str,
    problems: Sequence[KnownProblem],
    scores: Scores,
    *,
    limit: int = SUGGESTIONS,
    extra: Sequence[str] = (),
) -> list[Suggestion]:
    """The `limit` problems closest to `text` (and to `extra` texts, such as a topic's
    cards), closest first."""
    return rank_many([(text, tuple(extra))], problems, scores, limit=limit)[0]


def rank_many(
    queries: Sequence[tuple[str, Sequence[str]]],
    problems: Sequence[KnownProblem],
    scores: Scores,
    *,
    limit: int = SUGGESTIONS,
) -> list[list[Suggestion]]:
    """`rank_problems` for many (text, extra texts) at once: one call of `scores`, so a
    whole retro is ranked in one matrix product."""
    asked = [list(dict.fromkeys(q for q in (text, *extra) if q.strip())) for text, extra in queries]
    if not problems or limit <= 0 or not any(asked):
        return [[] for _ in queries]
    spans: list[tuple[int, int]] = []  # each problem's candidates, side by side
    candidates: list[str] = []
    for problem in problems:
        start = len(candidates)
        candidates.extend(problem.texts())
        spans.append((start, len(candidates)))
    flat = [q for texts in asked for q in texts]
    matrix = scores(flat, candidates)
    result: list[list[Suggestion]] = []
    row = 0
    for texts in asked:
        rows = matrix[row : row + len(texts)]
        row += len(texts)
        if not rows:
            result.append([])
            continue
        # The best of each problem's slice, with the built-in max: a Python loop over
        # every (query, candidate) pair was most of a 50 x 500 round (bench/problems.py).
        values = rows[0] if len(rows) == 1 else [max(column) for column in zip(*rows, strict=True)]
        best = [max(values[a:b]) if b > a else float("-inf") for a, b in spans]
        ranked = heapq.nsmallest(
            limit, (i for i, (a, b) in enumerate(spans) if b > a), key=lambda i: (-best[i], i)
        )
        suggestions = []
        for i in ranked:
            a, b = spans[i]
            j = max(range(a, b), key=values.__getitem__)
            suggestions.append(Suggestion(problems[i], best[i], candidates[j]))
        result.append(suggestions)
    return result


def suggestions_for(
    session: Session,
    target: str,
    problems: Sequence[KnownProblem],
    scores: Scores,
    *,
    limit: int = SUGGESTIONS,
) -> list[Suggestion]:
    """Up to `limit` known problems that `target` of `session` looks like, leaving out
    the one it is already linked to."""
    current = session.problem_of(target)
    others = [p for p in problems if current is None or p.id != current.id]
    text, cards = target_text(session, target)
    return rank_problems(text, others, scores, limit=limit, extra=cards)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def short_date(day: str) -> str:
    """'2026-03-12' -> '12 Mar'."""
    d = date.fromisoformat(day)
    return f"{d.day} {_MONTHS[d.month - 1]}"


def seen_phrase(retros: int, first: str, today_year: int | None = None) -> str:
    """'seen in 4 retros since January', 'seen once, in March' (the year too when it is
    not `today_year`)."""
    if not first:
        return f"seen in {retros} retro{'s' if retros != 1 else ''}"
    d = date.fromisoformat(first)
    since = _MONTH_NAMES[d.month - 1]
    if today_year is not None and d.year != today_year:
        since += f" {d.year}"
    if retros == 1:  # "seen in 1 retro since December" reads as if it were counting on
        return f"seen once, in {since}"
    return f"seen in {retros} retros since {since}"


def seen_phrases(sessions: Iterable[Session], session: Session) -> dict[str, str]:
    """For each problem `session` links to: how often its team has raised it, counting
    `session` itself ("seen in 4 retros since January"), for the notes."""
    others = [s for s in sessions if s.id != session.id]
    known = {p.id: p for p in known_problems([*others, session], session.team)}
    year = session.created_at.year
    phrases = {}
    for _, problem in linked(session):
        found = known.get(problem.id)
        if found is not None:
            phrases[problem.id] = seen_phrase(found.retros, found.first, year)
    return phrases

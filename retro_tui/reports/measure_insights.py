"""Do the team's actions prove themselves? Figures over a team's retros, per team (never
per person): the share of measured actions that reached their target at each retro's
review, items carried three times or more, decisions taken before their data was ready,
each number's trend, and starts made unready beside the problems written afterwards.

Pure: sessions in, figures and plain text lines out (the CLI prints them, the app's
Insights screen shows them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retro_tui.domain.judging import judgement
from retro_tui.domain.measures import Verdict, format_number, number_key
from retro_tui.domain.model import Session
from retro_tui.reports.followup import ActionRow

__all__ = [
    "CARRIED_OFTEN",
    "EarlyDecision",
    "HitRate",
    "MeasureInsights",
    "NumberTrend",
    "UnreadyStart",
    "measure_insights",
    "measure_lines",
]

CARRIED_OFTEN = 3
# Words too common to relate a check to a card.
_STOP = frozenset(
    [
        "with",
        "from",
        "that",
        "this",
        "have",
        "were",
        "been",
        "before",
        "after",
        "into",
        "than",
        "then",
        "them",
        "they",
        "what",
        "when",
        "where",
        "which",
        "while",
        "your",
        "ours",
        "their",
        "about",
        "every",
        "only",
        "also",
        "just",
        "more",
        "most",
        "some",
        "such",
    ]
)
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class HitRate:
    """Measured actions judged at one retro's review and how many reached their target."""

    session_id: str
    title: str
    date: str
    judged: int  # with an actual value
    reached: int
    partly: int
    waiting: int  # measured, under review, no actual entered

    @property
    def rate(self) -> float | None:
        return self.reached / self.judged if self.judged else None


@dataclass(frozen=True)
class EarlyDecision:
    title: str  # the retro where it was marked done
    date: str
    text: str
    value: float | None
    threshold: float


@dataclass(frozen=True)
class NumberTrend:
    name: str
    unit: str
    values: tuple[float | None, ...]  # one per retro of the team, oldest first

    @property
    def known(self) -> tuple[float, ...]:
        return tuple(v for v in self.values if v is not None)


@dataclass(frozen=True)
class UnreadyStart:
    """A retro whose readiness checklist had checks that were not true."""

    title: str
    date: str
    unready: tuple[str, ...]
    checks: int
    problems_after: tuple[tuple[str, str], ...]  # (card text, retro title), written later
    related: tuple[tuple[str, str], ...]  # those of them that share words with a check


@dataclass(frozen=True)
class MeasureInsights:
    hit_rates: tuple[HitRate, ...]
    carried_often: tuple[tuple[str, int], ...]  # (text, times carried)
    early: tuple[EarlyDecision, ...]
    trends: tuple[NumberTrend, ...]
    unready: tuple[UnreadyStart, ...]
    ready_starts: int  # retros whose every check was true
    problems_after_ready: int  # problems written in the retro after a ready start

    def to_json(self) -> dict[str, object]:
        return {
            "hit_rates": [
                {
                    "session_id": h.session_id,
                    "title": h.title,
                    "date": h.date,
                    "judged": h.judged,
                    "reached": h.reached,
                    "partly": h.partly,
                    "waiting": h.waiting,
                    "rate": h.rate,
                }
                for h in self.hit_rates
            ],
            "carried_often": [{"text": t, "carried": n} for t, n in self.carried_often],
            "decisions_taken_early": [
                {
                    "retro": e.title,
                    "date": e.date,
                    "text": e.text,
                    "value": e.value,
                    "threshold": e.threshold,
                }
                for e in self.early
            ],
            "numbers": [
                {"name": n.name, "unit": n.unit, "values": list(n.values)} for n in self.trends
            ],
            "unready_starts": [
                {
                    "retro": u.title,
                    "date": u.date,
                    "unready": list(u.unready),
                    "checks": u.checks,
                    "problems_after": [{"text": t, "retro": r} for t, r in u.problems_after],
                    "related": [{"text": t, "retro": r} for t, r in u.related],
                }
                for u in self.unready
            ],
            "ready_starts": self.ready_starts,
            "problems_after_ready": self.problems_after_ready,
        }


def _hit_rate(session: Session) -> HitRate:
    judged = reached = partly = waiting = 0
    for entry in session.review:
        action = entry.action
        if not action.measured:
            continue
        verdict = judgement(session, action).verdict
        if verdict is Verdict.NO_ACTUAL:
            waiting += 1
            continue
        judged += 1
        reached += verdict is Verdict.REACHED
        partly += verdict is Verdict.PARTLY
    return HitRate(
        session.id,
        session.title,
        session.created_at.date().isoformat(),
        judged,
        reached,
        partly,
        waiting,
    )


def _early(sessions: Sequence[Session]) -> list[EarlyDecision]:
    found: list[EarlyDecision] = []
    for s in sessions:
        for entry in s.review:
            action = entry.action
            if action.acted_early and action.target is not None:
                found.append(
                    EarlyDecision(
                        s.title,
                        s.created_at.date().isoformat(),
                        action.text,
                        judgement(s, action).actual,
                        action.target,
                    )
                )
    return found


def _trends(sessions: Sequence[Session]) -> list[NumberTrend]:
    names: dict[str, tuple[str, str]] = {}
    for s in sessions:
        for n in s.numbers:
            names.setdefault(number_key(n.name), (n.name, n.unit))
    trends = []
    for key, (name, unit) in names.items():
        values = tuple(
            next((n.value for n in s.numbers if number_key(n.name) == key), None) for s in sessions
        )
        trends.append(NumberTrend(name, unit, values))
    return trends


def _words(text: str) -> set[str]:
    return {w.casefold()[:5] for w in _WORD.findall(text) if w.casefold() not in _STOP}


def _problems(session: Session, problem_columns: frozenset[str] | None) -> list[str]:
    # insights.py builds on this module, so its pieces are imported on use.
    from retro_tui.reports.insights import NON_PROBLEM_COLUMNS

    return [
        c.text
        for c in session.cards
        if not c.hidden
        and (
            c.column in problem_columns
            if problem_columns is not None
            else c.column not in NON_PROBLEM_COLUMNS
        )
    ]


def _unready(
    sessions: Sequence[Session], problem_columns: frozenset[str] | None
) -> tuple[list[UnreadyStart], int, int]:
    """A start is judged by the checklist recorded in a retro; the problems written
    "afterwards" are those of the team's next retro (the one after the work ran)."""
    unready: list[UnreadyStart] = []
    ready_starts = after_ready = 0
    for index, s in enumerate(sessions):
        answered = [c for c in s.readiness if c.ready is not None]
        if not answered:
            continue
        later = sessions[index + 1] if index + 1 < len(sessions) else None
        after = [(text, later.title) for text in _problems(later, problem_columns)] if later else []
        missing = tuple(c.text for c in s.readiness if c.ready is False)
        if not missing:
            ready_starts += 1
            after_ready += len(after)
            continue
        words = set().union(*(_words(text) for text in missing))
        related = tuple((text, retro) for text, retro in after if _words(text) & words)
        unready.append(
            UnreadyStart(
                s.title,
                s.created_at.date().isoformat(),
                missing,
                len(s.readiness),
                tuple(after),
                related,
            )
        )
    return unready, ready_starts, after_ready


def measure_insights(
    sessions: Sequence[Session],
    rows: Sequence[ActionRow],
    *,
    problem_columns: frozenset[str] | None = None,
) -> MeasureInsights:
    """The figures for one team's sessions (oldest first) and its action rows."""
    ordered = sorted(sessions, key=lambda s: (s.created_at, s.id))
    unready, ready_starts, after_ready = _unready(ordered, problem_columns)
    return MeasureInsights(
        hit_rates=tuple(_hit_rate(s) for s in ordered),
        carried_often=tuple(
            sorted(
                ((r.text, r.carried) for r in rows if r.carried >= CARRIED_OFTEN),
                key=lambda item: -item[1],
            )
        ),
        early=tuple(_early(ordered)),
        trends=tuple(_trends(ordered)),
        unready=tuple(unready),
        ready_starts=ready_starts,
        problems_after_ready=after_ready,
    )


# --- as text --------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "  –" if value is None else f"{round(value * 100):3d}%"


def measure_lines(found: MeasureInsights) -> list[str]:
    """The figures as lines of at most 80 columns."""
    from retro_tui.reports.insights import sparkline  # see _problems

    out: list[str] = ["Measured actions: reached their target, retro by retro"]
    judged = [h for h in found.hit_rates if h.judged or h.waiting]
    if not judged:
        out.append("  none judged yet: give actions a target, enter actuals at the next review")
    rates = [h.rate for h in found.hit_rates]
    if any(r is not None for r in rates):
        out.append(f"  {sparkline(rates, low=0, high=1)}  (each retro, 0–100%)")
    for h in judged:
        extra = f", {h.partly} partly" if h.partly else ""
        extra += f", {h.waiting} without an actual" if h.waiting else ""
        out.append(
            f"  {h.date}  {h.title[:30]:<30} {h.reached} of {h.judged} reached{extra}"
            f" {_pct(h.rate)}"
        )
    out += ["", f"Carried {CARRIED_OFTEN} times or more"]
    if not found.carried_often:
        out.append("  none")
    for text, times in found.carried_often:
        out.append(f"  {times}×  {text[:70]}")
    out += ["", "Decisions taken before their data was ready"]
    if not found.early:
        out.append("  none")
    for e in found.early:
        out.append(
            f"  {e.date}  {e.text[:40]}: at {format_number(e.value)} of "
            f"{format_number(e.threshold)}"
        )
    out += ["", "The team's numbers"]
    if not found.trends:
        out.append("  none yet: add them in a retro's Data step or with `retro-tui kpis import`")
    for n in found.trends:
        known = n.known
        last = f"{format_number(known[-1])}{n.unit}" if known else "–"
        first = f"{format_number(known[0])}{n.unit}" if known else "–"
        out.append(f"  {n.name[:28]:<28} {sparkline(n.values):<10} {first} → {last}")
    out += ["", "Starts that were not ready, and the problems written afterwards"]
    if not found.unready:
        out.append("  none recorded")
    for u in found.unready:
        out.append(f"  {u.date}  {u.title[:40]}: {len(u.unready)} of {u.checks} checks not true")
        for check in u.unready:
            out.append(f"    ✗ {check[:72]}")
        after = u.problems_after
        where = f" ({after[0][1][:30]})" if after else ""  # one line at 80 columns
        out.append(f"    {_count(len(after), 'problem')} at the next retro{where}, related:")
        for text, _retro in u.related:
            out.append(f"    → {text[:74]}")
        if not u.related:
            out.append("    → none mention what was not ready")
    if found.ready_starts:
        out.append(
            f"  {_count(found.ready_starts, 'start')} with every check true: "
            f"{_count(found.problems_after_ready, 'problem')} written at the retro after"
        )
    return out


def _count(n: int, word: str) -> str:
    """`1 problem`, `3 problems`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

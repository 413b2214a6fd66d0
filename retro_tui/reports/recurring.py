"""Recurring problems as the team confirmed them, and look-alikes offered as guesses.

A problem recurs when cards or topics of two or more retros were linked to it by the
facilitator (`domain.problems`): that is a fact people decided. Measured on a labelled
history (BENCHMARKS.md), unsupervised clustering of short cards found 17 % of the
recurring cards' earlier matches, so it no longer decides anything. What the ranking by
meaning is good at, suggesting, is used here only for *possible* recurrences: unlinked
cards of the window's retros that look like a known problem, shown with their
similarity and labelled as guesses.

Pure: the scoring function is passed in; no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retro_tui.domain.measures import Verdict, judge
from retro_tui.domain.model import ActionItem, ActionStatus, Session
from retro_tui.domain.problems import linked
from retro_tui.reports.problems import KnownProblem, Scores, known_problems, rank_problems

__all__ = [
    "POSSIBLE_SIMILARITY",
    "Confirmed",
    "LinkedCard",
    "PossibleRecurrence",
    "ProblemAction",
    "action_line",
    "confirmed",
    "nothing_recurring",
    "possible",
]

POSSIBLE_SIMILARITY = 0.35
"""A card this close to a known problem is listed as a possible recurrence. Chosen on the
tune team of the labelled history (precision 0.75 there); on the held-out teams 0.70 of
the pairs above it were truly the same problem, so they are shown as guesses only."""


@dataclass(frozen=True)
class LinkedCard:
    """A card behind a confirmed problem, with the retro it was written in."""

    session_id: str
    card_id: str
    retro_title: str
    date: str
    text: str
    topic: str  # its topic's title, or ""


@dataclass(frozen=True)
class ProblemAction:
    """An action item raised from a card or topic linked to the problem."""

    session_id: str
    retro_title: str
    date: str
    text: str
    owner: str
    status: ActionStatus  # as followed across later retros
    # Whether it reached its target (measured actions, issue 14), judged on its newest
    # copy's last actual; None: not measured, or no actual yet.
    reached: bool | None = None


@dataclass(frozen=True)
class Confirmed:
    problem: KnownProblem
    cards: tuple[LinkedCard, ...]  # oldest first
    actions: tuple[ProblemAction, ...]  # oldest first


@dataclass(frozen=True)
class PossibleRecurrence:
    """A guess: an unlinked card that looks like a known problem."""

    session_id: str
    retro_title: str
    date: str
    card_id: str
    text: str
    problem_id: str
    problem_name: str
    similarity: float


def _day(session: Session) -> str:
    return session.created_at.date().isoformat()


def _cards(session: Session, target: str) -> tuple[LinkedCard, ...]:
    """The visible cards a linked card or topic stands for."""
    if session.topic(target) is not None:
        cards = session.cards_of_topic(target)
    else:
        cards = tuple(c for c in session.cards if c.id == target)
    found = []
    for card in cards:
        if card.hidden:
            continue
        topic = session.topic(card.topic) if card.topic else None
        title = topic.title if topic is not None else ""
        found.append(
            LinkedCard(session.id, card.id, session.title, _day(session), card.text, title)
        )
    return tuple(found)


def confirmed(
    sessions: Sequence[Session],
    team: str,
    *,
    min_retros: int = 2,
    statuses: Mapping[str, ActionStatus] | None = None,
    latest: Mapping[str, ActionItem] | None = None,
) -> list[Confirmed]:
    """Problems linked in at least `min_retros` of `sessions` (one team's window), most
    retros first, then the most recently seen. `statuses` gives each action's status as
    followed across retros, by `<session id>:<action id>` (followup's row key); `latest`
    its newest copy (carried into later reviews, where its actuals are entered)."""
    found: list[Confirmed] = []
    for problem in known_problems(sessions, team):
        if problem.retros < min_retros:
            continue
        by_id = {s.id: s for s in sessions}
        cards: list[LinkedCard] = []
        actions: list[ProblemAction] = []
        for sight in problem.sightings:
            session = by_id[sight.session_id]
            cards.extend(_cards(session, sight.target))
            sources = {sight.target} | {c.id for c in session.cards_of_topic(sight.target)}
            for action in session.actions:
                if action.source not in sources:
                    continue
                key = f"{session.id}:{action.id}"
                status = (statuses or {}).get(key, action.status)
                newest = (latest or {}).get(key, action)
                actions.append(
                    ProblemAction(
                        session.id,
                        session.title,
                        _day(session),
                        action.text,
                        action.owner,
                        status,
                        _reached(newest),
                    )
                )
        found.append(Confirmed(problem, tuple(cards), tuple(actions)))
    return found


def _reached(action: ActionItem) -> bool | None:
    last = action.actuals[-1].value if action.actuals else None
    verdict = judge(
        baseline=action.baseline, target=action.target, direction=action.direction, actual=last
    )
    return {Verdict.REACHED: True, Verdict.PARTLY: False, Verdict.MISSED: False}.get(verdict)


def possible(
    sessions: Sequence[Session],
    team: str,
    scores: Scores,
    *,
    skip_columns: frozenset[str],
    threshold: float = POSSIBLE_SIMILARITY,
) -> list[PossibleRecurrence]:
    """Unlinked cards of `sessions` whose closest known problem, known from the team's
    *other* retros, is at least `threshold` alike; closest first. Cards in
    `skip_columns` (praise, proposals) are left out."""
    guesses: list[PossibleRecurrence] = []
    for session in sessions:
        problems = known_problems(sessions, team, leave_out=session.id)
        if not problems:
            continue
        taken = {c.card_id for target, _ in linked(session) for c in _cards(session, target)}
        for card in session.cards:
            if card.id in taken or card.hidden or card.column in skip_columns:
                continue
            best = rank_problems(card.text, problems, scores, limit=1)
            if best and best[0].similarity >= threshold:
                guesses.append(
                    PossibleRecurrence(
                        session.id,
                        session.title,
                        _day(session),
                        card.id,
                        card.text,
                        best[0].problem.id,
                        best[0].problem.name,
                        best[0].similarity,
                    )
                )
    guesses.sort(key=lambda g: (-g.similarity, g.date))
    return guesses


def nothing_recurring(window: int, linked_retros: int) -> str:
    """What "no recurring problem" rests on, for the CLI and the insights screen."""
    return (
        f"None: no problem was linked in two different retros (of the last {window} retros, "
        f"{linked_retros} have linked problems). Link cards to known problems on the board "
        "in group or discuss, or with `retro-tui problems link`."
    )


def action_line(action: ProblemAction) -> str:
    """E.g. "action: Map the approval chain (done, 2026-06-15)"."""
    reached = ""
    if action.reached is not None:
        reached = ", reached its target" if action.reached else ", missed its target"
    return f"action: {action.text} ({action.status.value}{reached}, {action.date})"

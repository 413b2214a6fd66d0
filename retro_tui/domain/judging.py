"""Judging last retro's actions inside this retro: which figure counts, and what it says.

An action's figure at a review is the actual the facilitator entered in this retro; when
none was entered and its metric names one of the team's numbers, this retro's value of
that number stands in (the Data step comes before the review for that reason). Pure:
the session is all it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retro_tui.domain.measures import (
    Measurement,
    Readiness,
    TeamNumber,
    Verdict,
    find_number,
    format_number,
    judge,
    readiness,
    with_measurement,
)
from retro_tui.domain.model import ActionItem, ActionStatus, ReviewDecision, Session


@dataclass(frozen=True)
class Judgement:
    """What the review shows for one action: its figure, where it came from, the verdict
    (measured actions) or the readiness (decisions), and its number's movement."""

    actual: float | None
    source: str  # "entered", "number" or "" (no figure)
    verdict: Verdict
    readiness: Readiness | None
    number: TeamNumber | None  # the team's number the metric names, if any


def linked_number(session: Session, action: ActionItem) -> TeamNumber | None:
    """The team's number this action's metric names, in this session's Data step."""
    return find_number(session.numbers, action.metric)


def figure(session: Session, action: ActionItem) -> tuple[float | None, str]:
    """This retro's figure for the action's metric and where it came from."""
    mine = next((m for m in action.actuals if m.session_id == session.id), None)
    if mine is not None:
        return mine.value, "entered"
    number = linked_number(session, action)
    if number is not None and number.value is not None:
        return number.value, "number"
    return None, ""


def judgement(session: Session, action: ActionItem) -> Judgement:
    actual, source = figure(session, action)
    latest = actual
    if latest is None and action.actuals:
        latest = action.actuals[-1].value  # a decision keeps its last known figure
    return Judgement(
        actual=actual,
        source=source,
        verdict=Verdict.NOT_MEASURED
        if action.decision
        else judge(
            baseline=action.baseline,
            target=action.target,
            direction=action.direction,
            actual=actual,
        ),
        readiness=readiness(action.direction, action.target, latest) if action.decision else None,
        number=linked_number(session, action),
    )


def done_early(session: Session, action: ActionItem) -> bool:
    """The one rule of acting early: a decision waiting for data that is done while its
    number, as `session` knows it, has not reached the threshold (or has no value yet).

    Every path that marks an action done asks this: the review, `retro-tui actions done`
    and the Action items screen (through `with_status` below)."""
    return action.decision and judgement(session, action).readiness is not Readiness.READY


def decided_early(session: Session, action: ActionItem, decision: ReviewDecision) -> bool:
    """A decision marked done at a review while its number had not reached the threshold."""
    return decision is ReviewDecision.DONE and done_early(session, action)


def with_status(session: Session, action: ActionItem, status: ActionStatus) -> ActionItem:
    """The action given a status after its retro (from the shell or the Action items
    screen): done before its threshold is acted early, as at a review; reopened or
    dropped, it is not."""
    early = status is ActionStatus.DONE and done_early(session, action)
    return replace(action, status=status, acted_early=early)


def settled(session: Session, action: ActionItem, decision: ReviewDecision) -> ActionItem:
    """The action as a review decision leaves it: a figure taken from the team's numbers
    joins its history (so a carried item keeps it), and a decision done before its number
    reached the threshold is marked acted early."""
    actual, source = figure(session, action)
    if source == "number" and actual is not None and decision is not ReviewDecision.PENDING:
        on = session.created_at.date().isoformat()
        taken = Measurement(actual, on, session.id, session.title)
        action = replace(action, actuals=with_measurement(action.actuals, taken))
    return replace(action, acted_early=decided_early(session, action, decision))


def early_note(session: Session, action: ActionItem) -> str:
    """The sentence that tells whoever marked `action` done that it was acted early."""
    if not action.acted_early:
        return ""
    latest, _ = figure(session, action)
    if latest is None and action.actuals:
        latest = action.actuals[-1].value
    metric = action.metric or "its number"
    now = "has no value yet" if latest is None else f"is at {format_number(latest)}"
    return (
        f"Recorded as acted early: {metric} {now}, short of the threshold "
        f"{format_number(action.target)}."
    )


# --- tables for spreadsheets -----------------------------------------------------------------
MEASURE_COLUMNS = (
    "kind",
    "baseline",
    "target",
    "direction",
    "actuals",
    "latest_actual",
    "verdict",
    "acted_early",
)


def measure_cells(item: ActionItem) -> list[object]:
    """An action's measure as CSV cells (MEASURE_COLUMNS): the verdict is the one its
    latest actual gives; a decision shows whether it is ready instead."""
    latest = item.actuals[-1].value if item.actuals else None
    if item.decision:
        kind, state = "decision", readiness(item.direction, item.target, latest).value
    else:
        kind = "measured" if item.target is not None else ""
        state = judge(
            baseline=item.baseline, target=item.target, direction=item.direction, actual=latest
        ).value
    history = "; ".join(f"{format_number(m.value)} ({m.on})" for m in item.actuals)
    return [
        kind,
        "" if item.baseline is None else format_number(item.baseline),
        "" if item.target is None else format_number(item.target),
        item.direction.value if item.target is not None else "",
        history,
        "" if latest is None else format_number(latest),
        state if item.target is not None else "",
        "yes" if item.acted_early else "",
    ]

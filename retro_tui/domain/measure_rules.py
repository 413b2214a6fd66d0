"""Rules for measured actions, the team's numbers and the readiness checklist.

Kept beside `rules.py` (which imports this module once, at its end, so the handlers
register) because they are one feature: the loop from a baseline to a target to the
actual value at the next retro. Pure, like every rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from retro_tui.domain import commands as c
from retro_tui.domain import text as t
from retro_tui.domain.errors import NotAllowed, Refused
from retro_tui.domain.measures import (
    NUMBERS_MAX,
    PERIOD_MAX,
    UNIT_MAX,
    Measurement,
    TeamNumber,
    check_number,
    clean_number_name,
    find_number,
    measure_fields,
    number_key,
    with_measurement,
)
from retro_tui.domain.model import ActionItem, Participant, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.rules import (
    _actions_phase,
    _facilitator_only,
    _handles,
    _in_phase,
    _replace_item,
)


@_handles(c.SetMeasure)
def _set_measure(session: Session, actor: Participant, cmd: c.SetMeasure, now: datetime) -> Session:
    _actions_phase(session, actor)
    item = session.action(cmd.action)
    if item is None:
        raise Refused("That action item no longer exists.")
    fields = measure_fields(cmd.baseline, cmd.target, cmd.direction, cmd.decision)
    updated = replace(item, **fields)  # type: ignore[arg-type]
    return session.with_changes(actions=_replace_item(session.actions, item, updated))


@_handles(c.RecordActual)
def _record_actual(
    session: Session, actor: Participant, cmd: c.RecordActual, now: datetime
) -> Session:
    _facilitator_only(actor, "enter the actual value of an action")
    _in_phase(session, "enter actual values", Phase.REVIEW)
    entry = next((r for r in session.review if r.action.id == cmd.action), None)
    if entry is None:
        raise Refused("That action is not under review.")
    if entry.action.target is None:
        raise Refused("That action has no target, so there is nothing to judge its value by.")

    def recorded(history: tuple[Measurement, ...]) -> tuple[Measurement, ...]:
        kept = tuple(m for m in history if m.session_id != session.id)
        if cmd.value is None:
            return kept
        value = check_number(cmd.value, "The actual value")
        on = session.created_at.date().isoformat()
        return with_measurement(kept, Measurement(value, on, session.id, session.title))

    action = replace(entry.action, actuals=recorded(entry.action.actuals))
    review = _replace_item(session.review, entry, replace(entry, action=action))
    # A copy carried into this retro keeps the history too.
    carried_id = f"{entry.action.id}~{session.id}"
    actions = tuple(
        replace(a, actuals=recorded(a.actuals)) if a.id == carried_id else a
        for a in session.actions
    )
    return session.with_changes(review=review, actions=actions)


def _data_phase(session: Session, actor: Participant) -> None:
    _facilitator_only(actor, "change the team's numbers")
    _in_phase(session, "change the team's numbers", Phase.DATA)


def clean_number_row(name: object, unit: object, period: object) -> tuple[str, str, str]:
    """A number's name, unit and period checked like any typed text."""
    return (
        clean_number_name(name, "A number's name"),
        t.clean_text(unit, "A unit", UNIT_MAX, allow_empty=True),
        t.clean_text(period, "A period", PERIOD_MAX, allow_empty=True),
    )


def put_number(
    numbers: tuple[TeamNumber, ...],
    name: str,
    value: float | None,
    unit: str,
    period: str,
) -> tuple[TeamNumber, ...]:
    """The table with this number added or changed (its last-retro value kept)."""
    old = find_number(numbers, name)
    if old is None:
        if len(numbers) >= NUMBERS_MAX:
            raise Refused(f"A retro holds at most {NUMBERS_MAX} numbers.")
        return (*numbers, TeamNumber(name=name, value=value, unit=unit, period=period))
    new = replace(old, name=name, value=value, unit=unit or old.unit, period=period or old.period)
    return tuple(new if n is old else n for n in numbers)


@_handles(c.SetNumber)
def _set_number(session: Session, actor: Participant, cmd: c.SetNumber, now: datetime) -> Session:
    _data_phase(session, actor)
    name, unit, period = clean_number_row(cmd.number, cmd.unit, cmd.period)
    value = None if cmd.value is None else check_number(cmd.value, f"The value of {name}")
    numbers = put_number(session.numbers, name, value, unit, period)
    return session.with_changes(numbers=numbers)


@_handles(c.DeleteNumber)
def _delete_number(
    session: Session, actor: Participant, cmd: c.DeleteNumber, now: datetime
) -> Session:
    _data_phase(session, actor)
    key = number_key(cmd.number)
    numbers = tuple(n for n in session.numbers if number_key(n.name) != key)
    if len(numbers) == len(session.numbers):
        raise Refused("That number is not in the table.")
    return session.with_changes(numbers=numbers)


@_handles(c.RenameNumber)
def _rename_number(
    session: Session, actor: Participant, cmd: c.RenameNumber, now: datetime
) -> Session:
    _data_phase(session, actor)
    old = find_number(session.numbers, cmd.number)
    if old is None:
        raise Refused("That number is not in the table.")
    name = clean_number_name(cmd.to, "A number's new name")
    clash = find_number(session.numbers, name)
    if clash is not None and clash is not old:
        raise Refused(
            f"There is already a number called {clash.name!r}; delete one of the two first."
        )
    numbers = tuple(replace(n, name=name) if n is old else n for n in session.numbers)
    return session.with_changes(numbers=numbers, **renamed_metrics(session, old.name, name))


def renamed_metrics(session: Session, old: str, new: str) -> dict[str, object]:
    """This retro's actions and reviewed actions whose metric names the number `old`, with
    the metric `new`, so they stay linked to it (and to its next values)."""
    key = number_key(old)

    def follow(item: ActionItem) -> ActionItem:
        return replace(item, metric=new) if number_key(item.metric) == key else item

    return {
        "actions": tuple(follow(a) for a in session.actions),
        "review": tuple(replace(r, action=follow(r.action)) for r in session.review),
    }


@_handles(c.SetReadiness)
def _set_readiness(
    session: Session, actor: Participant, cmd: c.SetReadiness, now: datetime
) -> Session:
    _data_phase(session, actor)
    if not 0 <= cmd.index < len(session.readiness):
        if not session.readiness:
            raise NotAllowed("This retro's format has no readiness checklist.")
        raise Refused(f"The checklist has {len(session.readiness)} checks.")
    checks = tuple(
        replace(check, ready=cmd.ready) if i == cmd.index else check
        for i, check in enumerate(session.readiness)
    )
    return session.with_changes(readiness=checks)

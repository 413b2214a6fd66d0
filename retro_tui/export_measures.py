"""The notes' parts about numbers: measured actions, verdicts, the team's numbers and the
readiness checklist, in the Markdown of `export.py` (user text escaped the same way).

A module of its own so the notes' main builder stays readable; pure like it.
"""

from __future__ import annotations

from retro_tui.domain.judging import judgement
from retro_tui.domain.measures import Direction, Verdict, format_change, format_number
from retro_tui.domain.model import ActionItem, Session

__all__ = ["actions_heading", "data_section", "measure_note", "review_note"]

ACTIONS_TITLE = "Action items"


def _esc(text: str) -> str:
    # export.py builds the notes with this module's help, so it is imported on use.
    from retro_tui.export import escape_inline

    return escape_inline(text)


def actions_heading(session: Session) -> str:
    """ "Action items", unless a column of the format is already called that: one heading
    per name, so a reader (and a table of contents) finds the agreed items."""
    taken = {" ".join(col.title.casefold().split()) for col in session.columns}
    return "Agreed action items" if ACTIONS_TITLE.casefold() in taken else ACTIONS_TITLE


def _way(direction: Direction) -> str:
    return "higher is better" if direction is Direction.UP else "lower is better"


def measure_note(action: ActionItem) -> str:
    """`; baseline 18 → target 25 (higher is better); actuals 21 (2026-12-14)`."""
    if action.target is None:
        return ""
    if action.decision:
        note = f"; decide when it reaches {format_number(action.target)}"
        if action.acted_early:
            note += " (acted early)"
    else:
        start = (
            f"baseline {format_number(action.baseline)} \u2192 "
            if action.baseline is not None
            else ""
        )
        note = f"; {start}target {format_number(action.target)} ({_way(action.direction)})"
    if action.actuals:
        values = ", ".join(f"{format_number(m.value)} ({_esc(m.on)})" for m in action.actuals)
        note += f"; actual {values}"
    return note


def review_note(session: Session, action: ActionItem) -> str:
    """What the review found: the figure and the verdict, or a decision's readiness."""
    if action.target is None:
        return ""
    found = judgement(session, action)
    parts = []
    if found.actual is not None:
        parts.append(f"actual {format_number(found.actual)}")
    if found.readiness is not None:
        parts.append(found.readiness.value + (", acted early" if action.acted_early else ""))
    elif found.verdict is not Verdict.NOT_MEASURED:
        parts.append(f"target {format_number(action.target)}: {found.verdict.value}")
    if found.number is not None and found.number.change is not None:
        parts.append(f"{_esc(found.number.name)} {format_change(found.number.change)}")
    return f" \u2014 {'; '.join(parts)}" if parts else ""


def data_section(session: Session) -> list[str]:
    """The team's numbers as a table, then the readiness checklist."""
    out: list[str] = []
    if session.numbers:
        out += ["## The team's numbers", ""]
        out += ["| Number | Value | Unit | Period | Last retro | Change |"]
        out += ["| --- | ---: | --- | --- | ---: | ---: |"]
        for n in session.numbers:
            cells = [
                _esc(n.name),
                format_number(n.value),
                _esc(n.unit),
                _esc(n.period),
                format_number(n.previous),
                format_change(n.change),
            ]
            out.append("| " + " | ".join(cell or "\u2013" for cell in cells) + " |")
    if session.readiness:
        if out:
            out.append("")
        out += ["## Ready before the work started?", ""]
        marks = {True: "[x]", False: "[ ]", None: "[ ]"}
        for check in session.readiness:
            unknown = " (not answered)" if check.ready is None else ""
            out.append(f"- {marks[check.ready]} {_esc(check.text)}{unknown}")
    return out

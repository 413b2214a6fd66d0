"""Review: last retro's open action items, each decided done, carried over or dropped."""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain.judging import judgement
from retro_tui.domain.measures import Readiness, Verdict, format_change, format_number
from retro_tui.domain.model import ParkedItem, ReviewDecision, ReviewItem, Session
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import age_text
from retro_tui.ui.widgets.table_pane import TablePane

DECISION_STYLES = {
    ReviewDecision.PENDING: ("undecided", "dim"),
    ReviewDecision.DONE: ("✓ done", "green"),
    ReviewDecision.CARRIED: ("→ carried", "yellow"),
    ReviewDecision.DROPPED: ("✗ dropped", "red"),
}


def review_row(entry: ReviewItem, view: BoardView) -> list[Text]:
    action = entry.action
    label, style = DECISION_STYLES[entry.decision]
    age = age_text(action.raised_on, view.session.created_at.date()).removeprefix("raised ")
    if action.carried:
        age += f" ·{action.carried}×"  # carried over that often; the detail says it in words
    return [
        Text(action.text),
        Text(action.owner or "–"),
        Text(age, style="dim"),
        result_text(view.session, entry),
        Text(label, style=style),
    ]


def parked_row(item: ParkedItem, view: BoardView) -> list[Text]:
    """One of last retro's parked items, under the actions (p: dealt with / parked)."""
    raised = age_text(item.raised_on, view.session.created_at.date()) if item.raised_on else ""
    age = raised.removeprefix("raised ")
    state = ("✓ dealt with", "green") if item.settled else ("⏸ parked", "yellow")
    return [
        Text("⏸ " + item.text),
        Text("–"),
        Text(age, style="dim"),
        Text("–", style="dim"),
        Text(state[0], style=state[1]),
    ]


VERDICT_STYLES = {
    Verdict.REACHED: "green",
    Verdict.PARTLY: "yellow",
    Verdict.MISSED: "red",
    Verdict.NO_ACTUAL: "dim",
    Verdict.NOT_MEASURED: "dim",
}


def result_text(session: Session, entry: ReviewItem) -> Text:
    """The figure over the target and what it says: `21/25 partly`, `1200/1000 ready`,
    `?/25 actual?` (no actual yet) or `–` (not measured). A slash, not an arrow: the
    detail line's arrow goes from the baseline to the target."""
    action = entry.action
    if action.target is None:
        return Text("–", style="dim")
    found = judgement(session, action)
    value = format_number(found.actual) if found.actual is not None else "?"
    goal = format_number(action.target)
    if found.readiness is not None:
        style = "green" if found.readiness is Readiness.READY else "yellow"
        return Text(f"{value}/{goal} {found.readiness.value}", style=style)
    words = {Verdict.NO_ACTUAL: "actual?"}
    word = words.get(found.verdict, found.verdict.value)
    return Text(f"{value}/{goal} {word}", style=VERDICT_STYLES[found.verdict])


def review_detail(entry: ReviewItem, session: Session) -> Text:
    action = entry.action
    text = Text.assemble((action.text, "bold"))
    text.append("\nowner ", style="dim")
    text.append(action.owner or "–")
    text.append(" · due ", style="dim")
    text.append(action.due or "–")
    if action.raised_in:
        text.append(" · from ", style="dim")
        text.append(action.raised_in)
    if action.carried:
        text.append(f" · carried over {action.carried}×", style="dim")
    if action.target is not None:
        text.append("\n")
        text.append(measure_line(session, entry))
    return text


def measure_line(session: Session, entry: ReviewItem) -> Text:
    """The measure, the figure and where it came from, its history and its number."""
    action = entry.action
    found = judgement(session, action)
    text = Text()
    text.append(action.metric or "metric", style="bold")
    if action.decision:
        text.append(f": decide when it reaches {format_number(action.target)}")
    else:
        start = format_number(action.baseline) if action.baseline is not None else "?"
        text.append(f": {start} → {format_number(action.target)}")
    text.append(" (higher is better)" if action.direction.value == "up" else " (lower is better)")
    if found.actual is None:
        text.append(" · m enters the actual", style="yellow")
    else:
        source = " from the Data step" if found.source == "number" else ""
        text.append(f" · actual {format_number(found.actual)}{source}")
    if action.acted_early:
        text.append(" · acted early", style="yellow")
    earlier = [m for m in action.actuals if m.session_id != session.id]
    if earlier:
        shown = ", ".join(f"{format_number(m.value)} ({m.on})" for m in earlier)
        text.append(f" · before: {shown}", style="dim")
    if found.number is not None and found.number.change is not None:
        text.append(
            f" · {found.number.name} {format_number(found.number.previous)} → "
            f"{format_number(found.number.value)} ({format_change(found.number.change)})",
            style="dim",
        )
    return text


class ReviewPane(TablePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [("Action", None), ("Owner", 9), ("Raised", 13), ("Result", 16), ("Decision", 12)],
            prefix="review",
            id=id,
        )

    def watch_view(self, view: BoardView | None) -> None:
        if view is None or not self.is_mounted:
            return
        review = view.session.review
        intro = self._intro
        if not review:
            intro.update(
                Text("No open action items from the last retro of this team. Move on with >.")
            )
        else:
            decided = sum(1 for r in review if r.decision is not ReviewDecision.PENDING)
            intro.update(Text(f"Last retro's open actions: {decided} of {len(review)} decided."))
        rows = [(r.action.id, review_row(r, view)) for r in review]
        rows += [(p.id, parked_row(p, view)) for p in view.session.parked_before]
        if view.session.parked_before and not review:
            intro.update(Text("No open actions; last retro's parking lot is below."))
        self.table.fill(rows)
        self.show_detail()

    def show_detail(self) -> None:
        view = self.view
        key = self.highlighted()
        entry = next((r for r in view.session.review if r.action.id == key), None) if view else None
        detail = self._detail
        detail.display = entry is not None
        if entry is not None:
            detail.update(review_detail(entry, view.session))  # type: ignore[union-attr]

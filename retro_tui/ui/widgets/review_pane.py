"""Review: last retro's open action items, each decided done, carried over or dropped."""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain.model import ReviewDecision, ReviewItem
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import age_text
from retro_tui.ui.widgets.table_pane import TablePane

DECISION_STYLES = {
    ReviewDecision.PENDING: ("undecided", "dim"),
    ReviewDecision.DONE: ("✓ done", "green"),
    ReviewDecision.CARRIED: ("→ carried over", "yellow"),
    ReviewDecision.DROPPED: ("✗ dropped", "red"),
}


def review_row(entry: ReviewItem, view: BoardView) -> list[Text]:
    action = entry.action
    label, style = DECISION_STYLES[entry.decision]
    age = age_text(action.raised_on, view.session.created_at.date())
    if action.carried:
        age += f", carried {action.carried}×"
    return [
        Text(action.text),
        Text(action.owner or "–"),
        Text(age, style="dim"),
        Text(label, style=style),
    ]


def review_detail(entry: ReviewItem) -> Text:
    action = entry.action
    text = Text.assemble((action.text, "bold"))
    text.append("\nowner ", style="dim")
    text.append(action.owner or "–")
    text.append(" · due ", style="dim")
    text.append(action.due or "–")
    if action.raised_in:
        text.append(" · from ", style="dim")
        text.append(action.raised_in)
    return text


class ReviewPane(TablePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [("Action", None), ("Owner", 10), ("Age", 20), ("Decision", 14)], prefix="review", id=id
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
        self.table.fill([(r.action.id, review_row(r, view)) for r in review])
        self.show_detail()

    def show_detail(self) -> None:
        view = self.view
        key = self.highlighted()
        entry = next((r for r in view.session.review if r.action.id == key), None) if view else None
        detail = self._detail
        detail.display = entry is not None
        if entry is not None:
            detail.update(review_detail(entry))

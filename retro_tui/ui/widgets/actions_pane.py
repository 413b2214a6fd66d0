"""Actions: the retro's action items, each flagged until it is a SMART goal."""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain.measures import Direction, format_number
from retro_tui.domain.model import ActionItem
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import missing_text
from retro_tui.ui.widgets.table_pane import TablePane


def action_row(item: ActionItem) -> list[Text]:
    status = Text("✓", style="green") if item.is_smart else Text("!", style="bold yellow")
    return [
        status,
        Text(item.text),
        Text(item.owner or "–"),
        Text(item.due or "–"),
        Text(item.metric or "–"),
    ]


def action_detail(item: ActionItem) -> Text:
    text = Text.assemble((item.text, "bold"))
    text.append("\nowner ", style="dim")
    text.append(item.owner or "–")
    text.append(" · due ", style="dim")
    text.append(item.due or "–")
    text.append(" · metric ", style="dim")
    text.append(item.metric or "–")
    if item.target is not None:
        text.append(" · ", style="dim")
        text.append(measure_text(item))
    if item.carried:
        text.append(f" · carried over {item.carried}×", style="dim")
    text.append("\n")
    text.append(missing_text(item.missing), style="green" if item.is_smart else "yellow bold")
    return text


def measure_text(item: ActionItem) -> str:
    """`18 → 25, higher is better` or `decide at 1000`."""
    goal = format_number(item.target)
    if item.decision:
        return f"decide when it reaches {goal}"
    start = f"{format_number(item.baseline)} → " if item.baseline is not None else "target "
    way = "higher" if item.direction is Direction.UP else "lower"
    return f"{start}{goal}, {way} is better"


class ActionsPane(TablePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [("", 1), ("Action", None), ("Owner", 10), ("Due", 10), ("Metric", 16)],
            prefix="actions",
            id=id,
        )

    def watch_view(self, view: BoardView | None) -> None:
        if view is None or not self.is_mounted:
            return
        actions = view.session.actions
        flagged = sum(1 for a in actions if not a.is_smart)
        intro = Text.assemble((f"{len(actions)} action items", "bold"))
        if flagged:
            intro.append(f" · {flagged} not SMART yet (marked !)", style="yellow")
        self._intro.update(intro)
        self.table.fill([(a.id, action_row(a)) for a in actions])
        self.show_detail()

    def show_detail(self) -> None:
        view = self.view
        detail = self._detail
        key = self.highlighted()
        item = view.session.action(key) if view is not None and key else None
        detail.update(action_detail(item) if item else Text("No action items yet.", style="dim"))

"""Actions: the retro's action items, each flagged until it is a SMART goal."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from retro_tui.domain.model import ActionItem
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import missing_text
from retro_tui.ui.widgets.table_pane import KeyedTable


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
    if item.carried:
        text.append(f" · carried over {item.carried}×", style="dim")
    text.append("\n")
    text.append(missing_text(item.missing), style="green" if item.is_smart else "yellow bold")
    return text


class ActionsPane(Vertical):
    view: reactive[BoardView | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._intro = Static(id="actions-intro", classes="pane-intro")
        self._table = KeyedTable(
            [("", 1), ("Action", None), ("Owner", 10), ("Due", 10), ("Metric", 16)],
            id="actions-table",
        )
        self._detail = Static(id="actions-detail")

    def compose(self) -> ComposeResult:
        yield self._intro
        yield self._table
        yield self._detail

    @property
    def table(self) -> KeyedTable:
        return self._table

    def highlighted(self) -> str | None:
        return self.table.highlighted_key()

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
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        view = self.view
        detail = self._detail
        key = self.highlighted()
        item = view.session.action(key) if view is not None and key else None
        detail.update(action_detail(item) if item else Text("No action items yet.", style="dim"))

    def on_mount(self) -> None:
        self.watch_view(self.view)

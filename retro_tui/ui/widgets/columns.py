"""The columns side by side, with arrow-key navigation between items and columns."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalScroll
from textual.reactive import reactive

from retro_tui.domain.phases import Phase
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import BoardItem, all_board_items
from retro_tui.ui.widgets.card import CardWidget
from retro_tui.ui.widgets.column import ColumnWidget


class ColumnsBoard(HorizontalScroll, inherit_bindings=False):
    """The write / group / vote board. Scrolls sideways when the columns do not fit."""

    DEFAULT_CSS = """
    ColumnsBoard { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(0, -1)", "Up", show=False, id="nav-up"),
        Binding("down", "move(0, 1)", "Down", show=False, id="nav-down"),
        Binding("left", "move(-1, 0)", "Left", show=False, id="nav-left"),
        Binding("right", "move(1, 0)", "Right", show=False, id="nav-right"),
    ]

    view: reactive[BoardView | None] = reactive(None, always_update=True)
    grouping: reactive[str | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._columns: dict[str, ColumnWidget] = {}
        self._wants_focus = False  # asked to focus before the columns were mounted

    def compose(self) -> ComposeResult:
        yield from ()

    async def watch_view(self, view: BoardView | None) -> None:
        if view is None:
            return
        session = view.session
        if [c.key for c in session.columns] != list(self._columns):
            await self.remove_children()
            self._columns = {spec.key: ColumnWidget(spec) for spec in session.columns}
            await self.mount_all(self._columns.values())
            self._size_columns()
            if self._wants_focus:
                self._wants_focus = False
                self.focus_first()
        focused = self.focused_item()
        followed = focused.item if focused is not None else None
        every = all_board_items(view)
        for key, column in self._columns.items():
            items = every.get(key, ())
            count = sum(len(item.cards) for item in items)
            column.show(items, count)
            column.set_prompt_visible(session.phase is Phase.WRITE)
        self.watch_grouping(self.grouping)
        if followed is not None and focused is not None and focused.item_id not in self._live_ids():
            self._refocus(followed)

    MIN_COLUMN_WIDTH: ClassVar[int] = 26

    def on_resize(self) -> None:
        self._size_columns()

    def _size_columns(self) -> None:
        """Share the width out; when the columns cannot all fit, keep each readable and
        let the board scroll sideways (`fr` widths inside a scroll view would not)."""
        if not self._columns:
            return
        available = max(self.size.width - 1, 0)
        width = max(self.MIN_COLUMN_WIDTH, available // len(self._columns))
        for column in self._columns.values():
            column.styles.width = width

    def _live_ids(self) -> set[str]:
        return {card.item_id for column in self.columns() for card in column.card_widgets()}

    def _refocus(self, old: BoardItem) -> None:
        """Focus followed a card that became part of a topic (or left one): go with it."""
        cards = {card.id for card in old.cards}
        for column in self.columns():
            for widget in column.card_widgets():
                item = widget.item
                if item is not None and (item.id == old.id or cards & {c.id for c in item.cards}):
                    widget.focus()
                    return
        home = self._columns.get(old.column)
        if home is not None:
            home.cards.focus()

    def watch_grouping(self, grouping: str | None) -> None:
        for card in self.query(CardWidget):
            card.set_class(card.item_id == grouping and grouping is not None, "-grouping")

    # --- what is selected ------------------------------------------------------------
    def focused_item(self) -> CardWidget | None:
        node = self.screen.focused
        while node is not None and node is not self:
            if isinstance(node, CardWidget):
                return node
            node = node.parent  # type: ignore[assignment]
        return None

    def focused_column(self) -> ColumnWidget | None:
        node = self.screen.focused
        while node is not None and node is not self:
            if isinstance(node, ColumnWidget):
                return node
            node = node.parent  # type: ignore[assignment]
        return None

    def columns(self) -> list[ColumnWidget]:
        return list(self._columns.values())

    def focus_first(self) -> None:
        """Put focus somewhere useful: the first item, else the first column."""
        if self.focused_column() is not None:
            return
        for column in self.columns():
            cards = column.card_widgets()
            if cards:
                cards[0].focus()
                return
        if self._columns:
            self.columns()[0].cards.focus()
        else:
            self._wants_focus = True

    def focus_item(self, item_id: str) -> None:
        for card in self.query(CardWidget):
            if card.item_id == item_id:
                card.focus()
                return

    # --- navigation ----------------------------------------------------------------
    def action_move(self, dx: int, dy: int) -> None:
        columns = self.columns()
        column = self.focused_column()
        if column is None or not columns:
            self.focus_first()
            return
        cards = [c for c in column.card_widgets() if c.is_mounted]
        current = self.focused_item()
        index = cards.index(current) if current in cards else -1
        if dy:
            target = index + dy if index >= 0 else 0
            if 0 <= target < len(cards):
                cards[target].focus()
            return
        col_index = columns.index(column) + dx
        if not 0 <= col_index < len(columns):
            return
        neighbour = columns[col_index]
        others = neighbour.card_widgets()
        if others:
            others[min(max(index, 0), len(others) - 1)].focus()
        else:
            neighbour.cards.focus()

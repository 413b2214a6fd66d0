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
from retro_tui.ui.widgets.column import ColumnWidget
from retro_tui.ui.widgets.phase_pane import PhasePane


class ColumnsBoard(HorizontalScroll, PhasePane, inherit_bindings=False):
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

    view: reactive[BoardView | None] = reactive(None, always_update=True, repaint=False)
    grouping: reactive[str | None] = reactive(None, repaint=False)

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
        column = self.focused_column()
        followed = column.cards.selected if column is not None else None
        every = all_board_items(view)
        for key, each in self._columns.items():
            items = every.get(key, ())
            each.show(items, sum(len(item.cards) for item in items))
            each.set_prompt_visible(session.phase is Phase.WRITE)
        self.watch_grouping(self.grouping)
        if followed is not None and followed.id not in self._live_ids():
            self._refocus(followed)

    def on_hide(self) -> None:
        if not self.display:  # another phase's pane took its place (not a dialog over it)
            for column in self.columns():
                column.cards.release()  # drawn again when the board next gets its view

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
        return {item.id for column in self.columns() for item in column.items}

    def _refocus(self, old: BoardItem) -> None:
        """The selected card became part of a topic (or left one): go with it."""
        cards = {card.id for card in old.cards}
        for column in self.columns():
            for index, item in enumerate(column.items):
                if item.id == old.id or cards & {c.id for c in item.cards}:
                    column.cards.choose(index)
                    return
        home = self._columns.get(old.column)
        if home is not None:
            home.cards.focus()

    def watch_grouping(self, grouping: str | None) -> None:
        for column in self.columns():
            column.cards.set_grouping(grouping)

    # --- what is selected ------------------------------------------------------------
    def focused_item(self) -> BoardItem | None:
        """The selected item of the focused column, if a column has focus."""
        column = self.focused_column()
        return column.cards.selected if column is not None else None

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
        """Put focus somewhere useful: the first column with items, else the first. A
        focused column keeps it, unless it is empty and another is not (a new phase
        revealed everyone's cards while this person sat in an empty column)."""
        if not self._columns:
            self._wants_focus = True
            return
        columns = self.columns()
        with_items = next((column for column in columns if column.items), None)
        focused = self.focused_column()
        if focused is not None and (focused.items or with_items is None):
            return
        (with_items or columns[0]).cards.focus()

    def focus_within(self) -> bool:
        self.focus_first()
        return True

    def focus_item(self, item_id: str) -> None:
        for column in self.columns():
            index = column.cards.index_of(item_id)
            if index >= 0:
                column.cards.choose(index)
                return

    # --- navigation ----------------------------------------------------------------
    def action_move(self, dx: int, dy: int) -> None:
        columns = self.columns()
        column = self.focused_column()
        if column is None or not columns:
            self.focus_first()
            return
        cards = column.cards
        if dy:
            cards.select(cards.cursor + dy if cards.cursor >= 0 else 0)
            return
        col_index = columns.index(column) + dx
        if not 0 <= col_index < len(columns):
            return
        columns[col_index].cards.choose(max(cards.cursor, 0))

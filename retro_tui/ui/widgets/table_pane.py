"""A DataTable that is refilled from a view but keeps the cursor on the same row key.

One column (the one with width None) takes the room the others leave and its text is
clipped to fit, so a table never needs a sideways scroll, even at 80 columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from retro_tui.domain.views import BoardView
from retro_tui.ui.widgets.phase_pane import PhasePane

Rows = Sequence[tuple[str, Sequence[Text]]]


def clip(text: Text, width: int) -> Text:
    """`text` cut to `width` cells with an ellipsis, keeping its styles."""
    if text.cell_len <= width:
        return text
    clipped = text.copy()
    clipped.truncate(max(1, width - 1))
    clipped.append("…")
    return clipped


class KeyedTable(DataTable[Text]):
    """Rows are replaced wholesale (tables here are small); the highlighted key survives."""

    def __init__(self, columns: Sequence[tuple[str, int | None]], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._spec = columns
        self._rows: Rows = ()
        self._flex = next((i for i, (_, width) in enumerate(columns) if width is None), None)

    def on_mount(self) -> None:
        for label, width in self._spec:
            self.add_column(label, width=width or self._flex_width(), key=label)
        if self._rows:  # filled by a pane mounted with its view, before these columns
            self.fill(self._rows)

    def _flex_width(self) -> int:
        fixed = sum(width or 0 for _, width in self._spec)
        padding = 2 * self.cell_padding * len(self._spec)
        return max(12, self.scrollable_content_region.width - fixed - padding - 1)

    def on_resize(self, event: events.Resize) -> None:
        if self._flex is not None and self.columns:
            column = list(self.columns.values())[self._flex]
            column.width = self._flex_width()
            self.fill(self._rows)

    def highlighted_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return str(key.value) if key.value is not None else None

    def fill(self, rows: Rows) -> None:
        self._rows = rows
        if not self.columns:
            return  # not mounted yet: on_mount fills it
        keep = self.highlighted_key()
        self.clear()
        width = self._flex_width()
        for key, cells in rows:
            shown = list(cells)
            if self._flex is not None:
                shown[self._flex] = clip(shown[self._flex], width)
            self.add_row(*shown, key=key)
        keys = [key for key, _ in rows]
        if keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False, scroll=True)

    def highlight(self, key: str) -> None:
        for index, row in enumerate(self.ordered_rows):
            if row.key.value == key:
                self.move_cursor(row=index, animate=False, scroll=True)
                return


class TablePane(Vertical, PhasePane):
    """A phase pane that is an intro line, a keyed table and a detail of the selected row.

    Subclasses fill the intro and table in `watch_view` and the detail in `show_detail`.
    """

    def __init__(
        self, columns: Sequence[tuple[str, int | None]], *, prefix: str, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._intro = Static(id=f"{prefix}-intro", classes="pane-intro")
        self._table = KeyedTable(columns, id=f"{prefix}-table")
        self._detail = Static(id=f"{prefix}-detail")

    def compose(self) -> ComposeResult:
        yield self._intro
        yield self._table
        yield self._detail

    @property
    def table(self) -> KeyedTable:
        return self._table

    def focus_within(self) -> bool:
        self.table.focus()
        return True

    def highlighted(self) -> str | None:
        return self.table.highlighted_key()

    def show_detail(self) -> None:
        """Describe the highlighted row below the table."""

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self.show_detail()

    def on_mount(self) -> None:
        # `is_mounted` turns true only after this handler; draw the view just after it.
        self.call_later(lambda: self.watch_view(self.view))

    def watch_view(self, view: BoardView | None) -> None:
        """Fill the intro and the table from the board."""

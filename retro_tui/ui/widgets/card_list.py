"""A column's items drawn as lines by one widget, with a cursor for the selected item.

Why one widget and not one per card: Textual lays the whole screen out again when a
widget is mounted and repaints every sibling whose paint order shifted, so with a widget
per card each card someone else wrote redrew the whole column stack on every screen
(about 60 ms of CPU per card per participant). Here a change rebuilds only the lines of
the items that changed (kept in a cache) and repaints this column's region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from retro_tui.ui.shaping import BoardItem
from retro_tui.ui.widgets.card import item_text

EDGE = "▌"


@dataclass(frozen=True)
class _Look:
    """What decides an item's lines besides the item itself."""

    width: int
    selected: bool
    grouping: bool


class CardList(ScrollView, can_focus=True, inherit_bindings=False):
    """The scrolling list of a column's items. Focusable, so an empty column can be
    chosen; it drops the scroll bindings so the arrow keys reach the board's navigation."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "card",
        "card--hidden",
        "card--current",
        "card--grouping",
        "card--selected",
        "card--edge",
        "card--edge-topic",
        "card--edge-mine",
        "card--edge-voted",
        "card--edge-selected",
    }

    DEFAULT_CSS = """
    CardList {
        height: 1fr;
        scrollbar-size-vertical: 0;
        &:focus { background: $accent 10%; }
        & > .card { background: $boost; }
        & > .card--hidden { color: $text-muted; }
        & > .card--current { background: $warning 20%; }
        & > .card--grouping { background: $secondary 30%; text-style: italic; }
        & > .card--selected { background: $accent 15%; }
        & > .card--edge { color: $panel; }
        & > .card--edge-topic { color: $secondary; }
        & > .card--edge-mine { color: $success; }
        & > .card--edge-voted { color: $primary; }
        & > .card--edge-selected { color: $accent; }
    }
    """

    class Overflow(Message):
        """How many items are out of sight changed; the column's heading says so.

        There is no scrollbar: its thumb changes with every card added out of sight,
        and repainting it made each new card redraw the whole column on every screen.
        """

    class Selected(Message):
        """The cursor moved to another item (the facilitator's problem hints follow it)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: tuple[BoardItem, ...] = ()
        self.cursor = -1  # index into items; -1 when the column is empty
        self.grouping: str | None = None
        self._lines: list[Strip] = []
        self._spans: list[tuple[int, int]] = []  # each item's first line and end (+ margin)
        self._blocks: dict[tuple[BoardItem, _Look], list[Strip]] = {}
        self._styles: dict[tuple[str, ...], Style] = {}
        self._blanks: dict[int, Strip] = {}
        self.out_of_sight = (0, 0)  # items above and below what is shown

    # --- what the board calls ------------------------------------------------------------
    @property
    def selected(self) -> BoardItem | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def show(self, items: tuple[BoardItem, ...]) -> None:
        """New items from the hub; the cursor stays on the same item when it can."""
        if items == self.items:
            return
        current = self.selected
        self.items = items
        if current is not None:
            index = next((i for i, item in enumerate(items) if item.id == current.id), -1)
            self.cursor = index if index >= 0 else min(self.cursor, len(items) - 1)
        elif self.has_focus and items:
            self.cursor = 0
        self._rebuild()
        now = self.selected
        if now is not None and (current is None or now.id != current.id):
            # Another item under the cursor (its card went into a topic, or was deleted).
            self.call_later(self._announce)

    def _announce(self) -> None:
        """Post `Selected` in the list's own turn. The board calls `show` and `select`, and
        Textual stops a message below the widget that was running when it was made, so
        made there it would never reach the screen."""
        self.post_message(self.Selected())

    def release(self) -> None:
        """Forget the items and their drawn lines until the next `show` (issue 17).

        While another phase's pane is on screen, the lines of a few hundred cards (each
        a `Strip` with its caches and cropped copies) are ~5 MB a tab holds for nothing;
        a tab opened in that phase never draws them. `show` draws them again.
        """
        self.items = ()
        self._lines, self._spans, self._blocks = [], [], {}

    def select(self, index: int, *, scroll: bool = True) -> None:
        """Put the cursor on item `index` (clamped) and bring it into view."""
        index = min(max(index, 0), len(self.items) - 1) if self.items else -1
        if index != self.cursor:
            self.cursor = index
            self._rebuild()
            self.call_later(self._announce)
        if scroll and 0 <= index < len(self._spans):
            start, end = self._spans[index]
            self.scroll_to_region(
                Region(0, start, 1, max(1, end - start)), animate=False, immediate=True
            )

    def choose(self, index: int) -> None:
        """Take the keyboard and select item `index` (a click, an arrow key, a follow)."""
        self.focus()
        self.select(index)

    def index_of(self, item_id: str) -> int:
        return next((i for i, item in enumerate(self.items) if item.id == item_id), -1)

    def set_grouping(self, grouping: str | None) -> None:
        if grouping != self.grouping:
            self.grouping = grouping
            self._rebuild()

    # --- drawing -------------------------------------------------------------------------
    def _paint(self, *names: str) -> Style:
        """The Rich style of component classes layered on this list's background.

        Theme colours like `$boost` are translucent; they are blended here, once.
        """
        style = self._styles.get(names)
        if style is None:
            _, background = self.background_colors
            color = self.styles.color
            text_style = Style()
            for name in names:
                styles = self.get_component_styles(name)
                if styles.has_rule("background"):
                    background = background + styles.background
                if styles.has_rule("color"):
                    color = styles.color
                if styles.has_rule("text_style"):
                    text_style += styles.text_style
            ink = background + color
            style = Style(color=ink.rich_color, bgcolor=background.rich_color) + text_style
            self._styles[names] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._blanks.clear()
        self._blocks.clear()
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        self._rebuild()
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._count_out_of_sight()

    def _count_out_of_sight(self) -> None:
        top = self.scroll_offset.y
        bottom = top + self.size.height
        above = sum(1 for _, end in self._spans if end - 1 <= top)  # end - 1: the margin
        below = sum(1 for start, _ in self._spans if start >= bottom)
        if (above, below) != self.out_of_sight:
            self.out_of_sight = (above, below)
            self.post_message(self.Overflow())

    def on_focus(self) -> None:
        if self.cursor < 0 and self.items:
            self.cursor = 0
        self._rebuild()
        if self.cursor >= 0:
            self.select(self.cursor)

    def on_blur(self) -> None:
        self._rebuild()

    def _width(self) -> int:
        return max(self.scrollable_content_region.width, 0)

    def _rebuild(self) -> None:
        """Lay the items out as lines, reusing the cached lines of unchanged items, and
        repaint only the rows on screen whose line changed."""
        width = self._width()
        lines: list[Strip] = []
        spans: list[tuple[int, int]] = []
        wanted: dict[tuple[BoardItem, _Look], list[Strip]] = {}
        blank = self._blank(width)
        for index, item in enumerate(self.items):
            look = _Look(
                width,
                selected=index == self.cursor and self.has_focus,
                grouping=item.id == self.grouping,
            )
            key = (item, look)
            block = self._blocks.get(key)
            if block is None:
                block = self._draw(item, look)
            wanted[key] = block
            start = len(lines)
            lines.extend(block)
            lines.append(blank)
            spans.append((start, len(lines)))
        old = self._lines
        self._blocks = wanted
        self._lines, self._spans = lines, spans
        self._set_virtual_size(Size(width, len(lines)))
        self._refresh_changed(old, lines)
        self._count_out_of_sight()

    def _blank(self, width: int) -> Strip:
        """The margin line, one object per width so an unchanged one is not repainted."""
        blank = self._blanks.get(width)
        if blank is None:
            blank = self._blanks[width] = Strip.blank(width, self.rich_style)
        return blank

    def _set_virtual_size(self, size: Size) -> None:
        """Set the scrollable size without laying out the whole screen again.

        Setting `virtual_size` asks for a full layout; what it changes for a scroll view
        (scroll limits, scrollbar thumb) is what `_scroll_update` does during a layout, so
        that is called directly (Textual is pinned).
        """
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size
            return
        self.set_reactive(CardList.virtual_size, size)
        self._scroll_update(size)

    def _refresh_changed(self, old: list[Strip], new: list[Strip]) -> None:
        """Repaint the visible rows whose line is a different object than before."""
        top, height = self.scroll_offset.y, self.size.height
        start: int | None = None
        for y in range(top, top + height + 1):
            before = old[y] if y < len(old) else None
            after = new[y] if y < len(new) else None
            changed = y < top + height and before is not after
            if changed and start is None:
                start = y
            elif not changed and start is not None:
                self.refresh_lines(start, y - start)
                start = None

    def _draw(self, item: BoardItem, look: _Look) -> list[Strip]:
        """One item as lines: a coloured edge, one cell of padding each side, the text."""
        names = ["card"]
        if item.hidden:
            names.append("card--hidden")
        if item.current:
            names.append("card--current")
        if look.grouping:
            names.append("card--grouping")
        if look.selected:
            names.append("card--selected")
        edge_name = "card--edge"
        if look.selected:
            edge_name = "card--edge-selected"
        elif item.my_votes:
            edge_name = "card--edge-voted"
        elif item.mine and not item.is_topic:
            edge_name = "card--edge-mine"
        elif item.is_topic:
            edge_name = "card--edge-topic"
        edge = Segment(EDGE, self._paint(edge_name))
        fill = self._paint(*names)
        pad = Segment(" ", fill)
        inner = max(look.width - 3, 1)
        console = self.app.console
        rendered = item_text(item).wrap(console, inner, overflow="fold")
        block = []
        for line in rendered:
            text = Strip(line.render(console)).adjust_cell_length(inner).apply_style(fill)
            block.append(Strip([edge, pad, *text, pad]).crop(0, look.width))
        return block

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self._width()
        if 0 <= index < len(self._lines):
            return self._lines[index].crop(scroll_x, scroll_x + width)
        return Strip.blank(width, self.rich_style)

    # --- mouse ----------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        line = event.y + self.scroll_offset.y
        for index, (start, end) in enumerate(self._spans):
            if start <= line < end:
                self.choose(index)
                return
        self.focus()

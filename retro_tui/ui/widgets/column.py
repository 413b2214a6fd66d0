"""A board column: heading with its count, the prompt while writing, and its items."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from retro_tui.domain.formats import ColumnSpec
from retro_tui.ui.shaping import BoardItem
from retro_tui.ui.widgets.card_list import CardList


class ColumnWidget(Vertical):
    """One column of the format. The board sets `spec` once and calls `show` on changes."""

    DEFAULT_CSS = """
    ColumnWidget {
        width: 1fr;
        min-width: 26;
        height: 1fr;
        padding: 0 1;
        border-right: vkey $panel;
        & > .column-title { text-style: bold; color: $text; }
        & > .column-prompt { color: $text-muted; height: auto; max-height: 3; display: none; }
        &.-prompted > .column-prompt { display: block; }
    }
    """

    def __init__(self, spec: ColumnSpec) -> None:
        super().__init__(id=f"column-{spec.key}", classes=f"-colour-{spec.colour}")
        self.spec = spec
        self._title = Static(classes="column-title", markup=False)
        self._title_text: Text | None = None
        self._count = 0
        self._prompt = Static(Text(spec.prompt), classes="column-prompt", markup=False)
        self.cards = CardList()

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def items(self) -> tuple[BoardItem, ...]:
        return self.cards.items

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._prompt
        yield self.cards

    def set_prompt_visible(self, visible: bool) -> None:
        """Prompts help while writing; the app's CSS may still hide them on short screens."""
        self.set_class(visible and bool(self.spec.prompt), "-prompted")

    def show(self, items: tuple[BoardItem, ...], count: int) -> None:
        """The heading's count and the items; unchanged parts are not redrawn."""
        self._count = count
        self.cards.show(items)
        self._show_title()

    def on_card_list_overflow(self) -> None:
        self._show_title()

    def _show_title(self) -> None:
        """ "Went well  12  ↓4": the count, and how many cards are out of sight."""
        title = Text.assemble((self.spec.title, "bold"), (f"  {self._count}", "dim"))
        above, below = self.cards.out_of_sight
        if above:
            title.append(f"  ↑{above}", style="dim")
        if below:
            title.append(f"  ↓{below}", style="dim")
        old = self._title_text
        if title != old:
            self._title_text = title
            # A longer heading only needs a layout when it might wrap.
            fits = self._title.content_size.width
            wraps = old is None or max(old.cell_len, title.cell_len) > fits
            self._title.update(title, layout=wraps)

"""A board column: heading, prompt, count and its items, diffed by id on every change."""

from __future__ import annotations

import itertools

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from retro_tui.domain.formats import ColumnSpec
from retro_tui.ui.shaping import BoardItem
from retro_tui.ui.widgets.card import CardWidget


class CardList(VerticalScroll, inherit_bindings=False):
    """The scrolling list of a column's items; focusable so an empty column can be chosen.

    It drops the scroll bindings so the arrow keys reach the board's navigation.
    """

    DEFAULT_CSS = """
    CardList { height: 1fr; padding: 0 0 0 0; }
    CardList:focus { background: $accent 10%; }
    """


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
        self._prompt = Static(Text(spec.prompt), classes="column-prompt", markup=False)
        self.cards = CardList()
        self._gone: set[CardWidget] = set()  # removed, but not yet unmounted

    @property
    def key(self) -> str:
        return self.spec.key

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._prompt
        yield self.cards

    def set_prompt_visible(self, visible: bool) -> None:
        """Prompts help while writing; the app's CSS may still hide them on short screens."""
        self.set_class(visible and bool(self.spec.prompt), "-prompted")

    def card_widgets(self) -> list[CardWidget]:
        """The live item widgets (not those being removed), in order."""
        children = list(self.cards.query_children(CardWidget))
        self._gone &= set(children)
        return [w for w in children if w not in self._gone]

    def show(self, items: tuple[BoardItem, ...], count: int) -> None:
        """Update in place, mount new items, remove gone ones, then fix the order."""
        self._title.update(Text.assemble((self.spec.title, "bold"), (f"  {count}", "dim")))
        existing = {w.item_id: w for w in self.card_widgets()}
        wanted = {item.id for item in items}
        for item_id, widget in existing.items():
            if item_id not in wanted:
                self._gone.add(widget)
                widget.remove()
        new: list[CardWidget] = []
        for item in items:
            current = existing.get(item.id)
            if current is None:
                new.append(CardWidget(item))
            elif current.item != item:
                current.item = item
        if new:
            self.cards.mount_all(new)
        self._reorder(items, existing, new)

    def _reorder(
        self,
        items: tuple[BoardItem, ...],
        existing: dict[str, CardWidget],
        new: list[CardWidget],
    ) -> None:
        by_id = {**existing, **{w.item_id: w for w in new}}
        order = [by_id[item.id] for item in items]
        current = [w for w in self.cards.children if isinstance(w, CardWidget) and w in order]
        if current == order:
            return
        for before, widget in itertools.pairwise(order):
            self.cards.move_child(widget, after=before)

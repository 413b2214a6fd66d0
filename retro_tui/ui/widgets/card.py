"""One board item: a card, or a topic with its cards. Text is always drawn literally."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from retro_tui.ui.shaping import BoardItem

FACE_DOWN = "▒▒▒ card"


def item_text(item: BoardItem) -> Text:
    """The item as Rich `Text` built from plain strings, so `[bold]` stays `[bold]`."""
    text = Text()
    if item.hidden:
        text.append(FACE_DOWN, style="dim")
        return text
    if item.is_topic:
        text.append(item.title or "Untitled topic", style="bold")
        for card in item.cards:
            text.append("\n• ")
            if card.hidden:
                text.append(FACE_DOWN, style="dim")
            else:
                text.append(card.text)
    else:
        text.append(item.cards[0].text)
    footer = _footer(item)
    if footer:
        text.append("\n")
        text.append(footer, style="dim")
    return text


def _footer(item: BoardItem) -> str:
    parts: list[str] = []
    if item.is_topic:
        parts.append(f"{len(item.cards)} cards")
    if item.authors:
        parts.append("— " + ", ".join(item.authors))
    if item.my_votes:
        parts.append("●" * item.my_votes)
    if item.total_votes is not None:
        parts.append(f"{item.total_votes} vote" + ("" if item.total_votes == 1 else "s"))
    return "  ".join(parts)


class CardWidget(Widget, can_focus=True):
    """A focusable item on the board; click or arrow keys select it.

    The column updates `item` in place when the card changes, so focus survives a
    change made by someone else.
    """

    DEFAULT_CSS = """
    CardWidget {
        height: auto;
        padding: 0 1;
        margin: 0 0 1 0;
        background: $boost;
        border-left: outer $panel;
        &:focus { border-left: outer $accent; background: $accent 15%; }
        &.-hidden { color: $text-muted; }
        &.-topic { border-left: outer $secondary; }
        &.-mine { border-left: outer $success; }
        &.-current { background: $warning 20%; }
        &.-grouping { background: $secondary 30%; text-style: italic; }
        &.-voted { border-left: outer $primary; }
    }
    """

    item: reactive[BoardItem | None] = reactive(None, layout=True)

    def __init__(self, item: BoardItem, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(CardWidget.item, item)
        self._apply_classes(item)

    @property
    def item_id(self) -> str:
        return self.item.id if self.item is not None else ""

    def render(self) -> Text:
        return item_text(self.item) if self.item is not None else Text()

    def watch_item(self, item: BoardItem | None) -> None:
        if item is not None:
            self._apply_classes(item)

    def _apply_classes(self, item: BoardItem) -> None:
        self.set_class(item.hidden, "-hidden")
        self.set_class(item.is_topic, "-topic")
        self.set_class(item.mine and not item.is_topic, "-mine")
        self.set_class(item.current, "-current")
        self.set_class(item.my_votes > 0, "-voted")

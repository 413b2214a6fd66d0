"""Who is online, how many hands are up, and who has said they are ready (in write and
vote: done), with the facilitator's call to confirm when there is one.

Nothing here hints at who wrote what: names and ready marks only, never card counts;
hands are a count, whose they are is the facilitator's queue (key H).
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from retro_tui.domain.room_views import is_ready
from retro_tui.domain.views import BoardView
from retro_tui.ui.board.keys import key_of
from retro_tui.ui.widgets.room_text import room_line


def presence_text(view: BoardView) -> Text:
    session = view.session
    text = room_line(view, key_of("mark-done"))
    online = [p for p in session.participants if p.id in view.online]
    text.append(f"{len(online)} online: ", style="dim")
    for index, person in enumerate(online):
        if index:
            text.append(", ", style="dim")
        style = "bold" if person.id == view.you else ""
        text.append(person.name, style=style)
        if person.is_facilitator:
            text.append(" (facilitator)", style="dim")
        if is_ready(session, person):
            text.append(" ✓", style="green")
    away = len(session.participants) - len(online)
    if away > 0:
        text.append(f"  · {away} away", style="dim")
    return text


class PresenceBar(Widget):
    DEFAULT_CSS = """
    PresenceBar { height: auto; max-height: 2; width: 1fr; }
    """

    view: reactive[BoardView | None] = reactive(None, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    def watch_view(self, view: BoardView | None) -> None:
        text = presence_text(view) if view is not None else Text()
        if text != self._text:  # most changes (a card, a vote) leave presence alone
            self._text = text
            self.refresh(layout=True)

    def render(self) -> Text:
        return self._text

"""Who is online, and during write and vote who has said they are done.

Nothing here hints at who wrote what: names and done marks only, never card counts.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from retro_tui.domain.phases import Phase
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import done_count, is_done


def presence_text(view: BoardView) -> Text:
    session = view.session
    phase = session.phase
    text = Text()
    done, of = done_count(view)
    if phase in (Phase.WRITE, Phase.VOTE) and of:
        verb = "writing" if phase is Phase.WRITE else "voting"
        text.append(f"{done} of {of} done {verb}", style="bold")
        text.append("  ")
    online = [p for p in session.participants if p.id in view.online]
    text.append(f"{len(online)} online: ", style="dim")
    for index, person in enumerate(online):
        if index:
            text.append(", ", style="dim")
        style = "bold" if person.id == view.you else ""
        text.append(person.name, style=style)
        if person.is_facilitator:
            text.append(" (facilitator)", style="dim")
        if is_done(person, phase):
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

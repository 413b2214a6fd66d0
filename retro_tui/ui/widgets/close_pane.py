"""Close: the return-on-time-invested poll and a short summary of the retro."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from retro_tui.domain.measures import half_up
from retro_tui.domain.views import BoardView
from retro_tui.ui.widgets.phase_pane import PhasePane

ROTI_LABELS = {
    1: "waste of time",
    2: "not quite worth it",
    3: "worth it",
    4: "good use",
    5: "excellent",
}


def close_text(view: BoardView) -> Text:
    session = view.session
    text = Text.assemble(("How well did this retro use your time?\n", "bold"))
    for score, label in ROTI_LABELS.items():
        text.append(f"  {score}  {label}\n")
    if view.presenting:
        text.append("\nEveryone rates on their own screen.", style="dim")
    else:
        mine = session.roti.get(view.you)
        text.append("\nYour rating: ", style="dim")
        text.append(str(mine) if mine else "not yet — press 1 to 5", style="bold" if mine else "")
    rated, everyone = len(session.roti), len(session.participants)
    text.append(f"\n{rated} of {everyone} rated", style="dim")
    average = session.roti_average()
    if average is not None and rated >= everyone:
        text.append(f" · average ROTI {half_up(average, 1)} / 5", style="bold")
    topics = len(session.vote_targets())
    text.append("\n\nSummary\n", style="bold underline")
    text.append(
        f"{len(session.cards)} cards · {topics} topics · {len(session.actions)} action items"
        f" · {sum(1 for a in session.actions if a.is_smart)} SMART"
    )
    if view.is_facilitator:
        text.append("\n\nx exports the notes as Markdown.", style="dim")
    return text


class ClosePane(VerticalScroll, PhasePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Static(id="close-text")

    def compose(self) -> ComposeResult:
        yield self._text

    def watch_view(self, view: BoardView | None) -> None:
        if view is not None and self.is_mounted:
            self._text.update(close_text(view))

    def on_mount(self) -> None:
        # `is_mounted` turns true only after this handler; draw the view just after it.
        self.call_later(lambda: self.watch_view(self.view))

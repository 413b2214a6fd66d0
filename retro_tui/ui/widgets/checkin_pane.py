"""Check-in: everyone gives one word and a mood; the facilitator sees the list (on their
own seat: a presenting board shows only how many have checked in)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from retro_tui.domain.views import BoardView
from retro_tui.ui.widgets.phase_pane import PhasePane
from retro_tui.ui.widgets.quiet import set_text

MOOD_FACES = {1: "●○○○○", 2: "●●○○○", 3: "●●●○○", 4: "●●●●○", 5: "●●●●●"}


def checkin_table(view: BoardView) -> Table:
    if view.session.settings.anonymous:
        return anonymous_checkin_table(view)
    table = Table(box=None, padding=(0, 2), show_edge=False, expand=False)
    table.add_column("Who", style="bold")
    table.add_column("Word")
    table.add_column("Mood")
    for person in view.session.participants:
        if view.presenting or (not view.is_facilitator and person.id != view.you):
            continue
        mood = MOOD_FACES.get(person.mood or 0, "–")
        word = person.checkin_word or "–"
        table.add_row(Text(person.name), Text(word), Text(mood))
    return table


def anonymous_checkin_table(view: BoardView) -> Table:
    """Words and moods without names (domain/anonymity.py): the facilitator's seat gets
    them all, sorted by word; anyone else sees only their own."""
    table = Table(box=None, padding=(0, 2), show_edge=False, expand=False)
    table.add_column("Word")
    table.add_column("Mood")
    if view.presenting:
        return table
    answers = [(a.word, a.mood) for a in view.session.checkin_answers]
    me = view.me
    if not answers and me is not None and (me.checkin_word or me.mood is not None):
        answers = [(me.checkin_word, me.mood)]
    for word, mood in answers:
        table.add_row(Text(word or "–"), Text(MOOD_FACES.get(mood or 0, "–")))
    return table


def checkin_intro(view: BoardView | None) -> Text:
    """The team's check-in question (domain/icebreakers.py), then how to answer."""
    question = view.session.icebreaker if view is not None else ""
    how = "Press c to give one word and a mood from 1 to 5."
    if not question:
        return Text(f"How do you arrive today? {how}")
    return Text.assemble((question, "bold"), "\nAnswer in a word or two, with a mood 1-5: press c.")


def checkin_summary(view: BoardView) -> Text:
    people = view.session.participants
    done = sum(1 for p in people if p.checkin_word or p.mood)
    moods = [p.mood for p in people if p.mood]
    if view.session.settings.anonymous:
        moods = [a.mood for a in view.session.checkin_answers if a.mood]
    text = Text.assemble((f"{done} of {len(people)} checked in", "bold"))
    if moods and view.is_facilitator:
        text.append(f" · average mood {sum(moods) / len(moods):.1f}", style="dim")
    if view.presenting:
        text.append("\nWho said what shows on the facilitator's own seat.", style="dim")
    return text


class CheckinPane(VerticalScroll, PhasePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._intro = Static(checkin_intro(None), id="checkin-intro", classes="pane-intro")
        self._summary = Static(id="checkin-summary")
        self._list = Static(id="checkin-list")

    def compose(self) -> ComposeResult:
        yield self._intro
        yield self._summary
        yield self._list

    def watch_view(self, view: BoardView | None) -> None:
        if view is None or not self.is_mounted:
            return
        set_text(self._intro, checkin_intro(view))
        self._summary.update(checkin_summary(view))
        self._list.update(checkin_table(view))

    def on_mount(self) -> None:
        # `is_mounted` turns true only after this handler; draw the view just after it.
        self.call_later(lambda: self.watch_view(self.view))

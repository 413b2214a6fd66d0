"""Discuss: topics ranked by votes, the current one highlighted, its cards and notes beside."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Digits, Static

from retro_tui.domain.phases import Phase
from retro_tui.domain.room_views import comments_on
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import BoardItem, item_by_id, ranked_items
from retro_tui.ui.widgets.card import PROBLEM_MARK
from retro_tui.ui.widgets.phase_pane import PhasePane
from retro_tui.ui.widgets.room_text import room_detail
from retro_tui.ui.widgets.table_pane import KeyedTable


def item_title(item: BoardItem) -> str:
    if item.is_topic:
        return item.title
    return item.cards[0].text.splitlines()[0] if item.cards and item.cards[0].text else "(card)"


def detail_text(view: BoardView, item: BoardItem, *, headed: bool = True) -> Text:
    """The item's cards, notes and action items; `headed` puts its title on top (the
    presenting layout shows the title in its own large panel instead)."""
    session = view.session
    text = Text()
    if headed and item.current:
        text.append("▶ Discussing now\n", style="bold")
    if headed:
        text.append(item_title(item), style="bold")
        text.append("\n")
    text.append(session.column_title(item.column), style="dim")
    if headed and item.total_votes is not None:
        text.append(
            f" · {item.total_votes} vote" + ("" if item.total_votes == 1 else "s"), style="dim"
        )
    if item.problem:
        text.append(f"\n{PROBLEM_MARK} Known problem: ", style="bold")
        text.append(item.problem, style="italic")
    if item.is_topic:
        for card in item.cards:
            text.append("\n• ")
            text.append(card.text)
    elif item.cards and "\n" in item.cards[0].text:
        text.append("\n")
        text.append(item.cards[0].text)
    room_detail(text, session, item.id)
    notes = session.notes.get(item.id, "")
    text.append("\n\nNotes\n", style="bold underline")
    text.append(notes or "(none yet)", style="" if notes else "dim")
    actions = [a for a in session.actions if a.source == item.id]
    if actions:
        text.append("\n\nAction items\n", style="bold underline")
        for action in actions:
            text.append("→ ")
            text.append(action.text)
            text.append("\n")
    return text


class DiscussPane(Horizontal, PhasePane):
    """The ranked topics and the selected one's detail; a click on a row asks to discuss it."""

    DEFAULT_CSS = """
    DiscussPane {
        & #discuss-now { display: none; height: auto; }
        &.-presenting #discuss-now { display: block; }
    }
    """

    class TopicChosen(Message):
        """A row was selected with the mouse (the facilitator's enter key is a binding)."""

        def __init__(self, item_id: str) -> None:
            super().__init__()
            self.item_id = item_id

    _followed: str | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._table = KeyedTable([("#", 3), ("Votes", 5), ("Topic", None)], id="discuss-table")
        self._detail = Static(id="discuss-detail-text")
        self._now_title = Static(id="discuss-now-title")
        self._now_votes = Digits("", id="discuss-now-votes")

    def compose(self) -> ComposeResult:
        yield self._table
        with Vertical(id="discuss-side"):
            # Presenting: the topic under discussion, large, for a screen-shared call.
            with Horizontal(id="discuss-now"):
                yield self._now_title
                with Vertical(id="discuss-now-count"):
                    yield self._now_votes
                    yield Static("votes", id="discuss-now-label")
            with VerticalScroll(id="discuss-detail"):
                yield self._detail

    @property
    def table(self) -> KeyedTable:
        return self._table

    def focus_within(self) -> bool:
        self.table.focus()
        return True

    def highlighted(self) -> str | None:
        return self.table.highlighted_key()

    def watch_view(self, view: BoardView | None) -> None:
        if view is None or not self.is_mounted or view.session.phase is not Phase.DISCUSS:
            return
        table = self.table
        rows = []
        for rank, item in enumerate(ranked_items(view), start=1):
            marker = "▶" if item.current else str(rank)
            style = "bold" if item.current else ""
            notes = " ✎" if view.session.notes.get(item.id) else ""
            said = len(comments_on(view.session, item.id))
            notes += f" · {said} comment" + ("" if said == 1 else "s") if said else ""
            title = Text(item_title(item), style=style) + Text(notes, style="dim")
            if item.problem:  # first, as the title is clipped; the detail beside names it
                title = Text(f"{PROBLEM_MARK} ", style="bold") + title
            votes = "" if item.total_votes is None else str(item.total_votes)
            rows.append((item.id, [Text(marker, style=style), Text(votes, style=style), title]))
        table.fill(rows)
        self.set_class(view.presenting, "-presenting")
        current = view.session.current_topic
        if current != self._followed:
            # A new topic under discussion: every screen's cursor goes to it.
            self._followed = current
            if current:
                table.highlight(current)
        self._show_detail()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.TopicChosen(str(event.row_key.value)))

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        view = self.view
        if view is None:
            return
        current, cursor = view.session.current_topic, self.highlighted()
        # The shared screen follows the discussion, not the facilitator's cursor.
        key = (current or cursor) if view.presenting else (cursor or current)
        item = item_by_id(view, key) if key else None
        detail = self._detail
        if item is None:
            detail.update(Text("No topics to discuss.", style="dim"))
        else:
            detail.update(detail_text(view, item, headed=not view.presenting))
        if view.presenting:
            self._show_now(item)

    def _show_now(self, item: BoardItem | None) -> None:
        panel = self.query_one("#discuss-now")
        if item is None:
            panel.border_title = "Discussing"
            self._now_title.update(Text("No topic yet", style="dim"))
        else:
            panel.border_title = "▶ Discussing now" if item.current else "Up next"
            self._now_title.update(Text(item_title(item), style="bold"))
        votes = item.total_votes if item is not None else None
        self._now_votes.update("" if votes is None else str(votes))
        self.query_one("#discuss-now-count").display = votes is not None
        label = "vote" if votes == 1 else "votes"
        self.query_one("#discuss-now-label", Static).update(label)

    def on_mount(self) -> None:
        # `is_mounted` turns true only after this handler; draw the view just after it.
        self.call_later(lambda: self.watch_view(self.view))

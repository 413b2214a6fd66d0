"""The board: one screen for every phase, following the hub and sending commands.

A worker waits on `client.next_view()` and replaces `view`; the pane on screen gets it.
The state lives in `state.py`, the verbs in `actions.py`, and the keys in `keys.py`,
whose table also drives `check_action`, so a participant never sees the facilitator's keys.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher, Footer, Static

from retro_tui.domain import commands as c
from retro_tui.domain.phases import PHASE_ORDER, Phase
from retro_tui.domain.views import BoardView
from retro_tui.ui.board import keys
from retro_tui.ui.board.actions import BoardActions
from retro_tui.ui.board.hints import phase_hint
from retro_tui.ui.board.panes import LATER_PANES, PANES, as_phase_pane
from retro_tui.ui.board.state import Exporter
from retro_tui.ui.widgets.checkin_pane import CheckinPane
from retro_tui.ui.widgets.columns import ColumnsBoard
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from retro_tui.ui.widgets.phase_bar import PhaseBar
from retro_tui.ui.widgets.presence import PresenceBar
from retro_tui.ui.widgets.quiet import set_text
from retro_tui.ui.widgets.timer import TimerDisplay
from retro_tui.ui.workarounds import release_closed_widgets_styles

__all__ = ["BoardScreen", "Exporter", "session_heading"]


def session_heading(view: BoardView) -> Text:
    session = view.session
    text = Text.assemble((session.title, "bold"))
    text.append(f"  {session.team} · {session.format_name}", style="dim")
    if session.settings.anonymous:
        text.append("  anonymous", style="italic")
    return text


class BoardScreen(BoardActions):
    """Every phase of the retro for one person (facilitator or participant)."""

    BINDINGS: ClassVar[list[BindingType]] = keys.BOARD_BINDINGS

    class Unseated(Message):
        """The facilitator released this browser's seat or took the person off the board."""

    class FollowupRequested(Message):
        """The facilitator asked for the action items ("actions") or insights screen."""

        def __init__(self, what: str, team: str) -> None:
            super().__init__()
            self.what = what
            self.team = team

    # Set as the board follows the hub (the state it shows is declared in `state.py`).
    _phase: Phase | None = None  # the phase whose pane is showing
    _offered: tuple[object, ...] | None = None  # the keys last offered

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            with Vertical(id="top-left"):
                yield Static(id="session-title", markup=False)
                yield PresenceBar(id="presence").data_bind(view=BoardScreen.view)
                yield PhaseBar(id="phase-bar")
            yield TimerDisplay(self.clock, id="timer").data_bind(muted=BoardScreen.muted)
        yield Static(id="presenting-banner", markup=False)
        yield Static(id="phase-hint", markup=False)
        yield Static(id="problem", markup=False)
        with ContentSwitcher(id="phases", initial="pane-checkin"):
            yield CheckinPane(id="pane-checkin")
            yield ColumnsBoard(id="pane-board").data_bind(grouping=BoardScreen.grouping)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.follow_hub()

    def on_screen_resume(self) -> None:
        release_closed_widgets_styles()  # a dialog has just closed

    def on_resize(self, event: events.Resize) -> None:
        # Short terminals (80x24) drop the column prompts to leave room for cards.
        self.set_class(event.size.height < 30, "-short")
        if self.view is not None:
            self._show_presenting(self.view.presenting)

    # --- following the hub ---------------------------------------------------------------
    @work(exclusive=True, group="hub")
    async def follow_hub(self) -> None:
        """Replace `view` with every new state until the hub goes away."""
        while True:
            try:
                view = await self.client.next_view()
            except ConnectionError as error:
                self.disconnected(str(error) or "the hub is gone")
                return
            if self.client.you and not view.you:
                self.client.you = None
                self.post_message(self.Unseated())
                return
            self.view = view

    def watch_view(self, view: BoardView | None) -> None:
        if view is None:
            return
        session = view.session
        set_text(self.query_one("#session-title", Static), session_heading(view))
        self.query_one(PhaseBar).phase = session.phase
        self.query_one(TimerDisplay).timer = session.timer
        problem = self.query_one("#problem", Static)
        set_text(problem, Text(view.problem))
        problem.display = bool(view.problem)
        self._show_presenting(view.presenting)
        if session.phase is not Phase.GROUP:
            self.grouping = None
        self._show_hint()
        if session.phase is not self._phase:
            self._phase = session.phase
            self._show_pane(session.phase)
        # Only the pane on screen follows the board; a hidden one catches up when shown.
        pane = as_phase_pane(self.query_one(ContentSwitcher).visible_content)
        if pane is not None:
            pane.view = view
        self._refresh_keys_if_changed()
        self.view_arrived()

    def _refresh_keys_if_changed(self) -> None:
        """Rebuilding the footer is the costliest part of an update (measured with py-spy),
        so do it only when what this person may do has changed."""
        offered = (*(self.check_action(action, ()) for action in keys.RULES), self.grouping)
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def _show_presenting(self, presenting: bool) -> None:
        self.set_class(presenting, "-presenting")
        banner = self.query_one("#presenting-banner", Static)
        banner.display = presenting
        if presenting:
            text = Text("Presenting", style="bold")
            text.append(" — private cards and votes stay on your own seat")
            if self.presenting_note:
                text.append(f" ({self.presenting_note})")
            if text.cell_len > self.size.width - 2:  # one line, even at 80 columns
                text = Text("Presenting", style="bold")
                text.append(" — your cards and votes stay on your own seat")
            set_text(banner, text)

    def watch_grouping(self) -> None:
        self._show_hint()
        if self.is_mounted:
            self._refresh_keys_if_changed()

    def _show_hint(self) -> None:
        if self.view is not None and self.is_mounted:
            set_text(self.query_one("#phase-hint", Static), phase_hint(self.view, self.grouping))

    def _show_pane(self, phase: Phase) -> None:
        """Switch to the phase's pane, making it first if needed, and make the next
        phase's pane ahead of time so moving on finds it ready."""
        switcher = self.query_one(ContentSwitcher)
        pane_id = PANES[phase]
        mounting = self._make_pane(switcher, pane_id, shown=True)
        switcher.current = pane_id
        if mounting is None:
            self.call_after_refresh(self._focus_pane)
        else:
            self.run_worker(self._focus_when_mounted(mounting), group="pane", exclusive=True)
        later = PHASE_ORDER[phase.order + 1 :]
        if later:
            self._make_pane(switcher, PANES[later[0]], shown=False)

    def _make_pane(
        self, switcher: ContentSwitcher, pane_id: str, *, shown: bool
    ) -> AwaitMount | None:
        if pane_id not in LATER_PANES or switcher.query_children(f"#{pane_id}"):
            return None
        pane = LATER_PANES[pane_id](id=pane_id)
        pane.display = shown  # the switcher hides only the children it started with
        return switcher.mount(pane)  # a pane draws its view when mounted

    async def _focus_when_mounted(self, mounting: AwaitMount) -> None:
        await mounting
        self._focus_pane()

    def _focus_pane(self) -> None:
        pane = as_phase_pane(self.query_one(ContentSwitcher).visible_content)
        if pane is not None and not pane.focus_within():
            self.set_focus(None)

    @on(DiscussPane.TopicChosen)
    def _topic_clicked(self, message: DiscussPane.TopicChosen) -> None:
        if self.check_action("discuss", ()):
            self.send_soon(c.Discuss(target=message.item_id))

    @on(TimerDisplay.TimeUp)
    def _time_up(self) -> None:
        if not self.muted:
            self.app.bell()
        self.notify("Time's up.", timeout=4)

    # --- the follow-up screens (the app opens them on these messages) ----------------------------
    def action_action_items(self) -> None:
        team = self.view.session.team if self.view else ""
        self.post_message(self.FollowupRequested("actions", team))

    def action_insights(self) -> None:
        team = self.view.session.team if self.view else ""
        self.post_message(self.FollowupRequested("insights", team))

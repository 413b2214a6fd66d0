"""The board: one screen for every phase, following the hub and sending commands.

A worker waits on `client.next_view()` and replaces `view`; the pane on screen gets it.
The state lives in `state.py`, the verbs in `actions.py`, and the keys in `keys.py`,
whose table also drives `check_action`, so a participant never sees the facilitator's keys.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher, DataTable, Static

from retro_tui.client import HubClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.domain.phases import PHASE_ORDER, Phase, phases_of
from retro_tui.domain.views import BoardView
from retro_tui.ui.board import keys
from retro_tui.ui.board.hints import phase_hint
from retro_tui.ui.board.panes import LATER_PANES, PANES, as_phase_pane
from retro_tui.ui.board.room_actions import RoomActions
from retro_tui.ui.board.state import Exporter
from retro_tui.ui.ports import ProblemAdvisor
from retro_tui.ui.widgets.card_list import CardList
from retro_tui.ui.widgets.checkin_pane import CheckinPane
from retro_tui.ui.widgets.columns import ColumnsBoard
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from retro_tui.ui.widgets.keys_footer import KeysFooter
from retro_tui.ui.widgets.parking_line import parking_text
from retro_tui.ui.widgets.phase_bar import PhaseBar
from retro_tui.ui.widgets.presence import PresenceBar
from retro_tui.ui.widgets.problem_hints import ProblemHints, advice_text
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


class BoardScreen(RoomActions):
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

    def __init__(
        self, client: HubClient, *, advisor: ProblemAdvisor | None = None, **options: Any
    ) -> None:
        super().__init__(client, **options)
        self.advisor = advisor  # the facilitator's side only: suggestions of known problems
        self._advised: tuple[object, ...] | None = None  # what the shown advice was for
        self._warming = False

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
        yield ProblemHints(id="problem-hints", markup=False)
        yield Static(id="parking-lot", markup=False)
        with ContentSwitcher(id="phases", initial="pane-checkin"):
            yield CheckinPane(id="pane-checkin")
            yield ColumnsBoard(id="pane-board").data_bind(grouping=BoardScreen.grouping)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.follow_hub()

    def on_screen_resume(self) -> None:
        release_closed_widgets_styles()  # a dialog has just closed

    def on_resize(self, event: events.Resize) -> None:
        # Short terminals (80x24) drop the column prompts to leave room for cards.
        self.set_class(event.size.height < 30, "-short")
        if self.view is not None:
            self._show_presenting(self.view.presenting)
            self._advised = None  # the hints take fewer lines on a short terminal
            self.update_problem_hints()

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
        bar = self.query_one(PhaseBar)
        bar.phases = phases_of(session.data_step, session.health_step)
        bar.phase = session.phase
        self.query_one(TimerDisplay).timer = session.timer
        problem = self.query_one("#problem", Static)
        set_text(problem, Text(view.problem))
        problem.display = bool(view.problem)
        self._show_presenting(view.presenting)
        if session.phase is not Phase.GROUP:
            self.grouping = None
        self._show_hint()
        parked = self.query_one("#parking-lot", Static)
        set_text(parked, parking_text(view))
        parked.display = bool(parked.content)
        if session.phase is not self._phase:
            self._phase = session.phase
            self._show_pane(session.phase)
        # Only the pane on screen follows the board; a hidden one catches up when shown.
        pane = as_phase_pane(self.query_one(ContentSwitcher).visible_content)
        if pane is not None:
            pane.view = view
        self._refresh_keys_if_changed()
        self.view_arrived()
        if self.advisor is not None and view.is_facilitator and not self._warming:
            # From the hub's view, never a key: the key gate does not wait for it.
            self._warming = True
            self.run_worker(self._warm(session), group="problem-warm")
        self.update_problem_hints()

    def _refresh_keys_if_changed(self) -> None:
        """Rebuilding the footer is the costliest part of an update (measured with py-spy),
        so do it only when what this person may do has changed."""
        offered = (
            *(self.check_action(action, ()) for action in keys.RULES),
            self.grouping,
            len(self.advice.suggestions) if self.advice is not None else 0,
        )
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
        if later and later[0] is Phase.DATA and not self.view_uses_data():
            later = later[1:]
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

    def view_uses_data(self) -> bool:
        return self.view is not None and self.view.session.data_step

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

    # --- known problems: the facilitator's hints follow the selection ------------------------
    @on(CardList.Selected)
    @on(DataTable.RowHighlighted)
    @on(events.DescendantFocus)
    def _selection_moved(self) -> None:
        self.update_problem_hints()

    def update_problem_hints(self) -> None:
        """Ask the advisor about the selection when it or its links changed (a worker:
        the advisor reads files and runs the model)."""
        view = self.view
        hints = self.query_one(ProblemHints)
        target = self.problem_target() if self.advisor is not None else None
        if view is None or not view.is_facilitator or target is None:
            self._advised = None
            self.advice = None
            hints.show(None)
            return
        session = view.session
        key = (target, session.target_title(target), session.problem_links, session.problems)
        if key == self._advised:
            return
        self._advised = key
        self._advise(session, target)

    async def _warm(self, session: Session) -> None:
        assert self.advisor is not None
        with contextlib.suppress(Exception):  # the first `advise` says what is wrong
            await asyncio.to_thread(self.advisor.warm, session)

    @work(exclusive=True, group="problem-hints")
    async def _advise(self, session: Session, target: str) -> None:
        assert self.advisor is not None
        try:
            advice = await asyncio.to_thread(self.advisor.advise, session, target)
        except Exception as error:  # a folder or model problem: say so, keep the board going
            self.notify(f"No problem suggestions: {error}", severity="warning", markup=False)
            return
        hints = self.query(ProblemHints)
        if not hints or self.problem_target() != target:
            return  # the selection moved on, or the board closed while the advisor thought
        self.advice = advice
        text = advice_text(
            advice,
            keys.LINK_PROBLEM_KEYS,
            keys.NAME_PROBLEM_KEY,
            keys.UNLINK_PROBLEM_KEY,
            compact=self.has_class("-short"),
        )
        hints.first().show(text, compact=self.has_class("-short"))
        self._refresh_keys_if_changed()

    @on(TimerDisplay.TimeUp)
    def _time_up(self) -> None:
        if not self.muted:
            self.app.bell()
        self.notify("Time's up.", timeout=4)

    # --- keys ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "link_problem":  # only as many as the suggestions shown
            wanted = parameters[0] if parameters and isinstance(parameters[0], int) else 1
            shown = len(self.advice.suggestions) if self.advice is not None else 0
            if wanted > shown:
                return False
        return super().check_action(action, parameters)

    # --- the follow-up screens (the app opens them on these messages) ----------------------------
    def action_action_items(self) -> None:
        team = self.view.session.team if self.view else ""
        self.post_message(self.FollowupRequested("actions", team))

    def action_insights(self) -> None:
        team = self.view.session.team if self.view else ""
        self.post_message(self.FollowupRequested("insights", team))

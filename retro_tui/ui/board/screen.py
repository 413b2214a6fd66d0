"""The board: one screen for every phase, following the hub and sending commands.

A worker waits on `client.next_view()` and replaces `view`; the panes get it through
`data_bind`. Keys come from `retro_tui.ui.keys`, whose table also drives `check_action`,
so a participant never sees the facilitator's keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher, Footer, Static

from retro_tui.client import HubClient
from retro_tui.clock import Clock
from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.domain.phases import PHASE_ORDER, Phase
from retro_tui.domain.views import BoardView
from retro_tui.ui import keys
from retro_tui.ui.ports import PresentingSwitch
from retro_tui.ui.screens.board_actions import BoardActions
from retro_tui.ui.shaping import votes_left_text
from retro_tui.ui.widgets.actions_pane import ActionsPane
from retro_tui.ui.widgets.checkin_pane import CheckinPane
from retro_tui.ui.widgets.close_pane import ClosePane
from retro_tui.ui.widgets.columns import ColumnsBoard
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from retro_tui.ui.widgets.phase_bar import PhaseBar
from retro_tui.ui.widgets.presence import PresenceBar
from retro_tui.ui.widgets.quiet import set_text
from retro_tui.ui.widgets.review_pane import ReviewPane
from retro_tui.ui.widgets.timer import TimerDisplay
from retro_tui.ui.workarounds import release_closed_widgets_styles

Exporter = Callable[[Session], Path]

PANES: dict[Phase, str] = {
    Phase.CHECKIN: "pane-checkin",
    Phase.REVIEW: "pane-review",
    Phase.WRITE: "pane-board",
    Phase.GROUP: "pane-board",
    Phase.VOTE: "pane-board",
    Phase.DISCUSS: "pane-discuss",
    Phase.ACTIONS: "pane-actions",
    Phase.CLOSE: "pane-close",
}

# Made when their phase first comes: each browser tab's process pays for its widgets
# (about 2 MB for these four, measured with bench/), and many retros skip some phases.
LATER_PANES: dict[str, type[ReviewPane | DiscussPane | ActionsPane | ClosePane]] = {
    "pane-review": ReviewPane,
    "pane-discuss": DiscussPane,
    "pane-actions": ActionsPane,
    "pane-close": ClosePane,
}


def session_heading(view: BoardView) -> Text:
    session = view.session
    text = Text.assemble((session.title, "bold"))
    text.append(f"  {session.team} · {session.format_name}", style="dim")
    if session.settings.anonymous:
        text.append("  anonymous", style="italic")
    return text


PRESENTING_HINTS: dict[Phase, str] = {
    Phase.CHECKIN: "Check in on your own screen: one word and a mood from 1 to 5.",
    Phase.WRITE: "Everyone writes on their own screen; cards stay face-down until the reveal.",
    Phase.CLOSE: "Rate the retro on your own screen: 1 (waste of time) to 5 (excellent).",
}


def phase_hint(view: BoardView, grouping: str | None) -> Text:
    """One line saying what this phase is for and the keys that matter most."""
    session = view.session
    phase = session.phase
    fac = view.is_facilitator
    if view.presenting and phase in PRESENTING_HINTS:
        return Text(PRESENTING_HINTS[phase])
    if view.presenting and phase is Phase.VOTE:
        cap = session.settings.max_votes_per_target
        text = Text(f"Vote on your own screen: {session.settings.votes_per_person} votes each")
        if cap:
            text.append(f", at most {cap} per topic")
        text.append(". Totals appear when voting ends.")
        return text
    hints: dict[Phase, str] = {
        Phase.CHECKIN: "Check-in: press c for one word and a mood from 1 to 5.",
        Phase.REVIEW: "Last retro's actions: 1 done · 2 carry over · 3 drop."
        if fac
        else "The facilitator is reviewing last retro's actions.",
        Phase.WRITE: "Write privately: a add · e edit · d delete · [ ] move · D done. "
        "Others' cards stay face-down until the reveal.",
        Phase.GROUP: "Select a card, press g, select where it belongs, press g again. "
        "t titles a topic, u takes a card out."
        if fac or session.settings.participants_may_group
        else "Cards are revealed. The facilitator is grouping similar ones.",
        Phase.DISCUSS: "enter discusses the selected topic · n notes · A makes it an action item."
        if fac
        else "Topics in order of votes; the one under discussion is marked ▶.",
        Phase.ACTIONS: "Every action needs an owner, a due date and a metric."
        + (" a add · e edit · d delete." if fac else ""),
        Phase.CLOSE: "Rate the retro from 1 (waste of time) to 5 (excellent).",
    }
    if phase is Phase.VOTE:
        cap = session.settings.max_votes_per_target
        text = Text.assemble((votes_left_text(view), "bold"))
        text.append("  + vote · - take back · D done", style="dim")
        if cap:
            text.append(f" · at most {cap} per topic", style="dim")
        text.append(" · totals appear when voting ends", style="dim")
        return text
    if phase is Phase.GROUP and grouping is not None:
        text = Text.assemble(("Grouping ", "bold"))
        text.append(session.target_title(grouping)[:40])
        text.append(": select where it belongs and press g (esc cancels).", style="bold")
        return text
    return Text(hints[phase])


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

    def __init__(
        self,
        client: HubClient,
        *,
        clock: Clock,
        exporter: Exporter | None = None,
        muted: bool = False,
        followup: bool = False,
        presenting_note: str = "",
    ) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self.exporter = exporter
        self.followup = followup  # the app can open the action items and insights screens
        self.presenting_note = presenting_note
        self.set_reactive(BoardScreen.muted, muted)
        self._phase: Phase | None = None
        self._offered: tuple[object, ...] | None = None  # the keys last offered

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
        pane = self.query_one(ContentSwitcher).visible_content
        if pane is not None:
            pane.view = view  # type: ignore[attr-defined]
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
        pane = self.query_one(ContentSwitcher).visible_content
        if isinstance(pane, ColumnsBoard):
            pane.focus_first()
        elif isinstance(pane, ReviewPane | DiscussPane | ActionsPane):
            pane.table.focus()
        elif pane is not None:
            self.set_focus(None)

    @on(DiscussPane.TopicChosen)
    def _topic_clicked(self, message: DiscussPane.TopicChosen) -> None:
        if keys.allowed("discuss", self.view):
            self.send_soon(c.Discuss(target=message.item_id))

    @on(TimerDisplay.TimeUp)
    def _time_up(self) -> None:
        if not self.muted:
            self.app.bell()
        self.notify("Time's up.", timeout=4)

    # --- keys ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export" and self.exporter is None:
            return False
        if action == "download_notes" and self.exporter is not None:
            return False  # the facilitator's terminal exports to the sessions folder instead
        if action == "cancel_group" and self.grouping is None:
            return False
        if action == "toggle_presenting" and not self.can_present:
            return False
        if action in ("action_items", "insights") and not self.followup:
            return False
        return keys.allowed(action, self.view)

    # --- presenting and follow-up ------------------------------------------------------------
    @property
    def can_present(self) -> bool:
        """Only an in-process client can switch its seat to the public view."""
        return isinstance(self.client, PresentingSwitch)

    def action_toggle_presenting(self) -> None:
        if self.view is None or not isinstance(self.client, PresentingSwitch):
            return
        presenting = not self.view.presenting
        self.client.set_presenting(presenting)
        if presenting:
            self.notify("Presenting: this screen shows only what everyone may see.", timeout=4)
        else:
            self.notify(
                "Your own view: your private cards and votes show. Stop sharing this screen.",
                severity="warning",
                timeout=6,
            )

    def action_people(self) -> None:
        from retro_tui.ui.screens.people import PeopleDialog

        self.app.push_screen(PeopleDialog(lambda: self.view, self.send))

    def action_action_items(self) -> None:
        team = self.view.session.team if self.view else ""
        self.post_message(self.FollowupRequested("actions", team))

    def action_insights(self) -> None:
        team = self.view.session.team if self.view else ""
        self.post_message(self.FollowupRequested("insights", team))

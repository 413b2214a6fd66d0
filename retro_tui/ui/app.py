"""The retro-tui Textual app and the one factory that the CLI and every test use.

Two ways in: a facilitator with a launcher (pick or create a session, then the board),
or a participant with a client, given or connected by the app (join, then the board).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen

from retro_tui.client import HubClient
from retro_tui.clock import Clock, utc_now
from retro_tui.domain.model import Session
from retro_tui.ui.board import keys
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.key_order import KeyGate
from retro_tui.ui.ports import Launcher
from retro_tui.ui.screens.disconnected import DisconnectedDialog
from retro_tui.ui.screens.join import JoinScreen

if TYPE_CHECKING:  # imported where used: a participant's process never needs them
    from retro_tui.ui.screens.picker import PickerScreen

Connect = Callable[[], Awaitable[HubClient]]


class RetroApp(App[None]):
    """Holds the launcher or client and moves between picker, join and board screens."""

    CSS_PATH = "app.tcss"
    TITLE = "retro-tui"
    ENABLE_COMMAND_PALETTE = True
    PRESENTING_NOTE = "P shows your own view"  # said on the presenting banner

    def __init__(
        self,
        *,
        launcher: Launcher | None = None,
        session_id: str | None = None,
        client: HubClient | None = None,
        connect: Connect | None = None,
        clock: Clock | None = None,
        muted: bool = False,
    ) -> None:
        super().__init__()
        self.launcher = launcher
        self.session_id = session_id
        self.client = client
        self.connect = connect
        self.clock: Clock = clock or (launcher.clock if launcher is not None else utc_now)
        self.muted = muted
        self.key_gate = KeyGate(self)

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes go through the gate: each is handled after the one before."""
        if not self.key_gate.holds(event):
            await super().on_event(event)

    def on_mount(self) -> None:
        self.key_gate.start()
        if self.client is not None:
            self._start_participant(self.client)
        elif self.connect is not None:
            self.connect_to_hub()
        elif self.session_id is not None:
            self.open_session(self.session_id)
        else:
            assert self.launcher is not None
            self.push_screen(self._picker())

    def _picker(self) -> PickerScreen:
        from retro_tui.ui.screens.picker import PickerScreen

        assert self.launcher is not None
        return PickerScreen(self.launcher, followup=self.sessions_folder() is not None)

    def _start_participant(self, client: HubClient) -> None:
        self.client = client
        if client.you is None:
            self._show(JoinScreen(client))
        else:
            self._show(self._board(client))

    @work(exclusive=True, group="connect")
    async def connect_to_hub(self) -> None:
        """Connect inside the app's own event loop, so the client's streams live here."""
        assert self.connect is not None
        try:
            client = await self.connect()
        except (OSError, ConnectionError) as error:
            reason = f"could not reach the retro: {error}"
            self.push_screen(DisconnectedDialog(reason), lambda _: self.exit())
            return
        self._start_participant(client)

    def _board(self, client: HubClient) -> BoardScreen:
        exporter = self._export if self.launcher is not None else None
        return BoardScreen(
            client,
            clock=self.clock,
            exporter=exporter,
            muted=self.muted,
            followup=self.sessions_folder() is not None,
            presenting_note=self.PRESENTING_NOTE,
            advisor=self.launcher.problem_advisor if self.launcher is not None else None,
        )

    def _export(self, session: Session) -> Path:
        assert self.launcher is not None
        return self.launcher.export(session)

    def _show(self, screen: Screen[None]) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    # --- facilitator: open a session ---------------------------------------------------
    def on_picker_screen_chosen(self, message: PickerScreen.Chosen) -> None:
        self.open_session(message.session_id)

    @work(exclusive=True, group="open")
    async def open_session(self, session_id: str) -> None:
        """Start the hub for the session and show its board; failures are shown, not raised."""
        assert self.launcher is not None
        try:
            client = await self.launcher.open(session_id)
        except Exception as error:  # the store and launcher raise their own errors with sentences
            self.notify(f"Could not open the session: {error}", severity="error", markup=False)
            if not _is_followup_or_picker(self.screen, picker_only=True):
                self._show(self._picker())
            return
        self.client = client
        self._show(self._board(client))

    # --- after the meeting: action items and insights across retros --------------------
    def sessions_folder(self) -> Path | None:
        """The folder the follow-up screens read; None without a local launcher's store."""
        return self.launcher.sessions_folder if self.launcher is not None else None

    def live_session_id(self) -> str | None:
        """The session this app's hub has open (its file is the hub's to write)."""
        return self.launcher.live_session_id if self.launcher is not None else None

    def show_followup(self, what: str, team: str = "") -> None:
        folder = self.sessions_folder()
        if folder is None:
            return
        from retro_tui.ui.screens.action_items import ActionItemsScreen
        from retro_tui.ui.screens.insights import InsightsScreen

        if isinstance(self.screen, ActionItemsScreen | InsightsScreen):
            self.pop_screen()
        today = lambda: self.clock().date()  # noqa: E731
        if what == "insights":
            self.push_screen(InsightsScreen(folder, today=today, team=team or None))
        else:
            self.push_screen(
                ActionItemsScreen(
                    folder, today=today, live_session=self.live_session_id, team=team or None
                )
            )

    def on_picker_screen_followup_requested(self, message: PickerScreen.FollowupRequested) -> None:
        self.show_followup(message.what, message.team)

    def on_board_screen_followup_requested(self, message: BoardScreen.FollowupRequested) -> None:
        self.show_followup(message.what, message.team)

    # --- participant: joined -------------------------------------------------------------
    def on_join_screen_joined(self, message: JoinScreen.Joined) -> None:
        assert self.client is not None
        self._show(self._board(self.client))

    def on_board_screen_unseated(self, message: BoardScreen.Unseated) -> None:
        assert self.client is not None
        self._show(JoinScreen(self.client))
        self.notify(
            "The facilitator freed your seat or took you off the board. Join again with a name.",
            severity="warning",
            timeout=10,
        )

    # --- command palette -------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers exactly the board actions the keys offer right now."""
        yield from super().get_system_commands(screen)
        if self.sessions_folder() is not None and _is_followup_or_picker(screen):
            yield SystemCommand(
                "Action items (ctrl+o)",
                "Action items across the team's retros",
                partial(self.show_followup, "actions"),
            )
            yield SystemCommand(
                "Insights (ctrl+g)",
                "Completion, ROTI and recurring problems over the team's retros",
                partial(self.show_followup, "insights"),
            )
        if not isinstance(screen, BoardScreen):
            return
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or binding.id is None or binding.id in seen:
                continue
            rule = keys.rule_of(binding.action)
            if rule is not None and not rule.palette:
                continue
            seen.add(binding.id)
            key = binding.key_display or self.get_key_display(binding)
            title = f"{binding.description} ({key})"
            yield SystemCommand(
                title,
                binding.tooltip or binding.description,
                partial(screen.run_action, binding.action),
            )

    async def on_unmount(self) -> None:
        """Stop the hub we started (facilitator) or say goodbye to it (participant)."""
        if self.launcher is not None:
            await self.launcher.close()
        elif self.client is not None:
            await self.client.close()


def make_app(
    *,
    launcher: Launcher | None = None,
    session_id: str | None = None,
    client: HubClient | None = None,
    connect: Connect | None = None,
    clock: Clock | None = None,
    muted: bool = False,
) -> RetroApp:
    """Build the app; give exactly one of:

    - `launcher` (facilitator; with `session_id` to open it directly, else the picker),
    - `client` (participant, already connected in the loop the app will run in),
    - `connect` (participant; an async factory the app awaits in its own loop, e.g.
      `lambda: SocketClient.connect(path, identity, Role.PARTICIPANT)`).
    """
    given = [x for x in (launcher, client, connect) if x is not None]
    if len(given) != 1:
        raise ValueError("make_app needs exactly one of launcher, client or connect")
    if session_id is not None and launcher is None:
        raise ValueError("session_id needs a launcher")
    return RetroApp(
        launcher=launcher,
        session_id=session_id,
        client=client,
        connect=connect,
        clock=clock,
        muted=muted,
    )


def _is_followup_or_picker(screen: Screen[object], *, picker_only: bool = False) -> bool:
    """Asked only on a facilitator's app: participants never load these screens' modules,
    since each browser tab's process pays for what it imports (bench/, memory)."""
    from retro_tui.ui.screens.action_items import ActionItemsScreen
    from retro_tui.ui.screens.insights import InsightsScreen
    from retro_tui.ui.screens.picker import PickerScreen

    if picker_only:
        return isinstance(screen, PickerScreen)
    return isinstance(screen, PickerScreen | ActionItemsScreen | InsightsScreen)

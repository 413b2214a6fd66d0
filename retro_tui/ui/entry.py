"""How the CLI starts the UI: the facilitator's board (solo or hosting) and a browser
participant's app. Kept apart from `app.py` so the CLI imports one small module.

A browser tab starts a participant process, so its start-up is on every join's critical
path and its memory is paid once per tab: the hosting side (web server, aiohttp,
textual-serve, jinja2), the store and the launcher are imported only where they are used.
Measure with `python -X importtime -m retro_tui.participant`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.drivers.web_driver import WebDriver
from textual.screen import Screen

from retro_tui.client import SocketClient
from retro_tui.domain.model import Role
from retro_tui.ui.app import RetroApp, make_app
from retro_tui.ui.board.keys import copy_link_binding
from retro_tui.ui.web_input import BoundedWebDriver

if TYPE_CHECKING:
    from retro_tui.hosting import HostOptions, LiveSession
    from retro_tui.hub.hub import Hub
    from retro_tui.ui.ports import HostLauncher


class HostApp(RetroApp):
    """The facilitator's board while the session is also served on the web."""

    PRESENTING_NOTE = "Ctrl+L for the link"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l",
            "share",
            "Share link",
            id="share-link",
            tooltip="Show the participant link and its QR code",
        ),
        copy_link_binding("copy_facilitator_link"),
        Binding(
            "ctrl+n",
            "new_links",
            "New links",
            id="new-links",
            show=False,
            tooltip="Make new join links; every browser must open one of them again",
        ),
    ]

    def __init__(self, launcher: HostLauncher, session_id: str, options: HostOptions) -> None:
        super().__init__(launcher=launcher, session_id=session_id)
        self.options = options
        self.live: LiveSession | None = None
        self._shared_once = False
        launcher.on_hub = self._start_live
        launcher.presenting = True

    async def _start_live(self, hub: Hub) -> None:
        from retro_tui.hosting import LiveSession

        self.live = LiveSession(hub, self.options)
        await self.live.start()

    def _show(self, screen: Screen[None]) -> None:
        super()._show(screen)
        if self.live is not None and not self._shared_once:
            self._shared_once = True
            self.action_share()

    def action_share(self) -> None:
        from retro_tui.ui.screens.share import ShareScreen

        if self.live is not None:
            self.push_screen(ShareScreen(self.live.participant_url))

    def action_copy_facilitator_link(self) -> None:
        """The facilitator link goes to the clipboard, never onto the shared screen."""
        if self.live is None:
            return
        self.copy_to_clipboard(self.live.facilitator_url)
        self.notify(
            "Your facilitator link is on the clipboard. Open it in a browser that is not "
            "shared; `retro-tui links` also prints it.",
            timeout=6,
        )

    @work(exclusive=True, group="new-links")
    async def action_new_links(self) -> None:
        from retro_tui.ui.screens.confirm import ConfirmDialog

        if self.live is None:
            return
        question = (
            "Make new links? Everyone, you included in the browser, must open a new link; "
            "the old links and cookies stop working."
        )
        if not await self.push_screen_wait(ConfirmDialog(question, yes="New links")):
            return
        await self.live.new_links()
        self.action_share()

    async def on_unmount(self) -> None:
        if self.live is not None:
            await self.live.stop()
        await super().on_unmount()


def _quiet_logs() -> None:
    """Log lines from the web server would scribble over the terminal board."""
    for name in ("retro_tui", "textual-serve", "aiohttp"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def run_facilitator(
    launcher: HostLauncher, *, session_id: str | None, host_options: HostOptions | None = None
) -> None:
    if host_options is not None and session_id is not None:
        _quiet_logs()
        HostApp(launcher, session_id, host_options).run()
    else:
        make_app(launcher=launcher, session_id=session_id).run()


def run_participant(hub_path: str, identity: str, role: str) -> None:
    """Connect to the hub, then run the app in the same event loop as the connection."""

    async def main() -> None:
        try:
            client = await SocketClient.connect(
                hub_path, identity, Role.FACILITATOR if role == "facilitator" else Role.PARTICIPANT
            )
        except (OSError, ConnectionError) as error:
            print(f"The retro is not reachable right now ({error}). Reload in a moment.")
            return
        app = make_app(client=client)
        if app.driver_class is WebDriver:  # as textual-serve starts it: hold input back
            app.driver_class = BoundedWebDriver
        watchdog = asyncio.create_task(_exit_when_orphaned(app))
        try:
            await app.run_async()
        finally:
            watchdog.cancel()
            await client.close()

    asyncio.run(main())


async def _exit_when_orphaned(app: RetroApp, every: float = 2.0) -> None:
    """A tab's process must not outlive the host that spawned it (killed, crashed)."""
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(every)
    app.exit()

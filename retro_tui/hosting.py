"""Making a session live: the hub's socket plus the web server, on one event loop.

Used by `retro-tui host` (inside the facilitator's Textual app) and `retro-tui serve`
(headless). Browser participants' processes reach the hub through the socket path that
the web server passes them in `RETRO_TUI_HUB`.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.hub.server import HubServer
from retro_tui.links import JoinTokens, read_links, session_links, write_links
from retro_tui.page_client import HubPages
from retro_tui.tab_env import HUB_ENV
from retro_tui.web.server import RetroWebServer
from retro_tui.web.simple import PageChoice

HUB_SOCKET_ENV = "RETRO_TUI_HUB_SOCKET"  # tests and benchmarks: put the socket here


@dataclass
class HostOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    max_participants: int = 50
    links_file: Path | None = None  # where the join tokens are kept; None: new ones each start
    new_links: bool = False  # make new links (old cookies stop working)
    page: PageChoice = "terminal"  # what the participant link opens (auto: phones get simple)


def participant_command() -> str:
    """The shell command textual-serve runs for each browser tab."""
    return f"exec {shlex.quote(sys.executable)} -m retro_tui.participant"


@dataclass
class LiveSession:
    """The hub's socket server and the web server that share it, started and stopped together."""

    hub: Hub
    options: HostOptions = field(default_factory=HostOptions)
    hub_server: HubServer | None = None
    web: RetroWebServer | None = None

    async def start(self) -> None:
        chosen = os.environ.get(HUB_SOCKET_ENV)
        self.hub_server = HubServer(self.hub, Path(chosen) if chosen else None)
        await self.hub_server.start()
        before = read_links(self.options.links_file) if self.options.links_file else None
        tokens = self._tokens()
        self.web = RetroWebServer(
            command=participant_command(),
            host=self.options.host,
            port=self.options.port,
            public_url=self.options.public_url,
            participant_token=tokens.participant,
            facilitator_token=tokens.facilitator,
            seats=self.hub,
            pages=HubPages(self.hub),
            default_page=self.options.page,
            previous_tokens=(
                {Role.PARTICIPANT: before.participant, Role.FACILITATOR: before.facilitator}
                if before is not None and before.participant != tokens.participant
                else None
            ),
            max_participants=self.options.max_participants,
            extra_env={HUB_ENV: str(self.hub_server.path)},
            title=f"retro-tui: {self.hub.session.title}",
        )
        self.hub.max_online = self.options.max_participants + 5  # facilitators beyond the cap
        try:
            await self.web.start()
        except OSError:
            await self.hub_server.stop()
            raise
        self._keep(JoinTokens(tokens.participant, tokens.facilitator, self.web.public_url))

    def _tokens(self) -> JoinTokens:
        path = self.options.links_file
        if path is None:
            return JoinTokens.fresh()
        return session_links(path, renew=self.options.new_links)

    def _keep(self, tokens: JoinTokens) -> None:
        if self.options.links_file is not None:
            write_links(self.options.links_file, tokens)

    async def new_links(self) -> None:
        """Make new links: every browser must use one of them to join again."""
        if self.web is None:
            return
        tokens = JoinTokens.fresh(self.web.public_url)
        self._keep(tokens)
        await self.web.replace_tokens(tokens.participant, tokens.facilitator)

    @property
    def participant_url(self) -> str:
        return self.web.participant_url if self.web else ""

    @property
    def facilitator_url(self) -> str:
        return self.web.facilitator_url if self.web else ""

    async def stop(self) -> None:
        if self.web is not None:
            await self.web.stop()
        if self.hub_server is not None:
            await self.hub_server.stop()

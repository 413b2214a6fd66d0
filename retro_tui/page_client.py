"""The simple page's handle on the hub, inside the web server's process.

A simple page has no process of its own: the web server opens a `LocalClient` on the
hub for each page (the `PageDoor` port declared in `web/simple.py`). What it forwards
to the page is the hub's own view line for that seat — the very bytes a terminal tab's
process receives over the hub socket — so a page can never see more than that seat.
After the first line it sends patches: only the members of the view that changed since
the page's last line, whole (`ViewPieces.patch`). At 300 people a view line is ~58 KB
and most of it (everyone's seat) does not change when a card is added; writing it 300
times was a quarter of the host's time per card, and decoding it the pages' main cost.
Commands obey the same per-client rate as on the socket. The notes are paced on their
own: each copy is the whole session rendered (14 ms for 1,000 cards) on the loop the hub
shares, so a page asking for them in a loop stalled the whole retro.
"""

from __future__ import annotations

from retro_tui.client import LocalClient
from retro_tui.domain.commands import Command
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.export import default_export_name, session_markdown
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import ViewPieces
from retro_tui.hub.server import RATE_BURST, RATE_PER_SECOND
from retro_tui.pacing import TokenBucket

TOO_FAST = "Too many actions at once: wait a moment, then try again."
NOTES_BURST = 3.0
NOTES_PER_SECOND = 0.2
NOTES_TOO_OFTEN = "The notes were sent a moment ago; ask again in a few seconds."


class PageClient(LocalClient):
    """One simple page's seat: the hub's view line for it, and its commands, rate-limited."""

    def __init__(self, hub: Hub, identity: str, role: Role) -> None:
        super().__init__(hub, identity, role)
        self._limiter = TokenBucket(RATE_PER_SECOND, RATE_BURST)
        self._notes = TokenBucket(NOTES_PER_SECOND, NOTES_BURST)
        self._sent: ViewPieces | None = None

    async def join(self, name: str) -> str:
        if not self._limiter.allow():
            raise Refused(TOO_FAST)
        return await super().join(name)

    async def send(self, command: Command) -> None:
        if not self._limiter.allow():
            raise Refused(TOO_FAST)
        await super().send(command)

    async def next_line(self) -> bytes:
        """Wait for a change this seat can see; return its view line (as the socket sends)
        the first time, then a patch of what changed since the line or patch before."""
        while True:
            hub = await self.conn.changed()
            pieces = hub.wire_pieces(self.conn)
            before = self._sent
            if before is None or pieces.fingerprint != before.fingerprint:
                self._sent = pieces
                return pieces.line() if before is None else pieces.patch(before)

    def notes(self) -> tuple[str, str]:
        """The notes of what this seat may see, and their file name; Refused when asked
        for again and again."""
        if not self._notes.allow():
            raise Refused(NOTES_TOO_OFTEN)
        session = self.current_view().session
        return default_export_name(session), session_markdown(session)


class HubPages:
    """The `PageDoor` of a live session: opens page clients on its hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def open_page(self, identity: str, role: Role) -> PageClient:
        return PageClient(self.hub, identity, role)

"""What the UI needs from a launcher, as a Protocol, so tests can pass their own.

`retro_tui.launcher.LocalLauncher` satisfies it; the UI never imports the launcher, the
store or the hub directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from retro_tui.client import HubClient
from retro_tui.clock import Clock
from retro_tui.domain.model import Session

if TYPE_CHECKING:
    from retro_tui.store import StoreListing
    from retro_tui.themes import FormatCatalog


class Launcher(Protocol):
    catalog: FormatCatalog

    @property
    def clock(self) -> Clock: ...

    def listing(self) -> StoreListing: ...

    def create_session(
        self, *, format_key: str, title: str, team: str = ..., anonymous: bool = False
    ) -> Session: ...

    async def open(self, session_id: str) -> HubClient: ...

    def export(self, session: Session, target: Path | None = None) -> Path: ...

    async def close(self) -> None: ...

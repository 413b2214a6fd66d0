"""A live retro for browser tests: a hub on a real session file, and the web server with
both pages (terminal tabs and simple pages) in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from retro_tui.domain.model import Session
from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.store import SessionStore
from retro_tui.web import RetroWebServer
from tests.support import env_app_command, serving


@asynccontextmanager
async def live_retro(
    tmp_path: Path, session: Session, **options: Any
) -> AsyncIterator[tuple[Hub, RetroWebServer]]:
    """`session` saved under `tmp_path/sessions`, its hub, and a server (`options` go to
    the server; the page a participant link opens is chosen by device unless given)."""
    store = SessionStore(tmp_path / "sessions")
    store.save(session)
    hub = Hub(store, session)
    options.setdefault("default_page", "auto")
    async with serving(
        command=env_app_command(), seats=hub, pages=HubPages(hub), title=session.title, **options
    ) as server:
        try:
            yield hub, server
        finally:
            await hub.close()

"""The terminal page's way to the simple page sits above the board, never over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.store import SessionStore
from tests.support import env_app_command, serving
from tests.support.browser import BrowserTerminal, chromium
from tests.support.hub import make_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
async def test_the_simple_page_link_leaves_the_boards_top_line_uncovered(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    store = SessionStore(tmp_path)
    session = make_session()
    store.save(session)
    hub = Hub(store, session)
    options = {"seats": hub, "pages": HubPages(hub), "default_page": "terminal"}
    try:
        async with serving(command=env_app_command(), **options) as server, chromium() as browser:
            width, height = size
            page = await browser.new_page(viewport={"width": width, "height": height})
            terminal = await BrowserTerminal.attach(page)
            await page.goto(server.participant_url)
            await terminal.wait_for_text("ROLE=participant")
            bar = await page.locator(".switch").bounding_box()
            board = await page.locator("#terminal").bounding_box()
            assert bar is not None and board is not None
            assert board["y"] >= bar["y"] + bar["height"]  # nothing of the board under it
            assert board["y"] + board["height"] <= height + 1  # and the board still fits
    finally:
        await hub.close()

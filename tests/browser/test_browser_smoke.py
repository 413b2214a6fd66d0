"""Real chromium against a RetroWebServer: the page works, and loads nothing from elsewhere.

The terminal is read through a pyte screen fed with the page's own websocket frames.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import env_app_command, serving
from tests.support.browser import BrowserTerminal, chromium

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT: ViewportSize = {"width": 1000, "height": 640}
ROBOTO_LOADED = """
    [...document.fonts].some(f => f.family.includes("Roboto Mono") && f.status === "loaded")
"""


async def test_participant_joins_types_and_nothing_leaves_the_server(tmp_path: Path) -> None:
    async with serving(command=env_app_command()) as server, chromium() as browser:
        page = await browser.new_page(viewport=VIEWPORT)
        terminal = await BrowserTerminal.attach(page)
        await page.goto(server.participant_url)
        assert page.url == f"{server.public_url}/"  # the token left the address bar
        await terminal.wait_for_text("ROLE=participant")
        await page.locator("#terminal").click()
        await page.keyboard.type("hello retro")
        await terminal.wait_for_text("ECHO=hello retro")
        await page.evaluate("document.fonts.ready")
        assert await page.evaluate(ROBOTO_LOADED)
        await page.screenshot(path=tmp_path / "participant.png")
        assert (tmp_path / "participant.png").stat().st_size > 10_000
        assert terminal.foreign_requests(server.public_url) == []
        assert f"{server.public_url}/static/fonts/RobotoMono-VariableFont_wght.ttf" in (
            terminal.requests
        )
        assert await terminal.csp_violations() == []


async def test_the_page_policy_blocks_requests_elsewhere() -> None:
    """Even a script gone wrong cannot reach another host from the retro page."""
    async with serving(command=env_app_command()) as server, chromium() as browser:
        page = await browser.new_page(viewport=VIEWPORT)
        terminal = await BrowserTerminal.attach(page)
        await page.goto(server.participant_url)
        await terminal.wait_for_text("ROLE=participant")
        await page.evaluate("fetch('http://elsewhere.invalid/').catch(() => null)")
        assert await terminal.csp_violations() == ["connect-src http://elsewhere.invalid/"]


async def test_bare_url_shows_the_refusal_page() -> None:
    async with serving(command=env_app_command()) as server, chromium() as browser:
        page = await browser.new_page()
        response = await page.goto(f"{server.public_url}/")
        assert response is not None and response.status == 403
        assert "This retro link is not valid" in await page.inner_text("body")


async def test_link_clicked_in_another_site_still_joins() -> None:
    """A chat app's link is a cross-site navigation: SameSite=Strict must still work."""
    async with serving(command=env_app_command()) as server, chromium() as browser:
        page = await browser.new_page(viewport=VIEWPORT)
        chat = f'<a id="join" href="{server.participant_url}">join the retro</a>'
        await page.route("http://chat.invalid/", lambda route: route.fulfill(body=chat))
        terminal = await BrowserTerminal.attach(page)
        await page.goto("http://chat.invalid/")
        await page.click("#join")
        await terminal.wait_for_text("ROLE=participant")
        assert page.url == f"{server.public_url}/"


async def test_a_full_retro_says_so_on_the_page(tmp_path: Path) -> None:
    async with (
        serving(command=env_app_command(), max_participants=0) as server,
        chromium() as browser,
    ):
        page = await browser.new_page(viewport=VIEWPORT)
        terminal = await BrowserTerminal.attach(page)
        await page.goto(server.participant_url)
        await terminal.wait_for_text("This retro is full")
        await page.locator(".disconnected").wait_for(state="visible")
        await page.screenshot(path=tmp_path / "full.png")

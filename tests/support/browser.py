"""Playwright helpers: Debian's chromium, a pyte mirror of the page's terminal, a request log.

Playwright never downloads a browser here: it drives `/usr/bin/chromium`. Without
chromium or Playwright the browser tests skip locally and fail in CI (`CI` set).

    async with chromium() as browser:
        page = await browser.new_page()
        terminal = await BrowserTerminal.attach(page)  # before navigating
        await page.goto(server.participant_url)
        await terminal.wait_for_text("ROLE=participant")
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pyte
import pytest

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, WebSocket

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = {"data", "blob", "about"}
RECORD_CSP_VIOLATIONS = """
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
        window.__cspViolations.push(event.effectiveDirective + " " + event.blockedURI);
    });
"""


def require_browser() -> None:
    """Fail the test unless chromium and Playwright are installed: a skipped browser test
    would prove nothing (`bash .ci/run` installs chromium when it may)."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright Python package")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Debian chromium at {CHROMIUM} (apt-get install chromium)")
    if missing:
        pytest.fail("browser tests need " + " and ".join(missing))


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Launch headless Debian chromium through Playwright (never a downloaded build)."""
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


class BrowserTerminal:
    """Mirror what a page's xterm.js shows into pyte, from the websocket frames it receives.

    Also records every URL the page asks for, so a test can prove nothing left the server,
    and what the page's Content-Security-Policy blocked. Make one with `attach`.
    """

    @classmethod
    async def attach(cls, page: Page) -> BrowserTerminal:
        """Start watching `page`; do it before the page navigates."""
        await page.add_init_script(RECORD_CSP_VIOLATIONS)
        return cls(page)

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.console: list[str] = []
        self.screen = pyte.Screen(80, 24)
        self._stream = pyte.ByteStream(self.screen)
        self._changed = asyncio.Event()
        self._closed = asyncio.Event()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append(message.text))
        page.on("websocket", self._watch)

    def foreign_requests(self, server_url: str) -> list[str]:
        """Requests (websockets included) to any other host than the server's."""
        own = urlsplit(server_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != own
        ]

    async def csp_violations(self) -> list[str]:
        """What the current document's Content-Security-Policy refused ("directive URL")."""
        violations: list[str] = await self.page.evaluate("window.__cspViolations || []")
        return violations

    def screen_text(self) -> str:
        """The terminal as text, one line per row."""
        return "\n".join(self.screen.display)

    async def wait_for_text(self, text: str, timeout: float = 15.0) -> str:
        """Wait until `text` is on screen; return the screen text."""
        try:
            async with asyncio.timeout(timeout):
                while text not in (screen := self.screen_text()):
                    if self._closed.is_set():
                        raise AssertionError(f"socket closed before {text!r}:\n{screen}")
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"{text!r} not shown:\n{self.screen_text()}") from None
        return screen

    def _watch(self, websocket: WebSocket) -> None:
        """Size the screen as the page asked (`/ws?width=&height=`) and follow the frames."""
        self.requests.append(websocket.url)
        query = parse_qs(urlsplit(websocket.url).query)
        self.screen.reset()  # a reload starts a new terminal; forget the old one
        self._closed.clear()
        self.screen.resize(int(query["height"][0]), int(query["width"][0]))
        websocket.on("framereceived", self._on_frame)
        websocket.on("framesent", self._on_sent)
        websocket.on("close", self._on_close)

    def _on_frame(self, payload: str | bytes) -> None:
        """Binary frames are terminal output; text frames are meta (pong, open_url)."""
        if isinstance(payload, bytes):
            self._stream.feed(payload)
            self._changed.set()

    def _on_close(self, _: WebSocket) -> None:
        """Wake waiters: text that has not shown by now never will."""
        self._closed.set()
        self._changed.set()

    def _on_sent(self, payload: str | bytes) -> None:
        """Follow the page's resizes so pyte wraps lines as xterm.js does."""
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])


PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
}
"""A phone's browser context: its size, touch, and a user agent the page takes for one."""


async def until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Wait for a condition on the hub or the page; fail naming `what`."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"waited in vain for {what}") from None

"""A live retro in real browsers: the facilitator's board runs headless in the test, two
participants join in Debian chromium, write cards the other cannot read until the reveal,
vote, refresh the page and come back as themselves, and the facilitator sees the result.

Each page's terminal is read by feeding its websocket frames to pyte.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from retro_tui.hosting import HostOptions
from retro_tui.hub.hub import Hub
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from retro_tui.ui.entry import HostApp
from tests.support.browser import BrowserTerminal, chromium

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
ANN_CARD = "Ann: release notes were late"
BOB_CARD = "Bob: [bold]pairing[/] helped"


NO_SELECTION = "Select a card first"

async def _open(browser: Browser, url: str) -> tuple[Page, BrowserTerminal]:
    context = await browser.new_context(viewport=VIEWPORT)  # own cookies, like another laptop
    page = await context.new_page()
    terminal = await BrowserTerminal.attach(page)
    await page.goto(url)
    return page, terminal


async def _focus(page: Page) -> None:
    """Give the terminal the keyboard without a click (a click would select what is under
    the mouse pointer)."""
    await page.focus(".xterm-helper-textarea")


async def _type(page: Page, text: str) -> None:
    await _focus(page)
    await page.keyboard.type(text)


async def _join(page: Page, terminal: BrowserTerminal, name: str) -> None:
    await terminal.wait_for_text("Your name", timeout=30)
    await _type(page, name)
    await page.keyboard.press("Enter")
    await terminal.wait_for_text(f"{name}", timeout=15)
    await terminal.wait_for_text("online", timeout=15)


async def _add_card(page: Page, terminal: BrowserTerminal, text: str) -> None:
    await terminal.wait_for_text("Add card")
    await page.keyboard.press("a")
    await terminal.wait_for_text("500")  # the dialog states the limit
    await page.keyboard.type(text)
    await terminal.wait_for_text(text[-12:])  # as a person would: see it typed, then Enter
    await page.keyboard.press("Enter")


async def _vote(page: Page, terminal: BrowserTerminal, hub: Hub, times: int) -> None:
    """Select a card with the arrow keys, then vote. Where the first arrow lands depends
    on what had focus: when the board says no card is selected, select again; never
    press again only because the hub is slow to count (that would vote twice)."""
    before = len(hub.session.votes)
    await _focus(page)
    for _ in range(5):
        await page.keyboard.press("ArrowDown")
        await page.keyboard.press("+")
        await _until(
            lambda: len(hub.session.votes) > before or NO_SELECTION in terminal.screen_text(),
            "a vote, or the board asking for a card",
            timeout=60,
        )
        if len(hub.session.votes) > before:
            break
        await _until(lambda: NO_SELECTION not in terminal.screen_text(), "the notice gone", 60)
    for _ in range(times - 1):
        await page.keyboard.press("+")
    await _until(lambda: len(hub.session.votes) == before + times, "the votes at the hub")


async def _until(condition: object, what: str, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.05)
    assert condition(), what  # type: ignore[operator]


async def test_two_browsers_run_a_retro_with_the_facilitator(tmp_path: Path) -> None:
    launcher = LocalLauncher(SessionStore(tmp_path / "sessions"), facilitator_name="Fay")
    session = launcher.create_session(format_key="went-well", title="Browser retro")
    app = HostApp(launcher, session.id, HostOptions(port=0))
    async with app.run_test(size=(160, 48)) as pilot, chromium() as browser:
        await _until(lambda: app.live is not None and app.live.web is not None, "hosting")
        assert app.live is not None
        url = app.live.participant_url
        await pilot.press("escape")  # close the share dialog
        hub = launcher.hub
        assert hub is not None

        (ann, ann_term), (bob, bob_term) = await asyncio.gather(
            _open(browser, url), _open(browser, url)
        )
        await _join(ann, ann_term, "Ann")
        await _join(bob, bob_term, "Bob")
        await _until(lambda: len(hub.online()) == 3, "all three online")

        await pilot.press("s")  # skip check-in and review: write
        await _until(lambda: hub.session.phase.value == "write", "write phase")
        await _add_card(ann, ann_term, ANN_CARD)
        await _add_card(bob, bob_term, BOB_CARD)
        await _until(lambda: len(hub.session.cards) == 2, "both cards at the hub")
        await ann_term.wait_for_text(ANN_CARD)
        await bob_term.wait_for_text("pairing")
        await asyncio.sleep(0.5)  # give any leak time to arrive before looking for it
        assert "pairing" not in ann_term.screen_text()
        assert "release notes" not in bob_term.screen_text()
        await ann.screenshot(path=tmp_path / "ann-write.png")

        await pilot.press("greater_than_sign")  # group: everything revealed
        await ann_term.wait_for_text("pairing")
        await bob_term.wait_for_text("release notes")
        assert "[bold]pairing[/]" in ann_term.screen_text()  # markup shown literally

        await pilot.press("greater_than_sign")  # vote
        await _until(lambda: hub.session.phase.value == "vote", "vote phase")
        # "Vote" is always in the phase bar: wait for the vote phase's own line, or the
        # keys typed next reach a tab still showing the group phase (under load).
        await ann_term.wait_for_text("votes left")
        await bob_term.wait_for_text("votes left")
        await _vote(ann, ann_term, hub, 1)
        await _vote(bob, bob_term, hub, 2)
        await _until(lambda: len(hub.session.votes) == 3, "Bob's votes at the hub")
        ann_id = next(p.id for p in hub.session.participants if p.name == "Ann")
        ann_cards = [c.id for c in hub.session.cards if c.author == ann_id]

        await ann.reload()  # a refresh: a new process, the same person
        await _until(lambda: ann_id not in hub.online(), "the old process gone")
        await ann_term.wait_for_text("Browser retro", timeout=30)
        screen = await ann_term.wait_for_text("Vote")
        assert "Your name" not in screen
        await _until(lambda: ann_id in hub.online(), "Ann back online")
        assert [c.id for c in hub.session.cards if c.author == ann_id] == ann_cards
        assert len(hub.session.votes_of(ann_id)) == 1
        await ann_term.wait_for_text("4 of 5")
        await ann.screenshot(path=tmp_path / "ann-after-refresh.png")

        await pilot.press("greater_than_sign")  # discuss: totals for everyone
        await _until(lambda: hub.session.phase.value == "discuss", "discuss phase")
        bob_id = next(p.id for p in hub.session.participants if p.name == "Bob")
        assert sum(hub.session.totals().values()) == 3, hub.session.votes
        assert len(hub.session.votes_of(bob_id)) == 2
        saved = SessionStore(tmp_path / "sessions").load(session.id)
        assert saved.votes == hub.session.votes
        await bob_term.wait_for_text("Discuss")
        await bob.screenshot(path=tmp_path / "bob-discuss.png")
        assert ann_term.foreign_requests(url.split("/?")[0]) == []
        assert bob_term.foreign_requests(url.split("/?")[0]) == []

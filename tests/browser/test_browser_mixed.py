"""A mixed, anonymous retro: the facilitator, two terminal-board participants and two
simple-page participants (one a phone) on one live session, through every phase.

Each sees the same board in its own form (the terminal read through pyte, the page
through its DOM), and anonymity holds on every screen: no page is sent another person's
author id, and no screen puts a name beside a card.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import WebSocket

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hosting import HostOptions, LiveSession
from retro_tui.hub.hub import Hub
from retro_tui.store import SessionStore
from tests.browser.test_browser_retro import _add_card, _join, _open, _until, _vote
from tests.browser.test_browser_simple import LAPTOP, _axe
from tests.browser.test_browser_simple import _join as _join_page
from tests.support.browser import PHONE, chromium
from tests.support.hub import make_session
from tests.support.page_views import page_views

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CARDS = {
    "Tess": "Terminal: builds were slow",
    "Tom": "Terminal: pairing [bold]helped[/]",
    "Ann": "Phone: standups ran long",
    "Bob": "Laptop: <b>demo</b> went well",
}


async def test_terminal_boards_and_simple_pages_share_one_anonymous_retro(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    session = make_session()
    session = session.with_changes(settings=replace(session.settings, anonymous=True))
    store.save(session)
    hub = Hub(store, session)
    live = LiveSession(hub, HostOptions(port=0, page="auto"))
    await live.start()
    try:
        async with chromium() as browser:
            await _run(browser, hub, live, tmp_path)
    finally:
        await live.stop()
        await hub.close()


async def _run(browser: object, hub: Hub, live: LiveSession, tmp_path: Path) -> None:
    from playwright.async_api import Browser

    assert isinstance(browser, Browser)
    fac = LocalClient(hub, "host-board", Role.FACILITATOR)
    await fac.join("Fran")
    url = live.participant_url
    (tess, tess_term), (tom, tom_term) = await asyncio.gather(
        _open(browser, url), _open(browser, url)
    )
    pages = []
    frames: dict[str, list[str]] = {"Ann": [], "Bob": []}
    for name, device in (("Ann", PHONE), ("Bob", LAPTOP)):
        context = await browser.new_context(**device)
        page = await context.new_page()
        page.on("websocket", _recording_frames(frames[name]))
        await page.goto(url if name == "Ann" else f"{url}")
        if name == "Bob":  # a laptop gets the terminal board first; it offers the page
            await page.goto(f"{live.web.public_url}/page/simple")  # type: ignore[union-attr]
        pages.append(page)
    ann, bob = pages
    await _join(tess, tess_term, "Tess")
    await _join(tom, tom_term, "Tom")
    await _join_page(ann, "Ann")
    await _join_page(bob, "Bob")
    await _until(lambda: len(hub.online()) == 5, "five people online")

    # Write: everyone writes one card; nobody reads another's
    await fac.send(c.GoToPhase(phase="write"))
    await _add_card(tess, tess_term, CARDS["Tess"])
    await _add_card(tom, tom_term, CARDS["Tom"])
    for page, name, column in ((ann, "Ann", "Bad"), (bob, "Bob", "Good")):
        await page.get_by_label(f"New card for “{column}”").fill(CARDS[name])
        await page.get_by_role("button", name="Add card").nth(1 if column == "Bad" else 0).click()
    await _until(lambda: len(hub.session.cards) == 4, "four cards at the hub")
    await ann.locator("#facedown-good", has_text="3 face-down cards").wait_for()
    await bob.locator("#facedown-good", has_text="2 face-down cards").wait_for()
    await tess_term.wait_for_text("builds were slow")
    for page in (ann, bob):
        text = await page.inner_text("main")
        assert sum(card in text for card in CARDS.values()) == 1, text
    for term in (tess_term, tom_term):
        assert sum(card[:20] in term.screen_text() for card in CARDS.values()) <= 1

    # Group: the same four cards on every screen, with no name beside any
    await fac.send(c.NextPhase())
    for page in (ann, bob):
        for card in CARDS.values():
            await page.get_by_text(card).wait_for()
        bylines = await page.locator(".card .meta").all_inner_texts()
        assert bylines in ([], ["by you"]), bylines  # a name beside a card: never
    for term in (tess_term, tom_term):
        for card in CARDS.values():
            await term.wait_for_text(card[:18])
    await ann.screenshot(path=tmp_path / "ann-group.png", full_page=True)
    await tess.screenshot(path=tmp_path / "tess-group.png")

    # Vote: a terminal and a page vote; totals stay hidden until the vote ends
    await fac.send(c.NextPhase())
    await _vote(tess, tess_term, hub, 1)
    target = hub.session.votes[0].target
    title = hub.session.target_title(target)
    vote_button = ann.get_by_role("button", name=f"Vote for: {title}")
    await vote_button.click()
    await vote_button.click()
    await _until(lambda: len(hub.session.votes) == 3, "three votes")
    await bob.get_by_text("You have used 0 of 5 votes.").wait_for()
    assert await bob.get_by_text("Your votes: 1").count() == 0
    await _axe(ann, "mixed vote")

    # Discuss: the current topic on every screen
    await fac.send(c.NextPhase())
    await fac.send(c.Discuss(target=target))
    await fac.send(c.SetNotes(target=target, text="Agreed: a shared timer"))
    for page in (ann, bob):
        await page.get_by_role("heading", name=f"Now: {title}").wait_for()
        await page.get_by_text("Agreed: a shared timer").wait_for()
        await page.get_by_text("3 votes · being discussed").wait_for()
    for term in (tess_term, tom_term):
        await term.wait_for_text("Agreed: a shared timer")

    # Close: ratings stay anonymous on every page
    await fac.send(c.NextPhase())
    await fac.send(c.NextPhase())
    await ann.get_by_label("4", exact=True).check()
    await ann.get_by_role("button", name="Rate").click()
    await bob.get_by_label("2", exact=True).check()
    await bob.get_by_role("button", name="Rate").click()
    await _until(lambda: len(hub.session.roti) == 2, "two ratings")
    await bob.get_by_text("2 rated · average 3.0 of 5").wait_for()
    await bob.screenshot(path=tmp_path / "bob-close.png", full_page=True)

    people = {p.name: p.id for p in hub.session.participants}
    for name, received in frames.items():
        views = page_views(received)
        assert views, name
        others = {pid for who, pid in people.items() if who != name}
        for view in views:
            cards = view["session"]["cards"]
            assert {card["author"] for card in cards} <= {"", people[name]}, name
            assert not others & set(view["session"]["roti"]), name
            assert {voter for voter, _ in view["session"]["votes"]} <= {"", people[name]}
    await fac.close()


def _recording_frames(into: list[str]) -> Callable[[WebSocket], None]:
    """A page's websocket handler that keeps every frame the page receives, as text."""

    def on_websocket(websocket: WebSocket) -> None:
        websocket.on(
            "framereceived", lambda f: into.append(f if isinstance(f, str) else f.decode())
        )

    return on_websocket

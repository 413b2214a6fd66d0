"""The simple page in real chromium: a retro through every phase on a phone and a laptop.

The facilitator runs the phases through the hub's client API (as the host board does);
two people use the simple page, one in a phone-sized, touch-enabled browser that gets
the simple page by default. Every phase is checked with axe-core, and what each page
shows is the seat's own view: nobody reads a face-down card or sees another's votes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.store import SessionStore
from retro_tui.web import RetroWebServer
from tests.support.browser import PHONE, RECORD_CSP_VIOLATIONS, chromium, until
from tests.support.hub import make_session
from tests.support.live import live_retro as serving_retro
from tests.support.page_views import page_views

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
MARKUP_CARD = "[bold]pairing[/] <b>helped</b> \x1b[31m"


@asynccontextmanager
async def live_retro(tmp_path: Path, **options: Any) -> AsyncIterator[tuple[Hub, RetroWebServer]]:
    """A hub on a real session file and the web server with the simple page."""
    session = make_session()
    if options.pop("anonymous", False):
        session = session.with_changes(settings=replace(session.settings, anonymous=True))
    async with serving_retro(tmp_path, session, **options) as live:
        yield live


async def _facilitator(hub: Hub) -> LocalClient:
    fac = LocalClient(hub, "host-board", Role.FACILITATOR)
    await fac.join("Fran")
    return fac


async def _open(browser: Browser, url: str, device: dict[str, Any]) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**device)
    page = await context.new_page()
    await page.add_init_script(RECORD_CSP_VIOLATIONS)
    await page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
    page.on("request", lambda request: REQUESTS.setdefault(id(page), []).append(request.url))
    await page.goto(url)
    return context, page


REQUESTS: dict[int, list[str]] = {}
RECORD_ANNOUNCEMENTS = """
    window.__said = [];
    document.addEventListener("DOMContentLoaded", () => {
        for (const id of ["announce", "urgent"]) {
            const region = document.getElementById(id);
            if (!region) continue; // the terminal page has no live regions
            new MutationObserver(() => region.textContent && window.__said.push(region.textContent))
                .observe(region, { childList: true, characterData: true, subtree: true });
        }
    });
"""


async def _said(page: Page, text: str) -> None:
    """Wait until a live region has announced `text` (what a screen reader speaks)."""
    await page.wait_for_function("(text) => window.__said.includes(text)", arg=text)


TOO_SMALL = """
    [...document.querySelectorAll("button, input, textarea, a")]
        .filter((el) => el.offsetParent !== null && !el.closest(".skip"))
        .map((el) => [el.textContent || el.id, el.getBoundingClientRect()])
        .filter(([, box]) => box.height < 44 || box.width < 24)
        .map(([name, box]) => `${name} ${box.width}x${box.height}`)
"""


async def _fits(page: Page, width: int) -> None:
    """At `width` CSS pixels (a 320 px phone, or 640 at 200 % zoom) nothing scrolls
    sideways, and every control is a target of at least 44 px."""
    before = page.viewport_size
    await page.set_viewport_size({"width": width, "height": 800})
    overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{overflow} px scroll sideways at {width} px"
    assert await page.evaluate(TOO_SMALL) == []
    if before is not None:
        await page.set_viewport_size(before)


async def _join(page: Page, name: str) -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_role("button", name="Join").click()
    await page.get_by_text(f"You are {name}.").wait_for()


async def _axe(page: Page, phase: str) -> None:
    """Zero serious or critical accessibility violations on this screen."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{phase}: {bad}"


async def _shot(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=folder / f"{name}.png", full_page=True)


async def test_a_phone_and_a_laptop_run_a_whole_retro_on_the_simple_page(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    async with live_retro(tmp_path) as (hub, server), chromium() as browser:
        fac = await _facilitator(hub)
        _, phone = await _open(browser, server.participant_url, PHONE)
        laptop_context, laptop = await _open(browser, server.participant_url, LAPTOP)
        # A phone gets the simple page by default; a laptop the terminal board, which
        # offers the simple page.
        await phone.get_by_role("heading", name="Join “Sprint 1”").wait_for()
        assert await laptop.locator("#terminal").count() == 1
        await laptop.goto(f"{server.public_url}/page/simple")
        await laptop.get_by_role("heading", name="Join “Sprint 1”").wait_for()
        await _shot(phone, shots, "phone-join")
        await _axe(phone, "join")

        await _join(phone, "Ann")
        await _join(laptop, "Bob")
        await until(lambda: len(hub.online()) == 3, "three people online")

        # Check-in
        await phone.get_by_label("One word for how you arrive").fill("curious")
        await phone.get_by_label("4 good").check()
        await phone.get_by_role("button", name="Check in").click()
        await phone.get_by_text("You: curious · mood 4 of 5").wait_for()
        await laptop.get_by_text("1 of 3 checked in.").wait_for()
        assert "curious" not in await laptop.content()  # the facilitator's to read
        await _axe(phone, "check-in")
        await _shot(phone, shots, "phone-checkin")

        # Write: private cards, face-down counts for the others
        await fac.send(c.GoToPhase(phase="write"))
        await phone.get_by_role("heading", name="Write your cards").wait_for()
        await phone.get_by_label("New card for “Good”").fill("Release notes were late")
        await phone.get_by_role("button", name="Add card").first.click()
        await laptop.get_by_label("New card for “Bad”").fill(MARKUP_CARD)
        await laptop.get_by_role("button", name="Add card").nth(1).click()
        await laptop.get_by_label("New card for “Good”").fill("Bob's typo")
        await laptop.get_by_role("button", name="Add card").first.click()
        await until(lambda: len(hub.session.cards) == 3, "three cards at the hub")
        for column in ("good", "bad"):
            await phone.locator(f"#facedown-{column}", has_text="1 face-down card").wait_for()
        await laptop.locator("#facedown-good", has_text="1 face-down card").wait_for()
        assert "pairing" not in await phone.content()  # face-down text never reaches it
        await _said(phone, "Someone added a card to Bad.")
        # Bob edits, moves and deletes his own cards
        await laptop.get_by_role("button", name="Edit card: Bob's typo").click()
        await laptop.get_by_label("Card text").fill("Bob's fixed card")
        await laptop.get_by_role("button", name="Save").click()
        await laptop.get_by_text("Bob's fixed card").wait_for()
        await laptop.get_by_role("button", name="Move to Bad: Bob's fixed card").click()
        await until(
            lambda: (
                [x.column for x in hub.session.cards if x.text == "Bob's fixed card"] == ["bad"]
            ),
            "the card moved",
        )
        await laptop.get_by_role("button", name="Delete card: Bob's fixed card").click()
        await until(lambda: len(hub.session.cards) == 2, "a card deleted")
        await phone.get_by_role("button", name="I'm done").click()
        await laptop.get_by_text("1 of 3 done.").wait_for()  # the people online, as boards say
        await _axe(phone, "write")
        await _fits(phone, 320)
        await _fits(laptop, 640)
        await _axe(laptop, "write (laptop)")
        await _shot(phone, shots, "phone-write")
        await _shot(laptop, shots, "laptop-write")

        # Group: everything revealed, markup shown literally
        await fac.send(c.NextPhase())
        await phone.get_by_text(MARKUP_CARD.replace("\x1b", "␛")).wait_for()
        await _axe(phone, "group")
        await _said(phone, "The retro moved on: Group.")

        # Vote: within the budget, totals hidden until the vote ends
        await fac.send(c.NextPhase())
        await phone.get_by_text("You have used 0 of 5 votes.").wait_for()
        await phone.get_by_role("button", name="Vote for: Release notes were late").click()
        await phone.get_by_role("button", name="Vote for: Release notes were late").click()
        await laptop.get_by_role("button", name="Vote for: Release notes were late").click()
        await phone.get_by_text("You have used 2 of 5 votes.").wait_for()
        await laptop.get_by_text("You have used 1 of 5 votes.").wait_for()
        assert await laptop.get_by_text("Your votes: 2").count() == 0  # Ann's stay hers
        await _axe(phone, "vote")
        await _fits(phone, 320)
        await _shot(phone, shots, "phone-vote")

        # Discuss: the current topic and its notes, live
        await fac.send(c.NextPhase())
        await laptop.get_by_text("3 votes").wait_for()
        target = hub.session.ranked_targets()[0]
        await fac.send(c.Discuss(target=target))
        await phone.get_by_role("heading", name="Now: Release notes were late").wait_for()
        await fac.send(c.SetNotes(target=target, text="Ship notes with the build"))
        await phone.get_by_text("Ship notes with the build").wait_for()
        await fac.send(c.ActionFromTopic(target=target))
        await _axe(phone, "discuss")
        await _shot(phone, shots, "phone-discuss")

        # Actions, then close: rate and download the notes
        await fac.send(c.NextPhase())
        await phone.get_by_role("heading", name="Action items").wait_for()
        await phone.get_by_text("Not SMART", exact=False).first.wait_for()
        await _axe(phone, "actions")
        await fac.send(c.NextPhase())
        await phone.get_by_label("5 excellent").check()
        await phone.get_by_role("button", name="Rate").click()
        await laptop.get_by_text("1 rated · average 5.0 of 5").wait_for()
        async with laptop.expect_download() as waiting:
            await laptop.get_by_role("button", name="Download the notes").click()
        notes = Path(await (await waiting.value).path()).read_text(encoding="utf-8")
        assert "Release notes were late" in notes
        await _axe(phone, "close")
        await _axe(laptop, "close (laptop)")
        await _shot(phone, shots, "phone-close")
        await _shot(laptop, shots, "laptop-close")
        for page in (phone, laptop):
            assert await page.evaluate("window.__cspViolations") == []
            elsewhere = [u for u in REQUESTS[id(page)] if not u.startswith(server.public_url)]
            assert [u for u in elsewhere if not u.startswith(("blob:", "data:"))] == []
        tree = await phone.locator("body").aria_snapshot()
        assert 'heading "Close"' in tree
        await laptop_context.close()
        await fac.close()
        keep = os.environ.get("RETRO_TUI_KEEP_SHOTS")
        if keep:
            shutil.copytree(shots, keep, dirs_exist_ok=True)
            (Path(keep) / "phone-close-aria.yaml").write_text(tree, encoding="utf-8")
        saved = SessionStore(tmp_path / "sessions").load(hub.session.id)
        assert saved.roti == hub.session.roti and len(saved.cards) == 2


async def test_chinese_typed_through_an_input_method_and_pasted_text_arrive_intact(
    tmp_path: Path,
) -> None:
    composed = "发布说明太晚了"
    pasted = "Paste 👩‍👩‍👧‍👦 family · 👍🏽 · 🏳️‍🌈 done"
    async with live_retro(tmp_path, default_page="simple") as (hub, server), chromium() as browser:
        fac = await _facilitator(hub)
        await fac.send(c.GoToPhase(phase="write"))
        context, page = await _open(browser, server.participant_url, LAPTOP)
        await context.grant_permissions(["clipboard-read", "clipboard-write"])
        await _join(page, "Mei")
        box = page.get_by_label("New card for “Good”")
        await box.focus()
        cdp = await context.new_cdp_session(page)
        for end in range(1, len(composed) + 1):  # the candidate grows as a person types
            await cdp.send(
                "Input.imeSetComposition",
                {"text": composed[:end], "selectionStart": end, "selectionEnd": end},
            )
        await cdp.send("Input.insertText", {"text": composed})
        assert await box.input_value() == composed
        await page.get_by_role("button", name="Add card").first.click()
        await until(lambda: [x.text for x in hub.session.cards] == [composed], "the IME card")

        await page.evaluate("(text) => navigator.clipboard.writeText(text)", pasted)
        paste_box = page.get_by_label("New card for “Bad”")
        await paste_box.focus()
        await page.keyboard.press("Control+V")
        assert await paste_box.input_value() == pasted
        await page.get_by_role("button", name="Add card").nth(1).click()
        await page.get_by_text(pasted).wait_for()  # views show only what is on disk
        saved = SessionStore(tmp_path / "sessions").load(hub.session.id)
        assert [x.text for x in saved.cards] == [composed, pasted]
        await fac.close()


async def test_an_anonymous_retro_shows_no_author_on_any_simple_page(tmp_path: Path) -> None:
    async with (
        live_retro(tmp_path, anonymous=True, default_page="simple") as (
            hub,
            server,
        ),
        chromium() as browser,
    ):
        fac = await _facilitator(hub)
        await fac.send(c.GoToPhase(phase="write"))
        _, ann = await _open(browser, server.participant_url, PHONE)
        _, bob = await _open(browser, server.participant_url, LAPTOP)
        received: list[str] = []

        def keep(frame: str | bytes) -> None:
            received.append(frame if isinstance(frame, str) else frame.decode())

        bob.on("websocket", lambda ws: ws.on("framereceived", keep))
        await bob.reload()
        await _join(ann, "Ann")
        await _join(bob, "Bob")
        await ann.get_by_label("New card for “Good”").fill("Anonymous worry")
        await ann.get_by_role("button", name="Add card").first.click()
        await until(lambda: len(hub.session.cards) == 1, "Ann's card")
        await fac.send(c.NextPhase())
        await bob.get_by_text("Anonymous worry").wait_for()
        assert await bob.get_by_text("by Ann").count() == 0
        ann_id = hub.session.cards[0].author
        views = page_views(received)
        authors = {card["author"] for v in views for card in v["session"]["cards"]}
        assert views and authors <= {"", views[-1]["you"]}, "an author reached Bob's browser"
        assert all(ann_id not in json.dumps(v["session"]["cards"]) for v in views)
        await fac.close()


async def test_a_keyboard_alone_joins_writes_and_votes(tmp_path: Path) -> None:
    async with live_retro(tmp_path, default_page="simple") as (hub, server), chromium() as browser:
        fac = await _facilitator(hub)
        await fac.send(c.GoToPhase(phase="write"))
        _, page = await _open(browser, server.participant_url, LAPTOP)
        await page.get_by_label("Your name").wait_for()
        await page.keyboard.press("Tab")  # the skip link comes first
        assert await page.evaluate("document.activeElement.textContent") == "Skip to the board"
        await page.get_by_label("Your name").focus()
        await page.keyboard.type("Kim")
        await page.keyboard.press("Enter")
        box = page.get_by_label("New card for “Good”")
        await box.wait_for()
        await box.focus()
        await page.keyboard.type("Typed without a mouse")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == "Add card"
        await page.keyboard.press("Enter")
        await until(lambda: len(hub.session.cards) == 1, "the card")
        for _ in range(2):
            await fac.send(c.NextPhase())
        vote = page.get_by_role("button", name="Vote for: Typed without a mouse")
        await vote.focus()
        await page.keyboard.press("Space")
        await page.get_by_text("You have used 1 of 5 votes.").wait_for()
        # The list was drawn again with the new count; the keyboard stays where it was.
        assert (
            await page.evaluate("document.activeElement.dataset.key")
            == f"vote-{hub.session.cards[0].id}"
        )
        await page.keyboard.press("Space")
        await until(lambda: len(hub.session.votes) == 2, "two votes")
        await fac.send(c.TimerStart(minutes=1))
        await _said(page, "One minute left.")
        await fac.send(c.TimerStart(minutes=0.02))
        await _said(page, "Time is up.")
        await fac.close()


async def test_the_facilitator_link_may_use_the_simple_page_to_run_the_phases(
    tmp_path: Path,
) -> None:
    async with live_retro(tmp_path) as (hub, server), chromium() as browser:
        _, page = await _open(browser, server.facilitator_url, LAPTOP)
        assert await page.locator("#terminal").count() == 1  # the terminal board by default
        await page.goto(f"{server.public_url}/page/simple")
        await page.get_by_label("Your name").fill("Fran")
        await page.get_by_role("button", name="Join").click()
        await page.get_by_text("You are Fran (facilitator).").wait_for()
        await page.get_by_role("button", name="Next phase").click()
        await until(lambda: hub.session.phase.value == "review", "the next phase")
        await page.get_by_role("heading", name="Review last retro's actions").wait_for()
        await _axe(page, "facilitator")

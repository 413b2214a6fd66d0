"""The room's rhythm on the simple page in real chromium, phone-sized: the check-in
question, the parking lot and the health check, rated with real radio buttons."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.web import RetroWebServer
from tests.support.browser import PHONE, chromium, until
from tests.support.hub import make_session
from tests.support.live import live_retro as serving_retro

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS_ENV = "RETRO_TUI_SHOTS"


def live_retro(tmp_path: Path) -> AbstractAsyncContextManager[tuple[Hub, RetroWebServer]]:
    session = make_session().with_changes(icebreaker="Which snack powered your sprint?")
    return serving_retro(tmp_path, session)


async def _join(page: Page, name: str) -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_role("button", name="Join").click()
    await page.get_by_text(f"You are {name}.").wait_for()


async def _axe(page: Page, what: str) -> None:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    bad = [
        (v["id"], v["impact"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{what}: {bad}"


async def test_a_phone_rates_the_health_check_and_sees_the_parking_lot(tmp_path: Path) -> None:
    import os

    shots = Path(os.environ.get(SHOTS_ENV, str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    async with live_retro(tmp_path) as (hub, server), chromium() as browser:
        fac = LocalClient(hub, "host-board", Role.FACILITATOR)
        await fac.join("Fran")
        pages = []
        for name in ("Ann", "Bob"):
            context = await browser.new_context(**PHONE)
            page = await context.new_page()
            page.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
            await page.goto(server.participant_url)
            await _join(page, name)
            pages.append(page)
        ann, bob = pages
        await ann.get_by_text("Which snack powered your sprint?").wait_for()

        await fac.send(c.GoToPhase(phase="health"))
        await ann.get_by_role("heading", name="Health check").wait_for()
        for page, score in ((ann, "4"), (bob, "2")):
            for fieldset in await page.locator("fieldset.health-dim").all():
                await fieldset.get_by_label(score, exact=True).check()
            if page is ann:
                await _axe(ann, "health check form")
                await ann.screenshot(path=shots / "phone-health-form.png", full_page=True)
            await page.get_by_role("button", name="Send my ratings").click()
        await until(lambda: len(hub.session.health.rated) == 2, "two ratings")
        await ann.get_by_text("2 of 3 rated").wait_for()
        await _axe(ann, "health check")
        await fac.send(c.RateHealth(scores="3,3,3,3,3,3,3,3"))  # everyone: results show
        await ann.get_by_text("average 3.0, from 2 to 4 (3 ratings)").first.wait_for()
        await ann.screenshot(path=shots / "phone-health.png", full_page=True)
        assert "Bob" not in await ann.locator("#health-results").inner_text()

        await fac.send(c.GoToPhase(phase="write"))
        ann_card = ann.get_by_label("New card for “Good”")
        await ann_card.fill("Snacks ran out on Friday")
        await ann.get_by_role("button", name="Add card").first.click()
        await until(lambda: len(hub.session.cards) == 1, "a card")
        await fac.send(c.NextPhase())
        await fac.send(c.Park(target=hub.session.cards[0].id))
        await bob.get_by_role("heading", name="Parking lot (1)").wait_for()
        await bob.locator("#parking-list", has_text="Snacks ran out on Friday").wait_for()
        await _axe(bob, "parking lot")
        await bob.screenshot(path=shots / "phone-parking.png", full_page=True)

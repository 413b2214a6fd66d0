"""The live room in real chromium: two people on phones raise hands and react on the
simple page while the facilitator's page shows the queue in order and lowers a hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.domain import commands as c
from tests.browser.test_browser_simple import (
    LAPTOP,
    _axe,
    _facilitator,
    _fits,
    _join,
    _open,
    live_retro,
)
from tests.support.browser import PHONE, chromium, until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARKUP = "[bold]ship[/] <b>it</b>"


async def test_two_phones_raise_hands_and_react_while_the_facilitator_sees_the_queue(
    tmp_path: Path,
) -> None:
    async with live_retro(tmp_path) as (hub, server), chromium() as browser:
        host = await _facilitator(hub)  # the host's board: the same facilitator seat
        _, chair = await _open(browser, server.facilitator_url, LAPTOP)
        await chair.goto(f"{server.public_url}/page/simple")
        await chair.get_by_text("You are Fran (facilitator).").wait_for()
        _, ann = await _open(browser, server.participant_url, PHONE)
        _, bob = await _open(browser, server.participant_url, PHONE)
        await _join(ann, "Ann")
        await _join(bob, "Bob")

        # Hands: Bob first, then Ann; the queue keeps that order, the phones the count.
        await bob.get_by_role("button", name="Raise my hand").click()
        await until(lambda: len(hub.session.hands) == 1, "Bob's hand")
        await ann.get_by_role("button", name="Raise my hand").click()
        await until(lambda: len(hub.session.hands) == 2, "Ann's hand")
        for page in (ann, bob, chair):
            await page.get_by_text("2 hands up.").wait_for()
        queue = chair.locator("#hand-queue li")
        await queue.nth(1).wait_for()
        rows = await queue.all_inner_texts()
        assert rows[0].startswith("Bob") and rows[1].startswith("Ann"), rows
        assert "Ann" not in await bob.locator("#room").inner_text()  # no queue on a phone
        await ann.get_by_role("button", name="Lower my hand", pressed=True).wait_for()
        await _axe(chair, "facilitator with the hand queue")

        # The facilitator lowers Bob's hand from the page; Ann's stays up.
        await chair.get_by_role("button", name="Lower Bob's hand").click()
        await until(lambda: [h.participant for h in hub.session.hands] != [], "one hand left")
        await bob.get_by_text("1 hand up.").wait_for()
        await bob.get_by_role("button", name="Raise my hand").wait_for()

        # Reactions on revealed cards: counts for everyone, nobody's name.
        await host.send(c.GoToPhase(phase="write"))
        await host.send(c.AddCard(column="good", text="Release notes on time"))
        await host.send(c.NextPhase())
        await ann.get_by_role("heading", name="Group: every card is revealed").wait_for()
        await ann.get_by_role("button", name="love, 0 so far. React or take yours back").click()
        # The label carries the count: Bob's button says 1 once Ann's reaction is in.
        await bob.get_by_role("button", name="love, 1 so far. React or take yours back").click()
        await until(lambda: len(hub.session.reactions) == 2, "two reactions")
        for page in (ann, bob, chair):
            await page.get_by_role(
                "button", name="love, 2 so far. React or take yours back"
            ).wait_for()
        await bob.get_by_role("button", name="love, 2 so far. React or take yours back").click()
        await ann.get_by_role("button", name="love, 1 so far. React or take yours back").wait_for()
        await _axe(ann, "group with reactions")
        await _fits(ann, 320)
        await ann.screenshot(path=tmp_path / "phone-room-group.png", full_page=True)

        # Discuss: a comment under the topic on every page, shown as typed.
        await host.send(c.NextPhase())
        await host.send(c.NextPhase())
        await ann.get_by_label("Comment on “Release notes on time”").fill(MARKUP)
        await ann.get_by_role("button", name="Add comment").click()
        await until(lambda: len(hub.session.comments) == 1, "the comment")
        for page in (bob, chair):
            await page.locator(".comments li", has_text=MARKUP).wait_for()
        await chair.locator(".comments li", has_text="— Ann").wait_for()
        await _axe(ann, "discuss with a comment")
        await host.close()

"""What a participant does on the terminal board, done on the simple page (issue 13):
grouping when the facilitator allows it, by lists and buttons with the keyboard alone;
their own cards edited in the group step; undo; and the Data step's numbers, read-only.

Each screen is checked with axe-core on a phone (390×844) and at 320 px; set
RETRO_TUI_KEEP_SHOTS to a folder to keep the screenshots.
"""

from __future__ import annotations

import functools
import os
import shutil
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.measures import ReadinessCheck, TeamNumber
from retro_tui.domain.model import Session
from retro_tui.hub.hub import Hub
from retro_tui.web import RetroWebServer
from tests.browser.test_browser_simple import (
    RECORD_ANNOUNCEMENTS,
    _axe,
    _facilitator,
    _fits,
    _join,
    _open,
    _said,
)
from tests.support.browser import PHONE, chromium, until
from tests.support.hub import make_session
from tests.support.live import live_retro

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def simple_retro(
    tmp_path: Path, session: Session
) -> AbstractAsyncContextManager[tuple[Hub, RetroWebServer]]:
    """A hub on a real session file; every browser gets the simple page."""
    return live_retro(tmp_path, session, default_page="simple")


async def _shots(page: Page, tmp_path: Path, name: str) -> None:
    """The phone's screen, then the same at 320 px, kept if asked."""
    keep = os.environ.get("RETRO_TUI_KEEP_SHOTS")
    for width in (390, 320):
        await page.set_viewport_size({"width": width, "height": 844})
        path = tmp_path / f"{name}-{width}.png"
        await page.screenshot(path=path, full_page=True)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
    await page.set_viewport_size({"width": 390, "height": 844})


def _has_card(hub: Hub, text: str) -> bool:
    return any(card.text == text for card in hub.session.cards)


def _topic_of(hub: Hub, text: str) -> str | None:
    return next(card.topic for card in hub.session.cards if card.text == text)


async def test_with_grouping_allowed_a_keyboard_alone_groups_names_and_takes_out_cards(
    tmp_path: Path,
) -> None:
    async with simple_retro(tmp_path, make_session()) as (hub, server), chromium() as browser:
        fac = await _facilitator(hub)
        await fac.send(c.GoToPhase(phase="write"))
        frames: list[str] = []  # what the phone's page receives, to know a view arrived
        phone = await (await browser.new_context(**PHONE)).new_page()
        await phone.add_init_script(RECORD_ANNOUNCEMENTS)
        phone.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
        phone.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
        await phone.goto(server.participant_url)
        await _join(phone, "Ann")
        ann = next(p.id for p in hub.session.participants if p.name == "Ann")
        for text in ("Deploys were slow", "CI took an hour", "Good pairing"):
            await phone.get_by_label("New card for “Good”").fill(text)
            await phone.get_by_role("button", name="Add card").first.click()
            await until(functools.partial(_has_card, hub, text), text)
        await fac.send(c.AddCard(column="bad", text="Fran's own card"))
        await fac.send(c.NextPhase())
        await phone.get_by_role("heading", name="Group: every card is revealed").wait_for()
        # Not allowed yet: the facilitator groups, the person still edits their own card.
        await phone.get_by_text(
            "The facilitator groups the cards into topics", exact=False
        ).wait_for()
        assert await phone.locator("select").count() == 0
        await phone.get_by_role("button", name="Edit card: Good pairing").click()
        await phone.get_by_label("Card text").fill("Good pairing on the release")
        await phone.keyboard.press("Tab")
        await phone.keyboard.press("Enter")  # Save, by keyboard
        await until(
            lambda: any(x.text == "Good pairing on the release" for x in hub.session.cards),
            "the card edited in the group step",
        )

        await fac.send(c.ChangeSettings(participants_may_group=True))
        slow = phone.get_by_label("Group “Deploys were slow” with")
        await slow.wait_for()
        # The keyboard alone: a list chosen with the arrow keys, then the button.
        await slow.focus()
        options = await slow.locator("option").all_inner_texts()
        steps = options.index("Card: CI took an hour (Good)") if len(options) > 1 else 0
        for _ in range(steps):
            await phone.keyboard.press("ArrowDown")
        chosen = next(x.id for x in hub.session.cards if x.text == "CI took an hour")
        assert await slow.input_value() == chosen
        # Someone else's change arrives while the list is being chosen from: the list is
        # not rebuilt under the person (a phone's picker would close), the choice stays.
        await slow.evaluate("(list) => { list.dataset.kept = 'yes'; }")
        await fac.send(c.AddCard(column="bad", text="A late thought"))
        await until(lambda: any("A late thought" in f for f in frames), "the change sent")
        await phone.wait_for_function("() => document.activeElement.dataset.kept === 'yes'")
        assert await phone.evaluate("document.activeElement.value") == chosen
        await phone.keyboard.press("Tab")
        await phone.get_by_text("A late thought", exact=True).wait_for()  # drawn once left
        assert await phone.evaluate("document.activeElement.textContent") == "Group"
        await phone.keyboard.press("Enter")
        await until(
            lambda: (
                _topic_of(hub, "Deploys were slow") is not None
                and _topic_of(hub, "Deploys were slow") == _topic_of(hub, "CI took an hour")
            ),
            "two cards in one topic",
        )
        await _said(
            phone, "Grouped “Deploys were slow” with “CI took an hour”. “Undo” takes it back."
        )
        topic = hub.session.topics[0].id

        name = phone.get_by_label("Name this topic")
        await name.focus()
        await phone.keyboard.press("Control+A")
        await phone.keyboard.type("Slow pipeline")
        await phone.keyboard.press("Enter")
        await until(lambda: hub.session.topics[0].title == "Slow pipeline", "the topic named")
        await phone.get_by_role("heading", name="Slow pipeline").wait_for()

        # A name composed through an input method while someone else's change arrives:
        # the box is not rebuilt mid-composition, and the name arrives whole.
        await name.focus()
        await phone.keyboard.press("Control+A")
        await name.evaluate("(box) => { box.dataset.kept = 'yes'; }")
        cdp = await phone.context.new_cdp_session(phone)
        composed = "流水线太慢"
        for end in range(1, 3):
            await cdp.send(
                "Input.imeSetComposition",
                {"text": composed[:end], "selectionStart": end, "selectionEnd": end},
            )
        seen = len(frames)
        await fac.send(c.AddCard(column="bad", text="Another late thought"))
        await until(lambda: any("Another late" in f for f in frames[seen:]), "the change sent")
        await phone.wait_for_function("() => document.activeElement.dataset.kept === 'yes'")
        await cdp.send("Input.insertText", {"text": composed})
        await phone.keyboard.press("Enter")
        await until(lambda: hub.session.topics[0].title == composed, "the composed name")
        await phone.get_by_role("heading", name=composed).wait_for()
        await phone.get_by_text("Another late thought", exact=True).wait_for()
        await _axe(phone, "group, grouping on")
        await _fits(phone, 320)
        await _axe(phone, "group at 320 px")
        await _shots(phone, tmp_path, "phone-group")

        out = phone.get_by_role("button", name="Take out of the topic: CI took an hour")
        await out.focus()
        await phone.keyboard.press("Enter")
        await until(lambda: not hub.session.topics, "the topic gone with one card left")
        undo = phone.get_by_role("button", name="Undo: card taken out of its topic")
        await undo.focus()
        await phone.keyboard.press("Enter")
        await until(lambda: [t.id for t in hub.session.topics] == [topic], "the take-out undone")
        assert {x.author for x in hub.session.cards if x.topic == topic} == {ann}
        await fac.close()


async def test_the_data_step_shows_the_numbers_and_the_checklist_read_only(
    tmp_path: Path,
) -> None:
    checks = (ReadinessCheck("Tracking was live"), ReadinessCheck("Budget approved"))
    # The open rate carried over from the team's last retro, as a new session gets it.
    last = (TeamNumber("Open rate", previous=20.0), TeamNumber("Churn", previous=3.0))
    session = make_session().with_changes(readiness=checks, numbers=last)
    async with simple_retro(tmp_path, session) as (hub, server), chromium() as browser:
        fac = await _facilitator(hub)
        await fac.send(c.GoToPhase(phase="data"))
        await fac.send(c.SetNumber(number="Open rate", value=24.5, unit="%", period="May"))
        await fac.send(c.SetNumber(number="Cost per lead", value=31.005, unit="EUR"))
        await fac.send(c.SetReadiness(index=0, ready=True))
        await fac.send(c.SetReadiness(index=1, ready=False))
        _, phone = await _open(browser, server.participant_url, PHONE)
        await _join(phone, "Ann")
        await phone.get_by_role("heading", name="Data: the team's numbers").wait_for()
        now = phone.locator("#phases li[aria-current=step]")
        assert (await now.text_content() or "").startswith("Data")
        table = phone.get_by_role("table", name="This retro's numbers beside the last retro's")
        rows = await table.locator("tbody tr").all_inner_texts()
        assert [row.split("\t") for row in rows] == [
            ["Open rate", "24.5", "20", "+4.5", "%", "May"],
            ["Churn", "–", "3", "–", "–", "–"],
            ["Cost per lead", "31.01", "–", "–", "EUR", "–"],
        ]
        await phone.get_by_text("2 of 3 numbers entered for this retro.").wait_for()
        await phone.get_by_text("1 of 2 checks true before the work started.").wait_for()
        said = await phone.locator("#readiness-list li").all_inner_texts()
        assert said == [
            "Tracking was live · yes, true before the work started",
            "Budget approved · no, not true before the work started",
        ]
        assert await phone.get_by_role("button", name="Add number").count() == 0
        await fac.send(c.SetNumber(number="Leads", value=120))
        await table.get_by_role("rowheader", name="Leads").wait_for()  # live, no reload
        await _axe(phone, "data")
        await _fits(phone, 320)
        await _axe(phone, "data at 320 px")
        await _shots(phone, tmp_path, "phone-data")
        await fac.close()


async def test_a_card_linked_to_a_known_problem_shows_the_problem_on_the_page(
    tmp_path: Path,
) -> None:
    async with simple_retro(tmp_path, make_session()) as (hub, server), chromium() as browser:
        fac = await _facilitator(hub)
        await fac.send(c.GoToPhase(phase="write"))
        phone = await (await browser.new_context(**PHONE)).new_page()
        phone.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
        await phone.goto(server.participant_url)
        await _join(phone, "Ann")
        await phone.get_by_label("New card for “Good”").fill("Legal took two weeks")
        await phone.get_by_role("button", name="Add card").first.click()
        await until(functools.partial(_has_card, hub, "Legal took two weeks"), "the card")
        card = next(x.id for x in hub.session.cards if x.text == "Legal took two weeks")
        await fac.send(c.NextPhase())
        await phone.get_by_role("heading", name="Group: every card is revealed").wait_for()
        await fac.send(c.NameProblem(target=card, problem_name="Legal review is <b>slow</b>"))
        await phone.get_by_text("⚑ Known problem: Legal review is <b>slow</b>").wait_for()
        await fac.send(c.UnlinkProblem(target=card))
        await phone.get_by_text("⚑ Known problem", exact=False).wait_for(state="detached")

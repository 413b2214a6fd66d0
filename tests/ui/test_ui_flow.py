"""A solo facilitator runs a whole retro through the keys, from the picker to the export."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from retro_tui.domain.phases import Phase
from retro_tui.ui.app import RetroApp, make_app
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.screens.action_dialog import ActionDialog
from retro_tui.ui.screens.checkin_dialog import CheckInDialog
from retro_tui.ui.screens.text_dialog import TextDialog
from tests.support.clock import FakeClock
from tests.support.ui import (
    FIXED_NOW,
    hub_session,
    make_launcher,
    screen_text,
    type_text,
    wait_for_board,
    wait_until,
)

MARKUP_CARD = "Launch went [bold]smoothly[/] [link=x]ok"


async def go_to(pilot: Pilot[None], board: BoardScreen, key: str, phase: Phase) -> None:
    await pilot.press(key)
    await wait_until(
        pilot, lambda: board.view is not None and board.view.session.phase is phase, phase.value
    )
    await pilot.pause()


async def add_card(pilot: Pilot[None], app: RetroApp, text: str) -> None:
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(app.screen, TextDialog), "the card dialog")
    await type_text(pilot, text)
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: text in [c.text for c in hub_session(app).cards], f"card {text!r}"
    )
    await wait_until(pilot, lambda: text[:25] in screen_text(app), f"card {text!r} on screen")


async def test_facilitator_runs_every_phase(tmp_path: Path) -> None:
    clock = FakeClock(FIXED_NOW)
    launcher = make_launcher(tmp_path, clock)
    app = make_app(launcher=launcher)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        # Picker: name the retro and the team, keep the default format.
        await type_text(pilot, "Q3 campaign")
        await pilot.press("tab")
        await type_text(pilot, "Growth")
        await pilot.press("enter")
        board = await wait_for_board(pilot)
        session = hub_session(app)
        assert (session.title, session.team, session.format_key) == (
            "Q3 campaign",
            "Growth",
            "went-well",
        )
        assert board.view is not None and board.view.is_facilitator

        # Check-in: one word and a mood.
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CheckInDialog), "check-in dialog")
        await type_text(pilot, "curious")
        await pilot.press("enter", "down", "down", "down", "enter", "enter")
        await wait_until(pilot, lambda: hub_session(app).participants[0].mood == 4, "the check-in")
        assert hub_session(app).participants[0].checkin_word == "curious"
        await wait_until(pilot, lambda: "curious" in screen_text(app), '"curious"')

        # Skip the optional review straight to writing.
        await go_to(pilot, board, "s", Phase.WRITE)
        await add_card(pilot, app, MARKUP_CARD)
        await add_card(pilot, app, "Pairing helped")
        await pilot.press("right")
        await add_card(pilot, app, "Deploys were slow")
        cards = {c.text: c.column for c in hub_session(app).cards}
        assert cards == {
            MARKUP_CARD: "went-well",
            "Pairing helped": "went-well",
            "Deploys were slow": "to-improve",
        }
        await wait_until(
            pilot, lambda: "[bold]smoothly[/]" in screen_text(app), '"[bold]smoothly[/]"'
        )
        await pilot.press("D")
        await wait_until(pilot, lambda: hub_session(app).participants[0].done_writing, "done mark")

        # Group the two "went well" cards and title the topic.
        await go_to(pilot, board, "greater_than_sign", Phase.GROUP)
        await pilot.press("left", "up", "up", "g", "down", "g")
        await wait_until(pilot, lambda: len(hub_session(app).topics) == 1, "a topic")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog), "title dialog")
        await type_text(pilot, "Smooth delivery")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: hub_session(app).topics[0].title == "Smooth delivery", "title"
        )
        topic = hub_session(app).topics[0]
        deploys = next(c for c in hub_session(app).cards if c.text == "Deploys were slow")

        # Vote: two on the topic, one on the lone card (after changing our mind once).
        await go_to(pilot, board, "greater_than_sign", Phase.VOTE)
        assert board.selected_target() == topic.id
        await pilot.press("plus", "plus", "right", "v", "minus", "v")
        await wait_until(pilot, lambda: len(hub_session(app).votes) == 3, "three votes")
        assert hub_session(app).totals() == {topic.id: 2, deploys.id: 1}
        await wait_until(pilot, lambda: "2 of 5 votes left" in screen_text(app), "budget shown")

        # Discuss: the topic is current; make the card current, take notes, turn it into an action.
        await go_to(pilot, board, "greater_than_sign", Phase.DISCUSS)
        assert hub_session(app).current_topic == topic.id
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: hub_session(app).current_topic == deploys.id, "current topic"
        )
        assert hub_session(app).timer.running
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog), "notes dialog")
        await type_text(pilot, "Flaky CI runners")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: hub_session(app).notes.get(deploys.id) == "Flaky CI runners", "notes"
        )
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionDialog), "action dialog")
        await pilot.press("enter")  # keep the text taken from the card
        await type_text(pilot, "Maya")
        await pilot.press("enter")
        await type_text(pilot, "2026-12-15")
        await pilot.press("enter")
        await type_text(pilot, "deploy minutes")
        await pilot.press("enter")
        for value in ("40", "10", "down"):  # baseline, target, better is (issue 14)
            await type_text(pilot, value)
            await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: bool(hub_session(app).actions) and hub_session(app).actions[0].is_smart,
            "SMART action",
        )
        action = hub_session(app).actions[0]
        assert (action.text, action.owner, action.due, action.source) == (
            "Deploys were slow",
            "Maya",
            "2026-12-15",
            deploys.id,
        )

        # Actions: add one that is not SMART yet, and see it flagged.
        await go_to(pilot, board, "greater_than_sign", Phase.ACTIONS)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionDialog), "action dialog")
        await type_text(pilot, "Write a runbook")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(hub_session(app).actions) == 2, "second action")
        await wait_until(pilot, lambda: "1 not SMART yet" in screen_text(app), "SMART count")
        await pilot.press("down")
        flag = "not SMART: missing owner, due date, metric, target"
        await wait_until(pilot, lambda: flag in screen_text(app), "SMART flag")

        # Close: rate, then export the notes.
        await go_to(pilot, board, "greater_than_sign", Phase.CLOSE)
        await pilot.press("4")
        await wait_until(pilot, lambda: bool(hub_session(app).roti), "ROTI")
        await wait_until(pilot, lambda: "average ROTI 4.0" in screen_text(app), "ROTI average")
        await pilot.press("x")
        exported = tmp_path / "sessions" / f"{hub_session(app).id}.md"
        await wait_until(pilot, exported.exists, "the export")
        await wait_until(pilot, lambda: "Notes exported to" in screen_text(app), "export notice")

    notes = exported.read_text(encoding="utf-8")
    for expected in ("Q3 campaign", "Smooth delivery", "Flaky CI runners", "Maya", "2026-12-15"):
        assert expected in notes, expected
    assert "smoothly" in notes

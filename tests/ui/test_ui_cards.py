"""Writing: edit, move and delete your own card; the timer keys and the time-up state."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Digits

from retro_tui.domain import commands as c
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.choice_dialog import ChoiceDialog
from retro_tui.ui.screens.confirm import ConfirmDialog
from retro_tui.ui.screens.text_dialog import TextDialog
from retro_tui.ui.widgets.timer import TimerDisplay
from tests.support.clock import FakeClock
from tests.support.ui import (
    FIXED_NOW,
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    type_text,
    wait_until,
)


async def test_edit_move_and_delete_own_card(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 12", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        board, hub = await open_board(pilot)
        maya = await join_participant(hub, "Maya")
        await board.client.send(c.GoToPhase(phase="write"))
        await board.client.send(c.AddCard(column="went-well", text="Typo'd card"))
        await maya.send(c.AddCard(column="went-well", text="Not yours"))
        column = board.columns_board.columns()[0]
        await wait_until(pilot, lambda: len(column.items) == 2, "cards")
        # A click goes where the screen was last laid out: wait until the write phase's
        # columns are drawn (under load the layout lags the cards' arrival).
        await wait_until(pilot, lambda: "Typo'd card" in screen_text(app), "cards drawn")
        # The mouse selects a card too. The first is two lines (its text, "— you") and a
        # blank line, so the second starts on line 3.
        second, first = hub.session.cards[1].id, hub.session.cards[0].id
        await pilot.click(column.cards, offset=(3, 3))
        await wait_until(pilot, lambda: board.selected_target() == second, "second selected")
        await pilot.click(column.cards, offset=(3, 0))
        await wait_until(pilot, lambda: board.selected_target() == first, "first selected")

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, TextDialog), "edit dialog")
        await wait_until(pilot, lambda: "11/500" in screen_text(app), '"11/500"')
        await pilot.press(*["backspace"] * 11)
        await type_text(pilot, "Fixed card")
        await pilot.press("enter")
        await wait_until(pilot, lambda: hub.session.cards[0].text == "Fixed card", "edit")

        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: hub.session.cards[0].column == "to-improve", "moved right")
        assert board.selected_target() == hub.session.cards[0].id
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "column choice")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: hub.session.cards[0].column == "action-items", "moved to")

        # Someone else's card is face-down and cannot be edited.
        await pilot.press("left", "left")
        await pilot.press("e")
        await wait_until(pilot, lambda: "only edit your own" in screen_text(app), "refusal")

        await pilot.press("right", "right", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(hub.session.cards) == 1, "deleted")
        assert hub.session.cards[0].text == "Not yours"


async def test_timer_keys_and_time_up(quiet_env: Path) -> None:
    clock = FakeClock(FIXED_NOW)
    launcher = make_launcher(quiet_env, clock)
    session = launcher.create_session(format_key="went-well", title="Sprint 13", team="Web")
    app = make_app(launcher=launcher, session_id=session.id, muted=True)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        await pilot.press("s")
        await wait_until(pilot, lambda: hub.session.timer.duration == 7 * 60, "write timer")
        await pilot.press("space")
        await wait_until(pilot, lambda: hub.session.timer.running, "running")
        await pilot.press("T")
        await wait_until(pilot, lambda: hub.session.timer.duration == 8 * 60, "extended")
        timer = app.screen.query_one(TimerDisplay)
        timer.tick()
        await wait_until(pilot, lambda: "08:00" in str(timer.query_one(Digits).value), "8 minutes")
        clock.advance(9 * 60)
        timer.tick()
        await wait_until(pilot, lambda: timer.has_class("-up"), "time's up")
        await wait_until(pilot, lambda: "time's up!" in screen_text(app), '"time\'s up!"')
        await pilot.press("space")  # pause the expired timer
        await wait_until(pilot, lambda: not hub.session.timer.running, "paused")
        await pilot.press("R")
        await wait_until(pilot, lambda: hub.session.timer.remaining == 7 * 60, "reset")
        await wait_until(pilot, lambda: timer.has_class("-ready"), "ready again")


async def test_a_long_column_says_how_many_cards_are_out_of_sight(quiet_env: Path) -> None:
    """Columns have no scrollbar (repainting its thumb for every card added out of sight
    redrew whole columns); the heading counts the cards above and below instead."""
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 14", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(100, 24)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        for n in range(12):
            await board.client.send(c.AddCard(column="went-well", text=f"Card {n}"))
        column = board.columns_board.columns()[0]
        await wait_until(pilot, lambda: len(column.items) == 12, "twelve cards")

        def heading() -> str:
            return screen_text(app).splitlines()[6]

        await wait_until(pilot, lambda: "Went well  12  ↓" in heading(), "cards below")
        below = column.cards.out_of_sight[1]
        assert 0 < below < 12 and column.cards.out_of_sight[0] == 0

        column.cards.focus()
        await pilot.press(*["down"] * 11)  # to the last card: the list scrolls
        await wait_until(pilot, lambda: board.selected_target() == hub.session.cards[-1].id, "last")
        await wait_until(pilot, lambda: "↑" in heading() and "↓" not in heading(), "cards above")
        assert "Card 11" in screen_text(app) and "Card 0" not in screen_text(app)

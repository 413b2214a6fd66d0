"""Where the keyboard is when a phase begins: on the cards, not in an empty column."""

from __future__ import annotations

from pathlib import Path

from retro_tui.domain import commands as c
from retro_tui.ui.app import make_app
from tests.support.ui import join_participant, make_launcher, open_board, wait_until


async def test_the_reveal_moves_the_keyboard_from_an_empty_column_to_the_first_cards(
    quiet_env: Path,
) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 8", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        maya = await join_participant(hub, "Maya")
        await board.client.send(c.GoToPhase(phase="write"))
        columns = board.columns_board
        await wait_until(pilot, lambda: columns.focused_column() is not None, "a column focused")
        assert columns.focused_column() is columns.columns()[0]  # nothing written yet
        await maya.send(c.AddCard(column="to-improve", text="Pricing page confuses people"))
        await board.client.send(c.NextPhase())  # group: every card revealed
        card = hub.session.cards[0].id
        await wait_until(pilot, lambda: board.selected_target() == card, "Maya's card selected")
        assert columns.focused_column() is columns.columns()[1]

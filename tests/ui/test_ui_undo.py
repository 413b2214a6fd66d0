"""Undo on the board: one key takes back your own delete, and it survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.errors import NotAllowed
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.confirm import ConfirmDialog
from tests.support.ui import (
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    wait_until,
)


async def test_a_deleted_card_comes_back_with_one_key_and_others_cannot_take_it_back(
    quiet_env: Path,
) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Undo", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        board, hub = await open_board(pilot)
        maya = await join_participant(hub, "Maya")
        await board.client.send(c.GoToPhase(phase="write"))
        await board.client.send(c.AddCard(column="went-well", text="Pairing helped"))
        await wait_until(pilot, lambda: board.selected_target() is not None, "the card selected")
        assert not board.check_action("undo", ())
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: not hub.session.cards, "deleted")
        await wait_until(pilot, lambda: "Card deleted. Undo (z)" in screen_text(app), "notice")
        await wait_until(pilot, lambda: bool(board.check_action("undo", ())), "undo offered")

        with pytest.raises(NotAllowed, match="Only the person who made a change"):
            await maya.send(c.Undo(record=hub.session.undoable[0].id))

        await pilot.press("z")
        await wait_until(pilot, lambda: bool(hub.session.cards), "the card back")
        assert hub.session.cards[0].text == "Pairing helped"
        await wait_until(pilot, lambda: not board.check_action("undo", ()), "nothing to undo")


async def test_an_undo_survives_closing_and_reopening_the_session(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Restart", team="Web")
    client = await launcher.open(session.id)
    await client.send(c.GoToPhase(phase="write"))
    await client.send(c.AddCard(column="went-well", text="Keep me"))
    card = launcher.hub.session.cards[0]  # type: ignore[union-attr]
    await client.send(c.DeleteCard(card=card.id))
    await launcher.close()

    reopened = make_launcher(quiet_env)
    client = await reopened.open(session.id)
    await client.send(c.Undo())
    assert reopened.hub is not None and reopened.hub.session.cards == (card,)
    await reopened.close()

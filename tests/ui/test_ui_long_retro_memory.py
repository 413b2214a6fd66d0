"""A tab that lives through a whole retro keeps no more than a fresh one (issue 17).

Measured as objects kept alive (`weakref` after `gc.collect()`), never as RSS or time:
the soak (`python -m bench --soak`) gives the megabytes, and `python -m bench.retention`
shows what is kept, phase by phase.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from pathlib import Path

from textual.widgets._footer import FooterKey

from retro_tui.domain import commands as c
from retro_tui.domain.phases import Phase
from retro_tui.hub.hub import Hub
from retro_tui.ui.app import make_app
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.widgets.card_list import CardList
from tests.support.ui import make_launcher, open_board, type_text, wait_until


def footer_keys(board: BoardScreen) -> list[weakref.ref[FooterKey]]:
    return [weakref.ref(key) for key in board.query(FooterKey)]


async def test_the_keys_a_footer_stopped_showing_are_freed(quiet_env: Path) -> None:
    """Textual's footer draws its keys again whenever the keys on offer change, and each
    key it drew stayed bound to it (`data_bind`) after it was removed: ~15 keys kept per
    card a person wrote, hundreds more in Discuss, never freed."""
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 17", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(100, 30)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        await wait_until(pilot, lambda: board.view.session.phase is Phase.WRITE, "write")  # type: ignore[union-attr]
        await pilot.pause()
        drawn = footer_keys(board)
        for n in range(2):  # each dialog, and each card, offers other keys
            await pilot.press("a")
            await wait_until(pilot, lambda: app.screen is not board, "the card dialog")
            await type_text(pilot, f"card {n}")
            await pilot.press("enter")
            await wait_until(pilot, _cards_are(hub, n + 1), "the card")
            await wait_until(pilot, lambda: app.screen is board, "back on the board")
            await pilot.pause()
            drawn += footer_keys(board)
        for phase in (Phase.GROUP, Phase.VOTE, Phase.DISCUSS):
            await board.client.send(c.NextPhase())
            await wait_until(pilot, _board_at(board, phase), phase.value)
            await pilot.pause()
            drawn += footer_keys(board)
        await pilot.pause()
        await pilot.pause()
        showing = {id(key) for key in board.query(FooterKey)}
        gone = [ref for ref in drawn if ref() is not None and id(ref()) not in showing]
        gc.collect()
        assert len(drawn) > 40  # the footer was drawn again several times
        kept = [ref for ref in gone if ref() is not None]
        assert kept == [], f"{len(kept)} keys no longer shown are still in memory"


async def test_the_columns_forget_their_cards_lines_while_another_phase_shows(
    quiet_env: Path,
) -> None:
    """From Discuss on, a tab kept every card's drawn lines on its hidden board (a few MB
    at a few hundred cards) that a tab opened then never draws; going back draws them
    again."""
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 17", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(100, 30)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        for n in range(6):
            await board.client.send(c.AddCard(column="went-well", text=f"card {n}"))
        await board.client.send(c.NextPhase())  # group
        await board.client.send(c.NextPhase())  # vote
        lists = list(board.query(CardList))
        await wait_until(pilot, lambda: sum(len(x.items) for x in lists) == 6, "the cards")
        assert any(x._lines for x in lists)

        await board.client.send(c.NextPhase())
        await wait_until(pilot, lambda: board.visible_pane() == "pane-discuss", "discuss")
        await wait_until(pilot, lambda: not any(x._lines for x in lists), "the lines freed")
        assert [x.items for x in lists] == [(), (), ()]

        await board.client.send(c.PreviousPhase())
        await wait_until(pilot, lambda: sum(len(x.items) for x in lists) == 6, "drawn again")
        assert any(x._lines for x in lists)
        assert hub.session.phase is Phase.VOTE


def _cards_are(hub: Hub, count: int) -> Callable[[], bool]:
    return lambda: len(hub.session.cards) == count


def _board_at(board: BoardScreen, phase: Phase) -> Callable[[], bool]:
    return lambda: board.view is not None and board.view.session.phase is phase

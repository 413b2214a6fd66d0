"""The footer offers the keys of the moment even when the terminal has lost focus: a
browser tab reloaded after a host restart, or left in the background, showed only
"? Keys" until some later change."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Footer

from retro_tui.domain import commands as c
from retro_tui.ui.app import RetroApp, make_app
from tests.support.clock import FakeClock
from tests.support.ui import FIXED_NOW, make_launcher, open_board, wait_until


def _footer_keys(app: RetroApp) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(key.render()) for key in footer.children)


async def test_keys_that_change_while_the_terminal_is_blurred_reach_the_footer(
    quiet_env: Path,
) -> None:
    launcher = make_launcher(quiet_env, FakeClock(FIXED_NOW))
    session = launcher.create_session(format_key="went-well", title="Sprint 6", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(160, 40)) as pilot:
        board, _hub = await open_board(pilot)
        await wait_until(pilot, lambda: "Next phase" in _footer_keys(app), "the board's keys")
        app.post_message(events.AppBlur())
        await wait_until(pilot, lambda: not app.app_focus, "the terminal blurred")
        await board.client.send(c.GoToPhase(phase="write"))
        await wait_until(pilot, lambda: "Add card" in _footer_keys(app), "write's keys, blurred")
        app.post_message(events.AppFocus())
        await wait_until(pilot, lambda: app.app_focus, "the terminal focused again")
        await wait_until(pilot, lambda: "Add card" in _footer_keys(app), "write's keys, focused")
    await launcher.close()

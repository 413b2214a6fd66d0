"""A browser tab's process does not keep what it no longer shows."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from pathlib import Path

from textual.widget import Widget

from retro_tui.domain import commands as c
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.text_dialog import PlainEditor, TextDialog
from tests.support.ui import make_launcher, open_board, type_text, wait_until


async def test_a_closed_dialogs_widgets_and_their_lines_are_freed(quiet_env: Path) -> None:
    """Textual's `StylesCache.get_inner_outer` cache kept every closed widget's rendered
    lines (Textualize/textual#6665): a participant grew ~1 MB per card written.
    And the editor's watch on the app's theme kept each closed editor (~0.5 MB) until
    the theme changed. `retro_tui.ui.workarounds` answers both."""
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 15", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(100, 30)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        closed: list[list[tuple[str, weakref.ref[object]]]] = []

        def saved(n: int) -> Callable[[], bool]:
            return lambda: len(hub.session.cards) == n

        def back_on_the_board_with(n: int) -> Callable[[], bool]:
            return lambda: (
                app.screen is board
                and board.view is not None
                and len(board.view.session.cards) == n
            )

        for n in range(3):
            await pilot.press("a")
            await wait_until(pilot, lambda: isinstance(app.screen, TextDialog), "the dialog")
            await pilot.pause()
            widgets = list(app.screen.walk_children(Widget))
            assert any(isinstance(w, PlainEditor) for w in widgets)
            closed.append([(type(w).__name__, weakref.ref(w._styles_cache)) for w in widgets])
            await type_text(pilot, f"card {n}")
            await pilot.press("enter")
            await wait_until(pilot, saved(n + 1), "the card")
            await wait_until(pilot, back_on_the_board_with(n + 1), "back on the board")
        await pilot.pause()
        gc.collect()
        # The newest dialog's lines go when the next one closes; the older ones are gone.
        older = [pair for dialog in closed[:-1] for pair in dialog]
        assert len(older) > 6
        assert [name for name, ref in older if ref() is not None] == []

"""Shared helpers for the UI tests: a launcher over `tmp_path`, a fixed clock, waiting.

Waiting is always for a condition with a timeout, driven by `pilot.pause()`, never a
bare sleep, so tests are as fast as the app and fail with a message when it is stuck.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from retro_tui.client import LocalClient
from retro_tui.domain.model import Role, Session
from retro_tui.hub.hub import Hub
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from retro_tui.themes import load_formats
from retro_tui.ui.app import RetroApp
from retro_tui.ui.board.screen import BoardScreen
from tests.support.clock import FakeClock

FIXED_NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def make_launcher(folder: Path, clock: FakeClock | None = None) -> LocalLauncher:
    """A launcher over `folder` with only the shipped formats and a fixed clock."""
    return LocalLauncher(
        SessionStore(folder / "sessions"),
        catalog=load_formats(),
        clock=clock or FakeClock(FIXED_NOW),
        facilitator_name="Fay",
    )


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 15.0
) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after `timeout`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


def board(app: RetroApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen), f"expected the board, got {screen!r}"
    return screen


async def wait_for_board(pilot: Pilot[None]) -> BoardScreen:
    app = pilot.app
    assert isinstance(app, RetroApp)
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, BoardScreen) and app.screen.view is not None,
        "the board",
    )
    return board(app)


def hub_session(app: RetroApp) -> Session:
    launcher = app.launcher
    assert isinstance(launcher, LocalLauncher) and launcher.hub is not None
    return launcher.hub.session


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the focused widget, one key per character."""
    await pilot.press(*text)


def screen_text(app: RetroApp) -> str:
    """The characters currently on screen, one line per row, as a person would read them."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def open_board(pilot: Pilot[None]) -> tuple[BoardScreen, Hub]:
    """Wait for the facilitator's board and return it with the hub behind it."""
    board_screen = await wait_for_board(pilot)
    launcher = pilot.app.launcher  # type: ignore[attr-defined]
    assert isinstance(launcher, LocalLauncher) and launcher.hub is not None
    return board_screen, launcher.hub


async def join_participant(hub: Hub, name: str, identity: str = "") -> LocalClient:
    client = LocalClient(hub, identity or f"browser-{name}", Role.PARTICIPANT)
    await client.join(name)
    return client


async def settle(pilot: Pilot[Any], board: BoardScreen, hub: Hub, *, rounds: int = 200) -> None:
    """Wait until the board shows the hub's latest revision and has drawn it."""
    for _ in range(rounds):
        view = board.view
        if view is not None and view.session.revision == hub.session.revision:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def no_blink(app: RetroApp) -> None:
    """Stop blinking cursors so screenshots do not depend on timing."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]

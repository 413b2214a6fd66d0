"""Three screens as pictures: the picker, the write phase and the discuss phase.

The clock is fixed and the timer stopped, so every run draws the same characters.
Update with `pytest tests/ui/test_ui_snapshots.py --snapshot-update` after checking the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from retro_tui.domain import commands as c
from retro_tui.launcher import LocalLauncher
from retro_tui.ui.app import make_app
from retro_tui.ui.widgets.columns import ColumnsBoard
from tests.support.ui import (
    join_participant,
    make_launcher,
    no_blink,
    open_board,
    settle,
)

SnapCompare = Callable[..., bool]


def seeded(quiet_env: Path) -> tuple[LocalLauncher, str]:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 42", team="Web")
    return launcher, session.id


async def write_phase(pilot: Pilot[Any]) -> None:
    board, hub = await open_board(pilot)
    maya = await join_participant(hub, "Maya")
    await board.client.send(c.GoToPhase(phase="write"))
    await board.client.send(
        c.AddCard(column="went-well", text="Pairing on the launch [bold]helped[/]")
    )
    await board.client.send(c.AddCard(column="to-improve", text="Deploys took 40 minutes"))
    await maya.send(c.AddCard(column="went-well", text="Maya's private card"))
    await maya.send(c.AddCard(column="action-items", text="Maya's idea"))
    await maya.send(c.MarkDone())
    await settle(pilot, board, hub)
    # Focus lands where the first view put it, which depends on timing: pin it.
    columns = board.query_one(ColumnsBoard)
    board.set_focus(None)
    columns.focus_first()
    await settle(pilot, board, hub)
    no_blink(pilot.app)  # type: ignore[arg-type]


async def discuss_phase(pilot: Pilot[Any]) -> None:
    board, hub = await open_board(pilot)
    maya = await join_participant(hub, "Maya")
    send = board.client.send
    await send(c.GoToPhase(phase="write"))
    await send(c.AddCard(column="went-well", text="Pairing helped"))
    await send(c.AddCard(column="went-well", text="Pairing on the launch"))
    await send(c.AddCard(column="to-improve", text="Deploys took 40 minutes"))
    await maya.send(c.AddCard(column="to-improve", text="CI is flaky"))
    await send(c.NextPhase())
    cards = hub.session.cards
    await send(c.Merge(source=cards[1].id, target=cards[0].id))
    topic = hub.session.topics[0]
    await send(c.TitleTopic(topic=topic.id, title="Pairing works"))
    await send(c.NextPhase())
    for voter, target in ((send, cards[2].id), (send, cards[2].id), (maya.send, topic.id)):
        await voter(c.CastVote(target=target))
    await send(c.NextPhase())
    await send(c.SetNotes(target=cards[2].id, text="Cache the [red]build[/] images"))
    await settle(pilot, board, hub)
    no_blink(pilot.app)  # type: ignore[arg-type]


def test_picker_snapshot(snap_compare: SnapCompare, quiet_env: Path) -> None:
    launcher, _ = seeded(quiet_env)
    (quiet_env / "sessions" / "2026-11-01-broken.json").write_text("{not json", encoding="utf-8")

    async def before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        no_blink(pilot.app)  # type: ignore[arg-type]

    assert snap_compare(make_app(launcher=launcher), terminal_size=(100, 30), run_before=before)


def test_write_phase_snapshot(snap_compare: SnapCompare, quiet_env: Path) -> None:
    launcher, session_id = seeded(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    assert snap_compare(app, terminal_size=(100, 30), run_before=write_phase)


def test_discuss_phase_snapshot(snap_compare: SnapCompare, quiet_env: Path) -> None:
    launcher, session_id = seeded(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    assert snap_compare(app, terminal_size=(100, 30), run_before=discuss_phase)

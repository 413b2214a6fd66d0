"""The numbers on the board: the Data step takes the team's numbers and the readiness
checklist, and the review takes each measured action's actual value and shows its verdict.
Two pictures of them at 80x24."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from retro_tui.domain import commands as c
from retro_tui.domain.measures import Verdict
from retro_tui.domain.phases import Phase
from retro_tui.launcher import LocalLauncher
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.fields_dialog import FieldsDialog
from tests.support.clock import FakeClock
from tests.support.ui import (
    make_launcher,
    no_blink,
    open_board,
    screen_text,
    settle,
    type_text,
    wait_until,
)

SnapCompare = Callable[..., bool]


async def _campaign_retro(folder: Path, clock: FakeClock) -> None:
    """Last month's campaign retro: numbers entered, one measured action, one decision."""
    launcher = make_launcher(folder, clock)
    session = launcher.create_session(
        format_key="marketing-campaign", title="October launch", team="Growth"
    )
    client = await launcher.open(session.id)
    await client.send(c.NextPhase())  # the campaign format opens with the Data step
    await client.send(c.SetNumber(number="Open rate", value=18, unit="%", period="October"))
    await client.send(c.SetNumber(number="Ad impressions", value=400))
    await client.send(c.GoToPhase(phase="write"))
    for _ in range(4):
        await client.send(c.NextPhase())
    await client.send(
        c.AddAction(
            text="Rewrite the subject lines",
            owner="Priya",
            due="2026-11-30",
            metric="Open rate",
            baseline=18,
            target=25,
        )
    )
    await client.send(
        c.AddAction(
            text="Decide on the new ad copy",
            metric="Ad impressions",
            target=1000,
            decision=True,
        )
    )
    await client.send(c.AddAction(text="Tidy the asset library"))
    await launcher.close()


def _next_retro(folder: Path) -> tuple[LocalLauncher, str]:
    clock = FakeClock()
    return _seeded(folder, clock)


def _seeded(folder: Path, clock: FakeClock) -> tuple[LocalLauncher, str]:
    import asyncio

    asyncio.run(_campaign_retro(folder, clock))
    clock.advance(28 * 24 * 3600)
    launcher = make_launcher(folder, clock)
    session = launcher.create_session(
        format_key="marketing-campaign", title="November launch", team="Growth"
    )
    return launcher, session.id


async def test_the_data_step_takes_numbers_and_readiness(quiet_env: Path) -> None:
    launcher, session_id = await _in_thread(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: hub.session.phase is Phase.DATA, "data step")
        await wait_until(pilot, lambda: "Open rate" in screen_text(app), "last retro's numbers")
        await pilot.press("e")  # the first row: Open rate
        await wait_until(pilot, lambda: isinstance(app.screen, FieldsDialog), "number dialog")
        await type_text(pilot, "12,5")
        await wait_until(pilot, lambda: "has a comma" in screen_text(app), "comma refused")
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "22.5")
        await pilot.press("enter", "enter", "enter")
        await wait_until(
            pilot, lambda: hub.session.numbers[0].value == 22.5, "the value reaches the hub"
        )
        await wait_until(pilot, lambda: "+4.5" in screen_text(app), "change shown")
        await pilot.press("down", "down", "y", "down", "n")
        await wait_until(
            pilot,
            lambda: [x.ready for x in hub.session.readiness[:2]] == [True, False],
            "two checks recorded",
        )


async def test_the_data_step_adds_renames_and_deletes_numbers(quiet_env: Path) -> None:
    launcher, session_id = await _in_thread(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: hub.session.phase is Phase.DATA, "data step")
        await wait_until(pilot, lambda: "Open rate" in screen_text(app), "last retro's numbers")
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, FieldsDialog), "add dialog")
        await type_text(pilot, "Cost per lead")
        await pilot.press("enter")
        await type_text(pilot, "41")
        await pilot.press("enter", "enter", "enter")
        await wait_until(pilot, lambda: len(hub.session.numbers) == 3, "the new number")

        await pilot.press("r")  # the first row: Open rate
        await wait_until(pilot, lambda: isinstance(app.screen, FieldsDialog), "rename dialog")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Email open rate")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: hub.session.numbers[0].name == "Email open rate", "the new name"
        )
        assert hub.session.numbers[0].previous == 18  # its last-retro value follows it
        (measured,) = [r.action for r in hub.session.review if r.action.target == 25]
        assert measured.metric == "Email open rate"  # and so does the action it measures
        await wait_until(pilot, lambda: "Email open rate" in screen_text(app), "drawn")

        await pilot.press("down", "d")  # Ad impressions
        await wait_until(pilot, lambda: "Delete the number" in screen_text(app), "confirm")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: [n.name for n in hub.session.numbers] == ["Email open rate", "Cost per lead"],
            "the number deleted",
        )


async def _in_thread(folder: Path) -> tuple[LocalLauncher, str]:
    import asyncio

    return await asyncio.to_thread(_next_retro, folder)


async def test_the_review_takes_actuals_and_shows_verdicts(quiet_env: Path) -> None:
    launcher, session_id = await _in_thread(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="review"))
        await wait_until(pilot, lambda: "Rewrite the subject lines" in screen_text(app), "items")
        assert "?/25 actual?" in screen_text(app)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, FieldsDialog), "actual dialog")
        await type_text(pilot, "21")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "21/25 partly" in screen_text(app), "verdict shown")
        await pilot.press("down", "m")
        await wait_until(pilot, lambda: isinstance(app.screen, FieldsDialog), "actual dialog")
        await type_text(pilot, "640")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "640/1000 waiting" in screen_text(app), "readiness")
        await pilot.press("1")  # done before the number reached 1000
        await wait_until(
            pilot, lambda: hub.session.review[1].action.acted_early, "recorded as acted early"
        )
        await pilot.press("down", "m")
        await wait_until(
            pilot,
            lambda: any("no target" in n.message for n in app._notifications),
            "an unmeasured action has no actual to enter",
        )
        entry = hub.session.review[0]
        assert entry.action.actuals[-1].value == 21
        from retro_tui.domain.judging import judgement

        assert judgement(hub.session, entry.action).verdict is Verdict.PARTLY


async def _data_snapshot(pilot: Pilot[Any]) -> None:
    board, hub = await open_board(pilot)
    await board.client.send(c.NextPhase())
    await board.client.send(c.SetNumber(number="Open rate", value=22.5))
    await board.client.send(c.SetReadiness(index=0, ready=True))
    await settle(pilot, board, hub)
    no_blink(pilot.app)  # type: ignore[arg-type]


async def _review_snapshot(pilot: Pilot[Any]) -> None:
    board, hub = await open_board(pilot)
    await board.client.send(c.GoToPhase(phase="review"))
    review = hub.session.review
    await board.client.send(c.RecordActual(action=review[0].action.id, value=21))
    await board.client.send(c.RecordActual(action=review[1].action.id, value=1200))
    await settle(pilot, board, hub)
    no_blink(pilot.app)  # type: ignore[arg-type]


def test_data_step_snapshot(quiet_env: Path, snap_compare: SnapCompare) -> None:
    launcher, session_id = _next_retro(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_data_snapshot)


def test_review_with_actuals_snapshot(quiet_env: Path, snap_compare: SnapCompare) -> None:
    launcher, session_id = _next_retro(quiet_env)
    app = make_app(launcher=launcher, session_id=session_id)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_review_snapshot)

"""After the meeting, in the app: action items across retros (filter, mark done, refused
for the live retro) and insights (recurring problems), on a realistic history."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from retro_tui.domain.model import ActionStatus, Session
from retro_tui.reports.followup import collect
from retro_tui.store import SessionStore
from retro_tui.ui.app import RetroApp, make_app
from retro_tui.ui.screens.action_items import ActionItemsScreen
from retro_tui.ui.screens.insights import InsightsScreen
from retro_tui.ui.screens.picker import PickerScreen
from tests.support.clock import FakeClock
from tests.support.decisions import DECISION, first_retro
from tests.support.history import MARKETING, TODAY, ActionSpec, History, build_history, make_session
from tests.support.ui import (
    FIXED_NOW,
    make_launcher,
    screen_text,
    wait_for_board,
    wait_until,
)

NOW = FakeClock(FIXED_NOW).now  # 2026-11-23, the history's "today"


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path / "sessions")


def _app(history: History) -> RetroApp:
    assert NOW.date() == TODAY
    return make_app(launcher=make_launcher(history.folder.parent, FakeClock(FIXED_NOW)))


async def _actions_screen(pilot: Pilot[None], app: RetroApp) -> ActionItemsScreen:
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, ActionItemsScreen) and app.screen.data is not None,
        "the action items",
    )
    screen = app.screen
    assert isinstance(screen, ActionItemsScreen)
    return screen


async def test_actions_from_the_picker_filter_and_mark_done(history: History) -> None:
    app = _app(history)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
        await pilot.press("ctrl+o")
        screen = await _actions_screen(pilot, app)
        # Default: open items of every team.
        expected = [r for r in collect(_all(history), TODAY) if r.is_open]
        assert set(screen.shown) == {r.key for r in expected}
        assert "overdue" in screen_text(app)

        # Filter: Marketing only, owned by sam (any case).
        screen.query_one("#followup-team", Select).value = MARKETING
        screen.query_one("#followup-owner", Input).value = "sAm"
        await pilot.pause()
        assert screen.shown
        assert all(r.owner == "Sam" and r.team == MARKETING for r in screen.shown.values())

        # Every status, overdue only.
        screen.query_one("#followup-owner", Input).value = ""
        screen.query_one("#followup-open", Checkbox).value = False
        screen.query_one("#followup-overdue", Checkbox).value = True
        await pilot.pause()
        assert screen.shown and all(r.overdue for r in screen.shown.values())

        # Mark the first overdue item done: its newest retro's file changes.
        screen._table.focus()
        row = next(iter(screen.shown.values()))
        target = row.target
        path = history.folder / f"{target.session_id}.json"
        before = path.read_bytes()
        await pilot.press("d")
        await wait_until(pilot, lambda: path.read_bytes() != before, "the session file to change")
        await wait_until(pilot, lambda: row.key not in screen.shown, "the row to leave")
        changed = next(r for r in collect(_all(history), TODAY) if r.key == row.key)
        assert changed.status is ActionStatus.DONE
        assert any("Done:" in n.message for n in app._notifications)

        # Reopen it from the list of every status.
        screen.query_one("#followup-overdue", Checkbox).value = False
        await pilot.pause()
        screen._table.highlight(row.key)
        await pilot.pause()
        selected = screen.selected()
        assert selected is not None and selected.key == row.key
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: next(r for r in collect(_all(history), TODAY) if r.key == row.key).is_open,
            "the item to reopen",
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "back to the picker")


def _all(history: History) -> list[Session]:
    return [history.store.load(s.id) for s in history.store.list().sessions]


async def test_an_item_of_the_live_retro_is_changed_on_the_board(history: History) -> None:
    app = _app(history)
    newest = history.session_ids[MARKETING][-1]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
        app.open_session(newest)
        board = await wait_for_board(pilot)
        assert board.check_action("action_items", ()) is not False
        await pilot.press("ctrl+o")
        screen = await _actions_screen(pilot, app)
        assert screen.team == MARKETING  # the board's team is the first filter
        live = [r for r in screen.shown.values() if r.target.session_id == newest]
        assert live, "the newest retro should hold open items"
        screen._table.highlight(live[0].key)
        await pilot.pause()
        path = history.folder / f"{newest}.json"
        before = path.read_bytes()
        await pilot.press("d")
        await wait_until(
            pilot,
            lambda: any("on the board" in n.message for n in app._notifications),
            "the refusal",
        )
        assert path.read_bytes() == before
        await pilot.press("escape")
        await wait_for_board(pilot)


async def test_insights_show_a_recurring_problem(history: History) -> None:
    app = _app(history)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
        await pilot.click("#picker-team")
        await pilot.press(*MARKETING)
        await pilot.press("ctrl+g")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, InsightsScreen) and app.screen.found is not None,
            "the insights",
        )
        screen = app.screen
        assert isinstance(screen, InsightsScreen) and screen.found is not None
        assert screen.found.team == MARKETING
        headline = screen.found.problems[0].headline
        await wait_until(pilot, lambda: "raised in" in screen_text(app), "a headline on screen")
        text = screen_text(app)
        assert headline[:60] in text
        assert "ROTI" in text and "Completion" in text
        # The first problem is open: the cards behind it are listed.
        assert screen.found.problems[0].cards[0].text[:30] in text


async def test_user_text_is_drawn_literally(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    for n, day in ((1, 10), (2, 17)):
        store.create(
            make_session(
                ("[bold]Approvals[/] take [link=x]forever", "[red]Approvals[/] take forever"),
                session_id=f"2026-11-{day}-odd-{n}",
                title=f"[i]Odd[/] retro {n}",
                team="[b]Edge[/]",
                actions=(ActionSpec("[red]Fix[/] it", owner="[b]Zoë", due="2026-11-01"),),
                when=datetime(2026, 11, day, 10, tzinfo=UTC),
                problem=("edge#p1", "[b]Slow[/] approvals"),
            )
        )
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(FIXED_NOW)))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
        await pilot.press("ctrl+o")
        screen = await _actions_screen(pilot, app)
        await wait_until(pilot, lambda: "[red]Fix[/] it" in screen_text(app), "the literal text")
        assert "[b]Zoë" in screen_text(app)
        assert screen.shown
        await pilot.press("escape", "ctrl+g")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, InsightsScreen) and app.screen.found is not None,
            "the insights",
        )
        await wait_until(pilot, lambda: "raised in 2 of the last 2" in screen_text(app), "problem")
        text = screen_text(app)
        assert "[bold]Approvals[/] take [link=x]forever" in text
        assert "[i]Odd[/] retro 1" in text


async def test_a_decision_marked_done_before_its_threshold_is_recorded_as_acted_early(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    first_retro(folder, impressions=640)
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(FIXED_NOW)))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
        await pilot.press("ctrl+o")
        screen = await _actions_screen(pilot, app)
        (row,) = [r for r in screen.shown.values() if r.text == DECISION.text]
        screen._table.focus()
        screen._table.highlight(row.key)
        await pilot.pause()
        await pilot.press("d")
        await wait_until(
            pilot, lambda: any("acted early" in n.message for n in app._notifications), "the note"
        )
        stored = SessionStore(folder).load("s1").action(DECISION.id)
        assert stored is not None and stored.status is ActionStatus.DONE and stored.acted_early

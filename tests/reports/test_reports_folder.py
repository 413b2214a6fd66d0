"""After the meeting, one path for both front ends: the shell's `retro-tui actions done`
and the app's action items screen load the folder and change an item through
`reports.folder`, so they refuse alike and skip the same broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.domain.model import ActionStatus, Session
from retro_tui.reports.folder import ItemNotFound, StatusRefused, load_sessions, set_status
from retro_tui.reports.followup import ActionRow, collect
from retro_tui.store import SessionStore
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.action_items import ActionItemsScreen
from retro_tui.ui.screens.picker import PickerScreen
from tests.support.clock import FakeClock
from tests.support.history import MARKETING, PLATFORM, TODAY, History, build_history
from tests.support.ui import FIXED_NOW, make_launcher, wait_until


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path / "sessions")


def _sessions(history: History) -> list[Session]:
    return [history.store.load(s.id) for s in history.store.list().sessions]


def _an_open_item_of_an_older_retro(history: History) -> ActionRow:
    newest = history.session_ids[MARKETING][-1]
    return next(
        r
        for r in collect(_sessions(history), TODAY)
        if r.is_open and r.team == MARKETING and r.target.session_id != newest
    )


async def test_the_shell_and_the_app_refuse_a_locked_retro_with_the_same_sentence(
    history: History,
) -> None:
    row = _an_open_item_of_an_older_retro(history)
    path = history.folder / f"{row.target.session_id}.json"
    before = path.read_bytes()
    lock = SessionStore(history.folder).lock(row.target.session_id)
    try:
        shell = CliRunner().invoke(
            main,
            ["--sessions-dir", str(history.folder), "actions", "done", row.ref],
            catch_exceptions=False,
        )
        app = make_app(launcher=make_launcher(history.folder.parent, FakeClock(FIXED_NOW)))
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
            await pilot.press("ctrl+o")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, ActionItemsScreen) and app.screen.data is not None,
                "the action items",
            )
            screen = app.screen
            assert isinstance(screen, ActionItemsScreen)
            screen._table.focus()
            screen._table.highlight(row.key)
            await pilot.pause()
            await pilot.press("d")
            await wait_until(
                pilot,
                lambda: any("live session" in n.message for n in app._notifications),
                "the refusal",
            )
            (said,) = [n.message for n in app._notifications if "live session" in n.message]
    finally:
        lock.release()
    assert shell.exit_code == 2
    assert shell.stderr.strip() == f"retro-tui: {said}"
    assert path.read_bytes() == before


def test_a_status_change_names_the_broken_files_it_skipped(history: History) -> None:
    broken = history.folder / "2026-01-01-broken.json"
    broken.write_bytes(b"{not json")
    row = _an_open_item_of_an_older_retro(history)
    change = set_status(history.folder, row.key, ActionStatus.DONE, TODAY)
    assert change.changed and change.row.key == row.key
    assert [p.path for p in change.problems] == [broken]
    assert broken.read_bytes() == b"{not json"
    again = set_status(history.folder, row.ref, ActionStatus.DONE, TODAY)
    assert not again.changed


def test_the_retro_open_in_this_app_is_changed_on_its_board(history: History) -> None:
    row = _an_open_item_of_an_older_retro(history)
    path = history.folder / f"{row.target.session_id}.json"
    before = path.read_bytes()
    with pytest.raises(StatusRefused, match="on the board"):
        set_status(
            history.folder, row.key, ActionStatus.DONE, TODAY, live_session=row.target.session_id
        )
    assert path.read_bytes() == before


def test_loading_every_session_names_what_it_cannot_read(history: History) -> None:
    (history.folder / "2026-01-02-foreign.json").write_text('{"hello": 1}', encoding="utf-8")
    loaded = load_sessions(history.folder)
    assert len(loaded.sessions) == len(history.store.list().sessions)
    (name,) = loaded.problem_names()
    assert name.startswith("2026-01-02-foreign.json: ")
    assert set(loaded.teams()) == {MARKETING, PLATFORM}


def test_an_item_nobody_holds_is_refused_as_not_found(history: History) -> None:
    before = {p.name: p.read_bytes() for p in history.folder.glob("*.json")}
    with pytest.raises(ItemNotFound, match="No action item 'no-such-retro:a1'"):
        set_status(history.folder, "no-such-retro:a1", ActionStatus.DONE, TODAY)
    assert {p.name: p.read_bytes() for p in history.folder.glob("*.json")} == before

"""The CLI side of the room's rhythm (issue 16, part B)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.icebreaker_bank import ICEBREAKERS_ENV, load_bank
from retro_tui.store import SessionStore


def test_new_with_a_broken_question_file_warns_and_still_asks_a_shipped_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "icebreakers.toml"
    mine.write_text("questions = 'not a list'\n", encoding="utf-8")
    monkeypatch.setenv(ICEBREAKERS_ENV, str(mine))
    folder = tmp_path / "s"
    result = CliRunner().invoke(
        main, ["--sessions-dir", str(folder), "new", "--title", "Sprint 1", "--no-open"]
    )
    assert result.exit_code == 0, result.output
    assert "icebreakers.toml: questions must be a list" in result.stderr
    session = SessionStore(folder).load(SessionStore(folder).list().sessions[0].id)
    assert session.icebreaker in load_bank().questions


def test_new_open_early_creates_a_session_already_in_write(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    result = CliRunner().invoke(
        main, ["--sessions-dir", str(folder), "new", "--open-early", "--no-open"]
    )
    assert result.exit_code == 0, result.output
    store = SessionStore(folder)
    session = store.load(store.list().sessions[0].id)
    assert session.phase.value == "write" and not session.timer.running


def test_serve_and_host_take_open_early() -> None:
    for command in ("serve", "host"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert "--open-early" in result.output

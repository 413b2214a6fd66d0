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


def test_insights_show_each_health_dimension_s_trend_over_the_team_s_retros(
    tmp_path: Path,
) -> None:
    import json

    from retro_tui.domain import commands as c
    from retro_tui.domain import rules
    from retro_tui.domain.model import Role
    from tests.support.domain import NOW, later, make_format

    store = SessionStore(tmp_path)
    for n, scores in enumerate(("2,2,2,2,2,2,2,2", "4,3,3,3,3,3,3,3")):
        s = rules.new_session(
            make_format(), session_id=f"r{n}", title=f"Sprint {n}", team="Web", now=later(n * 9e5)
        )
        s, fac = rules.join(s, "Fran", Role.FACILITATOR, NOW)
        s, pid = rules.join(s, "Ola", Role.PARTICIPANT, NOW)
        s = rules.apply(s, fac, c.GoToPhase(phase="health"), NOW)
        s = rules.apply(s, pid, c.RateHealth(scores=scores), NOW)
        s = rules.apply(s, fac, c.RateHealth(scores=scores), NOW)  # all rated: shown
        store.create(s)
    result = CliRunner().invoke(
        main, ["--sessions-dir", str(tmp_path), "insights", "--team", "Web"]
    )
    assert result.exit_code == 0, result.output
    assert "Health Pace" in result.output and "last 4.0 (1–5)" in result.output
    result = CliRunner().invoke(
        main, ["--sessions-dir", str(tmp_path), "insights", "--team", "Web", "--json"]
    )
    found = json.loads(result.output)
    data = found[0] if isinstance(found, list) else found
    pace = next(h for h in data["health"] if h["dimension"] == "Pace")
    assert pace["averages"] == [2.0, 4.0]
    assert "Ola" not in json.dumps(data["health"])

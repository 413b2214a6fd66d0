"""The report commands from the shell: `actions` (list, done, reopen), `insights`, and
JSON/CSV export and import — on a real sessions folder, through `click.testing`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from retro_tui.cli import register
from retro_tui.cli.plumbing import Context
from retro_tui.domain.model import ActionStatus, ReviewDecision
from retro_tui.store import SessionStore
from tests.support.history import MARKETING, ActionSpec, History, build_history, make_session

TODAY = ["--today", "2026-11-23"]


@click.group()
@click.option("--sessions-dir", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def app(click_ctx: click.Context, sessions_dir: Path | None) -> None:
    """Stands in for `retro-tui`: the same context object, only these commands."""
    click_ctx.obj = Context(sessions_dir)


register(app)
register(app)  # a second call adds nothing


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path / "sessions")


def run(history: History, *args: str) -> Result:
    return CliRunner().invoke(app, ["--sessions-dir", str(history.folder), *args])


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("retro-tui: ")
    return lines[0]


def listed(history: History, *args: str) -> list[dict[str, object]]:
    result = run(history, "actions", "--json", *TODAY, *args)
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def row(history: History, text: str) -> dict[str, object]:
    (found,) = [r for r in listed(history) if r["text"] == text]
    return found


# --- actions ----------------------------------------------------------------------------
def test_register_adds_the_commands_once() -> None:
    assert {"actions", "insights", "export-json", "import-json", "export-csv"} <= set(app.commands)
    assert set(app.commands["actions"].commands) == {"done", "reopen", "drop"}  # type: ignore[attr-defined]


def test_json_list_parses(history: History) -> None:
    rows = listed(history)
    assert len(rows) == 15
    assert {"ref", "text", "owner", "due", "status", "age_days", "overdue", "retro_title"} <= set(
        rows[0]
    )
    assert len(listed(history, "--open")) == 5
    assert len(listed(history, "--open", "--team", "marketing")) == 4
    assert {r["owner"] for r in listed(history, "--owner", "omar")} == {"Omar"}
    late = listed(history, "--overdue")
    assert late and all(r["overdue"] and r["status"] == "open" for r in late)


def test_human_list_fits_80_columns(history: History) -> None:
    result = run(history, "actions", "--open", *TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("Set up approval reminders in the tracker" in line for line in lines)
    assert "from Sprint 17 retro, 2026-08-24" in result.stdout.replace("\n" + " " * 17, " ")
    assert lines[-1] == "5 action items: 5 open, 5 overdue."


def test_sessions_dir_after_the_subcommand(history: History) -> None:
    result = CliRunner().invoke(
        app, ["actions", "--json", "--sessions-dir", str(history.folder), *TODAY]
    )
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 15


def test_done_writes_the_newest_session_holding_it(history: History) -> None:
    target = row(history, "Kickoff template with acceptance criteria")
    session_id = str(target["session_id"])
    result = run(history, "actions", "done", str(target["ref"]), *TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{target['ref']} is now done")
    stored = SessionStore(history.folder).load(session_id)
    (item,) = [a for a in stored.actions if a.text == target["text"]]
    assert item.status is ActionStatus.DONE
    assert row(history, str(target["text"]))["status"] == "done"
    again = run(history, "actions", "done", str(target["ref"]), *TODAY)
    assert again.exit_code == 0 and "already done" in again.stdout
    reopened = run(history, "actions", "reopen", str(target["ref"])[:4], *TODAY)
    assert reopened.exit_code == 0, reopened.output
    assert row(history, str(target["text"]))["status"] == "open"


def test_done_on_a_forgotten_item_decides_its_review(history: History) -> None:
    target = row(history, "Move problem solving out of the daily")
    result = run(history, "actions", "done", str(target["ref"]), *TODAY)
    assert result.exit_code == 0, result.output
    assert "review of 2026-08-24-sprint-17-retro" in result.stdout
    stored = SessionStore(history.folder).load("2026-08-24-sprint-17-retro")
    (entry,) = [r for r in stored.review if r.action.text == target["text"]]
    assert entry.decision is ReviewDecision.DONE
    assert row(history, str(target["text"]))["status"] == "done"


def test_done_refuses_a_session_open_in_a_live_retro(history: History) -> None:
    target = row(history, "No releases after Thursday noon")
    session_id = str(target["session_id"])
    path = SessionStore(history.folder).path_for(session_id)
    before = path.read_bytes()
    lock = SessionStore(history.folder).lock(session_id)
    try:
        result = run(history, "actions", "done", str(target["ref"]), *TODAY)
    finally:
        lock.release()
    assert "open in a live session" in one_line_error(result)
    assert path.read_bytes() == before


def test_unknown_or_ambiguous_id_is_one_line_and_exit_2(history: History) -> None:
    before = {p.name: p.read_bytes() for p in history.folder.glob("*.json")}
    assert "No action item 'nope'" in one_line_error(run(history, "actions", "done", "nope"))
    assert "matches" in one_line_error(run(history, "actions", "done", "a10"))
    assert {p.name: p.read_bytes() for p in history.folder.glob("*.json")} == before


def test_user_text_is_printed_literally(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    text = "[bold red]Fix[/] the [link=http://x]wiki[/link] \\[escaped]"
    store.create(make_session(("[red]card[/]",), actions=(ActionSpec(text, owner="[i]Zoë[/i]"),)))
    result = CliRunner().invoke(app, ["--sessions-dir", str(tmp_path), "actions", *TODAY])
    assert result.exit_code == 0, result.output
    assert text in result.stdout and "[i]Zoë[/i]" in result.stdout


# --- insights ---------------------------------------------------------------------------
def test_insights_human(history: History) -> None:
    result = run(history, "insights", "--team", "Marketing", *TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Marketing — 9 retros, 2026-06-15 to 2026-10-05")
    assert "Approval bottleneck — raised in 5 of the last 9 retros" in out
    assert "Approvals take forever (Spring campaign wrap-up)" in out
    roti = next(line for line in out.splitlines() if line.startswith("ROTI"))
    assert len(roti.split()[1]) == 9 and set(roti.split()[1]) <= set("▁▂▃▄▅▆▇█")
    assert all(len(line) <= 80 for line in out.splitlines())


def test_insights_json_and_every_team(history: History) -> None:
    result = run(history, "insights", "--json", *TODAY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["team"] for d in data] == ["Marketing", "Platform"]
    assert data[0]["recurring_problems"][0]["retros"] == 5


def test_insights_unknown_team(history: History) -> None:
    assert "no retros of team 'Sales'" in one_line_error(
        run(history, "insights", "--team", "Sales")
    )


# --- export / import --------------------------------------------------------------------
def test_export_then_import_json(history: History, tmp_path: Path) -> None:
    session_id = history.session_ids[MARKETING][3]
    out = tmp_path / "export.json"
    exported = run(history, "export-json", session_id[:16], "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert "already holds" in one_line_error(run(history, "import-json", str(out)))
    imported = run(history, "import-json", str(out), "--new-id")
    assert imported.exit_code == 0, imported.output
    new_id = imported.stdout.split()[1]
    store = SessionStore(history.folder)
    original, copy = store.load(session_id), store.load(new_id)
    assert copy.cards == original.cards and copy.title == original.title


def test_export_json_to_stdout(history: History) -> None:
    result = run(history, "export-json", history.session_ids[MARKETING][0])
    assert result.exit_code == 0 and json.loads(result.stdout)["format"] == "retro-tui-session"


def test_import_of_a_foreign_file(history: History, tmp_path: Path) -> None:
    foreign = tmp_path / "board.json"
    foreign.write_text('{"lists": []}', encoding="utf-8")
    line = one_line_error(run(history, "import-json", str(foreign)))
    assert "not a retro-tui session export" in line
    missing = one_line_error(run(history, "import-json", str(tmp_path / "nope.json")))
    assert "cannot read" in missing


def test_export_csv(history: History) -> None:
    session_id = history.session_ids[MARKETING][3]
    result = run(history, "export-csv", session_id, "--what", "cards")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == 5 and rows[1]["topic"] == "Approval bottleneck"
    actions = run(history, "export-csv", session_id, "--what", "actions")
    assert next(csv.DictReader(io.StringIO(actions.stdout, newline="")))["text"]
    assert "No session 'zzz'" in one_line_error(
        run(history, "export-csv", "zzz", "--what", "cards")
    )

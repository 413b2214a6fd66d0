"""The `retro-tui` command: every mistake is one line on stderr and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.store import SessionStore


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_list_and_export(tmp_path: Path) -> None:
    folder = str(tmp_path / "s")
    code, out, _ = run(
        "--sessions-dir",
        folder,
        "new",
        "--theme",
        "sailboat",
        "--title",
        "Q3 [bold]retro[/]",
        "--team",
        "Web",
        "--no-open",
    )
    assert code == 0 and "Created" in out
    code, out, _ = run("list", "--sessions-dir", folder)
    assert code == 0 and "Q3 [bold]retro[/]" in out and "Web" in out
    session_id = SessionStore(Path(folder)).list().sessions[0].id
    code, out, _ = run("--sessions-dir", folder, "export", "q3", "-o", str(tmp_path / "n.md"))
    assert code == 0, out
    notes = (tmp_path / "n.md").read_text(encoding="utf-8")
    assert notes.startswith("# Q3 \\[bold\\]retro\\[/\\]")
    code, out, _ = run("--sessions-dir", folder, "export", session_id, "-o", "-")
    assert code == 0 and out.startswith("# Q3")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "no-such-session"], "No session 'no-such-session'"),
        (["open", "nothing"], "No session 'nothing'"),
        (["new", "--theme", "sailbot", "--no-open"], "unknown format 'sailbot'"),
        (["new", "--title", "   ", "--no-open"], "cannot be empty"),
        (["new", "--title", "x" * 500, "--no-open"], "at most 120 characters"),
        (["host", "--theme", "nope"], "unknown format 'nope'"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("--sessions-dir", str(tmp_path), *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retro-tui: ")
    assert message in lines[0]


def test_corrupt_file_is_named_and_others_still_list(tmp_path: Path) -> None:
    run("--sessions-dir", str(tmp_path), "new", "--title", "Good one", "--no-open")
    broken = tmp_path / "2026-01-01-broken.json"
    broken.write_bytes(b"{not json")
    code, out, err = run("--sessions-dir", str(tmp_path), "list")
    assert code == 0 and "Good one" in out
    assert str(broken) in err
    assert broken.read_bytes() == b"{not json"
    code, _, err = run("--sessions-dir", str(tmp_path), "export", "2026-01-01-broken")
    assert code == 2 and str(broken) in err


def test_themes_lists_the_shipped_formats() -> None:
    code, out, _ = run("themes")
    assert code == 0
    for key in (
        "went-well",
        "start-stop-continue",
        "mad-sad-glad",
        "4ls",
        "sailboat",
        "starfish",
        "marketing-campaign",
    ):
        assert key in out


def test_python_dash_m_and_help_everywhere() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "retro_tui", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and "Usage" in result.stdout
    for command in ("new", "list", "themes", "export", "open", "host", "serve", "actions"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "--sessions-dir" in out, command


def test_participant_command_refuses_to_run_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETRO_TUI_HUB", raising=False)
    code, _, err = run("participant")
    assert code == 2 and "started by" in err

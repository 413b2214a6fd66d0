"""Commands that open the board refuse, in one line, when there is no terminal.

Run from a script, cron or CI (stdin and stdout not a terminal) they used to spin at
100% CPU forever. These start the real command, as a script would.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

NO_TERMINAL_GUARD = 60  # seconds: only so a regression fails instead of hanging the suite


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _retro_tui(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retro_tui", "--sessions-dir", str(folder), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NO_TERMINAL_GUARD,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ([], "--no-open"),
        (["new", "--title", "Scripted"], "--no-open"),
        (["open", "{session}"], "retro-tui serve"),
        (["host", "{session}", "--port", "{port}"], "retro-tui serve"),
        (["host", "--title", "Scripted", "--port", "{port}"], "retro-tui serve"),
    ],
)
def test_board_commands_without_a_terminal_say_so_in_one_line_and_exit_2(
    tmp_path: Path, args: list[str], hint: str
) -> None:
    created = _retro_tui(tmp_path, "new", "--title", "Made by a script", "--no-open")
    assert created.returncode == 0, created.stderr
    files = sorted(tmp_path.glob("*.json"))
    session = files[0].stem
    port = str(_free_port())
    result = _retro_tui(tmp_path, *(a.format(session=session, port=port) for a in args))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retro-tui: the board needs a terminal")
    assert hint in lines[0]
    assert sorted(tmp_path.glob("*.json")) == files  # nothing created on the way out

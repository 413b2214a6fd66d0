"""The tests' helpers, in one package imported one way: `from tests.support.… import …`.

Tests and the benchmark (run from the project root, `python -m bench`) both reach it so;
pytest puts the project root on sys.path. This module holds the web tests' helpers; the
others are named for their layer (`domain`, `hub`, `ui`, `faults`) or their data
(`history`, `scenario`, `key_bursts`), and `browser`/`termclient` drive a real tab.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from retro_tui.web import RetroWebServer, new_token

ENV_APP = Path(__file__).parent.parent / "apps" / "env_app.py"


def env_app_command(spawn_log: Path | None = None) -> str:
    """The shell command that runs the env app; each spawn first appends a line to `spawn_log`.

    The log is how a test proves that a refusal spawned nothing.
    """
    run = f"exec {shlex.quote(sys.executable)} {shlex.quote(str(ENV_APP))}"
    if spawn_log is None:
        return run
    return f"echo spawned >> {shlex.quote(str(spawn_log))} && {run}"


def spawn_count(spawn_log: Path) -> int:
    """How many app processes the server has started (see `env_app_command`)."""
    return len(spawn_log.read_text().splitlines()) if spawn_log.exists() else 0


@asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[RetroWebServer]:
    """Run a RetroWebServer on 127.0.0.1 with a free port; fresh tokens unless given."""
    options.setdefault("command", env_app_command())
    options.setdefault("port", 0)
    options.setdefault("participant_token", new_token())
    options.setdefault("facilitator_token", new_token())
    server = RetroWebServer(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()

"""A browser tab's process never outlives its host: SIGKILL the host, the tabs' apps end."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import psutil
import pytest

from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow


async def test_participant_processes_end_when_the_host_is_killed(tmp_path: Path) -> None:
    session = LocalLauncher(SessionStore(tmp_path)).create_session(
        format_key="went-well", title="Orphans"
    )
    host = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "retro_tui",
        "--sessions-dir",
        str(tmp_path),
        "serve",
        session.id,
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert host.stdout is not None
    url = ""
    async with asyncio.timeout(30):
        while not (line := (await host.stdout.readline()).decode()).startswith("Press Ctrl+C"):
            if "Participants:" in line:
                url = line.split()[-1]
    client = TermClient(url, width=100, height=30)
    try:
        await client.connect()
        await client.wait_for_text("Your name", timeout=30)
        apps = [
            p
            for p in psutil.Process(host.pid).children(recursive=True)
            if "participant" in " ".join(p.cmdline())
        ]
        assert apps, "no participant process was spawned"
        host.kill()
        await host.wait()
        _, alive = psutil.wait_procs(apps, timeout=20)
        assert alive == [], f"still running after the host died: {alive}"
    finally:
        await client.close()
        if host.returncode is None:
            host.kill()

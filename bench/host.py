"""A real host in its own process: `python -m retro_tui serve` on loopback, port 0.

The hub socket is put where the benchmark can reach it (`RETRO_TUI_HUB_SOCKET`), so the
facilitator and the vote-storm clients speak the same protocol as participant processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from retro_tui.hosting import HUB_SOCKET_ENV


@dataclass
class Host:
    folder: Path  # sessions folder (on the real disk: fsync must cost what it costs)
    max_participants: int = 50
    process: asyncio.subprocess.Process | None = None
    participant_url: str = ""
    session_id: str = ""
    socket_path: Path = field(init=False)
    output: list[str] = field(default_factory=list)
    stderr: int | None = asyncio.subprocess.DEVNULL  # or a file descriptor, to look into

    def __post_init__(self) -> None:
        self.socket_path = self.folder / "hub.sock"

    async def start(self) -> None:
        env = {**os.environ, HUB_SOCKET_ENV: str(self.socket_path)}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "retro_tui",
            "serve",
            "--sessions-dir",
            str(self.folder),
            "--port",
            "0",
            "--max-participants",
            str(self.max_participants),
            "--title",
            "Benchmark retro",
            stdout=asyncio.subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            # Its own session, as a facilitator's terminal is: Linux schedules sessions as
            # groups, so the host must not share the tab workers' raised priority.
            start_new_session=True,
        )
        assert self.process.stdout is not None
        async with asyncio.timeout(30):
            while True:
                line = (await self.process.stdout.readline()).decode()
                if not line:
                    raise RuntimeError("the host exited before serving:\n" + "".join(self.output))
                self.output.append(line)
                if line.startswith("Serving"):
                    self.session_id = line.rsplit("(", 1)[1].rstrip(")\n")
                if "Participants:" in line:
                    self.participant_url = line.split()[-1]
                if "Facilitator:" in line:
                    break
        self._drain = asyncio.create_task(self._keep_reading())

    async def _keep_reading(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.output.append(line.decode())

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def session_file(self) -> Path:
        return self.folder / f"{self.session_id}.json"

    def host_process(self) -> psutil.Process:
        return psutil.Process(self.pid)

    def participant_processes(self) -> list[psutil.Process]:
        """The app processes textual-serve started, one per tab."""
        found = []
        for child in self.host_process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "retro_tui.participant" in child.cmdline():
                    found.append(child)
        return found

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 60)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

"""Helpers for the fault and hostile-input tests: a real `retro-tui serve` host, a lean hub
client that records acknowledgements, session builders and condition waits.

Run as a script it is a participant process the tests can SIGKILL:

    python tests/fault_support.py participant SOCKET IDENTITY NAME

It joins as NAME, then reads commands as JSON lines on stdin and answers each with one
line on stdout: `joined <pid>` first, then `ack` or `nack <reason>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Role, Session
from retro_tui.hub.protocol import MAX_VIEW_LINE, decode, encode

FAULT_SUPPORT = Path(__file__)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CONTROL = "".join(chr(n) for n in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
"""What must never reach a screen from user text: C0 (newline and tab aside), DEL and C1."""


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll a condition that has no event to wait on (another process, a counter)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def short_socket_dir() -> Path:
    """A private folder for a hub socket with a short path (sun_path holds 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="rt-"))
    folder.chmod(0o700)
    return folder


# --- sessions ---------------------------------------------------------------------------
def fault_format(votes: int = 5, cap: int | None = None) -> RetroFormat:
    return RetroFormat(
        key="faults",
        name="Faults",
        description="",
        columns=(ColumnSpec("good", "Good"), ColumnSpec("bad", "Bad")),
        votes_per_person=votes,
        max_votes_per_topic=cap,
    )


@dataclass
class Built:
    session: Session
    facilitator: str
    people: dict[str, str] = field(default_factory=dict)  # name -> participant id
    seeds: dict[str, str] = field(default_factory=dict)  # name -> id of their first card


def build_session(
    session_id: str,
    *,
    people: int = 0,
    cards_each: int = 1,
    card_chars: int = 40,
    phase: str = "write",
    votes: int = 5,
    cap: int | None = None,
    anonymous: bool = False,
) -> Built:
    """A session with a facilitator "Fay" and `people` participants P0.. who each wrote
    `cards_each` cards, left in `phase` (write, group or vote)."""
    s = rules.new_session(
        fault_format(votes, cap),
        session_id=session_id,
        title="Fault drill",
        team="core",
        now=NOW,
        anonymous=anonymous,
    )
    s, fay = rules.join(s, "Fay", Role.FACILITATOR, NOW)
    s = rules.apply(s, fay, c.GoToPhase(phase="write"), NOW)
    built = Built(s, fay)
    for i in range(people):
        name = f"P{i}"
        s, pid = rules.join(s, name, Role.PARTICIPANT, NOW)
        built.people[name] = pid
        for k in range(cards_each):
            text = f"{name} card {k} ".ljust(card_chars, "x")
            s = rules.apply(s, pid, c.AddCard(column="good" if k % 2 else "bad", text=text), NOW)
            if k == 0:
                built.seeds[name] = s.cards[-1].id
    if phase != "write":
        s = rules.apply(s, fay, c.NextPhase(), NOW)  # group
    if phase == "vote":
        s = rules.apply(s, fay, c.NextPhase(), NOW)
    built.session = s
    return built


# --- a lean hub client ------------------------------------------------------------------
class RawClient:
    """A hub client that counts views instead of parsing them and records every answer.

    Views can be large and many; parsing each (as `SocketClient` does) would make the
    test process, not the hub, the bottleneck.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.you: str | None = None
        self.views = 0
        self.last_view: bytes = b""
        self.error: str | None = None
        self.closed = asyncio.Event()
        self._ids = iter(range(1, 10**9))
        self._pending: dict[int, asyncio.Future[str | None]] = {}
        self._join: asyncio.Future[str] | None = None
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, path: Path | str, identity: str, role: str = "participant") -> RawClient:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=MAX_VIEW_LINE)
        client = cls(reader, writer)
        writer.write(encode({"t": "hello", "identity": identity, "role": role}))
        await writer.drain()
        welcome = decode(await reader.readuntil(b"\n"))
        if welcome.get("t") != "welcome":
            raise ConnectionError(str(welcome.get("reason")))
        you = welcome.get("you")
        client.you = you if isinstance(you, str) else None
        client._task = asyncio.create_task(client._read_loop())
        return client

    async def _read_loop(self) -> None:
        try:
            while True:
                line = await self.reader.readuntil(b"\n")
                if line.startswith(b'{"t":"view"'):
                    self.views += 1
                    self.last_view = line
                    continue
                message = json.loads(line)
                kind = message.get("t")
                if kind in ("ack", "nack"):
                    future = self._pending.pop(message["id"], None)
                    if future is not None and not future.done():
                        future.set_result(None if kind == "ack" else message.get("reason", ""))
                elif kind in ("joined", "join_refused") and self._join is not None:
                    if kind == "joined":
                        self._join.set_result(message["you"])
                    else:
                        self._join.set_exception(ConnectionError(message.get("reason")))
                elif kind == "error":
                    self.error = str(message.get("reason"))
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            reason = ConnectionError(self.error or "the hub hung up")
            for pending in [*self._pending.values(), self._join]:
                if pending is not None and not pending.done():
                    pending.set_exception(reason)
            self._pending.clear()
            self.closed.set()

    async def _send(self, message: dict[str, Any]) -> None:
        if self.closed.is_set():
            raise ConnectionError(self.error or "the hub hung up")
        self.writer.write(encode(message))
        await self.writer.drain()

    async def join(self, name: str) -> str:
        self._join = asyncio.get_running_loop().create_future()
        await self._send({"t": "join", "name": name})
        self.you = await self._join
        return self.you

    async def send(self, command: c.Command | dict[str, Any]) -> str | None:
        """Run a command; None once it is acknowledged (durable), else the refusal.

        Raises ConnectionError when the hub goes away before answering.
        """
        ident = next(self._ids)
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        wire = command.to_wire() if isinstance(command, c.Command) else command
        await self._send({"t": "cmd", "id": ident, "cmd": wire})
        return await future

    def view(self) -> dict[str, Any]:
        """The newest view this client received, parsed."""
        return dict(json.loads(self.last_view)["view"])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._send({"t": "bye"})
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        with contextlib.suppress(Exception):
            self.writer.close()


# --- a real host process ------------------------------------------------------------------
class Host:
    """`python -m retro_tui serve SESSION` with its hub socket where the test says."""

    def __init__(self, sessions: Path, session_id: str, socket: Path, log: Path) -> None:
        self.sessions, self.session_id, self.socket, self.log = sessions, session_id, socket, log
        self.process: asyncio.subprocess.Process | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "retro_tui",
            "serve",
            self.session_id,
            "--port",
            "0",
            "--sessions-dir",
            str(self.sessions),
        ]

    def env(self) -> dict[str, str]:
        return {**os.environ, "RETRO_TUI_HUB_SOCKET": str(self.socket), "PYTHONUNBUFFERED": "1"}

    async def start(self, timeout: float = 30.0) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.command, env=self.env(), stdout=subprocess.PIPE, stderr=log
            )
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):  # ready (signals handled) after its last line
            while not (line := await self.process.stdout.readline()).startswith(b"Press Ctrl+C"):
                if not line:
                    await self.process.wait()
                    raise AssertionError(f"the host did not start:\n{self.log.read_text()}")
        await wait_until(self.socket.exists, timeout)
        # `serve` installs its SIGTERM handler just after printing; wait for it to be there.
        await wait_until(lambda: _catches(self.pid, signal.SIGTERM), timeout)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def kill(self) -> None:
        """SIGKILL: no goodbye, no last save."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def stop(self) -> int:
        """SIGTERM and wait (the host saves and closes)."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            return await self.process.wait()


def _catches(pid: int, sig: signal.Signals) -> bool:
    """Whether a process has a handler for `sig` (Linux: SigCgt in /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return True  # not Linux: nothing to wait for
    for line in status.read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (sig - 1)))
    return False


# --- the participant process ----------------------------------------------------------------
async def _participant(socket: str, identity: str, name: str) -> None:
    client = await RawClient.connect(socket, identity)
    pid = await client.join(name)
    out = sys.stdout
    out.write(f"joined {pid}\n")
    out.flush()
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        reason = await client.send(json.loads(line))
        out.write("ack\n" if reason is None else f"nack {reason}\n")
        out.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["participant"]:
        asyncio.run(_participant(*sys.argv[2:5]))

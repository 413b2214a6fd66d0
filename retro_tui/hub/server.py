"""The hub's endpoint: a Unix socket in a private folder (0700, socket 0600).

Each client gets a reader (commands in, answers out) and a writer that sends the newest
view whenever the session changes. A client that breaks the protocol or floods the hub
is told why and disconnected; nobody else notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from retro_tui.domain.commands import command_from_wire
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Connection, Hub
from retro_tui.hub.protocol import MAX_LINE, ProtocolError, decode, encode

log = logging.getLogger(__name__)

RATE_PER_SECOND = 20.0
RATE_BURST = 40.0
IDENTITY_MAX = 128


class RateLimiter:
    """A token bucket: a steady rate with room for a short burst."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: float = RATE_BURST) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def private_socket_path() -> Path:
    """A socket path inside a fresh folder only this user can enter."""
    folder = Path(tempfile.mkdtemp(prefix="retro-tui-"))
    folder.chmod(0o700)
    return folder / "hub.sock"


class HubServer:
    def __init__(self, hub: Hub, path: Path | None = None) -> None:
        self.hub = hub
        self.path = path or private_socket_path()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        old_umask = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(
                self._handle, path=str(self.path), limit=MAX_LINE
            )
        finally:
            os.umask(old_umask)
        self.path.chmod(0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        conn: Connection | None = None
        sender: asyncio.Task[None] | None = None
        try:
            conn = await self._hello(reader, writer)
            sender = asyncio.create_task(self._send_views(conn, writer))
            await self._serve(conn, reader, writer)
        except ProtocolError as error:
            with contextlib.suppress(Exception):
                writer.write(encode({"t": "error", "reason": str(error)}))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping; end quietly
        finally:
            if sender is not None:
                sender.cancel()
            if conn is not None:
                self.hub.detach(conn)
            with contextlib.suppress(Exception):
                writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _read(self, reader: asyncio.StreamReader) -> dict[str, Any] | None:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.LimitOverrunError:
            raise ProtocolError(f"a message was longer than {MAX_LINE} bytes") from None
        except asyncio.IncompleteReadError as error:
            if error.partial:
                raise ProtocolError("a message was cut off") from None
            return None
        return decode(line)

    async def _hello(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> Connection:
        message = await asyncio.wait_for(self._read(reader), timeout=10)
        if message is None or message.get("t") != "hello":
            raise ProtocolError("the first message must be hello")
        identity, role = message.get("identity"), message.get("role")
        if not isinstance(identity, str) or not 0 < len(identity) <= IDENTITY_MAX:
            raise ProtocolError("hello needs an identity of 1-128 characters")
        if role not in (Role.PARTICIPANT.value, Role.FACILITATOR.value):
            raise ProtocolError("hello needs a role: participant or facilitator")
        conn = self.hub.attach(identity, Role(role))
        writer.write(encode({"t": "welcome", "you": conn.pid}))
        await writer.drain()
        return conn

    async def _serve(
        self, conn: Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        limiter = RateLimiter()
        while True:
            message = await self._read(reader)
            if message is None or message["t"] == "bye":
                return
            if not limiter.allow():
                raise ProtocolError("too many messages; slow down")
            reply = await self._answer(conn, message)
            writer.write(encode(reply))
            await writer.drain()

    async def _answer(self, conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
        kind = message["t"]
        if kind == "join":
            try:
                pid = await self.hub.join(conn, message.get("name"))
            except Refused as refusal:
                return {"t": "join_refused", "reason": refusal.reason}
            return {"t": "joined", "you": pid}
        if kind == "cmd":
            ident = message.get("id")
            if not isinstance(ident, int) or isinstance(ident, bool):
                raise ProtocolError("a command needs an integer id")
            try:
                await self.hub.submit(conn, command_from_wire(message.get("cmd")))
            except Refused as refusal:
                return {"t": "nack", "id": ident, "reason": refusal.reason}
            return {"t": "ack", "id": ident}
        raise ProtocolError(f"unknown message type {kind[:30]!r}")

    async def _send_views(self, conn: Connection, writer: asyncio.StreamWriter) -> None:
        """Send the newest view after each change, unless this client's view is unchanged
        (another person's hidden vote changes nothing it can see: no bytes, no redraw)."""
        sent: tuple[str, ...] | None = None
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while True:
                hub = await conn.changed()
                line, fingerprint = hub.wire_view(conn)
                if fingerprint == sent:
                    continue
                writer.write(line)
                sent = fingerprint
                await writer.drain()

"""The hub's endpoint: a Unix socket in a private folder (0700, socket 0600).

Each client gets a reader (commands in, answers out) and a writer that sends the newest
view whenever the session changes. A client that breaks the protocol or floods the hub
is told why and disconnected; nobody else notices. A client a little over the rate (an
old tab, a held key) only has the extra commands refused, each with a sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Final

from retro_tui.domain.commands import command_from_wire
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Connection, Hub
from retro_tui.hub.protocol import MAX_LINE, ProtocolError, decode, encode
from retro_tui.pacing import TokenBucket

log = logging.getLogger(__name__)

RATE_PER_SECOND = 20.0
LINGER = 1.0
"""Seconds an offender's input is read and dropped after its error, before hanging up."""
RATE_BURST = 40.0
FLOOD_FACTOR = 5.0
"""Past this many times the rate (and burst) a client is a machine flooding the hub, not a
person: it is disconnected. Between the rate and this, extra commands are refused politely."""
TOO_FAST: Final = (
    "That was more than {rate:.0f} actions a second, so it was not done. Try it again."
)
IDENTITY_MAX = 128
MAX_IN_FLIGHT = 64  # a client's messages applied but not yet answered; then reading waits


def _check(message: dict[str, Any]) -> None:
    """Refuse, before running anything, a message that breaks the protocol."""
    kind = message["t"]
    if kind == "join":
        return
    if kind == "cmd":
        ident = message.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool):
            raise ProtocolError("a command needs an integer id")
        return
    raise ProtocolError(f"unknown message type {kind[:30]!r}")


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
            if sender is not None:
                sender.cancel()  # no more views, and no longer present for the others
            if conn is not None:
                self.hub.detach(conn)
            with contextlib.suppress(Exception):
                writer.write(encode({"t": "error", "reason": str(error)}))
                await writer.drain()
                await _let_the_reason_arrive(reader, writer)
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
        """Read a client's messages and answer each, in order, once it is durable.

        Messages are pipelined: each is applied as soon as it is read, without waiting for
        the one before it to reach the disk, and its answer waits in line. So a client
        that sends five votes at once has them saved together (group commit) instead of
        one save after another; still no answer goes out before its change is durable.
        """
        polite = TokenBucket(RATE_PER_SECOND, RATE_BURST)
        flood = TokenBucket(RATE_PER_SECOND * FLOOD_FACTOR, RATE_BURST * FLOOD_FACTOR)
        answers: asyncio.Queue[asyncio.Task[dict[str, Any]]] = asyncio.Queue(MAX_IN_FLIGHT)
        replier = asyncio.create_task(self._reply_in_order(answers, writer))
        try:
            while True:
                message = await self._read(reader)
                if message is None or message["t"] == "bye":
                    break
                if not flood.allow():
                    raise ProtocolError("too many messages; slow down")
                _check(message)
                if replier.done():
                    break  # the client stopped reading its answers; it is gone
                answer = self._answer(conn, message) if polite.allow() else _too_fast(message)
                await answers.put(asyncio.create_task(answer))
            if message is not None:  # bye: answer what was asked before leaving
                finished = asyncio.ensure_future(answers.join())
                await asyncio.wait({finished, replier}, return_when=asyncio.FIRST_COMPLETED)
                finished.cancel()
        finally:
            replier.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await replier

    async def _reply_in_order(
        self, answers: asyncio.Queue[asyncio.Task[dict[str, Any]]], writer: asyncio.StreamWriter
    ) -> None:
        while True:
            answer = await answers.get()
            writer.write(encode(await answer))
            await writer.drain()
            answers.task_done()

    async def _answer(self, conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
        """Run one checked message (see `_check`) at the hub; the reply to send."""
        if message["t"] == "join":
            try:
                pid = await self.hub.join(conn, message.get("name"))
            except Refused as refusal:
                return {"t": "join_refused", "reason": refusal.reason}
            return {"t": "joined", "you": pid}
        ident = message["id"]
        try:
            await self.hub.submit(conn, command_from_wire(message.get("cmd")))
        except Refused as refusal:
            return {"t": "nack", "id": ident, "reason": refusal.reason}
        return {"t": "ack", "id": ident}

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


async def _too_fast(message: dict[str, Any]) -> dict[str, Any]:
    """The polite refusal of one checked message over the rate; the client stays."""
    reason = TOO_FAST.format(rate=RATE_PER_SECOND)
    if message["t"] == "join":
        return {"t": "join_refused", "reason": reason}
    return {"t": "nack", "id": message["id"], "reason": reason}


async def _let_the_reason_arrive(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Half-close, then drop what the client is still sending, for a moment.

    Closing a socket that has unread input resets the connection, and the client would
    lose the error that says why (a 10 MB line is still arriving when it is refused).
    """
    if writer.can_write_eof():
        writer.write_eof()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(LINGER):
            while await reader.read(256 * 1024):
                pass

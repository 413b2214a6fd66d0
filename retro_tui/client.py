"""What a UI holds: join, send a command and await its answer, follow the board.

Two ways to reach the hub behind one interface: `LocalClient` when the hub lives in the
same process (a solo retro, or the host's own terminal), `SocketClient` over the hub's
Unix socket (each browser participant's process). The UI cannot tell them apart.

`SocketClient` paces what it sends under the hub's rate (see `SEND_RATE`): a held `+`
or a burst of keys queues here and goes out a little later, instead of going over the
hub's limit and being refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retro_tui.domain.commands import Command
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.domain.text import make_visible
from retro_tui.domain.views import BoardView
from retro_tui.hub.protocol import MAX_VIEW_LINE, ProtocolError, decode, encode, view_from_wire
from retro_tui.pacing import TokenBucket

if TYPE_CHECKING:  # a participant process never holds a hub; keep its start-up lean
    from retro_tui.hub.hub import Connection, Hub

SEND_RATE = 16.0
SEND_BURST = 32.0
"""Messages a second a SocketClient sends at most, and how many it may send at once: under
the hub's 20 a second with a burst of 40 (hub/server.py), so a paced client is never
refused for speed, and a person's quick clicks still go out at once."""


class HubClient(ABC):
    """A UI's handle on the session."""

    you: str | None = None

    @abstractmethod
    async def join(self, name: str) -> str:
        """Become a participant (or reclaim an offline one); raises Refused."""

    @abstractmethod
    async def send(self, command: Command) -> None:
        """Run a command at the hub; returns when it is durable, raises Refused."""

    @abstractmethod
    async def next_view(self) -> BoardView:
        """Wait for the board to change; raises ConnectionError when the hub is gone."""

    @abstractmethod
    async def close(self) -> None: ...


class LocalClient(HubClient):
    def __init__(self, hub: Hub, identity: str, role: Role, *, presenting: bool = False) -> None:
        self.hub = hub
        self.conn: Connection = hub.attach(identity, role)
        self.you = self.conn.pid
        if presenting:
            hub.set_presenting(self.conn, True)

    def set_presenting(self, presenting: bool) -> None:
        self.hub.set_presenting(self.conn, presenting)

    async def join(self, name: str) -> str:
        self.you = await self.hub.join(self.conn, name)
        return self.you

    async def send(self, command: Command) -> None:
        await self.hub.submit(self.conn, command)

    async def next_view(self) -> BoardView:
        return await self.conn.next_view()

    def current_view(self) -> BoardView:
        return self.conn.current_view()

    async def close(self) -> None:
        self.hub.detach(self.conn)


class SocketClient(HubClient):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[None]] = {}
        self._join: asyncio.Future[str] | None = None
        self._view: BoardView | None = None
        self._wire_view: object = None  # the newest view, decoded when asked for
        self._changed = asyncio.Event()
        self._closed: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._pace = TokenBucket(SEND_RATE, SEND_BURST)
        self._in_turn = asyncio.Lock()

    @classmethod
    async def connect(cls, path: Path | str, identity: str, role: Role) -> SocketClient:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=MAX_VIEW_LINE)
        client = cls(reader, writer)
        writer.write(encode({"t": "hello", "identity": identity, "role": role.value}))
        await writer.drain()
        welcome = decode(await reader.readuntil(b"\n"))
        if welcome.get("t") != "welcome":
            raise ConnectionError(_reason(welcome, "the hub refused the connection"))
        you = welcome.get("you")
        client.you = you if isinstance(you, str) else None
        client._task = asyncio.create_task(client._read_loop())
        return client

    async def _read_loop(self) -> None:
        reason = "the session hub closed the connection"
        try:
            while True:
                line = await self._reader.readuntil(b"\n")
                self._dispatch(decode(line))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except ProtocolError as error:
            reason = str(error)
        except _HubError as error:
            reason = str(error)
        self._fail(reason)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["t"]
        if kind == "view":
            # Decoded in next_view: views that arrive while the app is busy replace each
            # other unread, and a connection used only to send (a vote) never decodes one.
            self._wire_view = message.get("view")
            self._changed.set()
        elif kind in ("ack", "nack"):
            future = self._pending.pop(message.get("id", -1), None)
            if future is not None and not future.done():
                if kind == "ack":
                    future.set_result(None)
                else:
                    future.set_exception(Refused(_reason(message, "Refused.")))
        elif kind in ("joined", "join_refused") and self._join is not None:
            if kind == "joined":
                self._join.set_result(str(message.get("you")))
            else:
                self._join.set_exception(Refused(_reason(message, "Refused.")))
        elif kind == "error":
            raise _HubError(_reason(message, "the hub hung up"))

    def _fail(self, reason: str) -> None:
        self._closed = reason
        error = ConnectionError(reason)
        for future in [*self._pending.values(), self._join]:
            if future is not None and not future.done():
                future.set_exception(error)
        self._pending.clear()
        self._changed.set()

    async def _send(self, message: dict[str, Any]) -> None:
        """Send one message in its turn, waiting first if sending now would go over the
        hub's rate (messages keep their order)."""
        async with self._in_turn:
            if self._closed is not None:
                raise ConnectionError(self._closed)
            wait = self._pace.take()
            if wait > 0:
                await asyncio.sleep(wait)
            if self._closed is not None:
                raise ConnectionError(self._closed)
            self._writer.write(encode(message))
            await self._writer.drain()

    async def join(self, name: str) -> str:
        self._join = asyncio.get_running_loop().create_future()
        await self._send({"t": "join", "name": name})
        self.you = await self._join
        return self.you

    async def send(self, command: Command) -> None:
        ident = next(self._ids)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        await self._send({"t": "cmd", "id": ident, "cmd": command.to_wire()})
        await future

    async def next_view(self) -> BoardView:
        await self._changed.wait()
        self._changed.clear()
        if self._closed is not None:
            raise ConnectionError(self._closed)
        if self._wire_view is not None:
            wire, self._wire_view = self._wire_view, None
            try:
                self._view = view_from_wire(wire)
            except ProtocolError as error:
                self._fail(str(error))
                if self._task is not None:
                    self._task.cancel()
                self._writer.close()
                raise ConnectionError(str(error)) from None
        assert self._view is not None
        return self._view

    async def close(self) -> None:
        """Say bye at once (not behind paced sends, which then fail) and hang up."""
        with contextlib.suppress(Exception):
            if self._closed is None:
                self._writer.write(encode({"t": "bye"}))
                await self._writer.drain()
        self._fail("the connection to the retro was closed")
        if self._task is not None:
            self._task.cancel()
        with contextlib.suppress(Exception):
            self._writer.close()


class _HubError(Exception):
    pass


def _reason(message: dict[str, Any], default: str) -> str:
    """A reason the hub sent, cleaned like any text read off a socket before it is shown."""
    return make_visible(str(message.get("reason", default)), multiline=False)

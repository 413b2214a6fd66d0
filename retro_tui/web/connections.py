"""Bounds on HTTP connections that have not (yet) asked for anything.

aiohttp keeps a connection that sends half a request for its keep-alive timeout, an hour
by default, and accepts connections without limit: a few hundred half-sent requests held
every file descriptor a small host had, and a real join failed with "too many open
files". Two bounds stop that:

- `REQUEST_TIMEOUT`: a connection must finish its request (and an idle keep-alive
  connection its pause) within this many seconds, or it is closed. aiohttp's own
  keep-alive timer does this (it also fires for a connection that never completed a
  request); it is set on the runner. A websocket is a request in progress: untouched.
- `MAX_IDLE_CONNECTIONS`: when one more connection arrives and this many are idle or
  half-sent, the oldest of them is closed. Not the newcomer: refusing new connections
  would let slow sockets starve real joins; evicting the oldest makes an attacker's
  sockets the ones that go. Busy connections (a request being answered, an open
  websocket) are never evicted; their number is bounded by the caps on tabs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

REQUEST_TIMEOUT: Final = 10.0
MAX_IDLE_CONNECTIONS: Final = 64

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ConnectionGuard:
    """Knows which connections are busy (a middleware marks them) and evicts idle ones."""

    def __init__(self, max_idle: int = MAX_IDLE_CONNECTIONS) -> None:
        if max_idle < 1:
            raise ValueError("At least one idle connection must be allowed.")
        self.max_idle = max_idle
        self.evicted = 0
        self._busy: set[object] = set()

    @web.middleware
    async def mark_busy(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Mark the request's connection busy while it is being answered."""
        protocol = request.protocol
        self._busy.add(protocol)
        try:
            return await handler(request)
        finally:
            self._busy.discard(protocol)

    def make_room(self, connections: list[RequestHandler]) -> None:
        """Close the oldest idle connections so that one more fits under the bound.

        `connections` is aiohttp's list of open connections, oldest first."""
        idle = [
            handler
            for handler in connections
            if handler not in self._busy and handler.transport is not None
        ]
        for handler in idle[: max(0, len(idle) - self.max_idle + 1)]:
            handler.force_close()
            self.evicted += 1


class GuardedTCPSite(web.BaseSite):
    """A TCP listener that lets its `ConnectionGuard` make room before each new connection."""

    __slots__ = ("_bound_port", "_guard", "_host", "_port")

    def __init__(
        self, runner: web.BaseRunner, host: str, port: int, guard: ConnectionGuard
    ) -> None:
        super().__init__(runner)
        self._host, self._port, self._guard = host, port, guard
        self._bound_port = port

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._bound_port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        guard = self._guard

        def new_connection() -> RequestHandler:
            guard.make_room(server.connections)
            return server()

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(new_connection, self._host, self._port)
        if self._server.sockets:
            self._bound_port = int(self._server.sockets[0].getsockname()[1])

"""Slow sockets cannot hold the web server: a half-sent request is closed after the
request timeout, and past the bound on idle connections the oldest idle one goes, so a
real join still gets in. Raw sockets against a real RetroWebServer on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from retro_tui.web import RetroWebServer, new_token
from retro_tui.web.connections import ConnectionGuard
from tests.support import env_app_command, serving
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow

HALF_A_REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


async def _half_sent(server: RetroWebServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(HALF_A_REQUEST)
    await writer.drain()
    return reader, writer


async def _closed_by_server(reader: asyncio.StreamReader, timeout: float = 10.0) -> bool:
    """Wait until the server hangs up on this socket; False if it did not in `timeout`."""
    try:
        async with asyncio.timeout(timeout):
            with contextlib.suppress(ConnectionError):
                while await reader.read(4096):
                    pass
    except TimeoutError:
        return False
    return True


async def test_a_half_sent_request_is_closed_after_the_request_timeout() -> None:
    server = RetroWebServer(
        command=env_app_command(),
        port=0,
        participant_token=new_token(),
        facilitator_token=new_token(),
    )
    server.request_timeout = 0.5
    await server.start()
    try:
        reader, writer = await _half_sent(server)
        assert await _closed_by_server(reader), "the half-sent request is still open"
        writer.close()
    finally:
        await server.stop()


async def test_hundreds_of_slow_sockets_neither_pile_up_nor_keep_a_real_join_out() -> None:
    async with serving() as running:
        sockets = [await _half_sent(running) for _ in range(300)]
        async with TermClient(running.participant_url) as person:
            await person.wait_for_text("ROLE=participant")
        closed = await asyncio.gather(*(_closed_by_server(r, timeout=5) for r, _ in sockets[:200]))
        assert all(closed), f"{closed.count(False)} of the oldest slow sockets are still open"
        for _, writer in sockets:
            writer.close()


def test_the_guard_evicts_the_oldest_idle_connections_first() -> None:
    class _Conn:
        def __init__(self) -> None:
            self.transport: object | None = object()

        def force_close(self) -> None:
            self.transport = None

    guard = ConnectionGuard(max_idle=3)
    busy = _Conn()
    guard._busy.add(busy)
    conns = [busy, *(_Conn() for _ in range(5))]
    guard.make_room(conns)  # type: ignore[arg-type]
    assert [c.transport is None for c in conns] == [False, True, True, True, False, False]

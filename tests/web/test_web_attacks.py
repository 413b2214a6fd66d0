"""Attacks on the web face: traversal, token guessing, foreign origins, connection floods,
malformed requests and garbage on the websocket. Over real HTTP on 127.0.0.1.

Every server runs `tests/apps/env_app.py`; its spawn log proves a refusal spawned nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retro_tui.web import RetroWebServer
from retro_tui.web import server as web_server
from retro_tui.web.server import WrongLinkLimiter
from tests.support import env_app_command, serving, spawn_count
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow

OTHER_ADDRESS = "127.0.0.2"  # Linux routes all of 127/8 to lo: a second "client network"


@pytest.fixture
def spawn_log(tmp_path: Path) -> Path:
    return tmp_path / "spawned.log"


@pytest.fixture
async def server(spawn_log: Path) -> AsyncIterator[RetroWebServer]:
    async with serving(command=env_app_command(spawn_log), max_participants=3) as running:
        yield running


async def raw_get(
    port: int, target: bytes, headers: bytes = b"", source: str = "127.0.0.1"
) -> tuple[int, bytes]:
    """Send a request line exactly as given (no client-side normalisation)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    writer.write(
        b"GET "
        + target
        + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port
        + headers
        + b"Connection: close\r\n\r\n"
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data.split(b" ", 2)[1]), data


def cookie_header(server: RetroWebServer, role: str = "participant") -> bytes:
    from retro_tui.web.tokens import make_grant, new_identity

    identity = new_identity()
    grant = make_grant(server._tokens[role], role, identity)  # type: ignore[index]
    return f"Cookie: retro_tui_grant={grant}; retro_tui_identity={identity}\r\n".encode()


def browser(source: str = "127.0.0.1") -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector)


# --- path traversal, on every route ------------------------------------------------------
TRAVERSALS = [
    b"/../../../../etc/passwd",
    b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/..%2f..%2f..%2fetc%2fpasswd",
    b"/%252e%252e/%252e%252e/etc/passwd",
    b"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    b"/./static/../../../etc/passwd",
    b"//etc/passwd",
    b"/static/../../../../etc/passwd",
    b"/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/static/..%5c..%5c..%5cetc%5cpasswd",
    b"/static/css/..;/..;/..;/etc/passwd",
    b"/static/%2e%2e%2f%2e%2e%2fweb%2fserver.py",
    b"/static/..%252f..%252fserver.py",
    b"/static/%00/../../etc/passwd",
    b"/ws/../../etc/passwd",
    b"/ws?x=/../../etc/passwd",
    b"/download/..%2f..%2f..%2f..%2fetc%2fpasswd",
    b"/download/%2e%2e",
    b"/download/../../etc/passwd",
    b"/download/..%252f..%252fetc%252fpasswd",
    b"/?join=../../etc/passwd",
]


@pytest.mark.parametrize("with_cookie", [False, True], ids=["stranger", "participant"])
async def test_no_route_serves_a_file_outside_its_folder(
    server: RetroWebServer, spawn_log: Path, with_cookie: bool
) -> None:
    headers = cookie_header(server) if with_cookie else b""
    for target in TRAVERSALS:
        status, data = await raw_get(server.port, target, headers)
        assert status in (303, 400, 403, 404), (target, status)
        assert b"root:" not in data and b"import " not in data, target
    assert spawn_count(spawn_log) == 0


# --- guessing join tokens ---------------------------------------------------------------------
async def test_wrong_join_links_are_slowed_per_address_but_a_right_link_always_gets_in(
    server: RetroWebServer, spawn_log: Path
) -> None:
    now = [1000.0]
    server.wrong_links = WrongLinkLimiter(clock=lambda: now[0])
    right = server.participant_url.split("?", 1)[1].encode()
    for n in range(web_server.WRONG_LINKS_PER_WINDOW):
        status, _ = await raw_get(server.port, b"/?join=guess%d" % n)
        assert status == 403
    status, page = await raw_get(server.port, b"/?join=one-more-guess")
    assert status == 429
    assert b"Retry-After: 60" in page and b"Too many wrong retro links" in page
    status, _ = await raw_get(server.port, b"/?" + right)
    assert status == 303, "a right link gets in even while its address is slowed"
    status, _ = await raw_get(server.port, b"/?join=still-guessing")
    assert status == 429, "wrong links from that address still wait"
    now[0] += web_server.WRONG_LINK_WINDOW + 1
    status, _ = await raw_get(server.port, b"/?join=after-the-window")
    assert status == 403, "the window passed"
    assert spawn_count(spawn_log) == 0


async def test_people_behind_one_tunnel_get_in_at_once_after_old_links_went_round(
    server: RetroWebServer,
) -> None:
    """After a restart everyone behind one tunnel address opens the link from before;
    each who then opens the right link is in at once, with the page."""
    stale = b"/?join=" + b"s" * 32
    for _ in range(3 * web_server.WRONG_LINKS_PER_WINDOW):
        await raw_get(server.port, stale)
    for _ in range(20):
        async with browser() as person, person.get(server.participant_url) as response:
            assert response.status == 200, "the right link is never refused"
            assert response.url.query_string == "", "on the page itself, with its cookies"


def test_the_guess_table_forgets_and_stays_bounded() -> None:
    now = [0.0]
    limiter = WrongLinkLimiter(limit=2, window=10, clock=lambda: now[0])
    limiter.MAX_ADDRESSES = 100  # type: ignore[misc]
    for n in range(1000):
        limiter.record(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter._misses) == 100
    limiter.record("10.9.9.9")
    assert not limiter.blocked("10.9.9.9")
    limiter.record("10.9.9.9")
    assert limiter.blocked("10.9.9.9")
    now[0] = 11
    assert not limiter.blocked("10.9.9.9")


async def test_tokens_are_compared_whole_for_every_role(
    server: RetroWebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same constant-time comparisons run for a right and a wrong token."""
    seen: list[tuple[str, str]] = []
    real = web_server.tokens_equal

    def recording(a: str, b: str) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(web_server, "tokens_equal", recording)
    right = server.participant_url.split("=", 1)[1]
    calls = []
    for token in (right, right[:-1] + "x", "x"):
        seen.clear()
        await raw_get(server.port, f"/?join={token}".encode())
        calls.append(len(seen))
    assert calls == [2, 2, 2]


# --- cross-origin websockets ------------------------------------------------------------------
async def test_websockets_from_lookalike_origins_are_refused(
    server: RetroWebServer, spawn_log: Path
) -> None:
    port = server.port
    lookalikes = [
        f"http://127.0.0.1:{port + 1}",
        f"http://127.0.0.1:{port}@evil.example",
        f"http://evil.example/?http://127.0.0.1:{port}",
        f"http://127.0.0.1.evil.example:{port}",
        f"http://localhost.:{port}",
        f"file://127.0.0.1:{port}",
        "null",
        "",
        f"http://[::1]:{port}",
    ]
    headers = cookie_header(server)
    for origin in lookalikes:
        status, _ = await raw_get(
            server.port,
            b"/ws",
            headers
            + b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + f"Origin: {origin}\r\n".encode(),
        )
        assert status == 403, origin
    assert spawn_count(spawn_log) == 0


# --- too many connections -----------------------------------------------------------------------
async def test_facilitator_tabs_are_capped_too(spawn_log: Path) -> None:
    async with serving(command=env_app_command(spawn_log), max_facilitators=1) as running:
        async with TermClient(running.facilitator_url) as first:
            await first.wait_for_text("ROLE=facilitator")
            async with TermClient(running.facilitator_url) as second:
                screen = await second.wait_for_text("Too many retro tabs")
                assert "at most 1 at once" in screen
                assert await second.wait_closed() == aiohttp.WSCloseCode.TRY_AGAIN_LATER
        assert spawn_count(spawn_log) == 1


async def test_one_address_cannot_take_every_seat(spawn_log: Path) -> None:
    async with serving(
        command=env_app_command(spawn_log), max_participants=10, max_per_address=1
    ) as running:
        async with TermClient(running.participant_url) as mine:
            await mine.wait_for_text("ROLE=participant")
            async with TermClient(running.participant_url) as greedy:
                await greedy.wait_for_text("Too many retro tabs are open from your network")
                assert await greedy.wait_closed() == aiohttp.WSCloseCode.TRY_AGAIN_LATER
            neighbour = TermClient(running.participant_url)
            neighbour._session = browser(OTHER_ADDRESS)
            async with neighbour:
                await neighbour.wait_for_text("ROLE=participant")
        assert spawn_count(spawn_log) == 2
    assert running._per_address == {}, "the count goes back to zero"


# --- malformed requests ---------------------------------------------------------------------------
query_text = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"), max_size=200
)


def test_fuzzed_query_strings_are_refused_cleanly(spawn_log: Path) -> None:
    loop = asyncio.new_event_loop()
    context = serving(command=env_app_command(spawn_log))
    running = loop.run_until_complete(context.__aenter__())
    running.wrong_links = WrongLinkLimiter(limit=10**9)  # fuzzing is not guessing

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(path=st.sampled_from([b"/", b"/ws", b"/download/x", b"/static/x"]), query=query_text)
    def check(path: bytes, query: str) -> None:
        status, data = loop.run_until_complete(raw_get(running.port, path + b"?" + query.encode()))
        assert 400 <= status < 500 or (status == 303 and path == b"/"), (status, data[:200])

    try:
        check()
    finally:
        loop.run_until_complete(context.__aexit__(None, None, None))
        loop.close()
    assert spawn_count(spawn_log) == 0


@pytest.mark.parametrize(
    "headers",
    [
        b"X-Big: " + b"a" * 100_000 + b"\r\n",
        b"Cookie: " + b"c" * 70_000 + b"\r\n",
        b"Cookie: " + b"; ".join(b"k%d=v" % n for n in range(1000)) + b"\r\n",
        b"".join(b"X-Many-%d: y\r\n" % n for n in range(500)),
        b"Cookie: retro_tui_grant=participant." + b"A" * 43 + b"; retro_tui_grant=x\r\n",
        b"Host: \xff\xfe\r\n",
    ],
    ids=["huge-header", "huge-cookie", "thousand-cookies", "many-headers", "twin-cookies", "utf8"],
)
async def test_huge_or_strange_headers_are_client_errors(
    server: RetroWebServer, spawn_log: Path, headers: bytes
) -> None:
    for path in (b"/", b"/ws"):
        status, _ = await raw_get(server.port, path, headers)
        assert 400 <= status < 500, (path, status)
    ok, _ = await raw_get(server.port, b"/static/css/xterm.css")
    assert ok == 200, "the server still answers"
    assert spawn_count(spawn_log) == 0


# --- garbage on an admitted websocket ----------------------------------------------------------
async def test_garbage_frames_after_a_valid_join_are_ignored(server: RetroWebServer) -> None:
    async with TermClient(server.participant_url) as client:
        await client.wait_for_text("ROLE=participant")
        ws = client._ws
        assert ws is not None
        for junk in (
            ["stdin", 5],
            ["stdin", None],
            ["stdin", ["a"]],
            ["resize", {"width": -1}],
            ["resize", {"width": "1e9", "height": None}],
            ["resize", "80x24"],
            ["resize", {"width": True, "height": [24]}],
            ["ping", "p" * 1000],
            ["focus", {"x": 1}],
            ["open_url", "https://evil.example"],
            [None],
            {"stdin": "x"},
        ):
            await client.send(junk)  # type: ignore[arg-type]
        for text in ("not json", "", "[" * 50_000, "\x00\x01", '["stdin", "\\udfff"]'):
            await ws.send_str(text)
        for blob in (b"\x00" * 10, b'["stdin", "binary"]', bytes(range(256))):
            await ws.send_bytes(blob)
        await client.send_keys("still ok")
        await client.wait_for_text("ECHO=?still ok")
        await client.send(["ping", "alive"])
        await asyncio.wait_for(_pong(client, "alive"), timeout=10)
        assert not any(m for m in client.messages if m[0] == "pong" and m[1] == "p" * 1000)


async def _pong(client: TermClient, text: str) -> None:
    while ["pong", text] not in client.messages:
        await asyncio.sleep(0.02)


async def test_an_oversized_frame_closes_only_that_tab(server: RetroWebServer) -> None:
    async with TermClient(server.participant_url) as bystander:
        await bystander.wait_for_text("ROLE=participant")
        async with TermClient(server.participant_url) as flooder:
            await flooder.wait_for_text("ROLE=participant")
            assert flooder._ws is not None
            await flooder._ws.send_str('["stdin", "' + "x" * (2 * 1024 * 1024) + '"]')
            assert await flooder.wait_closed() == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        await bystander.send_keys("unharmed")
        await bystander.wait_for_text("ECHO=unharmed")

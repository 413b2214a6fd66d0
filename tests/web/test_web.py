"""The web server over real HTTP on 127.0.0.1: who gets in, what the app is told, what is refused.

Every server runs `tests/apps/env_app.py`, which shows its role, identity and PID; a
refusal is proven harmless by the spawn log staying empty.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote

import aiohttp
import psutil
import pytest
from textual_serve.download_manager import DownloadManager

from retro_tui.domain.model import Role
from retro_tui.web import (
    IDENTITY_ENV,
    ROLE_ENV,
    RetroWebServer,
    app_service,
    new_token,
    tokens_equal,
)
from retro_tui.web import server as web_server
from retro_tui.web.server import RetroAppService
from retro_tui.web.tokens import is_identity, make_grant, new_identity
from tests.support import env_app_command, serving, spawn_count
from tests.support.termclient import JoinRefused, TermClient

pytestmark = pytest.mark.slow

INVALID_LINK = "This retro link is not valid"


@pytest.fixture
def spawn_log(tmp_path: Path) -> Path:
    """Where the env app command notes each process it starts."""
    return tmp_path / "spawned.log"


@pytest.fixture
async def server(spawn_log: Path) -> AsyncIterator[RetroWebServer]:
    """A server for the env app, with one extra variable and a cap of two participants."""
    async with serving(
        command=env_app_command(spawn_log),
        max_participants=2,
        extra_env={"RETRO_TEST_EXTRA": "from-extra"},
    ) as running:
        yield running


async def http_get(
    url: str, *, cookies: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, aiohttp.ClientResponse]:
    """GET without following redirects; return status, body and the response."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with (
        aiohttp.ClientSession(cookie_jar=jar, cookies=cookies) as session,
        session.get(url, allow_redirects=False, headers=headers) as response,
    ):
        return response.status, await response.text(errors="replace"), response


async def raw_get(port: int, target: bytes, headers: bytes = b"") -> tuple[int, bytes]:
    """Send a request line exactly as given (no client-side path normalisation)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"GET "
        + target
        + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port
        + headers
        + b"Connection: close\r\n\r\n"
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(data.split(b" ", 2)[1]), data


async def ws_status(
    server: RetroWebServer, *, cookies: dict[str, str] | None = None, origin: str | None = None
) -> int:
    """Try the websocket handshake; return the HTTP status of a refusal (101 if accepted)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, cookies=cookies) as session:
        try:
            ws = await session.ws_connect(f"{server.public_url}/ws", origin=origin)
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status
        await ws.close()
        return 101


def grant_cookies(server: RetroWebServer, role: str = "participant") -> dict[str, str]:
    """Cookies a browser gets from the `role` join link."""
    identity = new_identity()
    token = server._tokens[role]  # type: ignore[index]
    return {
        web_server.GRANT_COOKIE: make_grant(token, role, identity),
        web_server.IDENTITY_COOKIE: identity,
    }


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll a condition the server exposes no event for (process exit, counters)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def pid_on(screen: str) -> int:
    """Read the env app's PID line."""
    return int(screen.split("PID=", 1)[1].split()[0])


def pid_gone(pid: int) -> bool:
    """True once the process has exited (a zombie awaiting reaping counts as gone)."""
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


# Tokens


def test_new_tokens_are_long_and_distinct() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(token) >= 32 for token in tokens)  # 24 random bytes, base64


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("abc", "abc", True),
        ("abc", "abd", False),
        ("", "", True),
        ("abc", "", False),
        ("ünïcödé", "ünïcödé", True),
        ("ünïcödé", "abc", False),
        ("\ud800\x00", "abc", False),
        ("x" * 100_000, "abc", False),
    ],
)
def test_tokens_equal_never_raises(a: str, b: str, equal: bool) -> None:
    assert tokens_equal(a, b) is equal


def test_identities_have_128_bits_and_a_checkable_shape() -> None:
    identity = new_identity()
    assert is_identity(identity)
    assert not is_identity(identity + "x")
    assert not is_identity("ü" * 22)


def test_same_token_for_both_roles_is_refused() -> None:
    token = new_token()
    with pytest.raises(ValueError, match="differ"):
        RetroWebServer(command="true", participant_token=token, facilitator_token=token)


# The page


async def test_bare_url_is_refused_with_a_sentence(server: RetroWebServer, spawn_log: Path) -> None:
    status, body, response = await http_get(f"{server.public_url}/")
    assert status == 403
    assert INVALID_LINK in body
    assert response.headers["Cache-Control"] == "no-store"
    assert spawn_count(spawn_log) == 0


async def test_wrong_token_is_refused(server: RetroWebServer, spawn_log: Path) -> None:
    status, body, _ = await http_get(f"{server.public_url}/?join={new_token()}")
    assert (status, INVALID_LINK in body) == (403, True)
    assert spawn_count(spawn_log) == 0


async def test_join_link_swaps_the_token_for_httponly_cookies(server: RetroWebServer) -> None:
    status, _, response = await http_get(server.participant_url)
    assert status == 303
    assert response.headers["Location"] == "./"  # the token leaves the address bar
    cookies = SimpleCookie()
    for header in response.headers.getall("Set-Cookie"):
        cookies.load(header)
    assert set(cookies) == {web_server.GRANT_COOKIE, web_server.IDENTITY_COOKIE}
    for morsel in cookies.values():
        assert morsel["httponly"] is True
        assert morsel["samesite"] == "Strict"
        assert morsel["path"] == "/"
        assert server._tokens[Role.PARTICIPANT] not in morsel.value
    assert is_identity(cookies[web_server.IDENTITY_COOKIE].value)


async def test_link_from_another_site_joins_through_a_page_not_a_redirect(
    server: RetroWebServer,
) -> None:
    """Browsers withhold SameSite=Strict cookies after a cross-site redirect chain."""
    headers = {"Sec-Fetch-Site": "cross-site"}
    status, body, response = await http_get(server.participant_url, headers=headers)
    assert status == 200
    assert 'http-equiv="refresh" content="0; url=./"' in body
    assert len(response.headers.getall("Set-Cookie")) == 2


async def test_page_loads_only_from_this_server(server: RetroWebServer) -> None:
    status, body, response = await http_get(f"{server.public_url}/", cookies=grant_cookies(server))
    assert status == 200
    assert "<title>retro-tui</title>" in body
    assert "googleapis" not in body
    assert "http://" not in body and "https://" not in body
    assert "static/fonts/RobotoMono-VariableFont_wght.ttf" in body
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    font_status, _, _ = await http_get(
        f"{server.public_url}/static/fonts/RobotoMono-VariableFont_wght.ttf"
    )
    assert font_status == 200


async def test_a_join_link_never_adopts_an_identity_it_did_not_prove_and_replaces_a_malformed_one(
    server: RetroWebServer,
) -> None:
    identity = new_identity()
    planted = {web_server.IDENTITY_COOKIE: identity}
    _, _, response = await http_get(server.participant_url, cookies=planted)
    assert is_identity(response.cookies[web_server.IDENTITY_COOKIE].value)
    assert response.cookies[web_server.IDENTITY_COOKIE].value != identity
    forged = {web_server.IDENTITY_COOKIE: "../../etc"}
    _, _, response = await http_get(server.participant_url, cookies=forged)
    assert is_identity(response.cookies[web_server.IDENTITY_COOKIE].value)


async def test_a_stray_query_with_a_valid_cookie_goes_back_to_the_bare_page(
    server: RetroWebServer,
) -> None:
    url = f"{server.public_url}/?join=nonsense&ping=http://elsewhere.example/"
    status, _, response = await http_get(url, cookies=grant_cookies(server))
    assert (status, response.headers["Location"]) == (303, "./")


@pytest.mark.parametrize(
    "token",
    [
        quote("ünïcödé"),
        quote("\U0001f4a9" * 200),
        "%FF%FE%00",
        "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "%00",
        "a" * 4000,
        "join=&join=",
        "%",
    ],
    ids=["unicode", "emoji", "bad-utf8", "surrogate", "nul", "long", "repeated", "percent"],
)
async def test_garbage_tokens_get_403_not_500(
    server: RetroWebServer, spawn_log: Path, token: str
) -> None:
    status, _ = await raw_get(server.port, b"/?join=" + token.encode())
    assert status == 403
    assert spawn_count(spawn_log) == 0


@pytest.mark.parametrize(
    "target", [b"/?join=" + b"a" * 100_000, "/?join=ünï".encode()], ids=["huge", "raw-utf8"]
)
async def test_requests_aiohttp_cannot_parse_are_client_errors(
    server: RetroWebServer, target: bytes
) -> None:
    status, _ = await raw_get(server.port, target)
    assert 400 <= status < 500


@pytest.mark.parametrize(
    "cookie",
    [
        b"retro_tui_grant=participant.AAAA; retro_tui_identity=AAAAAAAAAAAAAAAAAAAAAA",
        b"retro_tui_grant=admin.x; retro_tui_identity=\xc3\xbc\xc3\xbc",
        b"retro_tui_grant=\xff\xfe; retro_tui_identity=\xff",
        b"retro_tui_grant=" + b"f" * 6000,
    ],
    ids=["forged", "unknown-role", "bad-utf8", "long"],
)
async def test_garbage_cookies_get_403(server: RetroWebServer, cookie: bytes) -> None:
    status, _ = await raw_get(server.port, b"/", b"Cookie: " + cookie + b"\r\n")
    assert status == 403


# The websocket


async def test_websocket_without_cookie_is_refused_and_spawns_nothing(
    server: RetroWebServer, spawn_log: Path
) -> None:
    assert await ws_status(server) == 403
    forged = grant_cookies(server)
    forged[web_server.IDENTITY_COOKIE] = new_identity()  # the grant is for another identity
    assert await ws_status(server, cookies=forged) == 403
    assert spawn_count(spawn_log) == 0


async def test_websocket_from_another_site_is_refused(
    server: RetroWebServer, spawn_log: Path
) -> None:
    cookies = grant_cookies(server)
    for origin in ("http://evil.example", "null", f"http://127.0.0.2:{server.port}", "%%%"):
        assert await ws_status(server, cookies=cookies, origin=origin) == 403
    assert spawn_count(spawn_log) == 0
    assert await ws_status(server, cookies=cookies, origin=server.public_url) == 101


async def test_origin_may_match_the_public_url(spawn_log: Path) -> None:
    """Behind a proxy the page's origin is the public URL, not our Host header."""
    async with serving(public_url="https://retro.example") as running:
        origin = "https://retro.example"
        assert running.participant_url.startswith("https://retro.example/?join=")
        jar = aiohttp.CookieJar(unsafe=True)
        url = f"http://127.0.0.1:{running.port}/ws"
        async with aiohttp.ClientSession(cookie_jar=jar, cookies=grant_cookies(running)) as s:
            ws = await s.ws_connect(url, origin=origin)
            await ws.close()


async def test_participant_app_gets_role_identity_and_extra_env(
    server: RetroWebServer, spawn_log: Path
) -> None:
    async with TermClient(server.participant_url) as client:
        identity = client.cookies[web_server.IDENTITY_COOKIE]
        screen = await client.wait_for_text(f"ROLE=participant IDENTITY={identity}")
        assert "EXTRA=from-extra" in screen
        await client.send_keys("hello ✓")
        await client.wait_for_text("ECHO=hello ✓")
    assert spawn_count(spawn_log) == 1
    assert (ROLE_ENV, IDENTITY_ENV) == ("RETRO_TUI_ROLE", "RETRO_TUI_IDENTITY")


async def test_facilitator_link_gives_facilitator_role(server: RetroWebServer) -> None:
    async with TermClient(server.facilitator_url) as client:
        await client.wait_for_text("ROLE=facilitator")
        assert server.facilitators_connected == 1
        assert server.participants_connected == 0


async def test_the_link_clicked_again_gives_the_browser_a_fresh_identity_it_can_prove(
    server: RetroWebServer,
) -> None:
    async with TermClient(server.participant_url) as client:
        identity = client.cookies[web_server.IDENTITY_COOKIE]
        await client.wait_for_text(identity)
        await client.join()  # the link clicked again: its seat moves along (test_web_seats)
        renewed = client.cookies[web_server.IDENTITY_COOKIE]
        assert renewed != identity and is_identity(renewed)
        assert client.cookies[web_server.GRANT_COOKIE] == make_grant(
            server._tokens[Role.PARTICIPANT], "participant", renewed
        )


async def test_participants_past_the_cap_are_told_and_not_spawned(
    server: RetroWebServer, spawn_log: Path
) -> None:
    first, second = TermClient(server.participant_url), TermClient(server.participant_url)
    async with first, second:
        await first.wait_for_text("ROLE=participant")
        await second.wait_for_text("ROLE=participant")
        async with TermClient(server.participant_url) as third:
            screen = await third.wait_for_text("This retro is full")
            assert "room for 2 participants" in screen
            assert await third.wait_closed() == aiohttp.WSCloseCode.TRY_AGAIN_LATER
        async with TermClient(server.facilitator_url) as facilitator:
            await facilitator.wait_for_text("ROLE=facilitator")  # facilitators never count
        assert spawn_count(spawn_log) == 3
    await wait_until(lambda: server.participants_connected == 0)
    async with TermClient(server.participant_url) as later:
        await later.wait_for_text("ROLE=participant")


async def test_malformed_messages_are_ignored(server: RetroWebServer) -> None:
    async with TermClient(server.participant_url) as client:
        await client.wait_for_text("ROLE=participant")
        for junk in ("[", "{}", "[]", "[1]", '["stdin"]', "[" * 100_000, '"\\ud800"'):
            await client._ws.send_str(junk)  # type: ignore[union-attr]
        await client.send(["resize", {"width": 10**9, "height": -5}])
        await client.send(["resize", {"width": 80, "height": 24}])
        await client.send(["stdin", "\ud800ok"])
        await client.wait_for_text("ECHO=?ok")
        await client.send(["ping", "42"])
        await wait_until(lambda: ["pong", "42"] in client.messages)


async def test_closing_the_tab_ends_its_app(server: RetroWebServer) -> None:
    async with TermClient(server.participant_url) as client:
        pid = pid_on(await client.wait_for_text("PID="))
    await wait_until(lambda: pid_gone(pid))
    await wait_until(lambda: server.participants_connected == 0)


async def test_stop_ends_every_app_process(spawn_log: Path) -> None:
    async with serving(command=env_app_command(spawn_log)) as running:
        clients = [TermClient(running.participant_url), TermClient(running.facilitator_url)]
        pids = []
        for client in clients:
            await client.connect()
            pids.append(pid_on(await client.wait_for_text("PID=")))
    for client in clients:
        assert await client.wait_closed() == aiohttp.WSCloseCode.GOING_AWAY
        await client.close()
    await wait_until(lambda: all(pid_gone(pid) for pid in pids), timeout=2.0)


async def test_stop_kills_an_app_that_ignores_quit_and_sigterm(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(app_service, "STOP_GRACE", 0.3)
    pid_file = tmp_path / "pid"
    stubborn = (
        f'{sys.executable} -c "import os, signal, sys, time; '
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"open('{pid_file}', 'w').write(str(os.getpid())); "
        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); time.sleep(600)\""
    )
    async with serving(command=stubborn) as running:
        client = TermClient(running.participant_url)
        await client.connect()
        await wait_until(pid_file.exists)
        await wait_until(lambda: pid_file.read_text() != "")
        pid = int(pid_file.read_text())
    await client.close()
    # The app is a child of /bin/sh (dash does not exec): SIGKILL went to the whole group.
    await wait_until(lambda: pid_gone(pid), timeout=2.0)


@pytest.mark.parametrize("stop_first", [True, False], ids=["stop-then-start", "together"])
async def test_a_stop_during_spawn_leaves_no_process(spawn_log: Path, stop_first: bool) -> None:
    """The server may stop while a handshake is still spawning its app."""

    async def ignore(*_: object) -> None:
        """Stand-in for the websocket's send and close."""

    service = RetroAppService(
        env_app_command(spawn_log),
        environment={},
        write_bytes=ignore,
        write_str=ignore,
        close=ignore,
        download_manager=DownloadManager(),
    )
    if stop_first:
        await service.stop()
        await service.start(80, 24)
        assert spawn_count(spawn_log) == 0
    else:
        await asyncio.gather(service.start(80, 24), service.stop())
    process = service._process
    assert process is None or process.returncode is not None


async def test_an_app_that_fails_to_start_says_so(spawn_log: Path) -> None:
    async with (
        serving(command="echo this is not a textual app") as running,
        TermClient(running.participant_url) as client,
    ):
        await client.wait_for_text("could not start")
        await client.wait_closed()


# Static files and downloads


async def test_static_files_are_public_but_never_outside_their_folder(
    server: RetroWebServer,
) -> None:
    ok, _ = await raw_get(server.port, b"/static/css/xterm.css")
    assert ok == 200
    for target in (
        b"/static/../server.py",
        b"/static/%2e%2e/server.py",
        b"/static/..%2fserver.py",
        b"/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
        b"/static/css/../../server.py",
        b"/static//etc/passwd",
        b"/static/..\\server.py",
        b"/static/",
        b"/static/css/",
    ):
        status, data = await raw_get(server.port, target)
        assert status in (400, 403, 404), target
        assert b"class Server" not in data and b"root:" not in data


async def test_a_file_the_app_delivers_downloads_with_the_cookie(server: RetroWebServer) -> None:
    async with TermClient(server.participant_url) as client:
        await client.wait_for_text("ROLE=participant")
        await client.send_keys("\x1bOQ")  # F2, as xterm.js sends it
        await wait_until(lambda: any(m[0] == "deliver_file_start" for m in client.messages))
        key = next(m[1] for m in client.messages if m[0] == "deliver_file_start")
        status, _, _ = await http_get(f"{server.public_url}/download/{key}")
        assert status == 403
        assert await client.fetch(f"/download/{key}") == (200, b"retro download ok")


async def test_downloads_need_the_cookie(server: RetroWebServer) -> None:
    for target in ("/download/anything", "/download/..%2F..%2Fetc%2Fpasswd"):
        status, _, _ = await http_get(f"{server.public_url}{target}")
        assert status == 403
        status, _, _ = await http_get(f"{server.public_url}{target}", cookies=grant_cookies(server))
        assert status == 404
    status, _ = await raw_get(server.port, b"/download/../static/css/xterm.css")
    assert status in (403, 404)


def test_web_package_never_imports_textual() -> None:
    """The web server runs beside the hub; Textual belongs to the apps it spawns."""
    code = "import sys, retro_tui.web; sys.exit('textual' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


async def test_join_refusal_is_reported_by_the_client(server: RetroWebServer) -> None:
    with pytest.raises(JoinRefused) as refused:
        async with TermClient(f"{server.public_url}/?join=wrong"):
            pass
    assert refused.value.status == 403

"""Seats through the real web server and the real hub (issue 10: items 4, 5, 7).

A browser proves who it is with its cookies; a join link never adopts an identity it
did not issue; the cap counts people, one browser holds a few tabs, and a closed tab
frees its place at once. Links survive a restart of the host until new ones are made.
"""

from __future__ import annotations

import asyncio
import stat
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hosting import HostOptions, LiveSession
from retro_tui.hub.hub import Hub, seat_of
from retro_tui.links import links_path, read_links
from retro_tui.web import RetroWebServer, app_service
from retro_tui.web import server as web_server
from retro_tui.web.tokens import make_grant, new_identity
from tests.support import env_app_command, serving, spawn_count
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.support.termclient import JoinRefused, TermClient

pytestmark = pytest.mark.slow


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def join_link(url: str, cookies: dict[str, str]) -> dict[str, str]:
    """Open a join link with these cookies; return the cookies the server set."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with (
        aiohttp.ClientSession(cookie_jar=jar, cookies=cookies) as session,
        session.get(url, allow_redirects=False) as response,
    ):
        assert response.status == 303
        return {name: morsel.value for name, morsel in response.cookies.items()}


def same_browser(first: TermClient, server_url: str) -> TermClient:
    """Another tab of the browser `first` is in: no link, the same cookies."""
    tab = TermClient(None, server_url=server_url)
    tab._http().cookie_jar.update_cookies(first.cookies, URL(server_url))
    return tab


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac = LocalClient(hub, "terminal-facilitator", Role.FACILITATOR)
    await fac.join("Fran")
    yield hub
    await hub.close()


@pytest.fixture
async def server(hub: Hub) -> AsyncIterator[RetroWebServer]:
    async with serving(command=env_app_command(), max_participants=2, seats=hub) as running:
        yield running


# --- item 5: identity fixation ----------------------------------------------------------
async def test_a_planted_identity_cookie_gives_its_planter_nothing(
    hub: Hub, server: RetroWebServer
) -> None:
    attacker = new_identity()
    LocalClient(hub, attacker, Role.PARTICIPANT)
    await LocalClient(hub, attacker, Role.PARTICIPANT).join("Mallory")
    victim_cookies = await join_link(server.participant_url, {web_server.IDENTITY_COOKIE: attacker})
    victim = victim_cookies[web_server.IDENTITY_COOKIE]
    assert victim != attacker
    mallory = hub.session.participants[1]
    assert mallory.seat == seat_of(attacker)  # the victim does not sit in Mallory's seat


async def test_a_browser_that_proves_its_identity_keeps_its_seat_under_a_fresh_one(
    hub: Hub, server: RetroWebServer
) -> None:
    old = new_identity()
    tab = LocalClient(hub, old, Role.PARTICIPANT)
    pid = await tab.join("Bob")
    grant = make_grant(server._tokens[Role.PARTICIPANT], "participant", old)
    cookies = await join_link(
        server.participant_url,
        {web_server.IDENTITY_COOKIE: old, web_server.GRANT_COOKIE: grant},
    )
    new = cookies[web_server.IDENTITY_COOKIE]
    assert new != old
    await wait_until(lambda: hub.session.participant(pid).seat == seat_of(new))  # type: ignore[union-attr]
    assert tab.conn.pid is None  # the old identity's tabs lost the seat
    assert LocalClient(hub, new, Role.PARTICIPANT).you == pid


# --- item 7: the cap counts people; a browser holds a few tabs -------------------------
async def test_one_browser_holds_a_few_tabs_and_never_the_places_of_others(
    server: RetroWebServer,
) -> None:
    async with TermClient(server.participant_url) as first:
        await first.wait_for_text("ROLE=participant")
        tabs = [same_browser(first, server.public_url) for _ in range(web_server.TABS_PER_BROWSER)]
        try:
            for tab in tabs[:-1]:
                await tab.connect()
                await tab.wait_for_text("ROLE=participant")
            await tabs[-1].connect()
            screen = await tabs[-1].wait_for_text("Too many retro tabs")
            assert f"from this browser: at most {web_server.TABS_PER_BROWSER}" in screen
            assert server.participants_connected == 1
            async with TermClient(server.participant_url) as someone_else:
                await someone_else.wait_for_text("ROLE=participant")
        finally:
            for tab in tabs:
                await tab.close()


async def test_a_closed_tab_frees_its_place_and_presence_before_its_app_has_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hub: Hub
) -> None:
    monkeypatch.setattr(app_service, "STOP_GRACE", 2.0)
    pid_file = tmp_path / "pid"
    slow_to_quit = (  # ignores the quit message and SIGTERM: only SIGKILL ends it
        f'{sys.executable} -c "import os, signal, sys, time; '
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"open('{pid_file}', 'w').write(str(os.getpid())); "
        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); time.sleep(600)\""
    )
    async with serving(command=slow_to_quit, max_participants=1, seats=hub) as running:
        client = TermClient(running.participant_url)
        await client.connect()
        await wait_until(lambda: pid_file.exists() and pid_file.read_text() != "")
        await wait_until(lambda: running.participants_connected == 1)
        # What the tab's app would do: reach the hub with the browser's identity, and join.
        app_side = LocalClient(hub, client.cookies[web_server.IDENTITY_COOKIE], Role.PARTICIPANT)
        pid = await app_side.join("Bob")
        assert pid in hub.online()
        await client.close()
        await wait_until(lambda: running.participants_connected == 0)
        await wait_until(lambda: pid not in hub.online())
        assert len(running._sessions) == 1  # its app is still being stopped
        async with TermClient(running.participant_url) as next_person:
            await wait_until(lambda: running.participants_connected == 1)
            assert "This retro is full" not in next_person.screen_text()


# --- item 4: links survive a restart until new ones are made ----------------------------
async def test_links_survive_a_restart_in_a_private_file_until_new_ones_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("retro_tui.hosting.participant_command", env_app_command)
    links = links_path(tmp_path, "s1")
    options = HostOptions(port=0, links_file=links)

    async def host(options: HostOptions) -> tuple[LiveSession, Hub]:
        hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
        live = LiveSession(hub, options)
        await live.start()
        return live, hub

    live, hub = await host(options)
    first_link = live.participant_url
    assert stat.S_IMODE(links.stat().st_mode) == 0o600
    kept = read_links(links)
    assert kept is not None and kept.participant in first_link
    assert kept.public_url == live.web.public_url  # type: ignore[union-attr]
    async with TermClient(first_link) as tab:
        await tab.wait_for_text("ROLE=participant")
        cookies = tab.cookies
    await live.stop()
    await hub.close()

    live, hub = await host(options)
    try:
        assert live.participant_url.split("?")[1] == first_link.split("?")[1]
        again = TermClient(None, server_url=live.web.public_url)  # type: ignore[union-attr]
        again._http().cookie_jar.update_cookies(cookies, URL(live.web.public_url))  # type: ignore[union-attr]
        async with again:
            await again.wait_for_text("ROLE=participant")  # the old cookie still works
            await live.new_links()
            assert await again.wait_closed() is not None  # open tabs are closed
        assert read_links(links).participant not in first_link  # type: ignore[union-attr]
        old_link = f"{live.web.public_url}/?{first_link.split('?')[1]}"  # type: ignore[union-attr]
        with pytest.raises(JoinRefused):
            async with TermClient(old_link):
                pass
        stale = TermClient(None, server_url=live.web.public_url)  # type: ignore[union-attr]
        stale._http().cookie_jar.update_cookies(cookies, URL(live.web.public_url))  # type: ignore[union-attr]
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with stale:
                pass
        assert refused.value.status == 403  # the old cookie no longer opens the board
    finally:
        await live.stop()
        await hub.close()


async def test_new_links_on_start_replace_the_kept_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("retro_tui.hosting.participant_command", env_app_command)
    links = links_path(tmp_path, "s1")
    urls = []
    for renew in (False, False, True):
        hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
        live = LiveSession(hub, HostOptions(port=0, links_file=links, new_links=renew))
        await live.start()
        urls.append(live.participant_url.split("?")[1])
        await live.stop()
        await hub.close()
    assert urls[0] == urls[1] != urls[2]


# --- locked joining: no process for a browser that cannot take part --------------------
async def test_a_seatless_browser_meets_a_locked_retro_before_any_process_starts(
    tmp_path: Path, hub: Hub
) -> None:
    spawn_log = tmp_path / "spawned"
    fac = LocalClient(hub, "terminal-facilitator", Role.FACILITATOR)
    bob = LocalClient(hub, new_identity(), Role.PARTICIPANT)
    bob_id = await bob.join("Bob")
    await fac.send(c.LockJoining(locked=True))
    async with serving(command=env_app_command(spawn_log), seats=hub) as running:
        async with TermClient(running.participant_url) as stranger:
            screen = await stranger.wait_for_text("locked joining")
            assert "Ask them to unlock it" in " ".join(screen.split())
            assert await stranger.wait_closed() is not None
        assert spawn_count(spawn_log) == 0
        assert running.participants_connected == 0
        # A released seat waits for its name: a new browser may come in to type it.
        await fac.send(c.ReleaseSeat(participant=bob_id))
        async with TermClient(running.participant_url) as newcomer:
            await newcomer.wait_for_text("ROLE=participant")
        assert spawn_count(spawn_log) == 1

"""New links against requests already under way, through the real web server and hub.

Making new links (`Ctrl+N`, `--new-links`) must end every old cookie. A join link or a
tab that was being answered at that very moment used to slip through: a browser that
opened the old link while its seat was being moved got a cookie for the *new* links,
and a tab whose handshake was in flight started under the old cookie and stayed open.
The tests hold the request at its await point, make new links, and let it go on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from retro_tui.client import LocalClient
from retro_tui.domain.model import Role
from retro_tui.hub import quotas
from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.web import server as web_server
from retro_tui.web.tokens import make_grant, new_token
from tests.support import serving
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.web.test_web_simple import answer, browser, joined, open_page, wait_until


class HeldSeats:
    """The real hub, but moving a seat waits until the test lets it go on."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.entered = asyncio.Event()
        self.go_on = asyncio.Event()

    async def rekey(self, old_identity: str, new_identity: str) -> bool:
        self.entered.set()
        await self.go_on.wait()
        return await self.hub.rekey(old_identity, new_identity)

    def leave(self, identity: str) -> None:
        self.hub.leave(identity)

    def admits(self, identity: str) -> str | None:
        return self.hub.admits(identity)

    def has_seat(self, identity: str) -> bool:
        return self.hub.has_seat(identity)


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac = LocalClient(hub, "terminal-facilitator", Role.FACILITATOR)
    await fac.join("Fran")
    yield hub
    await hub.close()


async def test_a_join_link_answered_while_new_links_are_made_gives_no_cookie_for_them(
    hub: Hub,
) -> None:
    seats = HeldSeats(hub)
    async with serving(seats=seats, pages=HubPages(hub), default_page="simple") as server:
        old_link = server.participant_url
        async with browser() as session:
            await joined(session, old_link)  # a first visit: no seat to move, no wait
            ws = await open_page(session, server)
            await ws.send_str(json.dumps({"t": "join", "name": "Ann"}))
            await ws.close()
            again = asyncio.ensure_future(session.get(old_link, allow_redirects=False))
            await seats.entered.wait()
            new_participant, new_facilitator = new_token(), new_token()
            await server.replace_tokens(new_participant, new_facilitator)
            seats.go_on.set()
            async with await again as response:
                cookies = {name: morsel.value for name, morsel in response.cookies.items()}
        grant = cookies.get(web_server.GRANT_COOKIE, "")
        identity = cookies.get(web_server.IDENTITY_COOKIE, "")
        assert grant != make_grant(new_participant, Role.PARTICIPANT, identity)
        # The browser still keeps its seat: the new link, with that cookie, moves it on.
        async with browser() as later:
            later.cookie_jar.update_cookies(cookies, response.url)
            await joined(later, server.participant_url)
            assert hub.has_seat(later_identity(later))


def later_identity(session: aiohttp.ClientSession) -> str:
    return next(c.value for c in session.cookie_jar if c.key == web_server.IDENTITY_COOKIE)


async def test_a_tab_whose_handshake_was_under_way_when_new_links_were_made_is_closed(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(seats=hub, pages=HubPages(hub), default_page="simple") as server:
        held = asyncio.Event()
        go_on = asyncio.Event()
        prepare = web.WebSocketResponse.prepare

        async def slow_prepare(self: web.WebSocketResponse, request: web.Request) -> Any:
            held.set()
            await go_on.wait()
            return await prepare(self, request)

        async with browser() as session:
            await joined(session, server.participant_url)
            monkeypatch.setattr(web.WebSocketResponse, "prepare", slow_prepare)
            opening = asyncio.ensure_future(open_page(session, server))
            await held.wait()
            await server.replace_tokens(new_token(), new_token())
            go_on.set()
            ws = await opening
            async with asyncio.timeout(10):
                while (await ws.receive()).type not in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                ):
                    pass
            await wait_until(lambda: server.participants_connected == 0)
            assert len(hub.connections) == 1  # the facilitator's board alone


async def test_a_join_link_opened_in_a_loop_moves_the_seat_a_few_times_then_is_slowed(
    hub: Hub,
) -> None:
    """Each seat move is a save of the whole session: a loop kept the disk busy."""
    async with (
        serving(seats=hub, pages=HubPages(hub), default_page="simple") as server,
        browser() as session,
    ):
        await joined(session, server.participant_url)
        ws = await open_page(session, server)
        await ws.send_str(json.dumps({"t": "join", "name": "Ann"}))
        you = (await answer(ws, "joined"))["you"]
        await ws.close()
        revision = hub.session.revision
        statuses = []
        for _ in range(30):
            async with session.get(server.participant_url, allow_redirects=False) as reply:
                statuses.append(reply.status)
                if reply.status == 429:
                    assert "still in its seat" in await reply.text()
        assert statuses.count(303) == quotas.SEAT_MOVE_BURST
        assert statuses.count(429) == 30 - quotas.SEAT_MOVE_BURST
        assert hub.session.revision - revision == quotas.SEAT_MOVE_BURST
        again = await open_page(session, server)  # its cookies still hold its seat
        assert (await answer(again, "view"))["view"]["you"] == you
        await again.close()

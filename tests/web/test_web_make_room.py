"""A script holding join screens never keeps real people out (issue 10, item 7 and beyond).

A script that opens the participant link again and again gets a fresh browser identity
each time; its tabs, all on the join screen, used to hold every place. Through the real
web server and hub: a person with a seat always gets in, in place of the oldest join
screen; a new arrival gets in in place of a join screen that has had its grace; a
person on the join screen keeps their place for that grace however fast a script opens
tabs; and nobody with a seat is ever pushed out.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from retro_tui.client import LocalClient
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.web import RetroWebServer
from retro_tui.web.make_room import EVICTED, JOIN_GRACE
from tests.support import serving
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.web.test_web_simple import answer, browser, joined, open_page, wait_until

CAP = 3


class Seconds:
    """The join queue's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac = LocalClient(hub, "terminal-facilitator", Role.FACILITATOR)
    await fac.join("Fran")
    yield hub
    await hub.close()


@pytest.fixture
async def server(hub: Hub) -> AsyncIterator[RetroWebServer]:
    async with serving(
        seats=hub, pages=HubPages(hub), default_page="simple", max_participants=CAP
    ) as running:
        running.join_queue.clock = Seconds()
        yield running


class Browsers:
    """Browsers of their own (each its own cookie jar), closed at the end."""

    def __init__(self, server: RetroWebServer) -> None:
        self.server = server
        self.sessions: list[aiohttp.ClientSession] = []

    async def arrive(self) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
        session = browser()
        self.sessions.append(session)
        await joined(session, self.server.participant_url)
        return session, await open_page(session, self.server)

    async def close(self) -> None:
        for session in self.sessions:
            await session.close()


@pytest.fixture
async def browsers(server: RetroWebServer) -> AsyncIterator[Browsers]:
    opened = Browsers(server)
    yield opened
    await opened.close()


async def admitted(ws: aiohttp.ClientWebSocketResponse) -> bool:
    """Whether the page got a place (its first view) rather than "full"."""
    first = json.loads((await ws.receive()).data)
    return bool(first["t"] == "view")


async def pushed_out(ws: aiohttp.ClientWebSocketResponse) -> str:
    """Read a page until its socket closes; return why it was closed."""
    while True:
        message = await ws.receive()
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return str(message.extra or "")


async def seated(ws: aiohttp.ClientWebSocketResponse, name: str) -> None:
    await ws.send_str(json.dumps({"t": "join", "name": name}))
    await answer(ws, "joined")


async def test_a_person_with_a_seat_gets_in_when_join_screens_fill_the_retro(
    server: RetroWebServer, browsers: Browsers
) -> None:
    ann, ann_tab = await browsers.arrive()
    await seated(ann_tab, "Ann")
    await ann_tab.close()  # Ann's lid closes
    await wait_until(lambda: server.participants_connected == 0)
    script = [(await browsers.arrive())[1] for _ in range(CAP)]
    assert all([await admitted(tab) for tab in script])

    back = await open_page(ann, server)  # Ann is back, no typing
    assert await admitted(back)
    assert await pushed_out(script[0]) == EVICTED.decode()
    assert server.participants_connected == CAP
    for tab in script[1:]:
        assert not tab.closed


async def test_a_new_arrival_waits_for_a_join_screens_grace_then_takes_its_place(
    server: RetroWebServer, browsers: Browsers
) -> None:
    script = [(await browsers.arrive())[1] for _ in range(CAP)]
    assert all([await admitted(tab) for tab in script])
    _, early = await browsers.arrive()
    assert not await admitted(early)  # every join screen is younger than the grace

    clock = server.join_queue.clock
    assert isinstance(clock, Seconds)
    clock.now += JOIN_GRACE
    _, person = await browsers.arrive()
    assert await admitted(person)
    assert await pushed_out(script[0]) == EVICTED.decode()

    # The script now opens tabs as fast as it can: it replaces only its own old tabs,
    # and the person on the join screen keeps a place for the grace.
    for _ in range(2 * CAP):
        _, extra = await browsers.arrive()
        await admitted(extra)
    assert not person.closed
    await seated(person, "Bea")


async def test_nobody_with_a_seat_is_pushed_out_of_a_full_retro(
    server: RetroWebServer, browsers: Browsers
) -> None:
    tabs = []
    for name in ("Ann", "Bea", "Cid"):
        _, tab = await browsers.arrive()
        assert await admitted(tab)
        await seated(tab, name)
        tabs.append(tab)
    clock = server.join_queue.clock
    assert isinstance(clock, Seconds)
    clock.now += 10 * JOIN_GRACE
    _, late = await browsers.arrive()
    assert not await admitted(late)
    assert not any(tab.closed for tab in tabs)

"""The simple page's door: the same link → cookie → seat rules as the terminal page.

No cookie, a forged one or a page of another site opens nothing at the hub; a
malformed or huge message is refused with a reason and the page stays connected; the
choice between the two pages follows the browser's own choice, then the device.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hosting import HostOptions, LiveSession
from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.web import RetroWebServer
from tests.support import env_app_command, serving
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session

PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"
LAPTOP_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac = LocalClient(hub, "terminal-facilitator", Role.FACILITATOR)
    await fac.join("Fran")
    await fac.send(c.GoToPhase(phase="write"))
    yield hub
    await hub.close()


@pytest.fixture
async def server(hub: Hub) -> AsyncIterator[RetroWebServer]:
    async with serving(
        command=env_app_command(), seats=hub, pages=HubPages(hub), default_page="auto"
    ) as running:
        yield running


def browser(**headers: str) -> aiohttp.ClientSession:
    """A browser of its own: its own cookie jar (127.0.0.1 needs the unsafe jar)."""
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"User-Agent": LAPTOP_AGENT, **headers}
    )


async def joined(session: aiohttp.ClientSession, url: str) -> None:
    """Open a join link: the browser now holds its cookies."""
    async with session.get(url, allow_redirects=False) as response:
        assert response.status == 303


async def open_page(
    session: aiohttp.ClientSession, server: RetroWebServer
) -> aiohttp.ClientWebSocketResponse:
    return await session.ws_connect(
        f"{server.public_url}/simple-ws", headers={"Origin": server.public_url}
    )


async def answer(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    """The next message of `kind` (views arrive in between)."""
    async with asyncio.timeout(10):
        while True:
            message = await ws.receive()
            assert message.type == aiohttp.WSMsgType.TEXT, message
            data: dict[str, Any] = json.loads(message.data)
            if data["t"] == kind:
                return data


async def test_without_a_join_cookie_the_simple_socket_answers_403_and_opens_nothing(
    server: RetroWebServer, hub: Hub
) -> None:
    before = len(hub.connections)
    forged = {"retro_tui_grant": "participant.abc", "retro_tui_identity": "x" * 43}
    for cookies in ({}, forged):
        async with aiohttp.ClientSession(cookies=cookies) as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await open_page(session, server)
            assert refused.value.status == 403
            async with session.get(f"{server.public_url}/page/simple") as response:
                assert response.status == 403
    assert len(hub.connections) == before


async def test_a_page_of_another_site_cannot_open_the_simple_socket(
    server: RetroWebServer, hub: Hub
) -> None:
    before = len(hub.connections)
    async with browser() as session:
        await joined(session, server.participant_url)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(
                f"{server.public_url}/simple-ws", headers={"Origin": "http://evil.invalid"}
            )
        assert refused.value.status == 403
    assert len(hub.connections) == before


async def test_malformed_and_huge_messages_are_refused_with_a_reason_and_the_page_stays(
    server: RetroWebServer, hub: Hub
) -> None:
    hostile = [
        "not json",
        "[1, 2]",
        '{"t": "cmd", "id": "seven", "cmd": {"name": "add_card"}}',
        '{"t": "launch"}',
        "[" * 100_000 + "]" * 100_000,  # deep nesting, and past the size bound
        json.dumps({"t": "join", "name": "x" * 40_000}),
    ]
    async with browser() as session:
        await joined(session, server.participant_url)
        ws = await open_page(session, server)
        for text in hostile:
            await ws.send_str(text)
            refusal = await answer(ws, "refused")
            assert refusal["reason"].endswith("."), refusal
        await ws.send_bytes(b"\x00\xff")
        assert "text" in (await answer(ws, "refused"))["reason"]
        await ws.send_str(json.dumps({"t": "cmd", "id": 1, "cmd": {"name": "vote", "x": 1}}))
        assert "unknown field" in (await answer(ws, "nack"))["reason"]
        await ws.send_str(json.dumps({"t": "join", "name": "Ann"}))
        you = (await answer(ws, "joined"))["you"]
        card = {"name": "add_card", "column": "good", "text": "[red]still[/] <i>here</i>"}
        await ws.send_str(json.dumps({"t": "cmd", "id": 2, "cmd": card}))
        assert (await answer(ws, "ack"))["id"] == 2
        # After the first view line the page is sent patches: only what changed, whole.
        patch = await answer(ws, "patch")
        assert [x["text"] for x in patch["session"]["cards"]] == ["[red]still[/] <i>here</i>"]
        assert [x["author"] for x in patch["session"]["cards"]] == [you]
        await ws.close()


async def test_a_page_that_floods_the_hub_is_slowed_down_not_disconnected(
    server: RetroWebServer, hub: Hub
) -> None:
    async with browser() as session:
        await joined(session, server.participant_url)
        ws = await open_page(session, server)
        await ws.send_str(json.dumps({"t": "join", "name": "Flo"}))
        await answer(ws, "joined")
        mark = {"name": "mark_done", "done": True}
        for ident in range(1, 81):
            await ws.send_str(json.dumps({"t": "cmd", "id": ident, "cmd": mark}))
        replies = [await answer_of(ws) for _ in range(80)]
        slowed = [r for r in replies if r["t"] == "nack" and "wait a moment" in r["reason"]]
        assert slowed and not ws.closed
        await ws.close()


async def answer_of(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """The next ack or nack."""
    async with asyncio.timeout(10):
        while True:
            data: dict[str, Any] = json.loads((await ws.receive()).data)
            if data["t"] in ("ack", "nack"):
                return data


async def test_phones_get_the_simple_page_and_each_page_offers_the_other(
    server: RetroWebServer,
) -> None:
    async def page_of(session: aiohttp.ClientSession) -> str:
        async with session.get(f"{server.public_url}/") as response:
            assert response.status == 200
            body = await response.text()
            policy = response.headers["Content-Security-Policy"]
        if "simple/app.js" in body:
            assert "'unsafe-inline'" not in policy and "script-src 'self';" in policy
            assert 'href="page/terminal"' in body
            return "simple"
        assert "static/js/textual.js" in body and 'href="page/simple"' in body
        return "terminal"

    async with browser(**{"User-Agent": PHONE_AGENT}) as phone:
        await joined(phone, server.participant_url)
        assert await page_of(phone) == "simple"
    async with browser(**{"Sec-CH-UA-Mobile": "?1"}) as hinted:
        await joined(hinted, server.participant_url)
        assert await page_of(hinted) == "simple"
    async with browser() as laptop:
        await joined(laptop, server.participant_url)
        assert await page_of(laptop) == "terminal"
        async with laptop.get(f"{server.public_url}/page/simple") as switched:
            assert switched.status == 200 and "simple/app.js" in await switched.text()
        assert await page_of(laptop) == "simple"
        async with laptop.get(f"{server.public_url}/page/terminal"):
            pass
        assert await page_of(laptop) == "terminal"
        async with laptop.get(f"{server.public_url}/page/elsewhere") as unknown:
            assert unknown.status == 404


async def test_the_page_title_names_the_retro_and_escapes_it(hub: Hub) -> None:
    async with (
        serving(seats=hub, pages=HubPages(hub), default_page="simple", title="<b>Q3</b>") as srv,
        browser() as session,
    ):
        await joined(session, srv.participant_url)
        async with session.get(f"{srv.public_url}/") as response:
            body = await response.text()
        assert "<title>&lt;b&gt;Q3&lt;/b&gt;</title>" in body and "<b>Q3" not in body


async def test_new_links_close_every_open_simple_page(server: RetroWebServer, hub: Hub) -> None:
    async with browser() as session:
        await joined(session, server.participant_url)
        ws = await open_page(session, server)
        await ws.send_str(json.dumps({"t": "join", "name": "Ann"}))
        await answer(ws, "joined")
        await server.replace_tokens("new-participant-token", "new-facilitator-token")
        async with asyncio.timeout(10):
            while (await ws.receive()).type not in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                pass
        await wait_until(lambda: len(hub.online()) == 1)  # only the facilitator
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await open_page(session, server)


async def test_a_browser_holds_three_tabs_of_either_kind_and_no_more(
    server: RetroWebServer,
) -> None:
    async with browser() as session:
        await joined(session, server.participant_url)
        tabs = [await open_page(session, server) for _ in range(3)]
        fourth = await open_page(session, server)
        full = await answer(fourth, "full")
        assert "at most 3" in full["reason"]
        message = await fourth.receive()
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1013
        await tabs[0].close()
        await wait_until(lambda: server.participants_connected == 1)
        again = await open_page(session, server)
        assert (await answer(again, "view"))["t"] == "view"
        for tab in [*tabs[1:], again]:
            await tab.close()


async def test_the_page_option_of_host_and_serve_sets_what_the_link_opens() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    live = LiveSession(hub, HostOptions(port=0, page="simple"))
    await live.start()
    try:
        async with browser() as laptop:
            await joined(laptop, live.participant_url)
            async with laptop.get(live.participant_url.split("?")[0]) as response:
                assert "simple/app.js" in await response.text()
    finally:
        await live.stop()
        await hub.close()

"""Grouping from a simple page goes through the hub's rules like any other command: a
page may not group until the facilitator allows it, a forged id or an overlong title is
refused with a sentence, and what changed reaches the page as a patch of its view."""

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
from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.web import RetroWebServer
from tests.support import env_app_command, serving
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.support.page_views import page_views
from tests.web.test_web_simple import browser, joined, open_page


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    yield hub
    await hub.close()


@pytest.fixture
async def server(hub: Hub) -> AsyncIterator[RetroWebServer]:
    async with serving(
        command=env_app_command(), seats=hub, pages=HubPages(hub), default_page="simple"
    ) as running:
        yield running


class Page:
    """A simple page's socket that keeps every frame it received."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[str] = []

    async def next(self) -> dict[str, Any]:
        async with asyncio.timeout(10):
            message = await self.ws.receive()
        assert message.type == aiohttp.WSMsgType.TEXT, message
        self.frames.append(message.data)
        data: dict[str, Any] = json.loads(message.data)
        return data

    async def cmd(self, ident: int, **cmd: Any) -> dict[str, Any]:
        """Send a command; its ack or nack (views and patches are kept on the way)."""
        await self.ws.send_str(json.dumps({"t": "cmd", "id": ident, "cmd": cmd}))
        while (data := await self.next())["t"] not in ("ack", "nack"):
            pass
        return data

    async def until_view(self, holds: Callable[[dict[str, Any]], bool]) -> None:
        """Wait until the view the page holds (first line, patches merged) satisfies it."""
        while not ((views := page_views(self.frames)) and holds(views[-1])):
            await self.next()


async def test_a_page_groups_only_when_allowed_and_forged_or_overlong_input_is_refused(
    server: RetroWebServer, hub: Hub
) -> None:
    fac = LocalClient(hub, "host-board", Role.FACILITATOR)
    await fac.join("Fran")
    await fac.send(c.GoToPhase(phase="write"))
    async with browser() as session:
        await joined(session, server.participant_url)
        page = Page(await open_page(session, server))
        await page.ws.send_str(json.dumps({"t": "join", "name": "Gus"}))
        for text in ("Slow deploys", "Slow CI"):
            assert (await page.cmd(1, name="add_card", column="good", text=text))["t"] == "ack"
        await fac.send(c.NextPhase())
        first, second = (card.id for card in hub.session.cards)

        refused = await page.cmd(2, name="merge", source=first, target=second)
        assert refused == {
            "t": "nack",
            "id": 2,
            "reason": "Only the facilitator can group cards in this session.",
        }
        await fac.send(c.ChangeSettings(participants_may_group=True))
        forged = await page.cmd(3, name="merge", source=first, target="c-none")
        assert forged["t"] == "nack" and "no longer exists" in forged["reason"]
        merged = await page.cmd(4, name="merge", source=first, target=second)
        assert merged["t"] == "ack"
        topic = hub.session.topics[0].id
        long = await page.cmd(5, name="title_topic", topic=topic, title="x" * 10_000)
        assert long["t"] == "nack" and "at most" in long["reason"]
        markup = "[bold]Slow[/] <b>pipeline</b>"
        assert (await page.cmd(6, name="title_topic", topic=topic, title=markup))["t"] == "ack"
        assert hub.session.topics[0].title == markup

        # The page's own view, from its first line and the patches since: the topic, as typed.
        await page.until_view(
            lambda view: [t["title"] for t in view["session"]["topics"]] == [markup]
        )
        assert sum(json.loads(f)["t"] == "view" for f in page.frames) == 1  # then patches
        await page.ws.close()
    await fac.close()

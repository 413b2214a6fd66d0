"""Limits that bind one tab, not the crowd: typed input per message and per second, and
resize floods coalesced. Through a real RetroWebServer running `tests/apps/env_app.py`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import WSMsgType

from retro_tui.pacing import TokenBucket
from retro_tui.web import RetroWebServer
from retro_tui.web import relay as web_relay
from retro_tui.web.relay import BrowserRelay
from retro_tui.web.server import RetroAppService
from tests.support import serving
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow


@pytest.fixture
async def server() -> AsyncIterator[RetroWebServer]:
    async with serving() as running:
        yield running


async def test_a_message_of_typed_text_over_the_limit_is_dropped_and_the_tab_stays(
    server: RetroWebServer,
) -> None:
    async with TermClient(server.participant_url) as tab:
        await tab.wait_for_text("ROLE=participant")
        await tab.send_keys("x" * (web_relay.MAX_STDIN_MESSAGE + 1))
        await tab.send_keys("after")
        await tab.wait_for_text("ECHO=after")
        assert "x" not in tab.screen_text().split("ECHO=", 1)[1].split("\n", 1)[0]


async def test_typed_text_under_the_limit_goes_through(server: RetroWebServer) -> None:
    async with TermClient(server.participant_url) as tab:
        await tab.wait_for_text("ROLE=participant")
        await tab.send_keys("y" * 2000)
        await tab.wait_for_text("ECHO=yyyy", timeout=30)


async def test_a_flood_of_resizes_reaches_the_app_as_a_few_and_the_last_one_wins(
    server: RetroWebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[int, int]] = []
    real = RetroAppService.set_terminal_size

    async def counted(service: RetroAppService, width: int, height: int) -> None:
        told.append((width, height))
        await real(service, width, height)

    monkeypatch.setattr(RetroAppService, "set_terminal_size", counted)
    async with TermClient(server.participant_url) as tab:
        await tab.wait_for_text("SIZE=80x24")
        for n in range(500):
            size = {"width": 500, "height": 200} if n % 2 else {"width": 1, "height": 1}
            await tab.send(["resize", size])
        await tab.resize(90, 30)
        await tab.wait_for_text("SIZE=90x30", timeout=30)
    assert len(told) <= 20, f"{len(told)} of 502 resizes reached the app"
    assert told[-1] == (90, 30)


# --- pacing, on a fake clock --------------------------------------------------------------
@dataclass
class _Message:
    data: str
    type: WSMsgType = WSMsgType.TEXT


class _Page:
    """A websocket that has already received `texts`."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    async def __aiter__(self) -> AsyncIterator[_Message]:
        for text in self.texts:
            yield _Message(text)

    async def send_json(self, data: object) -> None:
        pass


class _App:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def send_bytes(self, data: bytes) -> bool:
        self.received.append(data)
        return True

    async def set_terminal_size(self, width: int, height: int) -> None:
        pass

    async def blur(self) -> None:
        pass

    async def focus(self) -> None:
        pass


async def test_a_tabs_typed_bytes_are_paced_to_the_rate_and_none_are_lost() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    chunk = "z" * web_relay.MAX_STDIN_MESSAGE
    page = _Page([json.dumps(["stdin", chunk])] * 10)
    app = _App()
    bucket = TokenBucket(
        web_relay.STDIN_BYTES_PER_SECOND, web_relay.STDIN_BURST, clock=lambda: now[0]
    )
    relay = BrowserRelay(page, app, bucket=bucket, sleep=sleep)  # type: ignore[arg-type]
    await relay.run()
    assert b"".join(app.received) == chunk.encode() * 10
    assert len(waits) == 8, "a burst of two full pastes is not slowed"
    expected = (10 * len(chunk) - web_relay.STDIN_BURST) / web_relay.STDIN_BYTES_PER_SECOND
    assert sum(waits) == pytest.approx(expected)
    await asyncio.sleep(0)

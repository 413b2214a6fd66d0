"""A terminal client that talks to a RetroWebServer exactly as textual-serve's page does.

It follows a join link (keeping the cookies), opens `/ws?width=W&height=H` with an
Origin header, sends the page's JSON messages (`["stdin", text]`, `["resize", {...}]`,
`["ping", text]`) and feeds binary frames, the app's terminal output, into a pyte
screen. Text frames are JSON meta messages (`["pong", …]`, `["open_url", …]`) and are
kept in `messages`. Lean on purpose: a benchmark runs a hundred of these at once.

    async with TermClient(server.participant_url) as client:
        await client.wait_for_text("ROLE=participant")
        await client.send_keys("hello")
        await client.wait_for_text("ECHO=hello")
"""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pyte


class JoinRefused(Exception):
    """The join link did not end on the page (the server said why in `text`)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"join refused with HTTP {status}: {text.strip()[:200]}")
        self.status = status
        self.text = text


class TermClient:
    """One browser tab, without the browser."""

    def __init__(
        self,
        join_url: str | None,
        *,
        server_url: str | None = None,
        width: int = 80,
        height: int = 24,
        origin: str | None = None,
    ) -> None:
        """`join_url` None means: present no token (to test refusals; give `server_url`)."""
        base = server_url or join_url
        if base is None:
            raise ValueError("Give a join_url or a server_url.")
        parts = urlsplit(base)
        self.join_url = join_url
        self.origin = origin if origin is not None else f"{parts.scheme}://{parts.netloc}"
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{ws_scheme}://{parts.netloc}/ws?width={width}&height={height}"
        self.screen = pyte.Screen(width, height)
        self.messages: list[Any] = []
        self.bytes_received = 0
        self.close_code: int | None = None
        self._stream = pyte.ByteStream(self.screen)
        self._session: aiohttp.ClientSession | None = None  # made on first use, in the loop
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._closed = asyncio.Event()

    async def __aenter__(self) -> TermClient:
        try:
            await self.connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies the server set (the browser would keep them HttpOnly)."""
        jar = self._http().cookie_jar
        return {cookie.key: cookie.value for cookie in jar}

    async def join(self) -> None:
        """Follow the join link like a browser: cookies kept, redirect followed."""
        if self.join_url is None:
            return
        async with self._http().get(self.join_url) as response:
            if response.status != 200:
                raise JoinRefused(response.status, await response.text())

    async def fetch(self, path: str) -> tuple[int, bytes]:
        """GET a path of the server with this tab's cookies (e.g. `/download/<key>`)."""
        base = urlsplit(self.origin)
        async with self._http().get(f"{base.scheme}://{base.netloc}{path}") as response:
            return response.status, await response.read()

    async def connect(self) -> None:
        """Join, open the websocket, then announce the size and ping, as the page does."""
        await self.join()
        self._ws = await self._http().ws_connect(self.ws_url, origin=self.origin)
        self._reader = asyncio.create_task(self._read())
        await self.resize(self.screen.columns, self.screen.lines)
        await self.send(["ping", "0"])

    async def close(self) -> None:
        """Close the websocket (the server then ends the app) and the HTTP session."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await self._reader
        if self._session is not None:
            await self._session.close()

    async def send(self, envelope: list[Any]) -> None:
        """Send one page message, e.g. `["focus"]`."""
        assert self._ws is not None, "connect() first"
        await self._ws.send_str(json.dumps(envelope))

    async def send_keys(self, text: str) -> None:
        """Type text (escape sequences allowed: "\\r" is Enter, "\\x1b[A" is Up)."""
        await self.send(["stdin", text])

    async def resize(self, width: int, height: int) -> None:
        """Resize the terminal, on our side and the app's."""
        self.screen.resize(height, width)
        await self.send(["resize", {"width": width, "height": height}])

    def screen_text(self) -> str:
        """The terminal as text, one line per row."""
        return "\n".join(self.screen.display)

    async def wait_for_text(self, text: str, timeout: float = 10.0) -> str:
        """Wait until `text` is on screen; return the screen text.

        Raises AssertionError, with the screen, on timeout or if the socket closes first.
        """
        try:
            async with asyncio.timeout(timeout):
                while text not in (screen := self.screen_text()):
                    if self._closed.is_set():
                        raise AssertionError(f"closed before {text!r} showed:\n{screen}")
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"{text!r} not shown in {timeout}s:\n{self.screen_text()}"
            ) from None
        return screen

    async def wait_closed(self, timeout: float = 10.0) -> int | None:
        """Wait for the server to close the socket; return the close code."""
        async with asyncio.timeout(timeout):
            await self._closed.wait()
        return self.close_code

    def _http(self) -> aiohttp.ClientSession:
        """This tab's HTTP session: its own cookie jar, so its own identity."""
        if self._session is None:
            # unsafe=True: keep cookies from IP-address hosts such as 127.0.0.1
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        return self._session

    async def _read(self) -> None:
        """Feed terminal output to pyte; keep meta messages; note the close."""
        assert self._ws is not None
        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.bytes_received += len(message.data)
                self._stream.feed(message.data)  # ByteStream decodes UTF-8 across frames
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.messages.append(json.loads(message.data))
            self._changed.set()
        self.close_code = self._ws.close_code
        self._closed.set()
        self._changed.set()

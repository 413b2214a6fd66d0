"""The simple participant page: plain HTML and a small script, no process per tab.

A terminal tab costs an app process (~43 MB) and redraws the board on the host's cores;
it is also unreadable to a screen reader and fragile on phone keyboards. This page is
served behind the same link → cookie → seat rules as the terminal page, and talks to
the hub from inside the web server through a declared port (`PageDoor`): one websocket
per tab carries the hub's own view line for that seat, verbatim (then patches of it),
and the page's commands, answered with the hub's ack or refusal sentence. Nothing
private is computed here: the hub has already redacted the view for the seat.

Page protocol (JSON text frames):
page → server: {"t": "join", "name"} · {"t": "cmd", "id": int, "cmd": {...}} · {"t": "notes"}
server → page: the hub's {"t": "view", ...} line, then {"t": "patch", "view": {...},
               "session": {...}}: the members that changed, whole · {"t": "joined", "you"} ·
               {"t": "join_refused", "reason"} · {"t": "ack", "id"} ·
               {"t": "nack", "id", "reason"} · {"t": "notes", "name", "text"} ·
               {"t": "refused", "reason"} (a malformed message; the page stays open)
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, get_args

from aiohttp import WSCloseCode, WSMsgType, web

from retro_tui.domain.commands import Command, command_from_wire
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role as SeatRole

if TYPE_CHECKING:
    from retro_tui.web.server import RetroWebServer, Visitor

PageChoice = Literal["simple", "terminal", "auto"]
PAGE_CHOICES: Final[tuple[PageChoice, ...]] = get_args(PageChoice)
PAGE_COOKIE: Final = "retro_tui_page"
"""The browser's own choice between the two pages (not a secret)."""

STATIC_SIMPLE: Final = Path(__file__).parent / "static_simple"
SOCKET_PATH: Final = "/simple-ws"
MAX_PAGE_MESSAGE: Final = 32 * 1024
"""A page message: a card is 500 characters and notes 4,000; anything far longer is refused
with a reason (the socket stays open). Past `MAX_FRAME` aiohttp closes the socket."""
MAX_FRAME: Final = 1024 * 1024

_SIMPLE_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class PageClient(Protocol):
    """One simple page's seat at the hub (what `LocalClient` offers, plus the wire line)."""

    async def join(self, name: str) -> str:
        """Take a seat under `name`; raises Refused with the hub's sentence."""
        ...

    async def send(self, command: Command) -> None:
        """Run a command at the hub; returns once durable, raises Refused."""
        ...

    async def next_line(self) -> bytes:
        """Wait until this seat's view changes; return the hub's view line for it.
        Raises ConnectionError when the seat is gone."""
        ...

    def notes(self) -> tuple[str, str]:
        """The Markdown notes of what this seat may see: (file name, text). Raises
        Refused, with a sentence, when asked for too often."""
        ...

    async def close(self) -> None: ...


class PageDoor(Protocol):
    """What the web server asks of the hub to open a simple page's seat."""

    def open_page(self, identity: str, role: SeatRole) -> PageClient:
        """A client of the hub for one browser identity and role."""
        ...


def is_mobile(request: web.Request) -> bool:
    """A phone or tablet, as the browser says (client hint first, then the user agent)."""
    hint = request.headers.get("Sec-CH-UA-Mobile")
    if hint is not None:
        return hint.strip() == "?1"
    agent = request.headers.get("User-Agent", "")
    return any(word in agent for word in ("Mobi", "Android", "iPhone", "iPad"))


def chosen_page(request: web.Request, default: PageChoice) -> Literal["simple", "terminal"]:
    """Which page a browser gets: its own choice, else the server's default (auto: phones
    get the simple page)."""
    own = request.cookies.get(PAGE_COOKIE)
    if own in ("simple", "terminal"):
        return "simple" if own == "simple" else "terminal"
    if default == "auto":
        return "simple" if is_mobile(request) else "terminal"
    return default


def simple_page(server: RetroWebServer) -> web.Response:
    """Render the simple page (its script and style are files of this server)."""
    template = server.page_template("simple")
    body = template.substitute(title=html.escape(server.title))
    response = web.Response(text=body, content_type="text/html", charset="utf-8")
    response.headers.update(
        {
            "Cache-Control": "no-store",
            "Content-Security-Policy": _SIMPLE_POLICY,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        }
    )
    return response


def routes(server: RetroWebServer) -> list[web.AbstractRouteDef]:
    """The simple page's routes: its socket, the page switch, and its static files."""

    async def choose(request: web.Request) -> web.StreamResponse:
        """Remember this browser's choice of page, then show it."""
        if server.visitor_of(request) is None:
            return web.Response(text=server.invalid_link, status=403)
        kind = request.match_info["kind"]
        if kind not in ("simple", "terminal"):
            return web.Response(text="There is no such page.", status=404)
        headers = {"Location": "../", "Cache-Control": "no-store"}
        response = web.Response(status=303, headers=headers)
        response.set_cookie(PAGE_COOKIE, kind, max_age=365 * 24 * 3600, path="/", samesite="Strict")
        return response

    async def socket(request: web.Request) -> web.StreamResponse:
        return await serve_page_socket(server, request)

    return [
        web.get("/page/{kind}", choose, name="choose-page"),
        web.get(SOCKET_PATH, socket, name="simple-websocket"),
        web.static("/simple", STATIC_SIMPLE, name="simple-static"),
    ]


async def serve_page_socket(server: RetroWebServer, request: web.Request) -> web.StreamResponse:
    """One simple page's live connection, under the same cookie, origin and cap rules as a
    terminal tab; nothing is opened at the hub for a refused one."""
    visitor = server.visitor_of(request)
    if visitor is None:
        return web.Response(text=server.invalid_link, status=403)
    if not server.origin_allowed(request):
        return web.Response(text=server.foreign_origin, status=403)
    door = server.pages
    if door is None:
        return web.Response(text="This server has no simple page.", status=404)
    websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_FRAME)
    place = server.hold_place(visitor, server.address_of(request))
    await websocket.prepare(request)
    if isinstance(place, str):
        await _send(websocket, {"t": "full", "reason": " ".join(place.split())})
        await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"No room for this tab.")
        return websocket
    try:
        if server.visitor_of(request) != visitor:  # new links were made during the handshake
            await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=b"Join again.")
            return websocket
        await _run_page(server, door, visitor, websocket)
    finally:
        place()
    return websocket


async def _run_page(
    server: RetroWebServer, door: PageDoor, visitor: Visitor, websocket: web.WebSocketResponse
) -> None:
    client = door.open_page(visitor.identity, SeatRole(visitor.role))
    views = asyncio.create_task(_send_views(client, websocket))
    close_when_gone = server.track_page(visitor.identity, websocket)
    try:
        await _read_page(client, websocket)
    finally:
        close_when_gone()
        views.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await views
        await client.close()
        await websocket.close()


async def _send_views(client: PageClient, websocket: web.WebSocketResponse) -> None:
    """Send the seat's view line after every change it can see."""
    with contextlib.suppress(ConnectionError):
        while True:
            line = await client.next_line()
            # The hub's UTF-8 bytes as they are: a text frame, not decoded and re-encoded
            # once per page (at 300 pages a view is sent 300 times per change).
            await websocket.send_frame(line.rstrip(b"\n"), WSMsgType.TEXT)
    await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"The retro ended this seat.")


async def _read_page(client: PageClient, websocket: web.WebSocketResponse) -> None:
    """Answer the page's messages one at a time (the hub makes each durable first)."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            await _send(websocket, {"t": "refused", "reason": "The page sends text messages only."})
            continue
        answer = await _answer(client, message.data)
        await _send(websocket, answer)


async def _answer(client: PageClient, text: str) -> dict[str, Any]:
    """The reply to one page message; a malformed one gets a reason, never a hang-up."""
    if len(text) > MAX_PAGE_MESSAGE:
        return _refused(f"A message may hold at most {MAX_PAGE_MESSAGE // 1024} KB.")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        return _refused("The message was not valid JSON.")
    if not isinstance(message, dict):
        return _refused("A message must be an object with a type 't'.")
    kind = message.get("t")
    if kind == "join":
        name = message.get("name")
        if not isinstance(name, str):
            return {"t": "join_refused", "reason": "Type a name to join."}
        try:
            return {"t": "joined", "you": await client.join(name)}
        except Refused as refusal:
            return {"t": "join_refused", "reason": refusal.reason}
    if kind == "cmd":
        ident = message.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool):
            return _refused("A command needs an integer id.")
        try:
            await client.send(command_from_wire(message.get("cmd")))
        except Refused as refusal:
            return {"t": "nack", "id": ident, "reason": refusal.reason}
        return {"t": "ack", "id": ident}
    if kind == "notes":
        try:
            name, notes = client.notes()
        except Refused as refusal:  # asked for in a loop: each copy costs the shared loop
            return _refused(refusal.reason)
        return {"t": "notes", "name": name, "text": notes}
    return _refused(f"Unknown message type {str(kind)[:30]!r}.")


def _refused(reason: str) -> dict[str, Any]:
    return {"t": "refused", "reason": reason}


async def _send(websocket: web.WebSocketResponse, message: dict[str, Any]) -> None:
    with contextlib.suppress(ConnectionError):
        await websocket.send_str(json.dumps(message, ensure_ascii=False))

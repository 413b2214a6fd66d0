"""The web face of a retro: textual-serve's `Server`, behind join links and cookies.

textual-serve starts one app process per websocket and tells it nothing but the
terminal size. This subclass decides who may connect (the join token is swapped for an
HttpOnly cookie; a refusal spawns nothing), caps participants, and hands each spawned
app its role and a stable browser identity through environment variables.

Beside it, as textual-serve splits its own server from its app service:
`app_service` runs and stops a tab's process, `links` holds the join links and cookie
names, `wrong_links` slows guessers, and `responses` builds the never-cached pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
import string
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final, Protocol

import textual_serve
from aiohttp import WSCloseCode, web
from textual_serve.server import Server

from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.tab_env import IDENTITY_ENV, NICENESS_ENV, ROLE_ENV
from retro_tui.web import simple
from retro_tui.web.app_service import (
    CLEAR_SCREEN,
    STOP_GRACE,
    RetroAppService,
    _end_session,
)
from retro_tui.web.connections import REQUEST_TIMEOUT, ConnectionGuard, GuardedTCPSite
from retro_tui.web.links import (
    COOKIE_MAX_AGE,
    GRANT_COOKIE,
    IDENTITY_COOKIE,
    JOIN_PARAMETER,
    _as_role,
    _authority,
    _url_for,
    join_url,
)
from retro_tui.web.make_room import EVICTED, JoinQueue
from retro_tui.web.relay import MAX_COLUMNS, MAX_ROWS, BrowserRelay, clamp
from retro_tui.web.responses import (
    _NOTICE_POLICY,
    _PAGE_POLICY,
    _html,
    _plain,
    _read_template,
    _see_other_here,
)
from retro_tui.web.simple import PageChoice, PageDoor
from retro_tui.web.tab_priority import Rebalancer
from retro_tui.web.tokens import grant_role, is_identity, make_grant, new_identity, tokens_equal
from retro_tui.web.wrong_links import (
    WRONG_LINK_WINDOW,
    WRONG_LINKS_PER_WINDOW,
    WrongLinkLimiter,
    _address_of,
)

__all__ = [
    "COOKIE_MAX_AGE",
    "GRANT_COOKIE",
    "IDENTITY_COOKIE",
    "JOIN_PARAMETER",
    "STOP_GRACE",
    "TABS_PER_BROWSER",
    "WRONG_LINKS_PER_WINDOW",
    "WRONG_LINK_WINDOW",
    "RetroAppService",
    "RetroWebServer",
    "SeatKeeper",
    "Visitor",
    "WrongLinkLimiter",
    "join_url",
    "tokens_equal",
]

log = logging.getLogger("retro_tui.web")

MAX_MESSAGE_BYTES: Final = 1024 * 1024
INVALID_LINK: Final = "This retro link is not valid. Ask the facilitator for a new one."
FOREIGN_ORIGIN: Final = "This retro cannot be joined from another site."
RETRO_FULL: Final = (
    "This retro is full: it has room for {cap} participants and all are taken.\r\n"
    "Ask the facilitator to make room, then reload this page.\r\n"
)
TOO_MANY_GUESSES: Final = (
    "Too many wrong retro links came from your network. Check the link you were given; "
    "a right link always works. Ask the facilitator for it if yours is old."
)
TOO_MANY_TABS: Final = (
    "Too many retro tabs are open from {who}: at most {cap} at once.\r\n"
    "Close one of them, then reload this page.\r\n"
)
MAX_FACILITATOR_TABS: Final = 5
"""Facilitator screens at once; participants have their own cap (`max_participants`)."""
TABS_PER_BROWSER: Final = 3
"""Tabs one participant's browser may hold at once: a spare tab or a phone is fine, but
one cookie must not take every place (the cap counts people, not websockets)."""

TEMPLATES: Final = Path(__file__).parent / "templates"
STATICS: Final = Path(textual_serve.__file__).parent / "static"

_NO_ENV: Final[Mapping[str, str]] = MappingProxyType({})


class SeatKeeper(Protocol):
    """What the web server asks of the session's hub about seats."""

    async def rekey(self, old_identity: str, new_identity: str) -> bool:
        """Move the seat of one browser identity to another; tell whether there was one.
        Raises Refused (the browser keeps its cookies) when a seat moves again and again."""
        ...

    def leave(self, identity: str) -> None:
        """The browser closed its last tab: it is no longer here, whatever its apps do."""
        ...

    def admits(self, identity: str) -> str | None:
        """Why a participant browser cannot take part now (joining locked, no seat)."""
        ...

    def has_seat(self, identity: str) -> bool:
        """Whether this browser identity has a seat (else its tabs are on the join screen)."""
        ...


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who a request comes from, as proven by its cookies."""

    role: Role
    identity: str


class RetroWebServer(Server):
    """Serve the retro app to browsers that hold a join link, one process per tab."""

    def __init__(
        self,
        *,
        command: str,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        participant_token: str,
        facilitator_token: str,
        max_participants: int = 50,
        extra_env: Mapping[str, str] = _NO_ENV,
        title: str = "retro-tui",
        max_facilitators: int = MAX_FACILITATOR_TABS,
        max_per_address: int | None = None,
        seats: SeatKeeper | None = None,
        previous_tokens: Mapping[Role, str] | None = None,
        pages: PageDoor | None = None,
        default_page: PageChoice = "terminal",
    ) -> None:
        """`max_per_address` caps the websockets one client address may hold at once
        (off by default: a whole office may share one address)."""
        if not participant_token or not facilitator_token:
            raise ValueError("Both join tokens must be non-empty.")
        if tokens_equal(participant_token, facilitator_token):
            raise ValueError("The participant and facilitator tokens must differ.")
        if max_participants < 0:
            raise ValueError("max_participants cannot be negative.")
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=public_url,
            statics_path=STATICS,
            templates_path=TEMPLATES,
        )
        self.public_url: str = (public_url or _url_for(host, port)).rstrip("/")
        self.max_participants = max_participants
        self.max_facilitators = max_facilitators
        self.max_per_address = max_per_address
        self.wrong_links = WrongLinkLimiter()
        self.request_timeout = REQUEST_TIMEOUT
        self.connections = ConnectionGuard()
        self._per_address: Counter[str] = Counter()
        self.extra_env: Mapping[str, str] = dict(extra_env)
        self._public_url_given = public_url is not None
        self._tokens: dict[Role, str] = {
            Role.PARTICIPANT: participant_token,
            Role.FACILITATOR: facilitator_token,
        }
        self.seats = seats
        self.pages = pages
        """Opens simple pages' seats at the hub; without it only the terminal page is served."""
        self.default_page: PageChoice = default_page
        self._simple_pages: dict[web.WebSocketResponse, str] = {}  # socket → browser identity
        self._previous_tokens: Mapping[Role, str] = dict(previous_tokens or {})
        """The links before the last change: their cookies open nothing, but a browser
        that proves one with a new link keeps its seat instead of losing it."""
        self._tabs: dict[Role, Counter[str]] = {role: Counter() for role in Role}
        self.join_queue = JoinQueue()  # who gives way when the room is full (make_room.py)
        self._evictions: set[asyncio.Task[None]] = set()
        self._sessions: dict[RetroAppService, web.WebSocketResponse] = {}
        self._priorities = Rebalancer()  # the tabs' share of the CPU as the room grows
        self._owners: dict[RetroAppService, str] = {}  # the browser identity of each tab
        self._runner: web.AppRunner | None = None
        self._templates = {path.stem: _read_template(path) for path in TEMPLATES.glob("*.html")}

    @property
    def participant_url(self) -> str:
        """The link to hand to participants."""
        return self._join_url(Role.PARTICIPANT)

    @property
    def facilitator_url(self) -> str:
        """The link that makes a browser a facilitator."""
        return self._join_url(Role.FACILITATOR)

    @property
    def participants_connected(self) -> int:
        """How many participants' browsers have a tab open now (the ones the cap counts)."""
        return len(self._tabs[Role.PARTICIPANT])

    @property
    def facilitators_connected(self) -> int:
        """How many facilitator websockets are open now."""
        return self._tabs[Role.FACILITATOR].total()

    async def replace_tokens(self, participant_token: str, facilitator_token: str) -> None:
        """Switch to new join links: every cookie made from the old ones stops working,
        and every open tab is closed (a reload needs one of the new links)."""
        if not participant_token or tokens_equal(participant_token, facilitator_token):
            raise ValueError("The join tokens must be non-empty and differ.")
        self._previous_tokens = self._tokens
        self._tokens = {Role.PARTICIPANT: participant_token, Role.FACILITATOR: facilitator_token}
        sessions = list(self._sessions.items())
        await asyncio.gather(*(_end_session(s, ws) for s, ws in sessions), return_exceptions=True)
        await self._close_pages(lambda identity: True)

    async def start(self) -> None:
        """Listen on the running loop without blocking it, so the hub can share the loop.

        With port 0 the system picks a free port; `port` and `public_url` then tell it.
        """
        if self._runner is not None:
            raise RuntimeError("The web server is already running.")
        runner = web.AppRunner(
            await self._make_app(),
            access_log=None,
            logger=log.getChild("http"),  # malformed requests: the host decides what to show
            shutdown_timeout=STOP_GRACE,
            keepalive_timeout=self.request_timeout,  # also bounds a half-sent request
        )
        await runner.setup()
        try:
            await GuardedTCPSite(runner, self.host, self.port, self.connections).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        if not self._public_url_given:
            self.public_url = _url_for(self.host, self.port)
        log.info("Serving %r on %s", self.command, self.public_url)

    async def stop(self) -> None:
        """Stop listening, close every websocket and end every app process."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()  # stops the listener, then calls on_shutdown

    def initialize_logging(self) -> None:
        """Leave logging to the host program (textual-serve would install a Rich handler)."""

    async def on_shutdown(self, app: web.Application) -> None:
        """End every session; aiohttp would otherwise wait for websockets to time out."""
        sessions = list(self._sessions.items())
        await asyncio.gather(*(_end_session(s, ws) for s, ws in sessions), return_exceptions=True)
        await self._close_pages(lambda identity: True)

    async def _make_app(self) -> web.Application:
        """Build the aiohttp app: our guarded routes and textual-serve's static files."""
        app = web.Application(client_max_size=64 * 1024, middlewares=[self.connections.mark_busy])
        app.add_routes(
            [
                web.get("/", self._serve_index, name="index"),
                web.get("/ws", self._serve_websocket, name="websocket"),
                web.get("/download/{key}", self._serve_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
                *simple.routes(self),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def _serve_index(self, request: web.Request) -> web.StreamResponse:
        """Swap a join token for cookies, or serve the page to a browser that has them."""
        visitor = self._visitor(request)
        token = request.query.get(JOIN_PARAMETER)
        if token is not None:
            # The token first: a right link always gets in, however many wrong ones came
            # from the same address (behind a tunnel that is everyone). With 192 random
            # bits, answering a right token while an address is slowed tells a guesser
            # nothing useful; the limit only makes wrong tokens wait.
            if (role := self._role_for(token)) is not None:
                proven = visitor or self._visitor(request, self._previous_tokens)
                return await self._admit(request, role, proven)
            if visitor is None:  # a stale link in a browser already let in is no guess
                address = _address_of(request)
                if self.wrong_links.blocked(address):
                    response = self._notice(TOO_MANY_GUESSES, status=429)
                    response.headers["Retry-After"] = str(int(WRONG_LINK_WINDOW))
                    return response
                self.wrong_links.record(address)
        if visitor is None:
            return self._notice(INVALID_LINK, status=403)
        if request.query_string:
            return _see_other_here()  # keep stray tokens and textual.js switches off the page
        if self.pages is not None and simple.chosen_page(request, self.default_page) == "simple":
            return simple.simple_page(self)
        return self._page()

    async def _serve_websocket(self, request: web.Request) -> web.StreamResponse:
        """Run one app process for one browser tab, if the tab may have one."""
        visitor = self._visitor(request)
        if visitor is None:
            return _plain(INVALID_LINK, status=403)
        if not self._origin_allowed(request):
            return _plain(FOREIGN_ORIGIN, status=403)
        websocket = web.WebSocketResponse(
            heartbeat=15, timeout=STOP_GRACE, max_msg_size=MAX_MESSAGE_BYTES
        )
        address = _address_of(request)
        locked_out = (
            self.seats.admits(visitor.identity)
            if self.seats is not None and visitor.role is Role.PARTICIPANT
            else None
        )
        place = locked_out or self.hold_place(visitor, address)
        if isinstance(place, str):
            await websocket.prepare(request)
            await _refuse(websocket, place)
            return websocket
        try:
            await websocket.prepare(request)
            if self._visitor(request) != visitor:  # new links were made during the handshake
                await _refuse(websocket, INVALID_LINK)
                return websocket
            await self._run_session(request, websocket, visitor, place)
        finally:
            place()
        return websocket

    def hold_place(self, visitor: Visitor, address: str) -> Callable[[], None] | str:
        """Count one more tab of `visitor` against the caps (terminal or simple page), and
        return what frees its place (safe to call twice); or say why there is no room."""
        if self._room_is_full_for(visitor):
            self._make_room_for(visitor)
        refusal = self._over_a_cap(visitor, address)
        if refusal:
            return refusal
        # Counted before any await: no race past a cap.
        tabs = self._tabs[visitor.role]
        tabs[visitor.identity] += 1
        self._per_address[address] += 1
        released = False

        def release() -> None:
            """Free the tab's place the moment the browser is gone, not once its app ends."""
            nonlocal released
            if released:
                return
            released = True
            tabs[visitor.identity] -= 1
            if tabs[visitor.identity] <= 0:
                del tabs[visitor.identity]
                seats = self.seats  # a join screen (no seat) has no presence to end
                if seats and visitor.role == Role.PARTICIPANT and seats.has_seat(visitor.identity):
                    seats.leave(visitor.identity)
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]
            forget()

        forget = (
            self.join_queue.holds(visitor.identity, release)
            if visitor.role is Role.PARTICIPANT
            else _nothing
        )
        return release

    def _room_is_full_for(self, visitor: Visitor) -> bool:
        tabs = self._tabs[Role.PARTICIPANT]
        return (
            visitor.role is Role.PARTICIPANT
            and not tabs[visitor.identity]
            and len(tabs) >= self.max_participants
        )

    def _make_room_for(self, visitor: Visitor) -> None:
        """Free the place of a browser still on the join screen, if one should give way
        (make_room.py says which); its tabs are told why and closed."""
        if self.seats is None:
            return
        seated = self.seats.has_seat(visitor.identity)
        gone = self.join_queue.give_way(self.seats.has_seat, for_a_seat=seated)
        if gone is not None:
            task = asyncio.ensure_future(self._close_tabs_of(gone, EVICTED))
            self._evictions.add(task)
            task.add_done_callback(self._evictions.discard)

    def _over_a_cap(self, visitor: Visitor, address: str) -> str:
        """Say why one more websocket would pass a cap, or return ''."""
        tabs = self._tabs[visitor.role]
        if visitor.role == Role.PARTICIPANT:
            if tabs[visitor.identity] >= TABS_PER_BROWSER:
                return TOO_MANY_TABS.format(who="this browser", cap=TABS_PER_BROWSER)
            if not tabs[visitor.identity] and len(tabs) >= self.max_participants:
                return RETRO_FULL.format(cap=self.max_participants)
        if (
            visitor.role == Role.FACILITATOR
            and self.facilitators_connected >= self.max_facilitators
        ):
            return TOO_MANY_TABS.format(who="facilitators", cap=self.max_facilitators)
        if self.max_per_address is not None and self._per_address[address] >= self.max_per_address:
            return TOO_MANY_TABS.format(who="your network", cap=self.max_per_address)
        return ""

    async def _serve_download(self, request: web.Request) -> web.StreamResponse:
        """Hand out a file an app delivers, to holders of a join cookie only."""
        if self._visitor(request) is None:
            return _plain(INVALID_LINK, status=403)
        response: web.StreamResponse = await self.handle_download(request)
        return response

    async def _run_session(
        self,
        request: web.Request,
        websocket: web.WebSocketResponse,
        visitor: Visitor,
        release: Callable[[], None],
    ) -> None:
        """Spawn the app, relay the browser to it until either side leaves, then end it."""
        niceness = self._priorities.next_niceness()
        service = RetroAppService(
            self.command,
            environment={
                **self.extra_env,
                ROLE_ENV: visitor.role,
                IDENTITY_ENV: visitor.identity,
                NICENESS_ENV: str(niceness),
            },
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self._sessions[service] = websocket
        self._owners[service] = visitor.identity
        try:
            width = clamp(request.query.get("width"), 80, MAX_COLUMNS)
            height = clamp(request.query.get("height"), 24, MAX_ROWS)
            await service.start(width, height)
            if service.pid is not None:
                self._priorities.started(service.pid, niceness)
            await BrowserRelay(websocket, service).run()
        except ConnectionError:
            pass  # the browser went away: end the app below
        finally:
            release()
            await service.stop()
            if service.pid is not None:
                self._priorities.ended(service.pid)
            del self._sessions[service]
            del self._owners[service]

    async def _admit(
        self, request: web.Request, role: Role, visitor: Visitor | None
    ) -> web.Response:
        """Set the grant and identity cookies and send the browser to the bare page.

        A join link always mints a fresh identity, so an identity cookie planted in the
        browser (cookies ignore ports: any page on this host can set one) is never
        adopted. A browser that proves an identity with a valid grant keeps its seat:
        the hub moves the seat to the new identity, and the old one's tabs are closed.

        An HTTP redirect that follows a link from another site (a chat app) stays
        "cross-site", so the browser would withhold the SameSite=Strict cookies it
        has just stored; for those, a tiny page navigates on instead.
        """
        token = self._tokens[role]  # the link opened; new links made meanwhile cannot count
        identity = new_identity()
        if visitor is not None and self.seats is not None:
            try:
                await self.seats.rekey(visitor.identity, identity)
            except Refused as refusal:  # the link opened in a loop; its cookies still hold
                return self._notice(refusal.reason, status=429)
            await self._close_tabs_of(visitor.identity)
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            response = self._notice_page("joining", status=200)
        else:
            response = _see_other_here()
        secure = self.public_url.startswith("https:")
        grant = make_grant(token, role, identity)
        for name, value in ((GRANT_COOKIE, grant), (IDENTITY_COOKIE, identity)):
            response.set_cookie(
                name,
                value,
                max_age=COOKIE_MAX_AGE,
                path="/",
                httponly=True,
                samesite="Strict",
                secure=secure,
            )
        return response

    async def _close_tabs_of(self, identity: str, why: bytes = b"Join again.") -> None:
        """End every open tab of one browser identity, saying `why`."""
        tabs = [(s, ws) for s, ws in self._sessions.items() if self._owners.get(s) == identity]
        ending = (_end_session(s, ws, why) for s, ws in tabs)
        await asyncio.gather(*ending, return_exceptions=True)
        await self._close_pages(lambda owner: owner == identity, why)

    async def _close_pages(self, which: Callable[[str], bool], why: bytes = b"Join again.") -> None:
        """Close the simple pages of the browser identities `which` picks."""
        pages = [ws for ws, owner in self._simple_pages.items() if which(owner)]
        closing = (ws.close(code=WSCloseCode.GOING_AWAY, message=why) for ws in pages)
        await asyncio.gather(*closing, return_exceptions=True)

    # --- what the simple page (web/simple.py) shares with the terminal page -----------
    invalid_link: Final = INVALID_LINK
    foreign_origin: Final = FOREIGN_ORIGIN

    def visitor_of(self, request: web.Request) -> Visitor | None:
        """Who the request's cookies prove it is, under the current links, or None."""
        return self._visitor(request)

    def origin_allowed(self, request: web.Request) -> bool:
        """Tell whether a websocket comes from a page of this server."""
        return self._origin_allowed(request)

    def address_of(self, request: web.Request) -> str:
        """The client's address as the per-address cap counts it."""
        return _address_of(request)

    def page_template(self, name: str) -> string.Template:
        """One of the page templates (values are escaped by the caller)."""
        return self._templates[name]

    def track_page(self, identity: str, websocket: web.WebSocketResponse) -> Callable[[], None]:
        """Keep an open simple page, so new links or a moved seat close it; return what
        forgets it."""
        self._simple_pages[websocket] = identity

        def forget() -> None:
            self._simple_pages.pop(websocket, None)

        return forget

    def _visitor(
        self, request: web.Request, tokens: Mapping[Role, str] | None = None
    ) -> Visitor | None:
        """Return who the cookies prove this is (under `tokens`, default the current
        ones), or None."""
        tokens = self._tokens if tokens is None else tokens
        grant = request.cookies.get(GRANT_COOKIE, "")
        identity = request.cookies.get(IDENTITY_COOKIE, "")
        role = _as_role(grant_role(grant))
        if role is None or role not in tokens or not is_identity(identity):
            return None
        expected = make_grant(tokens[role], role, identity)
        return Visitor(role, identity) if tokens_equal(grant, expected) else None

    def _role_for(self, token: str) -> Role | None:
        """Return the role a presented join token opens, or None."""
        matches = [role for role in Role if tokens_equal(token, self._tokens[role])]
        return matches[0] if matches else None

    def _origin_allowed(self, request: web.Request) -> bool:
        """Refuse websockets opened by pages of other sites (a browser always sends Origin)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        own = {_authority(self.public_url), _authority(f"{request.scheme}://{request.host}")}
        presented = _authority(origin)
        return presented is not None and presented in own

    def _join_url(self, role: Role) -> str:
        """Return the link that admits a browser as `role`."""
        return join_url(self.public_url, self._tokens[role])

    def _page(self) -> web.Response:
        """Render the terminal page, allowing only this server's own resources."""
        nonce = secrets.token_urlsafe(16)
        switch = (
            '<nav class="switch-bar"><a class="switch" href="page/simple">'
            "Simple page (phones, screen readers)</a></nav>"
            if self.pages is not None
            else ""
        )
        body = self._templates["index"].substitute(
            title=html.escape(self.title), nonce=nonce, switch=switch
        )
        return _html(body, status=200, policy=_PAGE_POLICY.format(nonce=nonce))

    def _notice(self, message: str, *, status: int) -> web.Response:
        """Render a plain page with one sentence for a person."""
        return self._notice_page("refused", status=status, message=html.escape(message))

    def _notice_page(self, name: str, *, status: int, message: str = "") -> web.Response:
        """Render one of the script-free pages."""
        body = self._templates[name].substitute(title=html.escape(self.title), message=message)
        return _html(body, status=status, policy=_NOTICE_POLICY)


async def _refuse(websocket: web.WebSocketResponse, reason: str) -> None:
    """Say why on the page's terminal, then close with 1013 (try again later)."""
    with contextlib.suppress(ConnectionError):
        await websocket.send_bytes((CLEAR_SCREEN + reason).encode())
        await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"No room for this tab.")


def _nothing() -> None:
    """What a facilitator tab's place forgets in the join queue (it was never in it)."""

"""The hub: the one authority of a live session.

It runs every command through the domain rules, makes the result durable through the
store, and only then acknowledges it and tells every connected client. Commands that
arrive while a save is in flight are committed together by the next save, so a burst of
votes costs one write, and still no command is acknowledged before it is on disk.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Protocol

from retro_tui.clock import Clock, utc_now
from retro_tui.domain import rules
from retro_tui.domain.commands import Command
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role, Session
from retro_tui.domain.text import clean_name, name_key
from retro_tui.domain.views import BoardView, view_for
from retro_tui.hub.protocol import ViewEncoder

log = logging.getLogger(__name__)

DEFAULT_MAX_ONLINE = 50


class SessionSaver(Protocol):
    def save(self, session: Session) -> None: ...


@dataclass(eq=False)
class Connection:
    """One client's seat at the hub. Holds only the newest state, so a slow reader
    skips intermediate states instead of piling them up."""

    identity: str
    role: Role
    pid: str | None = None
    _hub: Hub | None = None
    _dirty: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False
    presenting: bool = False  # a screen-shared board: render the public view only

    def poke(self) -> None:
        self._dirty.set()

    async def changed(self) -> Hub:
        """Wait for the next change; return the hub to read the newest state from."""
        await self._dirty.wait()
        self._dirty.clear()
        if self.closed or self._hub is None:
            raise ConnectionError("disconnected from the session")
        return self._hub

    async def next_view(self) -> BoardView:
        """Wait for the next change and return this client's view of the newest state."""
        hub = await self.changed()
        return hub.view_for(self)

    def current_view(self) -> BoardView:
        assert self._hub is not None
        return self._hub.view_for(self)


def _viewer(conn: Connection) -> str | None:
    """Whose copy a seat sees: its participant's, or (presenting) the public one."""
    return None if conn.presenting else conn.pid


class Hub:
    """Owns one session: validates, applies, persists, broadcasts, tracks presence."""

    def __init__(
        self,
        store: SessionSaver,
        session: Session,
        *,
        clock: Clock = utc_now,
        max_online: int = DEFAULT_MAX_ONLINE,
    ) -> None:
        self.store = store
        self.session = session
        self.clock = clock
        self.max_online = max_online
        self.identities: dict[str, str] = {}  # identity (cookie) -> participant id
        self.connections: set[Connection] = set()
        self.saved_revision = session.revision
        self.problem = ""
        self._saved = asyncio.Condition()
        self._flusher: asyncio.Task[None] | None = None
        self.listeners: list[Callable[[Session], None]] = []
        self._online: frozenset[str] | None = None  # cached; reset when presence changes
        self.encoder = ViewEncoder()

    # --- presence ------------------------------------------------------------------
    def online(self) -> frozenset[str]:
        if self._online is None:
            self._online = frozenset(c.pid for c in self.connections if c.pid is not None)
        return self._online

    def view_for(self, conn: Connection) -> BoardView:
        return self._view_of(conn, self.session)

    def wire_view(self, conn: Connection) -> tuple[bytes, tuple[str, ...]]:
        """This client's view as a protocol line, and a fingerprint to skip resending it.

        The same view as `view_for`, encoded with the work shared between clients."""
        return self.encoder.encode(self.session, _viewer(conn), partial(self._view_of, conn))

    def _view_of(self, conn: Connection, session: Session) -> BoardView:
        problem = self.problem if conn.role is Role.FACILITATOR else ""
        return BoardView(
            session=view_for(session, _viewer(conn)),
            you=conn.pid or "",
            online=self.online(),
            problem=problem,
            presenting=conn.presenting,
        )

    def set_presenting(self, conn: Connection, presenting: bool) -> None:
        """Switch a seat between the person's own view and the shareable public view."""
        conn.presenting = presenting
        conn.poke()

    def attach(self, identity: str, role: Role = Role.PARTICIPANT) -> Connection:
        """Seat a client. A known identity (cookie) gets its participant straight back."""
        conn = Connection(identity=identity, role=role, _hub=self)
        conn.pid = self.identities.get(identity)
        self.connections.add(conn)
        self._online = None
        conn.poke()
        if conn.pid is not None:
            self._poke_all()
        return conn

    def detach(self, conn: Connection) -> None:
        conn.closed = True
        conn.poke()
        if conn in self.connections:
            self.connections.discard(conn)
            self._online = None
            self._poke_all()

    async def join(self, conn: Connection, name: object) -> str:
        """Give a seated client a participant: new, or an offline one reclaimed by name."""
        if conn.pid is not None:
            return conn.pid
        clean = clean_name(name)
        existing = next(
            (p for p in self.session.participants if name_key(p.name) == name_key(clean)), None
        )
        # A facilitator may sit at two screens: the shared board and a private seat.
        same_facilitator = (
            existing is not None and existing.is_facilitator and conn.role is Role.FACILITATOR
        )
        if existing is not None and existing.id in self.online() and not same_facilitator:
            raise Refused(f"{existing.name} is already here. Pick another name.")
        if existing is None and len(self.online()) >= self.max_online:
            raise Refused(f"This retro is full ({self.max_online} people online).")
        session, pid = rules.join(self.session, clean, conn.role, self.clock())
        conn.pid = pid
        self._online = None
        self.identities[conn.identity] = pid
        if session is not self.session:
            await self._commit(session)
        else:
            self._poke_all()
        return pid

    # --- commands ------------------------------------------------------------------
    async def submit(self, conn: Connection, command: Command) -> None:
        """Apply a command for this client; returns once the change is durable."""
        if conn.pid is None:
            raise Refused("Join the session with a name first.")
        session = rules.apply(self.session, conn.pid, command, self.clock())
        await self._commit(session)

    async def _commit(self, session: Session) -> None:
        self.session = session
        for listener in self.listeners:
            listener(session)
        await self.durable(session.revision)

    async def durable(self, revision: int) -> None:
        if self.saved_revision >= revision:
            return
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_loop())
        async with self._saved:
            await self._saved.wait_for(lambda: self.saved_revision >= revision)

    async def _flush_loop(self) -> None:
        delay = 0.2
        while self.saved_revision < self.session.revision:
            snapshot = self.session
            try:
                await asyncio.to_thread(self.store.save, snapshot)
            except Exception as error:  # the store says what went wrong, in a sentence
                self.problem = f"{error} Retrying; changes are kept in memory."
                log.warning("save failed: %s", error)
                self._poke_all()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            delay = 0.2
            self.saved_revision = snapshot.revision
            if self.problem:
                self.problem = ""
            async with self._saved:
                self._saved.notify_all()
            self._poke_all()

    def _poke_all(self) -> None:
        for conn in self.connections:
            conn.poke()

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
        for conn in list(self.connections):
            self.detach(conn)

    def now(self) -> datetime:
        return self.clock()

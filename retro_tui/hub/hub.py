"""The hub: the one authority of a live session.

It runs every command through the domain rules, makes the result durable through the
store, and only then acknowledges it and tells every connected client. Commands that
arrive while a save is in flight are committed together by the next save, so a burst of
votes costs one write, and still no command is acknowledged before it is on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Protocol

from retro_tui.clock import Clock, utc_now
from retro_tui.domain import rules
from retro_tui.domain.commands import Command, React
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role, Session
from retro_tui.domain.reactions import signed
from retro_tui.domain.views import BoardView, view_for
from retro_tui.hub.protocol import ViewEncoder, ViewPieces
from retro_tui.hub.quotas import RoomQuotas

log = logging.getLogger(__name__)

DEFAULT_MAX_ONLINE = 50
SEATS_PER_PLACE = 2
"""Seats a session may hold per place online: room for people who left and came back on
another laptop, but not for a link holder registering hundreds of names."""


def seat_of(identity: str) -> str:
    """The hash a participant's seat stores for a browser identity (never the secret)."""
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


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


_FACILITATOR_SEAT = "facilitator"
"""The facilitator's seat key: reached with the facilitator grant, never with a name."""


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
        self.connections: set[Connection] = set()
        self.saved_revision = session.revision
        self.problem = ""
        self._saved = asyncio.Condition()
        self._flusher: asyncio.Task[None] | None = None
        self.listeners: list[Callable[[Session], None]] = []
        self._online: frozenset[str] | None = None  # cached; reset when presence changes
        self.encoder = ViewEncoder()
        self.quotas = RoomQuotas(session, lambda: self.clock().timestamp())

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

    def wire_pieces(self, conn: Connection) -> ViewPieces:
        """This client's view line in pieces, for a client that is sent patches."""
        return self.encoder.pieces(self.session, _viewer(conn), partial(self._view_of, conn))

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
        """Seat a client. A browser whose seat is known (persisted) gets it straight back;
        a facilitator connection gets the facilitator's seat."""
        conn = Connection(identity=identity, role=role, _hub=self)
        conn.pid = self._seats().get(self._key(conn))
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
        """Give a seated client a participant: its seat, a released one, or a new one."""
        if conn.pid is not None:
            return conn.pid
        people_online = len(self.online())
        session, pid = rules.join(
            self.session,
            name,
            conn.role,
            self.clock(),
            seat=seat_of(conn.identity) if conn.role is Role.PARTICIPANT else "",
            max_seats=self.max_online * SEATS_PER_PLACE,
        )
        if pid not in self.online() and people_online >= self.max_online:
            raise Refused(f"This retro is full ({self.max_online} people online).")
        conn.pid = pid
        self._online = None
        if session is not self.session:
            await self._commit(session)
        else:
            self._poke_all()
        return pid

    async def rekey(self, old_identity: str, new_identity: str) -> bool:
        """Move the seat of one browser identity to another (a join link was used again,
        and the browser proved it held the old identity); the old one's tabs lose it.
        Tell whether there was a seat to move; Refused when it moves again and again."""
        pid = self._seats().get(seat_of(old_identity))
        if pid is not None:
            self.quotas.move_seat(pid)
        moved = rules.move_seat(self.session, seat_of(old_identity), seat_of(new_identity))
        if moved is self.session:
            return False
        await self._commit(moved)
        return True

    def admits(self, identity: str) -> str | None:
        """Why a participant browser with this identity cannot take part now (joining is
        locked and it has no seat to come back to), or None when it can."""
        return rules.LOCKED_OUT if rules.locked_out(self.session, seat_of(identity)) else None

    def has_seat(self, identity: str) -> bool:
        """Whether a participant browser with this identity has a seat to come back to."""
        return seat_of(identity) in self._seats()

    def leave(self, identity: str) -> None:
        """A browser closed its last tab: its participant connections stop counting as
        present now, not when their processes have finished quitting."""
        for conn in [c for c in self.connections if c.identity == identity]:
            if conn.role is Role.PARTICIPANT:
                self.detach(conn)

    def _key(self, conn: Connection) -> str:
        return _FACILITATOR_SEAT if conn.role is Role.FACILITATOR else seat_of(conn.identity)

    def _seats(self) -> dict[str, str]:
        """Which participant each seat key leads to: browser hashes, and the facilitator's."""
        seats = {p.seat: p.id for p in self.session.participants if p.seat and not p.is_facilitator}
        chair = next(iter(self.session.participants_with_role(Role.FACILITATOR)), None)
        if chair is not None:
            seats[_FACILITATOR_SEAT] = chair.id
        return seats

    def _reseat(self) -> None:
        """After people changed: every connection sits where its seat now leads (a
        released or removed seat sends its tabs back to the join screen)."""
        seats = self._seats()
        for conn in self.connections:
            pid = seats.get(self._key(conn))
            if pid != conn.pid:
                conn.pid = pid
                self._online = None

    # --- commands ------------------------------------------------------------------
    async def submit(self, conn: Connection, command: Command) -> None:
        """Apply a command for this client; returns once the change is durable."""
        if conn.pid is None:
            raise Refused("Join the session with a name first.")
        if isinstance(command, React):  # whose reaction: from the connection, never the client
            command = signed(command, conn.identity)
        self.quotas.admit(self.session, conn.pid, command)
        session = rules.apply(self.session, conn.pid, command, self.clock())
        self.quotas.count(self.session, session, conn.pid, command)
        await self._commit(session)

    async def _commit(self, session: Session) -> None:
        people_changed = session.participants is not self.session.participants
        self.session = session
        if people_changed:
            self._reseat()
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

    def online_identities(self) -> frozenset[str]:
        """The browser identities seated here now (what a participant cap counts)."""
        return frozenset(c.identity for c in self.connections if c.pid is not None)

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

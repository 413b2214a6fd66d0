"""Opening a session for a UI: pick, create or resume, and hand back a hub client.

The facilitator's terminal app starts here. A local launcher runs the hub in the same
process (solo retros and the host's own terminal); hosting adds the web and socket
servers to that same hub through `on_hub`.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from retro_tui.advisor import FolderAdvisor
from retro_tui.client import HubClient, LocalClient
from retro_tui.clock import Clock, utc_now
from retro_tui.domain import icebreakers, parking, rules
from retro_tui.domain.model import ActionItem, ActionStatus, ReviewDecision, Role, Session
from retro_tui.export import default_export_name, session_markdown
from retro_tui.hub.hub import Hub
from retro_tui.icebreaker_bank import load_bank
from retro_tui.store import SessionLock, SessionStore, StoreListing
from retro_tui.themes import FormatCatalog, load_formats

FACILITATOR_IDENTITY = "terminal-facilitator"
DEFAULT_TEAM = "Our team"


def default_facilitator_name() -> str:
    with contextlib.suppress(Exception):
        name = getpass.getuser()
        if name and name != "root":
            return name.capitalize()
    return "Facilitator"


def open_actions_of(session: Session | None) -> tuple[ActionItem, ...]:
    """Last retro's open items, as the next retro's review should see them: its own open
    actions (carried ones included) and any review item nobody decided on."""
    if session is None:
        return ()
    items = [a for a in session.actions if a.status is ActionStatus.OPEN]
    present = {a.id.split("~")[0] for a in items}
    for entry in session.review:
        if entry.decision is ReviewDecision.PENDING and entry.action.id not in present:
            items.append(entry.action)
    return tuple(items)


@dataclass
class LocalLauncher:
    """Creates and opens sessions in a sessions folder, with the hub in this process."""

    store: SessionStore
    catalog: FormatCatalog = field(default_factory=load_formats)
    clock: Clock = utc_now
    facilitator_name: str = field(default_factory=default_facilitator_name)
    on_hub: Callable[[Hub], Awaitable[None]] | None = None
    hub: Hub | None = None
    lock: SessionLock | None = None
    presenting: bool = False  # hosting: the terminal is the shared screen
    _advisor: FolderAdvisor | None = field(default=None, init=False, repr=False)
    bank_errors: tuple[str, ...] = field(default=(), init=False)  # broken question files

    @property
    def sessions_folder(self) -> Path:
        return self.store.folder

    @property
    def problem_advisor(self) -> FolderAdvisor:
        """Suggestions of known problems for the facilitator's board (made on first use)."""
        if self._advisor is None:
            self._advisor = FolderAdvisor(self.store.folder)
        return self._advisor

    @property
    def live_session_id(self) -> str | None:
        return self.hub.session.id if self.hub is not None else None

    def listing(self) -> StoreListing:
        return self.store.list()

    def create_session(
        self,
        *,
        format_key: str,
        title: str,
        team: str = DEFAULT_TEAM,
        anonymous: bool = False,
        open_early: bool = False,
    ) -> Session:
        """Write a new session file; raises UnknownFormat, Refused or a StoreError."""
        fmt = self.catalog.get(format_key)
        now = self.clock()
        previous = self.store.last_of_team(team.strip() or DEFAULT_TEAM)
        session_id = self.store.new_session_id(title, now)
        session = rules.new_session(
            fmt,
            session_id=session_id,
            title=title,
            team=team.strip() or DEFAULT_TEAM,
            now=now,
            previous_actions=open_actions_of(previous),
            anonymous=anonymous,
            previous_numbers=previous.numbers if previous is not None else (),
            previous_parked=parking.carried(previous),
            icebreaker=self._icebreaker(team.strip() or DEFAULT_TEAM, session_id),
            open_early=open_early,
        )
        self.store.create(session)
        return session

    def _icebreaker(self, team: str, session_id: str) -> tuple[str, tuple[str, ...]]:
        """The new session's check-in question: the bank, what the team was asked in its
        earlier sessions, and a seed from the new session's id (domain/icebreakers.py)."""
        bank = load_bank()
        self.bank_errors = bank.errors
        asked = [s.icebreaker for s in self.store.team_sessions(team) if s.icebreaker]
        seed = int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:8], "big")
        return icebreakers.opening(bank.questions, asked, seed)

    async def open(self, session_id: str) -> HubClient:
        """Start the hub for a session and join it as the facilitator."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        lock = self.store.lock(session_id)
        try:
            session = self.store.load(session_id)
        except BaseException:
            lock.release()
            raise
        self.lock = lock
        self.hub = Hub(self.store, session, clock=self.clock)
        if self.on_hub is not None:
            await self.on_hub(self.hub)
        client = LocalClient(
            self.hub, FACILITATOR_IDENTITY, Role.FACILITATOR, presenting=self.presenting
        )
        facilitators = session.participants_with_role(Role.FACILITATOR)
        name = facilitators[0].name if facilitators else self.facilitator_name
        await client.join(name)
        return client

    def export(self, session: Session, target: Path | None = None) -> Path:
        """Write Markdown notes beside the sessions (or to `target`) and return the path."""
        path = target or self.store.folder / default_export_name(session)
        full = self.store.load(session.id) if session.redacted_for is not None else session
        from retro_tui.reports.folder import problems_seen  # the folder, only when exporting

        text = session_markdown(full, seen=problems_seen(self.store.folder, full))
        path.write_text(text, encoding="utf-8")
        return path

    async def close(self) -> None:
        if self.hub is not None:
            await self.hub.close()
        if self.lock is not None:
            self.lock.release()

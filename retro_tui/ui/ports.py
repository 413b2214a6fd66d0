"""What the UI needs from a launcher and a client, as Protocols, so tests can pass their own.

`retro_tui.launcher.LocalLauncher` satisfies `HostLauncher` (and so `Launcher`); no UI
module imports the launcher, the store or the hub at run time. Everything the UI reads
off them is declared here, so strict mypy checks it: no `getattr` probes. The one other
way to the disk is after the meeting: the follow-up screens read the launcher's
`sessions_folder` through `retro_tui.reports.folder` (the code behind `retro-tui
actions` too), in thread workers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from retro_tui.client import HubClient
from retro_tui.clock import Clock
from retro_tui.domain.model import Session

if TYPE_CHECKING:
    from retro_tui.advisor import Advice
    from retro_tui.hub.hub import Hub
    from retro_tui.reports.problems import KnownProblem
    from retro_tui.store import StoreListing
    from retro_tui.themes import FormatCatalog


class ProblemAdvisor(Protocol):
    """Which known problems the selected card or topic looks like (the facilitator's side
    only: it reads the sessions folder and runs the meaning model; call it off the event
    loop)."""

    def advise(self, session: Session, target: str) -> Advice: ...

    def warm(self, session: Session) -> None:
        """Do the slow part (the folder, the model) before the first `advise`."""

    def known(self, session: Session) -> list[KnownProblem]:
        """The team's known problems, this retro's links included."""
        ...


class Launcher(Protocol):
    catalog: FormatCatalog

    @property
    def problem_advisor(self) -> ProblemAdvisor | None:
        """Suggestions of known problems for the board; None hides them."""

    @property
    def clock(self) -> Clock: ...

    @property
    def sessions_folder(self) -> Path | None:
        """The folder the follow-up screens read; None hides them."""

    @property
    def live_session_id(self) -> str | None:
        """The session this launcher's hub has open (its file is the hub's to write)."""

    def listing(self) -> StoreListing: ...

    def create_session(
        self, *, format_key: str, title: str, team: str = ..., anonymous: bool = False
    ) -> Session: ...

    async def open(self, session_id: str) -> HubClient: ...

    def export(self, session: Session, target: Path | None = None) -> Path: ...

    async def close(self) -> None: ...


class HostLauncher(Launcher, Protocol):
    """A launcher whose hub the host app also serves on the web (`retro-tui host`)."""

    on_hub: Callable[[Hub], Awaitable[None]] | None  # called with each hub it starts
    presenting: bool  # the terminal is the shared screen: it opens in the public view


@runtime_checkable
class PresentingSwitch(Protocol):
    """A client that can switch its own seat between the public and its private view
    (only an in-process client: the host's terminal)."""

    def set_presenting(self, presenting: bool) -> None: ...

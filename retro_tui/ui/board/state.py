"""What the board holds, declared and set in one place, and which keys that allows.

The verbs (`actions`) and the layout (`screen`) build on this class; neither adds state
of its own beyond widgets. `check_action` asks the one key table (`keys.allowed`), so the
footer, the help dialog and the command palette offer the same keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.reactive import reactive
from textual.screen import Screen

from retro_tui.client import HubClient
from retro_tui.clock import Clock
from retro_tui.domain.model import Session
from retro_tui.domain.views import BoardView
from retro_tui.ui.board import keys
from retro_tui.ui.ports import PresentingSwitch

Exporter = Callable[[Session], Path]


class BoardState(Screen[None]):
    """The board's state: the followed view, the pending grouping, the bell, and what
    the app gave it (the hub client, the clock, an exporter, the follow-up screens)."""

    view: reactive[BoardView | None] = reactive(None, repaint=False)
    grouping: reactive[str | None] = reactive(None, repaint=False)
    muted: reactive[bool] = reactive(False)

    def __init__(
        self,
        client: HubClient,
        *,
        clock: Clock,
        exporter: Exporter | None = None,
        muted: bool = False,
        followup: bool = False,
        presenting_note: str = "",
    ) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self.exporter = exporter
        self.followup = followup  # the app can open the action items and insights screens
        self.presenting_note = presenting_note
        self.set_reactive(BoardState.muted, muted)
        self._view_changed: asyncio.Event | None = None

    @property
    def can_present(self) -> bool:
        """Only an in-process client can switch its seat to the public view."""
        return isinstance(self.client, PresentingSwitch)

    def key_state(self) -> keys.BoardFacts:
        """What the key rules need to know about this screen beyond the view."""
        return keys.BoardFacts(
            grouping=self.grouping,
            exports_to_folder=self.exporter is not None,
            can_present=self.can_present,
            followup=self.followup,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return keys.allowed(action, self.view, self.key_state())

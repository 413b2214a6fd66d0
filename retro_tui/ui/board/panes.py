"""Which pane shows which phase, and which panes wait until their phase comes.

Made when their phase first comes: each browser tab's process pays for its widgets
(about 2 MB for the four later panes, measured with bench/), and many retros skip some
phases. The board makes the next phase's pane ahead of time so moving on finds it ready.
"""

from __future__ import annotations

from textual.widget import Widget

from retro_tui.domain.phases import Phase
from retro_tui.ui.widgets.actions_pane import ActionsPane
from retro_tui.ui.widgets.close_pane import ClosePane
from retro_tui.ui.widgets.data_pane import DataPane
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from retro_tui.ui.widgets.health_pane import HealthPane
from retro_tui.ui.widgets.phase_pane import PhasePane
from retro_tui.ui.widgets.review_pane import ReviewPane

PANES: dict[Phase, str] = {
    Phase.CHECKIN: "pane-checkin",
    Phase.DATA: "pane-data",
    Phase.REVIEW: "pane-review",
    Phase.HEALTH: "pane-health",
    Phase.WRITE: "pane-board",
    Phase.GROUP: "pane-board",
    Phase.VOTE: "pane-board",
    Phase.DISCUSS: "pane-discuss",
    Phase.ACTIONS: "pane-actions",
    Phase.CLOSE: "pane-close",
}

LaterPane = DataPane | ReviewPane | DiscussPane | ActionsPane | ClosePane | HealthPane

LATER_PANES: dict[str, type[LaterPane]] = {
    "pane-data": DataPane,
    "pane-review": ReviewPane,
    "pane-discuss": DiscussPane,
    "pane-actions": ActionsPane,
    "pane-close": ClosePane,
    "pane-health": HealthPane,
}


def as_phase_pane(widget: Widget | None) -> PhasePane | None:
    """The switcher's visible child as the pane it is (every child is one)."""
    return widget if isinstance(widget, PhasePane) else None

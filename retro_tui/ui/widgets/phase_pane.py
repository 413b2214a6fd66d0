"""What the board asks of every phase's pane, declared once.

The board shows one pane per phase (`ui/board/panes.py`); each takes the followed view
and knows where focus goes when its phase comes. The panes are different containers
(a scrolling text, a table beside details, the columns), so each names its container
first and this base second: Textual takes a widget's CSS along its first bases only, so
the container's styles stay, while reactives and methods come from every base.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widget import Widget

from retro_tui.domain.views import BoardView


class PhasePane(Widget):
    """A phase's pane on the board: it draws `view` and takes focus when shown."""

    view: reactive[BoardView | None] = reactive(None, repaint=False)

    def focus_within(self) -> bool:
        """Focus the pane's own control; False when it has none to focus."""
        return False

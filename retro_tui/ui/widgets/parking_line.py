"""The parking lot as one line under the phase hint: what the facilitator set aside.

One line (clipped with an ellipsis) so a short terminal keeps its cards; it shows only
while something is parked. Everyone sees it, the presenting screen too: a parked item
is a card's or topic's text, never its author.
"""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain import parking
from retro_tui.domain.views import BoardView


def parking_text(view: BoardView) -> Text:
    """`⏸ Parked (2): first title · second title`, or empty when nothing is parked."""
    items = parking.current(view.session)
    if not items:
        return Text()
    text = Text.assemble(("⏸ Parked", "bold"), f" ({len(items)}): ")
    for index, item in enumerate(items):
        if index:
            text.append(" · ", style="dim")
        text.append(item.text or "…")
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text

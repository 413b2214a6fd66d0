"""Updates that cost nothing when nothing changed.

Every change in the retro reaches every screen; most of a screen stays the same. A
`Static.update` lays the screen out again even for the same text, and a repainting
reactive redraws a whole container, so a board with 30 people redrew far more than the
one card that changed (measured in `bench/`).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def set_text(widget: Static, text: Text | str) -> None:
    """Show `text` in `widget`, unless it already shows exactly that."""
    if widget.content != text:
        widget.update(text)

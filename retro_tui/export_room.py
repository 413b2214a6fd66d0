"""The notes' parts from the live room: reaction counts beside cards and topics, and the
comments made on topics during discuss, in the Markdown of `export.py` (user text
escaped the same way). Counts only, never who reacted; in an anonymous retro no
comment's author.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from retro_tui.domain.model import Session
from retro_tui.domain.room_views import comments_for, comments_on, counts_text

__all__ = ["comments_section", "reactions_note"]


def reactions_note(session: Session, target: str) -> str:
    """` · reactions: ✓ agree 2 · ? question 1`, or "" when nobody reacted."""
    text = counts_text(session, target)
    return f" \u00b7 reactions: {text}" if text else ""


def comments_section(
    session: Session, targets: Iterable[str], title_of: Callable[[str], str]
) -> list[str]:
    """A "Comments" heading and, per topic in `targets` order, its comments in the order
    they were made; [] when there are none."""
    from retro_tui.export import escape_inline  # export.py builds the notes with this module

    shown = session.with_changes(comments=comments_for(session))
    names = {p.id: p.name for p in session.participants}
    lines: list[str] = []
    for target in targets:
        said = comments_on(shown, target)
        if not said:
            continue
        lines.append(f"- **{title_of(target)}**")
        for comment in said:
            name = "" if session.settings.anonymous else names.get(comment.author, "")
            by = f" \u2014 {escape_inline(name)}" if name else ""
            lines.append(f"  - {escape_inline(comment.text)}{by}")
    return ["## Comments", "", *lines] if lines else []

"""The live room in words for the board: hands up, the ready check, the facilitator's call
to confirm, and a topic's reactions and comments. Built from plain strings into Rich
`Text`, so a comment's `[bold]` stays `[bold]`."""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain.model import Session
from retro_tui.domain.room_views import (
    comments_for,
    comments_on,
    confirm_requested,
    counts_text,
    hands_up,
    ready_count,
    ready_word,
)
from retro_tui.domain.views import BoardView


def hands_text(count: int) -> str:
    return f"{count} hand up" if count == 1 else f"{count} hands up"


def room_line(view: BoardView, ready_key: str) -> Text:
    """ "2 hands up · Confirm you are ready (D) · 3 of 5 ready", the parts that apply."""
    session = view.session
    text = Text()
    count = hands_up(session)
    if count:
        text.append(hands_text(count), style="bold")
        text.append("  ")
    if confirm_requested(session):
        text.append(f"Confirm you are ready ({ready_key})", style="reverse")
        text.append("  ")
    ready, of = ready_count(session, view.online)
    if of:
        text.append(f"{ready} of {of} {ready_word(session.phase)}", style="bold")
        text.append("  ")
    return text


def room_detail(text: Text, session: Session, target: str) -> None:
    """Append a topic's reactions (symbol and name, with counts) and its comments."""
    reactions = counts_text(session, target)
    if reactions:
        text.append("\n\nReactions: ", style="bold")
        text.append(reactions)
    said = comments_on(session.with_changes(comments=comments_for(session)), target)
    if not said:
        return
    text.append("\n\nComments\n", style="bold underline")
    names = {p.id: p.name for p in session.participants}
    for index, comment in enumerate(said):
        if index:
            text.append("\n")
        text.append("“ ")
        text.append(comment.text)
        name = names.get(comment.author, "") if comment.author else ""
        if name:
            text.append(f" — {name}", style="dim")

"""One board item's text: a card, or a topic with its cards. Always drawn literally."""

from __future__ import annotations

from rich.text import Text

from retro_tui.ui.shaping import BoardItem

FACE_DOWN = "▒▒▒ card"
PROBLEM_MARK = "⚑"  # a card or topic linked to one of the team's known problems


def item_text(item: BoardItem) -> Text:
    """The item as Rich `Text` built from plain strings, so `[bold]` stays `[bold]`."""
    text = Text()
    if item.hidden:
        text.append(FACE_DOWN, style="dim")
        return text
    if item.is_topic:
        text.append(item.title or "Untitled topic", style="bold")
        for card in item.cards:
            text.append("\n• ")
            if card.hidden:
                text.append(FACE_DOWN, style="dim")
            else:
                text.append(card.text)
    else:
        text.append(item.cards[0].text)
    if item.problem:
        text.append(f"\n{PROBLEM_MARK} ", style="bold")
        text.append(item.problem, style="italic")
    footer = _footer(item)
    if footer:
        text.append("\n")
        text.append(footer, style="dim")
    return text


def _footer(item: BoardItem) -> str:
    parts: list[str] = []
    if item.is_topic:
        parts.append(f"{len(item.cards)} cards")
    if item.authors:
        parts.append("— " + ", ".join(item.authors))
    if item.my_votes:
        parts.append("●" * item.my_votes)
    if item.total_votes is not None:
        parts.append(f"{item.total_votes} vote" + ("" if item.total_votes == 1 else "s"))
    if item.reactions:
        parts.append(item.reactions)
    return "  ".join(parts)

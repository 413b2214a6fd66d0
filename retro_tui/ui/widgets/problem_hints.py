"""The facilitator's line under the phase hint in group and discuss: what the selected
card or topic is linked to, and up to three known problems it looks like, each with the
key that confirms it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from retro_tui.ui.widgets.quiet import set_text

if TYPE_CHECKING:
    from retro_tui.advisor import Advice


def _short(day: str) -> str:
    """'2026-03-12' -> '12 Mar' (this module stays out of the reports: a tab loads it)."""
    d = date.fromisoformat(day)
    return f"{d.day} {d.strftime('%b')}"


def advice_text(
    advice: Advice,
    link_keys: tuple[str, ...],
    name_key: str,
    unlink_key: str,
    *,
    compact: bool = False,
) -> Text:
    """E.g. "1 looks like: Design assets arrive late — 3 retros, last on 12 Mar", a line
    per suggestion; `compact` (a short terminal) puts the suggestions on one line."""
    if not advice.known or (advice.praise and advice.linked is None):
        # A team that names no problems, or a card of praise: only the key in the footer.
        return Text()
    if compact:
        return _compact(advice, link_keys, name_key, unlink_key)
    text = Text()
    if advice.linked is not None:
        text.append("Linked: ", style="bold")
        text.append(advice.linked.name, style="italic")
        if advice.seen:
            text.append(f" — {advice.seen}")
        text.append(f"  ({unlink_key} unlinks)", style="dim")
    for key, suggestion in zip(link_keys, advice.suggestions, strict=False):
        problem = suggestion.problem
        if text:
            text.append("\n")
        text.append(f"{key} ", style="bold")
        text.append("looks like: ")
        text.append(problem.name, style="italic")
        retros = f"{problem.retros} retro{'s' if problem.retros != 1 else ''}"
        text.append(f" — {retros}, last on {_short(problem.last)}")
    if advice.linked is None:
        if text:
            text.append("\n")
        if not advice.suggestions:
            text.append("No known problem looks like this yet. ")
        text.append(f"{name_key} ", style="bold")
        text.append("names a new problem")
    if advice.note:
        text.append(f"\n{advice.note}", style="dim")
    return text


def _compact(advice: Advice, link_keys: tuple[str, ...], name_key: str, unlink_key: str) -> Text:
    """One line each; the key before the name, so clipping an 80-column line keeps it."""
    text = Text()
    if advice.linked is not None:
        text.append(f"{unlink_key} ", style="bold")
        text.append("unlinks · Linked: ")
        text.append(advice.linked.name, style="italic")
        if advice.seen:
            text.append(f" — {advice.seen.split(' since ')[0]}")
    if advice.linked is None and not advice.suggestions:
        text.append("No known problem looks like this. ")
        text.append(f"{name_key} ", style="bold")
        text.append("names a new one")
    if advice.suggestions:
        if text:
            text.append("\n")
        if advice.linked is None:
            text.append(f"{name_key} ", style="bold")
            text.append("new · ")
        text.append("Looks like: ")
        for n, (key, suggestion) in enumerate(zip(link_keys, advice.suggestions, strict=False)):
            if n:
                text.append(" · ")
            text.append(f"{key} ", style="bold")
            text.append(f"{suggestion.problem.name} ({suggestion.problem.retros})")
    return text


class ProblemHints(Static):
    """Shown only to the facilitator, in group and discuss, when the board has an advisor."""

    DEFAULT_CSS = """
    ProblemHints {
        display: none;  /* until there is advice to show */
        height: auto;
        max-height: 5;
        padding: 0 1;
        color: $text-muted;
        &.-compact { text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    def show(self, text: Text | None, *, compact: bool = False) -> None:
        self.display = text is not None and bool(text)
        self.set_class(compact, "-compact")
        if text is not None:
            set_text(self, text)

"""One line under the phase bar saying what the phase is for and the keys that matter.

Every key letter comes from the bindings (`keys.key_of`), so rebinding a key changes
its hint too.
"""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain.phases import Phase
from retro_tui.domain.views import BoardView
from retro_tui.ui.board.keys import key_of
from retro_tui.ui.shaping import votes_left_text

PRESENTING_HINTS: dict[Phase, str] = {
    Phase.CHECKIN: "Check in on your own screen: one word and a mood from 1 to 5.",
    Phase.WRITE: "Everyone writes on their own screen; cards stay face-down until the reveal.",
    Phase.CLOSE: "Rate the retro on your own screen: 1 (waste of time) to 5 (excellent).",
    Phase.HEALTH: "Rate the team's health on your own screen, 1-5 per line; it is anonymous.",
}


def _presenting_vote_hint(view: BoardView) -> Text:
    settings = view.session.settings
    text = Text(f"Vote on your own screen: {settings.votes_per_person} votes each")
    if settings.max_votes_per_target:
        text.append(f", at most {settings.max_votes_per_target} per topic")
    text.append(". Totals appear when voting ends.")
    return text


def _vote_hint(view: BoardView) -> Text:
    cap = view.session.settings.max_votes_per_target
    text = Text.assemble((votes_left_text(view), "bold"))
    text.append(
        f"  {key_of('vote')} vote · {key_of('unvote')} take back · {key_of('mark-done')} done",
        style="dim",
    )
    if cap:
        text.append(f" · at most {cap} per topic", style="dim")
    text.append(" · totals appear when voting ends", style="dim")
    return text


def _grouping_hint(view: BoardView, grouping: str) -> Text:
    text = Text.assemble(("Grouping ", "bold"))
    text.append(view.session.target_title(grouping)[:40])
    text.append(
        f": select where it belongs and press {key_of('group')}"
        f" ({key_of('cancel-group')} cancels).",
        style="bold",
    )
    return text


def _hint_line(view: BoardView) -> str:
    session = view.session
    fac = view.is_facilitator
    k = key_of
    match session.phase:
        case Phase.CHECKIN:
            return f"Check-in: press {k('check-in')} for one word and a mood from 1 to 5."
        case Phase.DATA if fac:
            return (
                f"The team's numbers: {k('add-number')} add"
                f" · {k('edit-number')} change · {k('rename-number')} rename"
                f" · {k('delete-number')} delete."
            )
        case Phase.DATA:
            return "The team's numbers, beside their value at the last retro."
        case Phase.REVIEW if fac:
            return (
                f"Last retro's actions: {k('review-done')} done · {k('review-carry')} carry over"
                f" · {k('review-drop')} drop · {k('enter-actual')} actual."
            )
        case Phase.REVIEW:
            return "The facilitator is reviewing last retro's actions."
        case Phase.HEALTH if fac:
            return (
                f"Health check: {k('rate-health')} rates 1-5 per line, anonymously"
                f" · {k('reveal-health')} shows the results before everyone has rated."
            )
        case Phase.HEALTH:
            return f"Health check: {k('rate-health')} rates 1-5 per line; no one sees yours."
        case Phase.WRITE:
            return (
                f"Write privately: {k('add-card')} add · {k('edit-card')} edit"
                f" · {k('delete-card')} delete · {k('move-left')} move · {k('mark-done')} done. "
                "Others' cards stay face-down until the reveal."
            )
        case Phase.GROUP if fac or session.settings.participants_may_group:
            return (
                f"Select a card, press {k('group')}, select where it belongs, press"
                f" {k('group')} again. {k('title-topic')} titles a topic,"
                f" {k('unmerge')} takes a card out."
            )
        case Phase.GROUP:
            return (
                "Cards are revealed. The facilitator is grouping similar ones."
                f" {k('react')} reacts to a card."
            )
        case Phase.DISCUSS if fac:
            return (
                f"{k('discuss')} discusses the selected topic · {k('notes')} notes"
                f" · {k('action-from-topic')} makes it an action item."
            )
        case Phase.DISCUSS:
            return (
                "Topics in order of votes; the one under discussion is marked ▶."
                f" {k('react')} reacts · {k('comment')} comments"
                f" · {k('raise-hand')} raises your hand."
            )
        case Phase.ACTIONS if fac:
            return (
                "Each action needs an owner, a due date, a metric and a target."
                f" {k('add-action')} add · {k('edit-action')} edit · {k('delete-action')} delete."
            )
        case Phase.ACTIONS:
            return "Each action needs an owner, a due date, a metric and a target."
        case _:
            return "Rate the retro from 1 (waste of time) to 5 (excellent)."


def phase_hint(view: BoardView, grouping: str | None) -> Text:
    """One line saying what this phase is for and the keys that matter most."""
    phase = view.session.phase
    if view.presenting and phase in PRESENTING_HINTS:
        return Text(PRESENTING_HINTS[phase])
    if view.presenting and phase is Phase.VOTE:
        return _presenting_vote_hint(view)
    if phase is Phase.VOTE:
        return _vote_hint(view)
    if phase is Phase.GROUP and grouping is not None:
        return _grouping_hint(view, grouping)
    return Text(_hint_line(view))

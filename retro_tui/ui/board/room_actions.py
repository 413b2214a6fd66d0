"""The board's verbs for the live room: raise a hand, work the hand queue, ask everyone
whether they are ready, react to a card or topic, comment on a topic.

A mixin of its own beside `actions.py` (which holds the board's older verbs), so the
feature's keys read on one page. The hub checks every one of them again.
"""

from __future__ import annotations

from datetime import datetime

from textual import work

from retro_tui.domain import commands as c
from retro_tui.domain.room import COMMENT_MAX, Hand, ReactionKind
from retro_tui.domain.room_views import (
    confirm_requested,
    counts_of,
    hand_of,
    is_ready,
    live_hands,
    sees_hand_queue,
)
from retro_tui.domain.text import shorten
from retro_tui.ui.screens.board_measures import MeasureActions
from retro_tui.ui.screens.choice_dialog import ChoiceDialog
from retro_tui.ui.screens.text_dialog import TextDialog

LOWER_ALL = "lower-all"


def since(raised_at: datetime | None, now: datetime) -> str:
    """ "raised 3 min ago" (or "just now"); "" when the viewer may not know when."""
    if raised_at is None:
        return ""
    minutes = int((now - raised_at).total_seconds() // 60)
    return "raised just now" if minutes < 1 else f"raised {minutes} min ago"


def hand_label(position: int, hand: Hand, name: str, now: datetime) -> str:
    """One row of the queue: "1. Ann — raised 2 min ago", or "Hand 1" when anonymous."""
    if not name:
        return f"Hand {position}"
    when = since(hand.raised_at, now)
    return f"{position}. {name}" + (f" — {when}" if when else "")


class RoomActions(MeasureActions):
    def action_raise_hand(self) -> None:
        view = self.view
        if view is None or view.me is None:
            return
        up = hand_of(view.session, view.you) is None
        self.send_soon(c.RaiseHand(raised=up))
        self.notify("Hand raised." if up else "Hand lowered.", timeout=3)

    @work(group="dialogs")
    async def action_hands(self) -> None:
        view = self.view
        if view is None:
            return
        session = view.session
        hands = live_hands(session)
        if not hands:
            self.notify("No hands are up.")
            return
        named = sees_hand_queue(session, view.you)
        names = {p.id: p.name for p in session.participants} if named else {}
        now = self.clock()
        choices = [
            (hand.id, hand_label(i, hand, names.get(hand.participant, ""), now))
            for i, hand in enumerate(hands, start=1)
        ]
        choices.append((LOWER_ALL, "Lower all hands"))
        title = f"Hands up ({len(hands)}): pick one to lower"
        picked = await self.app.push_screen_wait(ChoiceDialog(title, choices))
        if picked == LOWER_ALL:
            await self.send(c.LowerAllHands())
        elif picked:
            await self.send(c.LowerHand(hand=picked))

    def action_mark_done(self) -> None:
        view = self.view
        me = view.me if view else None
        if me is None or view is None:
            return
        self.send_soon(c.SetReady(ready=not is_ready(view.session, me)))

    def action_ask_ready(self) -> None:
        view = self.view
        if view is None:
            return
        ask = not confirm_requested(view.session)
        self.send_soon(c.AskReady(ask=ask))
        said = "Everyone is asked to confirm." if ask else "Ready check reset."
        self.notify(said, timeout=3)

    def room_target(self) -> str | None:
        """The selected card or topic: on the board, or in the discuss table."""
        target = self.selected_target()
        if target is None:
            self.notify("Select a card or topic first.", severity="warning")
        return target

    @work(group="dialogs")
    async def action_react(self) -> None:
        target = self.room_target()
        if target is None or self.view is None:
            return
        counts = counts_of(self.view.session, target)
        choices = [(kind.value, f"{kind.label}  ({counts[kind]})") for kind in ReactionKind]
        title = shorten(self.view.session.target_title(target).splitlines()[0], 50)
        kind = await self.app.push_screen_wait(
            ChoiceDialog(f"React to “{title}” (again takes it back)", choices)
        )
        if kind:
            await self.send(c.React(target=target, kind=kind))

    @work(group="dialogs")
    async def action_comment(self) -> None:
        target = self.room_target()
        if target is None or self.view is None:
            return
        title = shorten(self.view.session.target_title(target).splitlines()[0], 50)
        text = await self.app.push_screen_wait(
            TextDialog(f"Comment on “{title}”", limit=COMMENT_MAX, hint="everyone sees it")
        )
        if text:
            await self.send(c.AddComment(target=target, text=text))

"""The facilitator's list of seats: who is here, and the three things only they can do.

A seat is a browser, not a name, so when someone switches laptops the facilitator
releases the seat (the next browser that types the name takes it); someone who should
not be on the board is removed (their votes go, their cards stay for the facilitator to
delete); and joining can be locked once everyone is in. The hub checks every one of
these again: this dialog only asks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from retro_tui.domain import commands as c
from retro_tui.domain.model import Participant
from retro_tui.domain.views import BoardView
from retro_tui.ui.screens.confirm import ConfirmDialog

REFRESH_SECONDS = 1.0
"""How often the list follows people coming and going while it is open."""


def seat_line(person: Participant, online: bool) -> Text:
    """One row: name, then online / offline / seat free."""
    state = "online" if online else ("offline" if person.seat else "seat free: the name is open")
    line = Text(person.name)
    line.append(f"  {state}", style="dim" if not online else "bold")
    return line


class PeopleDialog(ModalScreen[None]):
    """Seats with their presence; keys release, remove and lock joining."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "release", "Release seat", id="people-release"),
        Binding("x,delete", "remove", "Remove", id="people-remove"),
        Binding("o", "remove_offline", "Remove all offline", id="people-remove-offline"),
        Binding("l", "lock", "Lock joining", id="people-lock"),
        Binding("escape,W", "close", "Close", id="people-close"),
    ]

    def __init__(
        self,
        current: Callable[[], BoardView | None],
        send: Callable[[c.Command], Awaitable[bool]],
    ) -> None:
        super().__init__()
        self.current = current
        self.send = send
        self._shown: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("People in this retro", style="bold"), classes="dialog-title")
            yield Static("", id="people-joining", markup=False)
            yield OptionList(id="people-list")
            yield Static(
                "r releases a seat (someone switched browsers) · x removes from the board · "
                "o removes everyone offline · l locks or unlocks joining · esc closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.show_people()
        self.query_one(OptionList).focus()
        self.call_after_refresh(self._highlight_first)
        self.set_interval(REFRESH_SECONDS, self.show_people)

    def _highlight_first(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None and options.option_count:
            options.highlighted = 0

    def _people(self) -> tuple[tuple[Participant, bool], ...]:
        view = self.current()
        if view is None:
            return ()
        return tuple(
            (person, person.id in view.online)
            for person in view.session.participants
            if not person.is_facilitator
        )

    def show_people(self) -> None:
        view = self.current()
        if view is None:
            return
        people = self._people()
        locked = view.session.settings.joining_locked
        shown = (people, locked)
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one("#people-joining", Static).update(
            "Joining is locked: only people with a seat can come back."
            if locked
            else "Joining is open: anyone with the participant link can take a new seat."
        )
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(
            [Option(seat_line(person, online), id=person.id) for person, online in people]
            or [Option("Nobody has joined yet.", disabled=True)]
        )
        if highlighted is not None and options.option_count:
            options.highlighted = min(highlighted, options.option_count - 1)

    def _chosen(self) -> Participant | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        chosen = options.get_option_at_index(options.highlighted).id
        return next((p for p, _ in self._people() if p.id == chosen), None)

    @work(exclusive=True, group="people")
    async def action_release(self) -> None:
        person = self._chosen()
        if person is not None and await self.send(c.ReleaseSeat(participant=person.id)):
            self.notify(
                f"{person.name}'s seat is free: the next browser to type the name takes it."
            )

    @work(exclusive=True, group="people")
    async def action_remove(self) -> None:
        person = self._chosen()
        if person is None:
            return
        question = f"Remove {person.name} from the board? Their votes go; their cards stay."
        if not await self.app.push_screen_wait(ConfirmDialog(question, yes="Remove")):
            return
        if await self.send(c.RemoveParticipant(participant=person.id)):
            self.notify(f"{person.name} is off the board.")

    @work(exclusive=True, group="people")
    async def action_remove_offline(self) -> None:
        """Clear seats nobody sits in: after a script registered names by the hundred,
        one question instead of one per name (locking joining first keeps it out)."""
        offline = [person for person, online in self._people() if not online]
        if not offline:
            self.notify("Everyone with a seat is online.")
            return
        question = (
            f"Remove the {len(offline)} people who are offline from the board? "
            "Their votes go; their cards stay."
        )
        if not await self.app.push_screen_wait(ConfirmDialog(question, yes="Remove")):
            return
        view = self.current()
        here = view.online if view is not None else frozenset()
        gone = [p.id for p in offline if p.id not in here]  # not who came back meanwhile
        if await self.send(c.RemoveParticipants(participants=",".join(gone))):
            self.notify(f"{len(gone)} offline people are off the board.")

    @work(exclusive=True, group="people")
    async def action_lock(self) -> None:
        view = self.current()
        if view is not None:
            await self.send(c.LockJoining(locked=not view.session.settings.joining_locked))

    def action_close(self) -> None:
        self.dismiss(None)

"""A browser participant's first screen: pick the name others will see, in a retro it names
(a link from a chat could lead anywhere: the page says which retro it is)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from retro_tui.client import HubClient
from retro_tui.domain.errors import Refused
from retro_tui.domain.text import NAME_MAX

NAME_TYPED_MAX = 4 * NAME_MAX


class JoinScreen(Screen[None]):
    """Asks for a name and joins; a refusal ("Maya is already here") is shown in place."""

    class Joined(Message):
        """The hub accepted the name; the client now has `you`."""

    def __init__(self, client: HubClient) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        with Vertical(id="join", classes="dialog"):
            yield Static(Text("Join the retro", style="bold"), classes="dialog-title")
            yield Static("", id="join-retro-name", markup=False)
            yield Static(
                "The others see this name (never on cards in an anonymous retro).",
                classes="dialog-hint",
            )
            yield Label("Your name")
            # Room past the limit, so a long name is sent and refused with the limit (the
            # hub says why) instead of cut without a word; bounded, so a flood of keys
            # cannot grow the field (each key re-measures the whole value).
            yield Input(placeholder="e.g. Maya", max_length=NAME_TYPED_MAX, id="join-name")
            yield Static("", id="join-error", markup=False)
            yield Button("Join", variant="primary", id="join-button", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.name_the_retro()

    @work(exclusive=True, group="join-title")
    async def name_the_retro(self) -> None:
        """Put the retro's title in the heading as soon as the hub's first view arrives."""
        try:
            view = await self.client.next_view()
        except ConnectionError:
            return
        self.query_one("#join-retro-name", Static).update(Text(f"“{view.session.title}”"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#join-button")
    def submit(self) -> None:
        self.join(self.query_one(Input).value)

    @work(exclusive=True, group="join")
    async def join(self, name: str) -> None:
        error = self.query_one("#join-error", Static)
        try:
            await self.client.join(name)
        except Refused as refusal:
            error.update(refusal.reason)
            return
        except ConnectionError as lost:
            error.update(f"Cannot reach the retro: {lost}")
            return
        self.post_message(self.Joined())

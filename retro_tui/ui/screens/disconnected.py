"""Shown when the session hub is gone: nothing typed from here on could be saved."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class DisconnectedDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,enter", "quit", "Quit", id="disconnected-quit")
    ]

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small -error"):
            yield Static(Text("Disconnected", style="bold"), classes="dialog-title")
            yield Static(
                Text(
                    f"The connection to the retro was lost ({self.reason}). "
                    "Everything acknowledged before this is saved. "
                    "Reload the page or rejoin to continue."
                )
            )
            yield Button("Quit", variant="error", id="quit", compact=True)

    @on(Button.Pressed)
    def action_quit(self) -> None:
        self.dismiss(None)

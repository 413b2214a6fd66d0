"""The link to hand out when hosting: the participant link with its QR code.

This dialog is drawn on the presenting screen, which the whole team sees, so it never
shows the facilitator link: that link gives facilitator power to whoever opens it.
The facilitator gets it from a key that copies it to the clipboard, or from
`retro-tui links SESSION` on a terminal that is not shared.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from retro_tui.share import qr_text
from retro_tui.ui.board.keys import copy_link_binding


class ShareScreen(ModalScreen[None]):
    """Shown when hosting starts and on demand; nothing here is secret from the team."""

    DEFAULT_CSS = """
    ShareScreen { align: center middle; }
    ShareScreen > Vertical {
        width: auto; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 2; overflow-y: auto;
    }
    ShareScreen .qr { width: auto; color: $text; background: $surface; }
    ShareScreen .link { width: auto; color: $accent; text-style: bold; }
    ShareScreen .hint { width: auto; }
    ShareScreen .hint { color: $text-muted; }
    ShareScreen Button { margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="close-share"),
        copy_link_binding("app.copy_facilitator_link"),
    ]

    def __init__(self, participant_url: str) -> None:
        super().__init__()
        self.participant_url = participant_url

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Invite your team: open this link in a browser", classes="hint")
            yield Static(Text(self.participant_url), classes="link", id="participant-link")
            if self.size.height >= 40 or self.app.size.height >= 40:
                yield Static(Text(qr_text(self.participant_url)), classes="qr")
            key = self.app.get_key_display(copy_link_binding(""))
            yield Static(
                f"Your own private seat (write and vote unseen on the shared screen): "
                f"{key} copies its link to your clipboard; it is never shown here.",
                classes="hint",
            )
            yield Static("Ctrl+L shows this again.", classes="hint")
            yield Button("Close", variant="primary", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

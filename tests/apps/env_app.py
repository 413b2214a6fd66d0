"""A stand-in for the retro app in web tests: shows what the web server passed to it.

Run as `python tests/apps/env_app.py` (textual-serve sets the web driver). It prints
`ROLE=… IDENTITY=…`, its PID and `EXTRA=…` (from RETRO_TEST_EXTRA), echoes what is
typed into its Input as `ECHO=…`, shows its size as `SIZE=WxH RESIZES=n` (the resizes
it handled), and on F2 delivers a small text file (a download).
"""

from __future__ import annotations

import io
import os
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static


class EnvApp(App[None]):
    """Show the environment a spawned participant app receives."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f2", "deliver", "Download", id="deliver")]

    def compose(self) -> ComposeResult:
        env = os.environ
        yield Static(
            f"ROLE={env.get('RETRO_TUI_ROLE', '-')} IDENTITY={env.get('RETRO_TUI_IDENTITY', '-')}",
            markup=False,
        )
        yield Static(f"PID={os.getpid()} EXTRA={env.get('RETRO_TEST_EXTRA', '-')}", markup=False)
        typed = Input(id="typed")
        typed.cursor_blink = False  # no output while idle: screens settle
        yield typed
        yield Static("ECHO=", id="echo", markup=False)
        yield Static("SIZE=? RESIZES=0", id="size", markup=False)

    resizes = 0

    def on_resize(self, event: events.Resize) -> None:
        """Count the resizes that reach the app (the server should coalesce a flood)."""
        self.resizes += 1
        size = f"SIZE={event.size.width}x{event.size.height} RESIZES={self.resizes}"
        for label in self.query("#size").results(Static):
            label.update(size)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Echo the typed text where a test can read it."""
        self.query_one("#echo", Static).update(f"ECHO={event.value}")

    def action_deliver(self) -> None:
        """Offer a file, as the real app's export will (textual-serve's /download)."""
        self.deliver_text(io.StringIO("retro download ok"), save_filename="notes.txt")


if __name__ == "__main__":
    EnvApp().run()

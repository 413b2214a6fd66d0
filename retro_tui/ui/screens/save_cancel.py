"""What every dialog that saves or cancels does the same way, written once.

A dialog built on this has a Save button (`#save`) and a Cancel button (`#cancel`) and
declares its own keys for them (their ids are what a keymap rebinds). Save runs the
dialog's `action_save`, which checks and dismisses with the result; Cancel dismisses
with None, so the caller awaiting `push_screen_wait` gets None for "nothing changed".
"""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button

ResultT = TypeVar("ResultT")


class SaveCancelDialog(ModalScreen[ResultT | None]):
    """A modal dialog that ends with its result (Save) or None (Cancel)."""

    def action_save(self) -> None:
        raise NotImplementedError("a dialog says what saving it returns")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

"""Check-in: one word for how you arrive, and a mood from 1 to 5."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from retro_tui.domain import text as limits
from retro_tui.ui.screens.save_cancel import SaveCancelDialog
from retro_tui.ui.widgets.text_input import TextInput

MOODS = ("1 awful", "2 meh", "3 okay", "4 good", "5 great")


@dataclass(frozen=True)
class CheckInAnswer:
    word: str
    mood: int | None


class CheckInDialog(SaveCancelDialog[CheckInAnswer]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="checkin-save"),
        Binding("escape", "cancel", "Cancel", id="checkin-cancel"),
        *[
            Binding(str(n), f"mood({n})", f"Mood {n}", id=f"checkin-mood-{n}", show=False)
            for n in range(1, 6)
        ],
    ]

    def __init__(self, word: str = "", mood: int | None = None) -> None:
        super().__init__()
        self.word = word
        self.mood = mood

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static("Check in", classes="dialog-title")
            yield Label("One word for how you arrive")
            yield TextInput(self.word, max_length=limits.WORD_MAX, id="checkin-word", compact=True)
            yield Label("Mood (1-5)")
            with RadioSet(id="checkin-mood", compact=True):
                for index, label in enumerate(MOODS, start=1):
                    yield RadioButton(label, value=self.mood == index, compact=True)
            yield Static(
                "enter moves on · 1-5 picks a mood · ctrl+s saves · esc cancels",
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def answer(self) -> CheckInAnswer:
        pressed = self.query_one(RadioSet).pressed_index
        mood = pressed + 1 if pressed >= 0 else None
        return CheckInAnswer(self.query_one(Input).value.strip(), mood)

    @on(Input.Submitted)
    def _word_done(self) -> None:
        self.query_one(RadioSet).focus()

    @on(RadioSet.Changed)
    def _mood_picked(self) -> None:
        self.query_one("#save", Button).focus()

    def action_mood(self, mood: int) -> None:
        """Digits pick a mood once the word is typed (the word field keeps its digits)."""
        buttons = list(self.query(RadioButton))
        if 1 <= mood <= len(buttons):
            buttons[mood - 1].value = True
            self.query_one("#save", Button).focus()

    def action_save(self) -> None:
        self.dismiss(self.answer())

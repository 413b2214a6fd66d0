"""A small form of one-line fields: one of the team's numbers, or an action's actual value.

The dialog checks what it can as it is typed (a number that is not one is said so under
the fields) and hands back the raw texts; the command the board sends is judged again
by the hub, which has the last word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from retro_tui.domain.errors import Refused
from retro_tui.domain.measures import parse_number
from retro_tui.ui.widgets.text_input import TextInput

Values = dict[str, str]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    initial: str = ""
    placeholder: str = ""
    number: bool = False  # must read as a number (or be empty when `optional`)
    optional: bool = True
    max_length: int = 60


def number_problem(fields: Sequence[Field], values: Values) -> str:
    """The first sentence about a field that must be a number and is not, else ""."""
    for item in fields:
        text = values.get(item.key, "").strip()
        if not text:
            if not item.optional:
                return f"{item.label}: needed."
            continue
        if item.number:
            try:
                parse_number(text, item.label)
            except Refused as refusal:
                return refusal.reason
    return ""


class FieldsDialog(ModalScreen[Values | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="fields-save"),
        Binding("escape", "cancel", "Cancel", id="fields-cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        *,
        intro: str = "",
        check: Callable[[Values], str] | None = None,
    ) -> None:
        super().__init__()
        self.heading = title
        self.intro = intro
        self.fields = tuple(fields)
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            if self.intro:
                yield Static(Text(self.intro), classes="dialog-hint")
            for item in self.fields:
                yield Label(item.label)
                yield TextInput(
                    item.initial,
                    placeholder=item.placeholder,
                    max_length=item.max_length,
                    id=f"field-{item.key}",
                    compact=True,
                )
            yield Static("", id="fields-problem", markup=False)
            yield Static(
                "enter moves on / saves · ctrl+s saves · esc cancels", classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def values(self) -> Values:
        return {
            item.key: self.query_one(f"#field-{item.key}", Input).value.strip()
            for item in self.fields
        }

    def problem(self) -> str:
        values = self.values()
        found = number_problem(self.fields, values)
        if not found and self.check is not None:
            found = self.check(values)
        return found

    @on(Input.Changed)
    def _changed(self) -> None:
        problem = self.query_one("#fields-problem", Static)
        problem.update(self.problem())
        problem.set_class(bool(self.problem()), "-warning")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == f"field-{self.fields[-1].key}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        problem = self.problem()
        if problem:
            self.notify(problem, severity="warning", markup=False)
            return
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

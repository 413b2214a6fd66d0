"""An action item as a SMART goal: text, owner, due date and a metric for success."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from retro_tui.domain import text as limits
from retro_tui.domain.model import ActionItem
from retro_tui.ui.screens.save_cancel import SaveCancelDialog
from retro_tui.ui.shaping import missing_text


@dataclass(frozen=True)
class ActionFields:
    text: str
    owner: str
    due: str
    metric: str

    @property
    def missing(self) -> tuple[str, ...]:
        return ActionItem(
            id="", text=self.text, owner=self.owner, due=self.due, metric=self.metric
        ).missing


def due_problem(value: str) -> str:
    """A sentence when `value` is not an ISO date, else ""."""
    if not value.strip():
        return ""
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return "Use the form 2026-12-31."
    return ""


class ActionDialog(SaveCancelDialog[ActionFields]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="action-save"),
        Binding("escape", "cancel", "Cancel", id="action-cancel"),
    ]

    def __init__(self, item: ActionItem | None = None, *, title: str = "") -> None:
        super().__init__()
        self.item = item
        self.heading = title or ("Edit action item" if item else "New action item")

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            yield Label("What will we do?")
            yield Input(
                item.text if item else "",
                max_length=limits.ACTION_MAX,
                id="action-text",
                compact=True,
            )
            yield Label("Owner")
            yield Input(
                item.owner if item else "",
                max_length=limits.OWNER_MAX,
                id="action-owner",
                compact=True,
            )
            yield Label("Due (YYYY-MM-DD)")
            yield Input(
                item.due if item else "", placeholder="2026-12-31", id="action-due", compact=True
            )
            yield Label("How we know it worked (metric)")
            yield Input(
                item.metric if item else "",
                max_length=limits.METRIC_MAX,
                id="action-metric",
                compact=True,
            )
            yield Static("", id="action-smart", markup=False)
            yield Static(
                "enter moves on / saves · ctrl+s saves · esc cancels", classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#action-text", Input).focus()
        self._check()

    def fields(self) -> ActionFields:
        def value(name: str) -> str:
            return self.query_one(f"#action-{name}", Input).value.strip()

        return ActionFields(value("text"), value("owner"), value("due"), value("metric"))

    @on(Input.Changed)
    def _check(self) -> None:
        fields = self.fields()
        problem = due_problem(fields.due)
        status = self.query_one("#action-smart", Static)
        status.update(problem or missing_text(fields.missing))
        status.set_class(bool(problem or fields.missing), "-warning")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "action-metric":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        fields = self.fields()
        if not fields.text:
            self.notify("An action item needs some text.", severity="warning")
            return
        if due_problem(fields.due):
            self.notify(due_problem(fields.due), severity="warning")
            return
        self.dismiss(fields)

"""An action item as a SMART goal: text, owner, due date and a metric for success, with
the metric's baseline, target and better direction (or a threshold, for a decision that
waits for its number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from retro_tui.domain import text as limits
from retro_tui.domain.errors import Refused
from retro_tui.domain.measures import format_number, parse_number
from retro_tui.domain.model import ActionItem
from retro_tui.ui.screens.save_cancel import SaveCancelDialog
from retro_tui.ui.shaping import missing_text
from retro_tui.ui.widgets.text_input import TextInput


@dataclass(frozen=True)
class ActionFields:
    text: str
    owner: str
    due: str
    metric: str
    baseline: float | None = None
    target: float | None = None
    direction: str = "up"
    decision: bool = False

    @property
    def missing(self) -> tuple[str, ...]:
        return ActionItem(
            id="",
            text=self.text,
            owner=self.owner,
            due=self.due,
            metric=self.metric,
            target=self.target,
        ).missing


def _shown(value: float | None) -> str:
    return "" if value is None else format_number(value)


def measure_problem(baseline: str, target: str, direction: str) -> str:
    """A sentence when the measure cannot be read, else ""."""
    if direction.strip().casefold() not in ("up", "down", ""):
        return "Better is up or down."
    for what, text in (("The baseline", baseline), ("The target", target)):
        if text.strip():
            try:
                parse_number(text, what)
            except Refused as refusal:
                return refusal.reason
    return ""


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

    def __init__(
        self, item: ActionItem | None = None, *, title: str = "", numbers: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.item = item
        self.numbers = numbers  # the team's numbers: a metric naming one follows it
        self.heading = title or ("Edit action item" if item else "New action item")

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            yield Label("What will we do?")
            yield TextInput(
                item.text if item else "",
                max_length=limits.ACTION_MAX,
                id="action-text",
                compact=True,
            )
            with Horizontal(classes="measure-row"):  # side by side: fits 80x24
                with Vertical():
                    yield Label("Owner")
                    yield TextInput(
                        item.owner if item else "",
                        max_length=limits.OWNER_MAX,
                        id="action-owner",
                        compact=True,
                    )
                with Vertical():
                    yield Label("Due (YYYY-MM-DD)")
                    yield Input(
                        item.due if item else "",
                        placeholder="2026-12-31",
                        id="action-due",
                        compact=True,
                    )
            yield Label("How we know it worked (metric)")
            if self.numbers:
                shown = ", ".join(self.numbers)
                numbers = Text(f"Team numbers: {shown}", style="dim", no_wrap=True)
                numbers.overflow = "ellipsis"
                yield Static(numbers, classes="dialog-hint one-line")  # still fits 80x24
            yield TextInput(
                item.metric if item else "",
                max_length=limits.METRIC_MAX,
                id="action-metric",
                compact=True,
            )
            with Horizontal(classes="measure-row"):
                with Vertical():
                    yield Label("Baseline (now)")
                    yield Input(
                        _shown(item.baseline if item else None),
                        placeholder="18",
                        id="action-baseline",
                        compact=True,
                    )
                with Vertical():
                    yield Label("Target")
                    yield Input(
                        _shown(item.target if item else None),
                        placeholder="25",
                        id="action-target",
                        compact=True,
                    )
                with Vertical():
                    yield Label("Better is")
                    yield Input(
                        item.direction.value if item and item.target is not None else "",
                        placeholder="up",
                        max_length=4,
                        id="action-direction",
                        compact=True,
                    )
            yield Checkbox(
                "A decision: take it when the metric reaches the target",
                item.decision if item else False,
                id="action-decision",
                compact=True,
            )
            yield Static("", id="action-smart", markup=False)
            if not self.numbers:  # short of room: the buttons and the footer say it too
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

        problem = measure_problem(value("baseline"), value("target"), value("direction"))

        def number(name: str) -> float | None:
            text = value(name)
            return parse_number(text, name) if text and not problem else None

        return ActionFields(
            value("text"),
            value("owner"),
            value("due"),
            value("metric"),
            baseline=number("baseline"),
            target=number("target"),
            direction=value("direction").casefold() or "up",
            decision=self.query_one("#action-decision", Checkbox).value,
        )

    def problem(self) -> str:
        def value(name: str) -> str:
            return self.query_one(f"#action-{name}", Input).value

        return due_problem(value("due")) or measure_problem(
            value("baseline"), value("target"), value("direction")
        )

    @on(Input.Changed)
    def _check(self) -> None:
        fields = self.fields()
        problem = self.problem()
        status = self.query_one("#action-smart", Static)
        status.update(problem or missing_text(fields.missing))
        status.set_class(bool(problem or fields.missing), "-warning")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "action-direction":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        fields = self.fields()
        if not fields.text:
            self.notify("An action item needs some text.", severity="warning")
            return
        if self.problem():
            self.notify(self.problem(), severity="warning", markup=False)
            return
        self.dismiss(fields)

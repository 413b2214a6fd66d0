"""The health check: one rating from 1 to 5 per dimension, given once and anonymously."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from retro_tui.domain.model import HealthDimension
from retro_tui.ui.screens.save_cancel import SaveCancelDialog


class HealthDialog(SaveCancelDialog[str]):
    """Dismisses with `"3,4,5,…"` (a score per dimension, in order) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="health-save"),
        Binding("escape", "cancel", "Cancel", id="health-cancel"),
        *[
            Binding(str(n), f"score({n})", f"Score {n}", id=f"health-score-{n}", show=False)
            for n in range(1, 6)
        ],
    ]

    def __init__(self, dimensions: tuple[HealthDimension, ...]) -> None:
        super().__init__()
        self.dimensions = dimensions

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Health check", classes="dialog-title")
            yield Static(
                "1 far from it · 5 just right · anonymous to everyone, so final",
                classes="dialog-hint",
            )
            with VerticalScroll(id="health-dimensions"):
                for dim in self.dimensions:
                    label = dim.title + (f" — {dim.prompt}" if dim.prompt else "")
                    yield Label(label, markup=False)
                    with RadioSet(id=f"health-{dim.key}", compact=True, classes="-inline"):
                        for n in range(1, 6):
                            yield RadioButton(str(n), compact=True)
            yield Static(
                "1-5 rates the focused line · ctrl+s saves · esc cancels", classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query(RadioSet).first().focus()

    def scores(self) -> list[int | None]:
        out: list[int | None] = []
        for radios in self.query(RadioSet):
            out.append(radios.pressed_index + 1 if radios.pressed_index >= 0 else None)
        return out

    def action_score(self, score: int) -> None:
        """A digit rates the focused dimension and moves to the next one."""
        sets = list(self.query(RadioSet))
        focused = next((s for s in sets if s.has_focus), sets[0] if sets else None)
        if focused is None:
            return
        list(focused.query(RadioButton))[score - 1].value = True
        index = sets.index(focused)
        if index + 1 < len(sets):
            sets[index + 1].focus()
        else:
            self.query_one("#save", Button).focus()

    @on(RadioSet.Changed)
    def _rated(self, event: RadioSet.Changed) -> None:
        event.stop()

    def action_save(self) -> None:
        scores = self.scores()
        missing = [d.title for d, s in zip(self.dimensions, scores, strict=True) if s is None]
        if missing:
            self.notify(f"Rate {', '.join(missing)} too.", severity="warning", markup=False)
            return
        self.dismiss(",".join(str(s) for s in scores))

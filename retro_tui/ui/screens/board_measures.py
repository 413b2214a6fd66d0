"""The board's verbs for numbers: the Data step's table and checklist, and the actual value
of a measured action at the review. Beside `board_actions.py`, which keeps the retro's
other verbs; `BoardScreen` builds on both.
"""

from __future__ import annotations

from textual import work

from retro_tui.domain import commands as c
from retro_tui.domain.measures import (
    NUMBER_NAME_MAX,
    PERIOD_MAX,
    UNIT_MAX,
    TeamNumber,
    format_number,
)
from retro_tui.domain.measures import parse_number as read_number
from retro_tui.domain.model import ActionItem
from retro_tui.domain.phases import Phase
from retro_tui.ui.board.actions import BoardActions
from retro_tui.ui.screens.confirm import ConfirmDialog
from retro_tui.ui.screens.fields_dialog import Field, FieldsDialog
from retro_tui.ui.widgets.data_pane import CHECK_PREFIX, NUMBER_PREFIX, DataPane
from retro_tui.ui.widgets.review_pane import ReviewPane


def _number_text(value: float | None) -> str:
    return "" if value is None else format_number(value)


def number_dialog(number: TeamNumber | None = None) -> FieldsDialog:
    """A new number, or a change to one (its name stays: its last-retro value hangs on it)."""
    fields = [
        Field(
            "value",
            "Value this retro",
            _number_text(number.value if number else None),
            "21.5",
            number=True,
        ),
        Field("unit", "Unit", number.unit if number else "", "%", max_length=UNIT_MAX),
        Field(
            "period", "Period", number.period if number else "", "November", max_length=PERIOD_MAX
        ),
    ]
    if number is None:
        name = Field("name", "Name", "", "Open rate", optional=False, max_length=NUMBER_NAME_MAX)
        return FieldsDialog("Add a number", [name, *fields])
    return FieldsDialog(f"Change {number.name}", fields)


def rename_dialog(number: TeamNumber) -> FieldsDialog:
    """A new name for a number; its values and the actions measured by it follow."""
    name = Field(
        "name", "New name", number.name, "Open rate", optional=False, max_length=NUMBER_NAME_MAX
    )
    return FieldsDialog(
        f"Rename {number.name}",
        [name],
        intro="Its values and the actions whose metric it is keep following it.",
    )


def actual_dialog(action: ActionItem, current: float | None) -> FieldsDialog:
    goal = "reach" if action.decision else "target"
    return FieldsDialog(
        "Actual value",
        [Field("value", action.metric or "Value", _number_text(current), "", number=True)],
        intro=f"{action.text} — {goal} {format_number(action.target)}. Empty clears it.",
    )


class MeasureActions(BoardActions):
    def _data_key(self) -> str | None:
        key = self.query_one(DataPane).highlighted()
        if key is None:
            self.notify("Nothing selected.", severity="warning")
        return key

    def _selected_number(self) -> TeamNumber | None:
        key = self._data_key()
        if self.view is None or key is None or not key.startswith(NUMBER_PREFIX):
            return None
        name = key.removeprefix(NUMBER_PREFIX)
        return next((n for n in self.view.session.numbers if n.name == name), None)

    async def _save_number(self, values: dict[str, str], old: TeamNumber | None) -> None:
        value = read_number(values["value"], "The value") if values["value"] else None
        name = old.name if old is not None else values["name"]
        await self.send(
            c.SetNumber(number=name, value=value, unit=values["unit"], period=values["period"])
        )

    @work(group="dialogs")
    async def action_add_number(self) -> None:
        values = await self.app.push_screen_wait(number_dialog())
        if values is not None:
            await self._save_number(values, None)

    @work(group="dialogs")
    async def action_edit_number(self) -> None:
        number = self._selected_number()
        if number is None:
            return
        values = await self.app.push_screen_wait(number_dialog(number))
        if values is not None:
            await self._save_number(values, number)

    @work(group="dialogs")
    async def action_rename_number(self) -> None:
        number = self._selected_number()
        if number is None:
            return
        values = await self.app.push_screen_wait(rename_dialog(number))
        if values is not None and values["name"] != number.name:
            await self.send(c.RenameNumber(number=number.name, to=values["name"]))

    @work(group="dialogs")
    async def action_delete_number(self) -> None:
        number = self._selected_number()
        if number is None:
            return
        if await self.app.push_screen_wait(
            ConfirmDialog(f"Delete the number “{number.name}”?", yes="Delete")
        ):
            await self.send(c.DeleteNumber(number=number.name))

    def action_readiness(self, ready: bool) -> None:
        key = self._data_key()
        if key is None or not key.startswith(CHECK_PREFIX):
            self.notify("Select a check of the readiness list first.", severity="warning")
            return
        self.send_soon(c.SetReadiness(index=int(key.removeprefix(CHECK_PREFIX)), ready=ready))

    def action_open_data(self) -> None:
        self.send_soon(c.GoToPhase(phase=Phase.DATA.value))

    @work(group="dialogs")
    async def action_enter_actual(self) -> None:
        key = self.query_one(ReviewPane).highlighted()
        entry = (
            next((r for r in self.view.session.review if r.action.id == key), None)
            if self.view and key
            else None
        )
        if entry is None or self.view is None:
            self.notify("Nothing selected.", severity="warning")
            return
        action = entry.action
        if action.target is None:
            self.notify(
                "This action has no target; its actual value cannot be judged.", severity="warning"
            )
            return
        mine = next((m.value for m in action.actuals if m.session_id == self.view.session.id), None)
        values = await self.app.push_screen_wait(actual_dialog(action, mine))
        if values is not None:
            text = values["value"]
            value = read_number(text, "The actual value") if text else None
            await self.send(c.RecordActual(action=action.id, value=value))

"""Data: the team's numbers beside their value at the team's last retro, then the format's
readiness checklist. Rows are keyed `number:<name>` and `check:<index>`."""

from __future__ import annotations

from rich.text import Text

from retro_tui.domain.measures import ReadinessCheck, TeamNumber, format_change, format_number
from retro_tui.domain.views import BoardView
from retro_tui.ui.widgets.table_pane import TablePane

NUMBER_PREFIX = "number:"
CHECK_PREFIX = "check:"
CHECK_MARKS = {True: ("✓ yes", "green"), False: ("✗ no", "red"), None: ("not said", "dim")}


def number_row(number: TeamNumber) -> list[Text]:
    change = number.change
    style = "dim" if change is None else ""
    return [
        Text(number.name),
        Text(format_number(number.value), style="bold" if number.value is not None else "dim"),
        Text(number.unit or "–"),
        Text(number.period or "–"),
        Text(format_number(number.previous), style="dim"),
        Text(format_change(change), style=style),
    ]


def check_row(check: ReadinessCheck) -> list[Text]:
    label, style = CHECK_MARKS[check.ready]
    # "Ready?" tells a check from a number in the one table; the answer is in Value.
    question = Text.assemble(("Ready? ", "dim"), check.text)
    return [question, Text(label, style=style), Text(""), Text(""), Text(""), Text("")]


class DataPane(TablePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                ("Number", None),
                ("Value", 10),
                ("Unit", 6),
                ("Period", 10),
                ("Last retro", 10),
                ("Change", 8),
            ],
            prefix="data",
            id=id,
        )

    def watch_view(self, view: BoardView | None) -> None:
        if view is None or not self.is_mounted:
            return
        session = view.session
        entered = sum(1 for n in session.numbers if n.value is not None)
        if session.numbers:
            intro = Text.assemble((f"{entered} of {len(session.numbers)} numbers", "bold"))
            intro.append(" entered for this retro.")
        else:
            intro = Text("No numbers yet.")
        if view.is_facilitator and session.readiness:
            intro.append(" Checks: y was true, n was not, before the work started.", style="dim")
        self._intro.update(intro)
        rows = [(NUMBER_PREFIX + n.name, number_row(n)) for n in session.numbers]
        rows += [(f"{CHECK_PREFIX}{i}", check_row(x)) for i, x in enumerate(session.readiness)]
        self.table.fill(rows)
        self.show_detail()

    def show_detail(self) -> None:
        view = self.view
        key = self.highlighted() or ""
        detail = self._detail
        if view is None or not key:
            detail.update(Text("Bring the numbers: a adds one.", style="dim"))
            return
        if key.startswith(CHECK_PREFIX):
            checks = view.session.readiness
            index = int(key.removeprefix(CHECK_PREFIX))
            text = Text.assemble((checks[index].text, "bold") if index < len(checks) else "")
            ready = sum(1 for x in checks if x.ready)
            text.append(f"\n{ready} of {len(checks)} checks true before the work started.")
            detail.update(text)
            return
        name = key.removeprefix(NUMBER_PREFIX)
        number = next((n for n in view.session.numbers if n.name == name), None)
        if number is None:
            detail.update(Text(""))
            return
        text = Text.assemble((number.name, "bold"))
        text.append(f"  {format_number(number.value)} {number.unit}".rstrip())
        text.append(f"  last retro {format_number(number.previous)}", style="dim")
        text.append(f"  change {format_change(number.change)}", style="dim")
        detail.update(text)

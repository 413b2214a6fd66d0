"""Action items across the team's retros, as `retro-tui actions` lists them, with keys to
mark an item done, reopen it or drop it.

The sessions are read and written in thread workers (`reports.folder`, the code behind
`retro-tui actions` too); a worker only posts messages. An item whose newest retro is the
one open right now is changed on the board instead (review or actions phase): the hub
owns that file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Input, Select, Static

from retro_tui.domain.model import ActionStatus
from retro_tui.reports.folder import (
    ActionsData,
    ItemNotFound,
    StatusRefused,
    load_actions,
    set_status,
)
from retro_tui.reports.followup import ActionRow, filter_rows
from retro_tui.ui.widgets.table_pane import KeyedTable, clip

ALL_TEAMS = "*"
VERBS = {ActionStatus.DONE: "Done", ActionStatus.OPEN: "Reopened", ActionStatus.DROPPED: "Dropped"}

STATUS_STYLES = {
    ActionStatus.OPEN: "",
    ActionStatus.DONE: "green",
    ActionStatus.DROPPED: "dim",
}


def status_cell(row: ActionRow) -> Text:
    if row.overdue:
        return Text("overdue", style="bold red")
    return Text(row.status.value, style=STATUS_STYLES[row.status])


def row_cells(row: ActionRow) -> list[Text]:
    smart = Text("✗", style="bold yellow") if row.missing else Text("")
    return [
        status_cell(row),
        Text(" ".join(row.text.split())),
        smart,
        clip(Text(row.owner or "—", style="" if row.owner else "dim"), 8),
        Text(row.due or "—", style="red" if row.overdue else ("" if row.due else "dim")),
        Text(f"{row.age_days}d", justify="right"),
        clip(Text(row.retro_title), 14),
    ]


def detail_text(row: ActionRow, show_team: bool) -> Text:
    """The highlighted item in full: text, who, when, from where, and what it lacks."""
    text = Text()
    text.append(" ".join(row.text.split()), style="bold")
    text.append("\n")
    parts = [row.owner or "no owner"]
    if row.due:
        parts.append(f"due {row.due}")
    if row.metric:
        parts.append(f"metric: {row.metric}")
    parts.append(f"{row.age_days} days old")
    parts.append(f"from {row.retro_title}, {row.retro_date}")
    if row.carried:
        parts.append(f"carried {row.carried}×")
    if show_team:
        parts.append(f"team {row.team}")
    parts.append(f"ref {row.ref}")
    text.append(" · ".join(parts), style="dim")
    if row.missing:
        text.append("\nnot SMART: no " + ", no ".join(row.missing), style="yellow")
    return text


class ActionItemsScreen(Screen[None]):
    """Every action item of the folder, filtered like `retro-tui actions`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "set_status('done')", "Done", id="followup-done", tooltip="Mark it done"),
        Binding("r", "set_status('open')", "Reopen", id="followup-reopen", tooltip="Open it again"),
        Binding(
            "x",
            "set_status('dropped')",
            "Drop",
            id="followup-drop",
            tooltip="Drop it: the team no longer means to do it",
        ),
        Binding("ctrl+r,f5", "reload", "Reload", id="followup-reload", key_display="^r"),
        Binding("escape", "back", "Back", id="followup-back"),
    ]

    class Loaded(Message):
        def __init__(self, data: ActionsData) -> None:
            super().__init__()
            self.data = data

    class Changed(Message):
        def __init__(self, text: str, *, refused: bool = False) -> None:
            super().__init__()
            self.text = text
            self.refused = refused

    def __init__(
        self,
        folder: Path,
        *,
        today: Callable[[], date],
        live_session: Callable[[], str | None] = lambda: None,
        team: str | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.today = today
        self.live_session = live_session
        self.team = team
        self.data: ActionsData | None = None
        self.shown: dict[str, ActionRow] = {}
        self._table = KeyedTable(
            [
                ("Status", 7),
                ("Action item", None),
                ("✗", 1),
                ("Owner", 8),
                ("Due", 10),
                ("Age", 4),
                ("Retro", 14),
            ],
            id="followup-table",
        )

    def compose(self) -> ComposeResult:
        yield Static(id="followup-title", markup=False)
        with Horizontal(id="followup-filters"):
            yield Checkbox("Open only", True, id="followup-open", compact=True)
            yield Checkbox("Overdue", id="followup-overdue", compact=True)
            yield Input(placeholder="Owner", id="followup-owner", compact=True)
            yield Select(
                [(Text("All teams"), ALL_TEAMS)],
                value=ALL_TEAMS,
                allow_blank=False,
                id="followup-team",
                compact=True,
            )
        yield self._table
        yield Static(id="followup-detail", markup=False)
        yield Static(id="followup-summary", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show_title()
        self.query_one("#followup-summary", Static).update(Text("Reading the retros…"))
        self._table.focus()
        self.action_reload()

    # --- loading (thread) -----------------------------------------------------------------
    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        self._load(self.today())

    @work(thread=True, exclusive=True, group="followup-load")
    def _load(self, today: date) -> None:
        try:
            data = load_actions(self.folder, today)
        except Exception as error:  # shown, never raised: the worker would end the app
            self.post_message(self.Changed(f"Could not read the retros: {error}", refused=True))
            return
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        first = self.data is None
        self.data = message.data
        if first:
            teams = message.data.teams
            select = self.query_one("#followup-team", Select)
            options = [(Text("All teams"), ALL_TEAMS), *((Text(t), t) for t in teams)]
            select.set_options(options)
            wanted = next((t for t in teams if self.team and t.lower() == self.team.lower()), None)
            select.value = wanted or ALL_TEAMS
        self.refill()

    # --- filters ----------------------------------------------------------------------------
    def filters(self) -> dict[str, object]:
        team = self.query_one("#followup-team", Select).value
        owner = self.query_one("#followup-owner", Input).value.strip()
        return {
            "open_only": self.query_one("#followup-open", Checkbox).value,
            "overdue": self.query_one("#followup-overdue", Checkbox).value,
            "owner": owner or None,
            "team": None if team in (ALL_TEAMS, Select.BLANK) else str(team),
        }

    @on(Checkbox.Changed)
    @on(Input.Changed, "#followup-owner")
    @on(Select.Changed, "#followup-team")
    def refill(self) -> None:
        if self.data is None:
            return
        f = self.filters()
        rows = filter_rows(
            self.data.rows,
            open_only=bool(f["open_only"]),
            overdue=bool(f["overdue"]),
            owner=f["owner"] if isinstance(f["owner"], str) else None,
            team=f["team"] if isinstance(f["team"], str) else None,
        )
        self.team = f["team"] if isinstance(f["team"], str) else None
        self.shown = {row.key: row for row in rows}
        self._table.fill([(row.key, row_cells(row)) for row in rows])
        self._show_title()
        self._show_summary(rows)
        self._show_detail()

    def _show_title(self) -> None:
        text = Text("Action items", style="bold")
        text.append(f"  {self.team or 'all teams'}", style="dim")
        self.query_one("#followup-title", Static).update(text)

    def _show_summary(self, rows: list[ActionRow]) -> None:
        assert self.data is not None
        n_open = sum(r.is_open for r in rows)
        n_late = sum(r.overdue for r in rows)
        total = len(self.data.rows)
        text = Text(f"{len(rows)} shown of {total}: {n_open} open, {n_late} overdue")
        if not rows:
            text = Text(
                "No action items match these filters." if total else "No action items yet.",
                style="dim",
            )
        if self.data.problems:
            text.append(f"  ⚠ {len(self.data.problems)} unreadable file(s): ", style="yellow")
            text.append("; ".join(self.data.problems), style="yellow")
        self.query_one("#followup-summary", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        row = self.selected()
        detail = self.query_one("#followup-detail", Static)
        show_team = self.team is None and self.data is not None and len(self.data.teams) > 1
        detail.update(detail_text(row, show_team) if row else Text(""))
        detail.display = row is not None
        self.refresh_bindings()

    def selected(self) -> ActionRow | None:
        key = self._table.highlighted_key()
        return self.shown.get(key) if key else None

    # --- changing an item --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "set_status":
            row = self.selected()
            if row is None:
                return False
            if row.status.value == parameters[0]:
                return None  # shown, greyed out: it already has that status
        return True

    def action_set_status(self, status: str) -> None:
        row = self.selected()
        if row is None:
            self.notify("Select an action item first.", severity="warning")
            return
        if row.target.session_id == self.live_session():
            self.notify(
                "That item belongs to the retro open right now: change it on the board "
                "(review or actions phase).",
                severity="warning",
            )
            return
        self.change(row.key, ActionStatus(status), self.today(), self.live_session())

    @work(thread=True, exclusive=True, group="followup-write")
    def change(self, key: str, status: ActionStatus, today: date, live: str | None) -> None:
        try:
            change = set_status(self.folder, key, status, today, live_session=live)
        except ItemNotFound:  # it was listed a moment ago: changed or removed since
            gone = "That action item is no longer in the sessions folder."
            self.post_message(self.Changed(gone, refused=True))
            return
        except StatusRefused as refusal:
            self.post_message(self.Changed(str(refusal), refused=True))
            return
        except Exception as error:  # shown, never raised: the worker would end the app
            self.post_message(self.Changed(f"Could not change the item: {error}", refused=True))
            return
        text = change.row.text
        if change.changed:
            note = f"\n{change.note}" if change.note else ""
            self.post_message(self.Changed(f"{VERBS[status]}: {text}{note}"))
        else:
            self.post_message(self.Changed(f"Already {status.value}: {text}"))

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        self.notify(
            message.text, severity="warning" if message.refused else "information", markup=False
        )
        if not message.refused:
            self.load()

    def action_back(self) -> None:
        self.dismiss()

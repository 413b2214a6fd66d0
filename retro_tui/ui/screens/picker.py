"""The facilitator's start: a new retro from a format, or resume one from the folder.

Broken session files and broken format files are listed with their reason, so nothing
disappears silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from retro_tui.domain.phases import Phase
from retro_tui.ui.ports import Launcher
from retro_tui.ui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from retro_tui.store import SessionSummary


def summary_prompt(summary: SessionSummary) -> Text:
    """One resumable session as two lines: title, then team · phase · counts · date."""
    text = Text.assemble((str(summary.title), "bold"))
    try:
        phase = Phase(str(summary.phase)).label
    except ValueError:
        phase = str(summary.phase)
    when = summary.created_at.strftime("%Y-%m-%d")
    people = summary.n_participants
    text.append(
        f"\n{summary.team} · {phase} · {summary.n_cards} cards · "
        f"{people} {'person' if people == 1 else 'people'} · {when}",
        style="dim",
    )
    return text


class PickerScreen(Screen[None]):
    """Pick a format and name the retro, or resume a listed session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "create", "Start retro", id="picker-start"),
        Binding("ctrl+r", "resume_list", "Resume…", id="picker-resume-list"),
        Binding(
            "ctrl+o",
            "followup('actions')",
            "Action items",
            id="picker-action-items",
            tooltip="Action items across the team's retros",
        ),
        Binding(
            "ctrl+g",
            "followup('insights')",
            "Insights",
            id="picker-insights",
            tooltip="Completion, ROTI and recurring problems over the team's retros",
        ),
    ]

    class Chosen(Message):
        """The facilitator chose a session (new or resumed) to open."""

        def __init__(self, session_id: str) -> None:
            super().__init__()
            self.session_id = session_id

    class FollowupRequested(Message):
        """The facilitator asked for the action items ("actions") or insights screen."""

        def __init__(self, what: str, team: str) -> None:
            super().__init__()
            self.what = what
            self.team = team

    def __init__(self, launcher: Launcher, *, followup: bool = False) -> None:
        super().__init__()
        self.launcher = launcher
        self.followup = followup  # the app can show action items and insights

    def compose(self) -> ComposeResult:
        formats = self.launcher.catalog.formats
        today = self.launcher.clock().strftime("%Y-%m-%d")
        with Horizontal(id="picker-top"):
            yield Static(Text("retro-tui — start a retrospective", style="bold"), id="picker-title")
            if self.followup:
                yield Button("Action items", id="picker-actions", compact=True)
                yield Button("Insights", id="picker-insights", compact=True)
        with Horizontal(id="picker"):
            with VerticalScroll(id="picker-new", classes="picker-pane"):
                yield Static("New retro", classes="pane-heading")
                yield Label("Format")
                yield Select(
                    [(Text(f.name), key) for key, f in formats.items()],
                    value=next(iter(formats), Select.BLANK),
                    allow_blank=False,
                    id="picker-format",
                    compact=True,
                )
                yield Static(id="picker-format-info", markup=False)
                yield Label("Title")
                yield TextInput(placeholder=f"Retro {today}", id="picker-title-input", compact=True)
                yield Label("Team (brings back its open actions)")
                yield TextInput(placeholder="Our team", id="picker-team", compact=True)
                yield Checkbox(
                    "Anonymous: no names on cards or votes", id="picker-anonymous", compact=True
                )
                yield Button("Start retro", variant="primary", id="picker-create", compact=True)
            with VerticalScroll(id="picker-resume", classes="picker-pane"):
                yield Static("Resume", classes="pane-heading")
                yield OptionList(id="picker-sessions")
                yield Static(id="picker-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_listing()
        self._show_format_info()
        self.query_one("#picker-title-input", Input).focus()

    def refresh_listing(self) -> None:
        listing = self.launcher.listing()
        options = self.query_one("#picker-sessions", OptionList)
        options.clear_options()
        for summary in listing.sessions:
            options.add_option(Option(summary_prompt(summary), id=summary.id))
        if not listing.sessions:
            options.add_option(Option(Text("No saved retros yet.", style="dim"), disabled=True))
        problems = Text()
        for problem in listing.problems:
            problems.append("⚠ ", style="yellow")
            problems.append(f"{problem.path.name}: {problem.reason}\n")
        for error in self.launcher.catalog.errors:
            problems.append("⚠ format ", style="yellow")
            problems.append(f"{error}\n")
        widget = self.query_one("#picker-problems", Static)
        widget.update(problems)
        widget.display = bool(problems.plain)

    @on(Select.Changed, "#picker-format")
    def _show_format_info(self) -> None:
        key = self.query_one("#picker-format", Select).value
        fmt = self.launcher.catalog.formats.get(str(key))
        info = self.query_one("#picker-format-info", Static)
        if fmt is None:
            info.update("")
            return
        text = Text.assemble((" · ".join(col.title for col in fmt.columns), "bold"))
        text.append(f"\n{fmt.description}", style="dim")
        info.update(text)

    def action_resume_list(self) -> None:
        options = self.query_one("#picker-sessions", OptionList)
        options.focus()
        if options.highlighted is None and options.option_count:
            options.highlighted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "followup":
            return self.followup
        return True

    def action_followup(self, what: str) -> None:
        team = self.query_one("#picker-team", Input).value.strip()
        self.post_message(self.FollowupRequested(what, team))

    @on(Button.Pressed, "#picker-actions")
    def _actions_pressed(self) -> None:
        self.action_followup("actions")

    @on(Button.Pressed, "#picker-insights")
    def _insights_pressed(self) -> None:
        self.action_followup("insights")

    @on(Input.Submitted)
    @on(Button.Pressed, "#picker-create")
    def action_create(self) -> None:
        title_input = self.query_one("#picker-title-input", Input)
        team_input = self.query_one("#picker-team", Input)
        fmt = self.query_one("#picker-format", Select).value
        try:
            session = self.launcher.create_session(
                format_key=str(fmt),
                title=title_input.value.strip() or title_input.placeholder,
                team=team_input.value.strip() or team_input.placeholder,
                anonymous=self.query_one("#picker-anonymous", Checkbox).value,
            )
        except Exception as error:  # Refused, UnknownFormat or a store error: all readable
            reason = getattr(error, "reason", None) or str(error)
            self.notify(reason, severity="error", markup=False)
            return
        self.post_message(self.Chosen(session.id))

    @on(OptionList.OptionSelected, "#picker-sessions")
    def resume(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))

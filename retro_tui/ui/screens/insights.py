"""What a team's retros say over time: actions done per retro, how long items stay open,
ROTI with sparklines, and the problems that keep coming back with the cards behind them.

Computed in a thread worker (reading every session and clustering cards takes a moment
on a long history); the worker posts the result and the screen draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Collapsible, Footer, Select, Static

from retro_tui.domain.measures import half_up
from retro_tui.reports.folder import Loaded, team_insights
from retro_tui.reports.insights import Insights, OpenTime, RecurringProblem, sparkline
from retro_tui.reports.measure_insights import measure_lines
from retro_tui.reports.recurring import action_line, nothing_recurring


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:g} days"


def heading_text(found: Insights) -> Text:
    text = Text(found.team, style="bold")
    text.append(f"  {found.sessions} retros, {found.first} to {found.last}", style="dim")
    return text


def trends_text(found: Insights) -> Text:
    """ROTI and completion as sparklines, one position per retro, oldest on the left."""
    text = Text()
    roti = [p.average for p in found.roti]
    rated = [v for v in roti if v is not None]
    text.append("ROTI        ", style="bold")
    if rated:
        text.append(sparkline(roti, low=1, high=5), style="cyan")
        text.append(
            f"  last {half_up(rated[-1], 1)}, average {half_up(sum(rated) / len(rated), 1)} (1–5)",
            style="dim",
        )
    else:
        text.append("no ratings yet", style="dim")
    for trend in found.health:  # the health check, per dimension (issue 16)
        text.append(f"\n{('Health ' + trend.title)[:11]:<11} ", style="bold")
        text.append(sparkline(trend.averages, low=1, high=5), style="magenta")
        text.append("  " + trend.last_words, style="dim")
    rates = [c.rate for c in found.completion]
    known = [v for v in rates if v is not None]
    text.append("\nCompletion  ", style="bold")
    if known:
        text.append(sparkline(rates, low=0, high=1), style="green")
        text.append(
            f"  share of each retro's actions done (average {_pct(sum(known) / len(known))})",
            style="dim",
        )
    else:
        text.append("no action items yet", style="dim")
    return text


def open_time_text(t: OpenTime) -> Text:
    text = Text("How long items stay open", style="bold underline")
    if t.open_items:
        text.append(
            f"\n{t.open_items} open: median age {_days(t.open_median_days)}, "
            f"oldest {_days(t.open_oldest_days)}"
        )
    else:
        text.append("\nnone open")
    if t.closed_items:
        text.append(
            f"\n{t.closed_items} closed at a later retro: "
            f"median {_days(t.closed_median_days)} to close"
        )
    else:
        text.append("\nnone closed at a later retro yet", style="dim")
    if t.carried_items:
        text.append(f"\n{t.carried_items} carried over; the most-carried {t.carried_most} times")
    return text


def retros_table(found: Insights) -> Table:
    """One row per retro: its actions (raised, done, dropped, open, share done) and ROTI."""
    table = Table(
        box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False, collapse_padding=True
    )
    table.add_column("Date", no_wrap=True)
    table.add_column("Retro", ratio=1, no_wrap=True, overflow="ellipsis")
    for label in ("Raised", "Done", "Dropped", "Open", "Done%", "ROTI"):
        table.add_column(label, justify="right", no_wrap=True)
    roti = {p.session_id: p for p in found.roti}
    for c in found.completion:
        point = roti.get(c.session_id)
        average = point.average if point else None
        table.add_row(
            Text(c.date),
            Text(c.title),
            Text(str(c.raised)),
            Text(str(c.done), style="green" if c.done else ""),
            Text(str(c.dropped), style="dim"),
            Text(str(c.open), style="yellow" if c.open else ""),
            Text(_pct(c.rate)),
            Text("–" if average is None else half_up(average, 1)),
        )
    return table


def problem_cards_text(problem: RecurringProblem) -> Text:
    text = Text()
    for index, card in enumerate(problem.cards):
        if index:
            text.append("\n")
        text.append(f"{card.date}  ", style="dim")
        text.append(" ".join(card.text.split()))
        text.append(f"  ({card.retro_title}", style="dim")
        if card.topic:
            text.append(" · topic ", style="dim")
            text.append(card.topic, style="dim")
        text.append(")", style="dim")
    for action in problem.actions:
        text.append("\n")
        text.append(action_line(action), style="italic")
    return text


def possible_text(found: Insights) -> Text:
    """Unlinked look-alikes of known problems, labelled as the guesses they are."""
    text = Text("Possible recurrences", style="bold")
    text.append(" — guesses by similarity of meaning, not confirmed; link them to count them")
    for guess in found.possible:
        text.append(f"\n{guess.date}  ", style="dim")
        text.append(" ".join(guess.text.split()))
        text.append(" looks like ", style="dim")
        text.append(guess.problem_name, style="italic")
        text.append(f" ({guess.similarity:.2f}, {guess.retro_title})", style="dim")
    return text


def measures_text(found: Insights) -> Text:
    """Measured actions, decisions, the team's numbers and readiness (issue 14)."""
    if found.measures is None:
        return Text("")
    lines = measure_lines(found.measures)
    text = Text()
    for line in lines:
        heading = bool(line) and not line.startswith(" ")
        text.append(line + "\n", style="bold underline" if heading else "")
    return text


class InsightsScreen(Screen[None]):
    """One team's insights; a team picker switches between teams."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r,f5", "reload", "Reload", id="insights-reload", key_display="^r"),
        Binding("escape", "back", "Back", id="insights-back"),
    ]

    FIGURES = (
        "#insights-retros",
        "#insights-open",
        "#insights-measures",
        "#insights-problems-heading",
    )

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class Computed(Message):
        def __init__(self, found: Insights | None, loaded: Loaded) -> None:
            super().__init__()
            self.found = found
            self.loaded = loaded

    def __init__(self, folder: Path, *, today: Callable[[], date], team: str | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.today = today
        self.team = team
        self.found: Insights | None = None
        self._teams: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="insights-top"):
            yield Static(
                Text.assemble(("Insights", "bold"), ("  across the team's retros", "dim")),
                id="insights-title",
            )
            yield Select[str]([], prompt="Team", id="insights-team", compact=True)
        with VerticalScroll(id="insights-body"):
            yield Static(id="insights-heading", markup=False)
            yield Static(Text("Reading the retros…", style="dim"), id="insights-trends")
            yield Static(id="insights-retros")
            yield Static(id="insights-open")
            yield Static(id="insights-measures", markup=False)
            yield Static(
                Text("Problems that keep coming back", style="bold underline"),
                id="insights-problems-heading",
            )
            yield Vertical(id="insights-problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#insights-body").focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.compute(self.team, self.today())

    @work(thread=True, exclusive=True, group="insights")
    def compute(self, team: str | None, today: date) -> None:
        from retro_tui.meaning import best_scores  # the model: this screen is the facilitator's

        try:
            found, loaded = team_insights(self.folder, team, today, scores=best_scores()[0])
        except Exception as error:  # shown, never raised: the worker would end the app
            self.post_message(self.Failed(f"Could not compute the insights: {error}"))
            return
        self.post_message(self.Computed(found, loaded))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.notify(message.reason, severity="error", markup=False)
        self.query_one("#insights-trends", Static).update(Text(message.reason, style="red"))

    @on(Computed)
    async def _computed(self, message: Computed) -> None:
        found = self.found = message.found
        teams = message.loaded.teams()
        if teams != self._teams:
            self._teams = teams
            select = self.query_one("#insights-team", Select)
            with self.prevent(Select.Changed):
                select.set_options([(Text(t), t) for t in teams])
                if found is not None:
                    select.value = found.team
        trends = self.query_one("#insights-trends", Static)
        box_ = self.query_one("#insights-problems", Vertical)
        await box_.remove_children()
        if found is None:
            trends.update(Text("No retros in the sessions folder yet.", style="dim"))
            for name in (*self.FIGURES, "#insights-heading"):
                self.query_one(name).display = False
            return
        self.team = found.team
        self.query_one("#insights-heading", Static).update(heading_text(found))
        trends.update(trends_text(found))
        self.query_one("#insights-retros", Static).update(retros_table(found))
        self.query_one("#insights-open", Static).update(open_time_text(found.open_time))
        self.query_one("#insights-measures", Static).update(measures_text(found))
        for name in (*self.FIGURES, "#insights-heading"):
            self.query_one(name).display = True
        if not found.problems:
            await box_.mount(
                Static(
                    Text(nothing_recurring(found.problems_window, found.linked_retros)),
                    classes="insights-none",
                    markup=False,
                )
            )
        await box_.mount_all(
            Collapsible(
                Static(problem_cards_text(problem), markup=False),
                title=Content(problem.headline),  # type: ignore[arg-type]  # literal, not markup
                collapsed=index > 0,
                classes="insights-problem",
            )
            for index, problem in enumerate(found.problems)
        )
        if found.possible:
            await box_.mount(Static(possible_text(found), classes="insights-possible"))

    @on(Select.Changed, "#insights-team")
    def _team_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.team:
            self.team = event.value
            self.query_one("#insights-trends", Static).update(
                Text("Reading the retros…", style="dim")
            )
            self.action_reload()

    def action_back(self) -> None:
        self.dismiss()

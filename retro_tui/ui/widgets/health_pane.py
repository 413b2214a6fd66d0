"""The health check's pane: how many have rated, then average and spread per dimension.

Nothing here can name a rater: the view holds no seat beside any score
(domain/health.py), so the facilitator's, a participant's and the shared screen show
the same thing.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from retro_tui.domain import health
from retro_tui.domain.views import BoardView
from retro_tui.ui.widgets.phase_pane import PhasePane
from retro_tui.ui.widgets.quiet import set_text

BAR = "▁▂▃▄▅▆▇█"


def _spark(counts: tuple[int, ...]) -> str:
    """How many gave 1…5, as five bars (tallest = the most given score)."""
    top = max(counts) or 1
    return "".join(BAR[round(n / top * (len(BAR) - 1))] if n else "·" for n in counts)


def health_summary(view: BoardView) -> Text:
    check = view.session.health
    people = len(view.session.participants)
    text = Text.assemble((f"{len(check.rated)} of {people} rated", "bold"))
    if view.you in check.rated:
        text.append(" · you have rated", style="dim")
    if not check.revealed:
        text.append("\nResults show when everyone has rated, or when the facilitator shows them.")
    return text


def health_table(view: BoardView) -> Table:
    table = Table(box=None, padding=(0, 2), show_edge=False, expand=False)
    table.add_column("Dimension", style="bold")
    table.add_column("Average", justify="right")
    table.add_column("Spread", justify="center")
    table.add_column("1 … 5")
    check = view.session.health
    for dim, result in zip(check.dimensions, health.results(check), strict=True):
        if not check.revealed or result.average is None:
            table.add_row(Text(dim.title), Text("–"), Text("–"), Text(dim.prompt, style="dim"))
            continue
        table.add_row(
            Text(dim.title),
            Text(f"{result.average:.1f}"),
            Text(f"{result.low}–{result.high}"),
            Text(_spark(result.counts)),
        )
    return table


class HealthPane(VerticalScroll, PhasePane):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._summary = Static(id="health-summary")
        self._table = Static(id="health-table")

    def compose(self) -> ComposeResult:
        yield Static(
            Text("How is the team doing? Rate each line from 1 to 5; ratings are anonymous."),
            classes="pane-intro",
        )
        yield self._summary
        yield self._table

    def watch_view(self, view: BoardView | None) -> None:
        if view is None or not self.is_mounted:
            return
        set_text(self._summary, health_summary(view))
        self._table.update(health_table(view))

    def on_mount(self) -> None:
        self.call_later(lambda: self.watch_view(self.view))

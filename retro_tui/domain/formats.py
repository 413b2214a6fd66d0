"""A retro format (theme): its columns, timings and vote budget, as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field

from retro_tui.domain.phases import DEFAULT_DURATIONS, Phase


@dataclass(frozen=True)
class ColumnSpec:
    """One board column: a stable key, a title, a writing prompt and a colour name."""

    key: str
    title: str
    prompt: str = ""
    colour: str = "blue"


@dataclass(frozen=True)
class RetroFormat:
    """A retro format as loaded from `themes/*.toml`."""

    key: str
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    durations: dict[Phase, int] = field(default_factory=lambda: dict(DEFAULT_DURATIONS))
    votes_per_person: int = 5
    max_votes_per_topic: int | None = None
    source: str = ""  # file the format came from, for error messages
    data_step: bool = False  # the retro starts with the team's numbers (the Data step)
    readiness: tuple[str, ...] = ()  # checks that should be true before the work starts
    # The health check's dimensions, when the format sets its own (else the default set).
    health: tuple[tuple[str, str, str], ...] = ()  # (key, title, prompt)

    def column(self, key: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.key == key), None)

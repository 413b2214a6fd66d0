"""Every phase in order, the current one highlighted and the optional ones marked."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from retro_tui.domain.phases import OPTIONAL_PHASES, Phase, phases_of

SHORT_LABELS = {Phase.REVIEW: "Review", Phase.HEALTH: "Health"}


def phase_bar_text(
    current: Phase, *, level: int = 0, phases: tuple[Phase, ...] | None = None
) -> Text:
    """`Check-in? › Review? › [Write] › Group …`; optional phases end in `?`.

    `level` trades words for width: 0 full labels, 1 short labels and tight separators,
    2 only the current phase spelled out and the others by their first letters, 3 (a
    phone) only the current phase and where it is: `Write 3/8`.
    """
    text = Text()
    shown = phases_of(current is Phase.DATA) if phases is None else phases
    if current not in shown:  # a session that has just gone to its Data step
        shown = phases_of(True)
    if level >= 3:
        text.append(f" {current.label} ", style="bold reverse")
        text.append(f"{shown.index(current) + 1}/{len(shown)}", style="dim")
        return text
    separator = " › " if level == 0 else "›"
    for index, phase in enumerate(shown):
        if index:
            text.append(separator, style="dim")
        label = phase.label if level == 0 else SHORT_LABELS.get(phase, phase.label)
        if level >= 2 and phase is not current:
            label = label[:2]
        if phase in OPTIONAL_PHASES:
            label += "?"
        if phase is current:
            text.append(f" {label} ", style="bold reverse")
        elif phase.order < current.order:
            text.append(label, style="dim")
        else:
            text.append(label)
    return text


class PhaseBar(Widget):
    """One line; uses shorter labels when the terminal is narrow."""

    DEFAULT_CSS = """
    PhaseBar { height: 1; width: 1fr; }
    """

    phase: reactive[Phase] = reactive(Phase.CHECKIN)
    phases: reactive[tuple[Phase, ...]] = reactive(phases_of(False))  # the session's own

    def render(self) -> Text:
        for level in (0, 1, 2):
            text = phase_bar_text(self.phase, level=level, phases=self.phases)
            if text.cell_len <= self.size.width:
                return text
        return phase_bar_text(self.phase, level=3, phases=self.phases)

"""One declaration per board key: its rule decides where it is offered, its binding
names it in the hints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.binding import Binding

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Role
from retro_tui.domain.phases import Phase
from retro_tui.domain.views import BoardView, view_for
from retro_tui.ui.board import keys
from retro_tui.ui.board.hints import phase_hint

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FMT = RetroFormat("two", "Two", "", (ColumnSpec("good", "Good"), ColumnSpec("bad", "Bad")))


def _facilitator_view(phase: Phase) -> BoardView:
    s = rules.new_session(FMT, session_id="s", title="T", team="t", now=NOW)
    s, fay = rules.join(s, "Fay", Role.FACILITATOR, NOW)
    while s.phase is not phase:
        s = rules.apply(s, fay, c.NextPhase(), NOW)
    return BoardView(view_for(s, fay), fay, frozenset({fay}))


def test_a_rebound_key_shows_its_new_letter_in_the_phase_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rebound = [
        Binding("w", b.action, b.description, id=b.id)
        if isinstance(b, Binding) and b.id == "add-card"
        else b
        for b in keys.BOARD_BINDINGS
    ]
    monkeypatch.setattr(keys, "BOARD_BINDINGS", rebound)
    hint = phase_hint(_facilitator_view(Phase.WRITE), None).plain
    assert "w add" in hint and "a add" not in hint


def test_the_screens_own_facts_are_part_of_a_keys_rule() -> None:
    view = _facilitator_view(Phase.ACTIONS)
    terminal = keys.BoardFacts(exports_to_folder=True)
    tab = keys.BoardFacts(exports_to_folder=False)
    assert keys.allowed("export", view, terminal) and not keys.allowed("export", view, tab)
    assert keys.allowed("download_notes", view, tab)
    assert not keys.allowed("download_notes", view, terminal)
    assert not keys.allowed("cancel_group", _facilitator_view(Phase.GROUP), tab)
    grouping = keys.BoardFacts(grouping="card-1")
    assert keys.allowed("cancel_group", _facilitator_view(Phase.GROUP), grouping)


def test_the_palette_leaves_out_only_the_keys_whose_rule_says_so() -> None:
    left_out = {action for action, rule in keys.RULES.items() if not rule.palette}
    assert left_out == {"cancel_group", "help"}
    assert keys.rule_of("roti(3)") is keys.RULES["roti"]

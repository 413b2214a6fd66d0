"""The pure display rules behind the widgets: items, budgets, keys, timer text, phase bar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import Role, Session, Timer
from retro_tui.domain.phases import PHASE_ORDER, Phase, phases_of
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import BoardView, view_for
from retro_tui.ui.board import keys
from retro_tui.ui.shaping import (
    age_text,
    all_board_items,
    board_items,
    clock_text,
    ranked_items,
    skip_target,
    votes_left_text,
)
from retro_tui.ui.widgets.phase_bar import phase_bar_text
from retro_tui.ui.widgets.timer import timer_state
from tests.support.domain import make_retro

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FMT = RetroFormat("two", "Two", "", (ColumnSpec("good", "Good"), ColumnSpec("bad", "Bad")))


def _session(*, anonymous: bool = False) -> tuple[Session, str, str]:
    s = rules.new_session(FMT, session_id="s", title="T", team="t", now=NOW, anonymous=anonymous)
    s, fay = rules.join(s, "Fay", Role.FACILITATOR, NOW)
    s, maya = rules.join(s, "Maya", Role.PARTICIPANT, NOW)
    s = rules.apply(s, fay, c.GoToPhase(phase="write"), NOW)
    s = rules.apply(s, fay, c.AddCard(column="good", text="mine"), NOW)
    s = rules.apply(s, maya, c.AddCard(column="good", text="hers"), NOW)
    s = rules.apply(s, maya, c.AddCard(column="bad", text="other"), NOW)
    return s, fay, maya


def _view(session: Session, who: str) -> BoardView:
    return BoardView(view_for(session, who), who, frozenset({who}))


def test_items_hide_others_cards_until_the_reveal() -> None:
    s, fay, _maya = _session()
    items = board_items(_view(s, fay), "good")
    assert [(i.hidden, i.cards[0].text, i.authors) for i in items] == [
        (False, "mine", ("you",)),
        (True, "", ()),
    ]
    s = rules.apply(s, fay, c.NextPhase(), NOW)
    items = board_items(_view(s, fay), "good")
    assert [(i.hidden, i.authors) for i in items] == [(False, ("you",)), (False, ("Maya",))]


def test_anonymous_items_name_nobody_after_the_reveal() -> None:
    s, fay, _ = _session(anonymous=True)
    s = rules.apply(s, fay, c.NextPhase(), NOW)
    items = board_items(_view(s, fay), "good")
    assert [i.authors for i in items] == [(), ()]
    assert not any(i.mine for i in items)


def test_topics_are_one_item_in_their_column_and_votes_count_down() -> None:
    s, fay, maya = _session()
    s = rules.apply(s, fay, c.NextPhase(), NOW)
    first, second = s.cards[0].id, s.cards[1].id
    s = rules.apply(s, fay, c.Merge(source=second, target=first), NOW)
    s = rules.apply(s, fay, c.NextPhase(), NOW)
    topic = s.topics[0].id
    s = rules.apply(s, fay, c.CastVote(target=topic), NOW)
    s = rules.apply(s, maya, c.CastVote(target=s.cards[2].id), NOW)
    view = _view(s, fay)
    items = board_items(view, "good")
    assert [(i.id, i.is_topic, len(i.cards), i.my_votes, i.total_votes) for i in items] == [
        (topic, True, 2, 1, None)
    ]
    assert votes_left_text(view) == "4 of 5 votes left"
    s = rules.apply(s, fay, c.NextPhase(), NOW)
    ranked = ranked_items(_view(s, fay))
    assert [(i.id, i.total_votes) for i in ranked][:1] == [(topic, 1)]


@pytest.mark.parametrize(
    ("phase", "target"),
    [(Phase.CHECKIN, Phase.WRITE), (Phase.REVIEW, None), (Phase.WRITE, None), (Phase.CLOSE, None)],
)
def test_skip_goes_past_optional_phases(phase: Phase, target: Phase | None) -> None:
    assert skip_target(phase, phases_of(False)) is target


def test_skip_goes_past_the_health_check_when_the_session_holds_one() -> None:
    assert skip_target(Phase.REVIEW, phases_of(False, True)) is Phase.WRITE
    assert skip_target(Phase.HEALTH, phases_of(False, True)) is None


def test_participants_never_get_facilitator_actions() -> None:
    s, fay, maya = _session()
    for phase in PHASE_ORDER:
        s2 = s.with_changes(phase=phase)
        for action, rule in keys.RULES.items():
            if rule.facilitator:
                assert not keys.allowed(action, _view(s2, maya)), (action, phase)
    assert keys.allowed("next_phase", _view(s, fay))
    assert keys.allowed("add_card", _view(s, maya))
    assert not keys.allowed("vote", _view(s, maya))


def test_every_board_binding_has_an_id_and_a_rule() -> None:
    from textual.binding import Binding

    for binding in keys.BOARD_BINDINGS:
        assert isinstance(binding, Binding) and binding.id and binding.description
        action = binding.action.split("(")[0]
        assert action in keys.RULES, action


def test_clock_and_age_text() -> None:
    assert clock_text(420) == "07:00"
    assert clock_text(0.2) == "00:01"
    assert clock_text(0) == "00:00"
    assert clock_text(3725) == "1:02:05"
    assert age_text("2026-11-09", date(2026, 11, 23)) == "raised 14 days ago"
    assert age_text("bad", date(2026, 11, 23)) == ""


def test_timer_states() -> None:
    assert timer_state(Timer(), NOW) == "off"
    assert timer_state(Timer(duration=60, remaining=60), NOW) == "ready"
    running = Timer(duration=60, deadline=NOW + timedelta(seconds=30), remaining=60)
    assert timer_state(running, NOW) == "running"
    assert timer_state(running, NOW + timedelta(seconds=31)) == "up"
    assert timer_state(Timer(duration=60, remaining=20), NOW) == "paused"


def test_phase_bar_fits_80_columns_beside_the_timer() -> None:
    for phase in phases_of(False):
        assert phase_bar_text(phase, level=1).cell_len <= 60
        assert phase.label in phase_bar_text(phase, level=2).plain or phase is Phase.REVIEW
    # With the optional Data step (and health check) the bar takes level 2 at 80 columns.
    for phase in PHASE_ORDER:
        shown = phase_bar_text(phase, level=2, phases=phases_of(True, True))
        assert shown.cell_len <= 60
        assert phase.label in shown.plain or phase in (Phase.REVIEW, Phase.HEALTH)


def test_a_card_shows_its_problem_to_each_viewer_only_where_the_view_holds_the_link() -> None:
    retro = make_retro(2, Phase.WRITE)
    card = retro.card(retro.people[0], "Approvals take forever", "bad")
    ghost = retro.card(retro.people[0], "Parking is full", "bad")
    retro.move_to(Phase.GROUP)
    retro.do(retro.fac, c.NameProblem(target=card, problem_name="[b]Slow[/b] approvals"))
    data = session_to_dict(retro.session)
    data["problem_links"].append([ghost, "ghost#p1"])  # a file naming no such problem
    retro.session = session_from_dict(data)

    def marks(viewer: str | None) -> dict[str, str]:
        view = BoardView(view_for(retro.session, viewer), viewer or "")
        items = [i for column in all_board_items(view).values() for i in column]
        return {i.id: i.problem for i in items if i.problem}

    assert marks(retro.people[1]) == marks(None) == {card: "[b]Slow[/b] approvals"}
    retro.move_to(Phase.WRITE)  # face-down again: nobody's view holds the link
    assert marks(retro.fac) == marks(retro.people[1]) == {}

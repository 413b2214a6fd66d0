"""Writing before the meeting: Write opens ahead of time with no timer running, cards
stay face-down, and the early writing is not counted as meeting time."""

from __future__ import annotations

from datetime import timedelta

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from retro_tui.export import session_markdown
from tests.support.domain import NOW, make_format, make_retro


def test_a_session_created_open_early_waits_in_write_with_the_timer_stopped() -> None:
    session = rules.new_session(
        make_format(), session_id="s1", title="Sprint 9", team="core", now=NOW, open_early=True
    )
    assert session.phase is Phase.WRITE and session.opened_early
    assert not session.timer.running and session.timer.remaining == 7 * 60
    assert session_from_dict(session_to_dict(session)) == session


def test_the_facilitator_opens_writing_early_and_cards_stay_face_down() -> None:
    r = make_retro(2, Phase.CHECKIN)
    r.refused(r.people[0], c.OpenEarly(), kind=NotAllowed)
    r.do(r.fac, c.OpenEarly())
    assert r.session.phase is Phase.WRITE and not r.session.timer.running
    r.card(r.people[0], "zqearlyzq", "bad")
    assert "zqearlyzq" not in str(session_to_dict(view_for(r.session, r.people[1])))
    r.refused(r.fac, c.OpenEarly())  # already writing


def test_going_back_for_check_in_keeps_the_early_cards_hidden_and_the_timer_planned() -> None:
    r = make_retro(2, Phase.CHECKIN)
    r.do(r.fac, c.OpenEarly())
    r.card(r.people[0], "zqearlyzq", "bad")
    r.move_to(Phase.CHECKIN, NOW + timedelta(days=3))
    assert "zqearlyzq" not in str(session_to_dict(view_for(r.session, r.people[1])))
    r.move_to(Phase.WRITE, NOW + timedelta(days=3, minutes=5))
    assert len(r.session.cards) == 1 and not r.session.timer.running


def test_the_notes_leave_early_writing_out_of_the_write_phase_s_time() -> None:
    r = make_retro(1, Phase.CHECKIN)
    r.do(r.fac, c.OpenEarly(), NOW)
    r.move_to(Phase.CHECKIN, NOW + timedelta(days=3))
    r.move_to(Phase.WRITE, NOW + timedelta(days=3, minutes=5))
    r.move_to(Phase.GROUP, NOW + timedelta(days=3, minutes=12))
    notes = session_markdown(r.session, now=NOW + timedelta(days=3, minutes=13))
    assert "| Write | 7 | 7.0 |" in notes

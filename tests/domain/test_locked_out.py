"""Who a locked retro still lets in: its own seats, and a browser for a released seat."""

from __future__ import annotations

from dataclasses import replace

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from tests.support.domain import make_retro


def test_a_locked_retro_turns_away_only_browsers_with_no_seat_and_no_seat_to_take() -> None:
    r = make_retro(participants=2)
    people = tuple(
        p if p.is_facilitator else replace(p, seat=f"seat-{i}")
        for i, p in enumerate(r.session.participants)
    )
    r.session = r.session.with_changes(participants=people)
    seats = [p.seat for p in people if not p.is_facilitator]
    assert not rules.locked_out(r.session, "a-stranger")  # open: anyone may try
    r.do(r.fac, c.LockJoining(locked=True))
    assert rules.locked_out(r.session, "a-stranger")
    assert not any(rules.locked_out(r.session, seat) for seat in seats)  # people come back
    r.do(r.fac, c.ReleaseSeat(participant=r.people[0]))
    assert not rules.locked_out(r.session, "a-stranger")  # someone may type the free name

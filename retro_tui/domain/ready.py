"""The ready check: "7 of 9 ready", in every phase, and the facilitator's call to confirm.

Write and vote had it first as "done writing" and "done voting" (`Participant`'s
`done_writing` and `done_voting`, set by `mark_done` and by a spent vote budget); those
marks stay, and are the ready check of those two phases. Every other phase keeps its
marks in `Session.ready`, which counts only while the session is still in the phase (and
on the topic, in discuss) they were given in, so moving on starts a fresh check.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from retro_tui.domain import commands as c
from retro_tui.domain.model import Participant, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.room import ReadyCheck
from retro_tui.domain.room_views import current_check, ready_place
from retro_tui.domain.rules import _facilitator_only, _handles

DONE_PHASES = (Phase.WRITE, Phase.VOTE)
"""Phases whose ready check is the older "done" mark on each person."""


def _with_person(session: Session, person: Participant) -> Session:
    people = tuple(person if p.id == person.id else p for p in session.participants)
    return session.with_changes(participants=people)


@_handles(c.SetReady)
def _set_ready(session: Session, actor: Participant, cmd: c.SetReady, now: datetime) -> Session:
    if session.phase is Phase.WRITE:
        return _with_person(session, replace(actor, done_writing=cmd.ready))
    if session.phase is Phase.VOTE:
        return _with_person(session, replace(actor, done_voting=cmd.ready))
    check = current_check(session)
    people = tuple(p for p in check.people if p != actor.id)
    if cmd.ready:
        people = (*people, actor.id)
    phase, topic = ready_place(session)
    return session.with_changes(ready=replace(check, phase=phase, topic=topic, people=people))


@_handles(c.AskReady)
def _ask_ready(session: Session, actor: Participant, cmd: c.AskReady, now: datetime) -> Session:
    """Ask everyone to confirm (every mark of this phase cleared, so each says it
    again), or reset the check (marks cleared, the request taken down)."""
    _facilitator_only(actor, "ask everyone whether they are ready")
    phase, topic = ready_place(session)
    session = session.with_changes(ready=ReadyCheck(phase=phase, topic=topic, requested=cmd.ask))
    if phase in DONE_PHASES:
        writing = phase is Phase.WRITE
        people = tuple(
            replace(p, done_writing=False) if writing else replace(p, done_voting=False)
            for p in session.participants
        )
        session = session.with_changes(participants=people)
    return session

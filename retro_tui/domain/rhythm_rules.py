"""Rules for the room's rhythm (issue 16, part B): the parking lot, icebreakers, the
health check and writing before the meeting.

Kept beside `rules.py` (which imports this module once, at its end, so the handlers
register), like `measure_rules.py`; each feature's logic lives in its own module
(`parking`, ...) and the handlers here only check who may act and when.
"""

from __future__ import annotations

from datetime import datetime

from retro_tui.domain import commands as c
from retro_tui.domain import health, icebreakers, parking, prewrite
from retro_tui.domain.model import Participant, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.rules import _facilitator_only, _handles, _in_phase


@_handles(c.Park)
def _park(session: Session, actor: Participant, cmd: c.Park, now: datetime) -> Session:
    _facilitator_only(actor, "use the parking lot")
    if session.phase is Phase.REVIEW:
        return parking.settle(session, cmd.target, settled=not cmd.parked)
    _in_phase(session, "park cards and topics", *parking.PARK_PHASES)
    if cmd.parked:
        return parking.park(session, cmd.target)
    return parking.unpark(session, cmd.target)


@_handles(c.SkipIcebreaker)
def _skip_icebreaker(
    session: Session, actor: Participant, cmd: c.SkipIcebreaker, now: datetime
) -> Session:
    _facilitator_only(actor, "change the check-in question")
    _in_phase(session, "change the check-in question", Phase.CHECKIN)
    return icebreakers.skip(session)


@_handles(c.OpenEarly)
def _open_early(session: Session, actor: Participant, cmd: c.OpenEarly, now: datetime) -> Session:
    _facilitator_only(actor, "open writing early")
    return prewrite.open_early(session, now)


@_handles(c.RateHealth)
def _rate_health(session: Session, actor: Participant, cmd: c.RateHealth, now: datetime) -> Session:
    _in_phase(session, "rate the team's health", Phase.HEALTH)
    return health.rate(session, actor.id, cmd.scores)


@_handles(c.RevealHealth)
def _reveal_health(
    session: Session, actor: Participant, cmd: c.RevealHealth, now: datetime
) -> Session:
    _facilitator_only(actor, "show the health check's results")
    _in_phase(session, "show the health check's results", Phase.HEALTH)
    return health.reveal(session)

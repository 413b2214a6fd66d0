"""Writing before the meeting: the facilitator opens the Write phase ahead of time, so
people add cards in their own time zone; the cards stay face-down until the reveal.

The timer: none runs while people write early. The Write phase is entered with its
planned minutes waiting (the timer stopped), so nobody's week is counted down; in the
meeting the facilitator may go back to check-in and review (`<`), and coming back to
Write finds the planned time again, to start with `space` for the last cards. The notes
leave the early writing out of the Write phase's actual time: it is not meeting time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from retro_tui.domain.errors import Refused
from retro_tui.domain.model import PhaseRecord, Session, Timer
from retro_tui.domain.phases import Phase

BEFORE_WRITING: tuple[Phase, ...] = (Phase.CHECKIN, Phase.DATA, Phase.REVIEW, Phase.HEALTH)


def open_early(session: Session, now: datetime) -> Session:
    """The session in Write, its timer stopped at the planned minutes, marked as opened
    before the meeting."""
    if session.phase not in BEFORE_WRITING:
        raise Refused(
            f"Writing can be opened early only before the Write phase; this is "
            f"{session.phase.label}."
        )
    log = list(session.phase_log)
    if log and log[-1].ended_at is None:
        log[-1] = replace(log[-1], ended_at=now)
    log.append(PhaseRecord(Phase.WRITE, now))
    seconds = session.durations.get(Phase.WRITE, 0) * 60
    return session.with_changes(
        phase=Phase.WRITE,
        phase_log=tuple(log),
        timer=Timer(duration=seconds, remaining=float(seconds)),
        opened_early=True,
    )


def early_record(session: Session) -> PhaseRecord | None:
    """The phase record of the early writing (left out of the meeting's timing)."""
    if not session.opened_early:
        return None
    return next((r for r in session.phase_log if r.phase is Phase.WRITE), None)

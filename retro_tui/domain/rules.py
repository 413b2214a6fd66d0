"""The rules: turn (session, actor, command, time) into a new session or a refusal.

Pure functions only: the time is passed in and ids come from the session's counter, so a
replay of the same commands gives the same session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from retro_tui.domain import commands as c
from retro_tui.domain import judging, names, prewrite, undo
from retro_tui.domain import problems as pr
from retro_tui.domain import text as t
from retro_tui.domain.errors import NotAllowed, Refused, VoteBudgetExceeded
from retro_tui.domain.formats import RetroFormat
from retro_tui.domain.health import health_dimensions
from retro_tui.domain.measures import TeamNumber, carried_numbers, measure_fields
from retro_tui.domain.model import (
    ActionItem,
    ActionStatus,
    Card,
    HealthCheck,
    ParkedItem,
    Participant,
    PhaseRecord,
    ReviewDecision,
    ReviewItem,
    Role,
    Session,
    Settings,
    Timer,
    Topic,
    Vote,
)
from retro_tui.domain.phases import OPTIONAL_PHASES, PHASE_ORDER, Phase, phases_of

MAX_PARTICIPANTS_HARD = 500
MAX_CARDS = 5000
CARDS_PER_PERSON = 50
"""Cards one participant may add: ten people could otherwise fill the session's 5,000
and leave everyone else unable to write (the facilitator, who transcribes, is exempt)."""

Handler = Callable[[Session, Participant, Any, datetime], Session]
_HANDLERS: dict[type[c.Command], Handler] = {}


def _handles(cls: type[c.Command]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[cls] = fn
        return fn

    return register


# --- creating a session and joining ------------------------------------------------------
def new_session(
    fmt: RetroFormat,
    *,
    session_id: str,
    title: str,
    team: str,
    now: datetime,
    previous_actions: tuple[ActionItem, ...] = (),
    anonymous: bool = False,
    previous_numbers: tuple[TeamNumber, ...] = (),
    previous_parked: tuple[ParkedItem, ...] = (),
    icebreaker: tuple[str, tuple[str, ...]] = ("", ()),
    open_early: bool = False,
) -> Session:
    """A fresh session in check-in, with last retro's open actions waiting for review and
    last retro's numbers waiting for this retro's values."""
    title = t.clean_text(title, "A session title", t.TITLE_MAX)
    team = t.clean_text(team, "A team name", t.TEAM_MAX)
    settings = Settings(
        anonymous=anonymous,
        votes_per_person=fmt.votes_per_person,
        max_votes_per_target=fmt.max_votes_per_topic,
    )
    review = tuple(ReviewItem(action=a) for a in previous_actions if a.status is ActionStatus.OPEN)
    checkin_seconds = fmt.durations.get(Phase.CHECKIN, 0) * 60
    opening = carried_numbers(fmt, previous_numbers)
    session = Session(
        id=session_id,
        title=title,
        team=team,
        format_key=fmt.key,
        format_name=fmt.name,
        columns=fmt.columns,
        created_at=now,
        durations=dict(fmt.durations),
        settings=settings,
        review=review,
        timer=Timer(duration=checkin_seconds, remaining=float(checkin_seconds)),
        phase_log=(PhaseRecord(Phase.CHECKIN, now),),
        numbers=opening.numbers,
        readiness=opening.readiness,
        data_step=opening.data_step,
        parked_before=previous_parked,
        icebreaker=icebreaker[0],
        icebreakers_next=icebreaker[1],
        health_step=bool(fmt.health),
        health=HealthCheck(dimensions=health_dimensions(fmt)),
    )
    return prewrite.open_early(session, now) if open_early else session


def join(
    session: Session,
    name: object,
    role: Role,
    now: datetime,
    *,
    seat: str = "",
    max_seats: int = MAX_PARTICIPANTS_HARD,
) -> tuple[Session, str]:
    """Seat a browser that gave a name, or refuse with what to do instead.

    Power comes from the grant, never the name: a facilitator connection sits in the
    facilitator's seat (created with `name` the first time), and a participant one can
    never sit there. A name that looks like one already held belongs to that seat,
    whether its person is online or not; the one exception is a seat the facilitator
    released (no browser bound), which the next browser typing its name takes.
    `seat` is the hash of the browser identity to bind.
    """
    if role is Role.FACILITATOR:
        chair = next(iter(session.participants_with_role(Role.FACILITATOR)), None)
        if chair is not None:
            return session, chair.id
    clean = t.clean_name(name)
    names.refuse_role_words(clean)
    holder = holder_of_name(session, clean)
    if holder is not None:
        if holder.is_facilitator:
            raise Refused(f"{holder.name} is the facilitator of this retro. Pick another name.")
        if holder.seat or role is Role.FACILITATOR:
            raise Refused(
                f"{holder.name} is already in this retro on another browser. Pick another "
                f"name, or ask the facilitator to release {holder.name}'s seat."
            )
        if holder.seat == seat:
            return session, holder.id
        person = replace(holder, seat=seat)
        people = _replace_item(session.participants, holder, person)
        return _bump(session.with_changes(participants=people)), holder.id
    if role is Role.PARTICIPANT:
        if session.settings.joining_locked:
            raise Refused(LOCKED_OUT)
        seats = len(session.participants_with_role(Role.PARTICIPANT))
        if seats >= min(max_seats, MAX_PARTICIPANTS_HARD):
            raise Refused(
                f"This retro has no more seats ({min(max_seats, MAX_PARTICIPANTS_HARD)}). "
                "Ask the facilitator to remove people who are not here."
            )
    pid, session = _new_id(session, "p")
    person = Participant(id=pid, name=clean, role=role, joined_at=now, seat=seat)
    return _bump(session.with_changes(participants=(*session.participants, person))), pid


LOCKED_OUT = (
    "The facilitator has locked joining: no one new can join this retro now. "
    "Ask them to unlock it."
)


def locked_out(session: Session, seat: str) -> bool:
    """Whether a browser holding `seat` can no longer get a place at all: joining is
    locked, it has no seat, and no released seat is waiting for its name to be typed.
    (Such a browser is turned away before a process is started for its tab.)"""
    if not session.settings.joining_locked:
        return False
    people = [p for p in session.participants if not p.is_facilitator]
    if any(p.seat == seat for p in people):
        return False
    return not any(not p.seat for p in people)


def move_seat(session: Session, old_seat: str, new_seat: str) -> Session:
    """Bind the participant seated at `old_seat` to `new_seat` instead (the same browser
    proved itself under a fresh identity); unchanged when no participant sits there."""
    person = next(
        (p for p in session.participants if p.seat == old_seat and not p.is_facilitator), None
    )
    if person is None or not old_seat or old_seat == new_seat:
        return session
    people = _replace_item(session.participants, person, replace(person, seat=new_seat))
    return _bump(session.with_changes(participants=people))


def holder_of_name(session: Session, name: str, *, besides: str = "") -> Participant | None:
    """The participant whose name looks like `name` (other than `besides`), if any."""
    key = names.look_alike_key(name)
    return next(
        (
            p
            for p in session.participants
            if p.id != besides and names.look_alike_key(p.name) == key
        ),
        None,
    )


def apply(session: Session, actor_id: str, command: c.Command, now: datetime) -> Session:
    """Apply one command for one actor, or raise Refused with the reason."""
    actor = session.participant(actor_id)
    if actor is None:
        raise NotAllowed("You are not part of this session; join it first.")
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise Refused(f"Unknown command {command.name!r}.")
    changed = handler(session, actor, command, now)
    what = undo.describe(command, session, changed)
    if what is not None:
        changed = undo.remember(session, changed, actor.id, what)
    return _bump(changed)


@_handles(c.Undo)
def _undo(session: Session, actor: Participant, cmd: c.Undo, now: datetime) -> Session:
    return undo.take_back(session, actor, cmd)


# --- helpers -----------------------------------------------------------------------------
def _bump(session: Session) -> Session:
    return session.with_changes(revision=session.revision + 1)


def _new_id(session: Session, prefix: str) -> tuple[str, Session]:
    return f"{prefix}{session.next_id}", session.with_changes(next_id=session.next_id + 1)


def _facilitator_only(actor: Participant, what: str) -> None:
    if not actor.is_facilitator:
        raise NotAllowed(f"Only the facilitator can {what}.")


def _in_phase(session: Session, what: str, *phases: Phase) -> None:
    if session.phase not in phases:
        names = " or ".join(p.label for p in phases)
        raise NotAllowed(f"You can {what} only during {names}; this is {session.phase.label}.")


def _replace_item(items: tuple[Any, ...], old: Any, new: Any) -> tuple[Any, ...]:
    return tuple(new if item is old else item for item in items)


def _card_or_refuse(session: Session, cid: str) -> Card:
    card = session.card(cid)
    if card is None:
        raise Refused("That card no longer exists.")
    return card


def _column_or_refuse(session: Session, key: str) -> str:
    if not any(col.key == key for col in session.columns):
        raise Refused(f"There is no column {t.make_visible(key[:40], multiline=False)!r}.")
    return key


def _may_group(session: Session, actor: Participant) -> None:
    _in_phase(session, "group cards", Phase.GROUP)
    if not (actor.is_facilitator or session.settings.participants_may_group):
        raise NotAllowed("Only the facilitator can group cards in this session.")


# --- phases -------------------------------------------------------------------------------
def _enter_phase(session: Session, phase: Phase, now: datetime) -> Session:
    if phase is session.phase:
        return session
    log = list(session.phase_log)
    if log and log[-1].ended_at is None:
        log[-1] = replace(log[-1], ended_at=now)
    log.append(PhaseRecord(phase, now))
    minutes = session.durations.get(phase, 0)
    changes: dict[str, Any] = {
        "phase": phase,
        "phase_log": tuple(log),
        "timer": Timer(duration=minutes * 60, remaining=float(minutes * 60)),
    }
    if phase is Phase.DISCUSS and session.current_topic is None:
        ranked = session.ranked_targets()
        changes["current_topic"] = ranked[0] if ranked else None
    return session.with_changes(**changes)


@_handles(c.NextPhase)
def _next_phase(session: Session, actor: Participant, cmd: c.NextPhase, now: datetime) -> Session:
    _facilitator_only(actor, "change the phase")
    order = phases_of(session.data_step, session.health_step)
    if session.phase is order[-1]:
        raise Refused("This is already the last phase.")
    return _enter_phase(session, order[order.index(session.phase) + 1], now)


@_handles(c.PreviousPhase)
def _previous_phase(
    session: Session, actor: Participant, cmd: c.PreviousPhase, now: datetime
) -> Session:
    _facilitator_only(actor, "change the phase")
    order = phases_of(session.data_step, session.health_step)
    if session.phase is order[0]:
        raise Refused("This is already the first phase.")
    return _enter_phase(session, order[order.index(session.phase) - 1], now)


@_handles(c.GoToPhase)
def _go_to_phase(session: Session, actor: Participant, cmd: c.GoToPhase, now: datetime) -> Session:
    _facilitator_only(actor, "change the phase")
    try:
        phase = Phase(cmd.phase)
    except ValueError:
        raise Refused(f"There is no phase {cmd.phase[:40]!r}.") from None
    skipped = [p for p in PHASE_ORDER[session.phase.order + 1 : phase.order]]
    required = [p.label for p in skipped if p not in OPTIONAL_PHASES]
    if required:
        raise Refused(f"Only optional phases can be skipped; {', '.join(required)} is not.")
    if phase is Phase.DATA:  # going to the Data step is how a team starts using it
        session = session.with_changes(data_step=True)
    if phase is Phase.HEALTH:  # and so for the health check
        session = session.with_changes(health_step=True)
    return _enter_phase(session, phase, now)


# --- timer -------------------------------------------------------------------------------
@_handles(c.TimerStart)
def _timer_start(session: Session, actor: Participant, cmd: c.TimerStart, now: datetime) -> Session:
    _facilitator_only(actor, "run the timer")
    if cmd.minutes is None:
        seconds = session.durations.get(session.phase, 0) * 60
    else:
        if not 0 < cmd.minutes <= 240:
            raise Refused("A timer runs for more than 0 and at most 240 minutes.")
        seconds = round(cmd.minutes * 60)
    if seconds <= 0:
        raise Refused("This phase has no planned time; give the timer some minutes.")
    timer = Timer(duration=seconds, deadline=now + timedelta(seconds=seconds), remaining=seconds)
    return session.with_changes(timer=timer)


@_handles(c.TimerPause)
def _timer_pause(session: Session, actor: Participant, cmd: c.TimerPause, now: datetime) -> Session:
    _facilitator_only(actor, "run the timer")
    if not session.timer.running:
        raise Refused("The timer is not running.")
    timer = replace(session.timer, deadline=None, remaining=session.timer.remaining_at(now))
    return session.with_changes(timer=timer)


@_handles(c.TimerResume)
def _timer_resume(
    session: Session, actor: Participant, cmd: c.TimerResume, now: datetime
) -> Session:
    _facilitator_only(actor, "run the timer")
    timer = session.timer
    if timer.running:
        raise Refused("The timer is already running.")
    if timer.remaining <= 0:
        return _timer_start(session, actor, c.TimerStart(), now)
    deadline = now + timedelta(seconds=timer.remaining)
    return session.with_changes(timer=replace(timer, deadline=deadline))


@_handles(c.TimerExtend)
def _timer_extend(
    session: Session, actor: Participant, cmd: c.TimerExtend, now: datetime
) -> Session:
    _facilitator_only(actor, "run the timer")
    if not 0 < cmd.seconds <= 3600:
        raise Refused("The timer can be extended by 1 second to 60 minutes at a time.")
    timer = session.timer
    if timer.running:
        # An expired timer is extended from now, not from the deadline that has passed.
        base = max(timer.deadline or now, now)
        timer = replace(
            timer,
            deadline=base + timedelta(seconds=cmd.seconds),
            duration=timer.duration + cmd.seconds,
        )
    else:
        timer = replace(
            timer, remaining=timer.remaining + cmd.seconds, duration=timer.duration + cmd.seconds
        )
    return session.with_changes(timer=timer)


@_handles(c.TimerReset)
def _timer_reset(session: Session, actor: Participant, cmd: c.TimerReset, now: datetime) -> Session:
    _facilitator_only(actor, "run the timer")
    seconds = session.durations.get(session.phase, 0) * 60
    return session.with_changes(timer=Timer(duration=seconds, remaining=float(seconds)))


# --- settings and people ----------------------------------------------------------------------
@_handles(c.ChangeSettings)
def _settings(
    session: Session, actor: Participant, cmd: c.ChangeSettings, now: datetime
) -> Session:
    _facilitator_only(actor, "change the session settings")
    s = session.settings
    if cmd.anonymous is not None and cmd.anonymous != s.anonymous:
        if not cmd.anonymous and session.cards:
            raise Refused("Anonymity cannot be turned off once cards are written.")
        s = replace(s, anonymous=cmd.anonymous)
    if cmd.votes_per_person is not None:
        if not 1 <= cmd.votes_per_person <= 50:
            raise Refused("Votes per person must be between 1 and 50.")
        if session.phase.order > Phase.VOTE.order:
            raise Refused("The vote budget cannot change after voting has ended.")
        most = max(Counter(v.voter for v in session.votes).values(), default=0)
        if cmd.votes_per_person < most:
            raise Refused(
                f"Someone has already cast {most} votes; the budget cannot go below that."
            )
        s = replace(s, votes_per_person=cmd.votes_per_person)
    if cmd.clear_max_votes:
        s = replace(s, max_votes_per_target=None)
    elif cmd.max_votes_per_target is not None:
        if not 1 <= cmd.max_votes_per_target <= 50:
            raise Refused("The cap per topic must be between 1 and 50.")
        most = max(Counter((v.voter, v.target) for v in session.votes).values(), default=0)
        if cmd.max_votes_per_target < most:
            raise Refused(
                f"Someone already has {most} votes on one topic; the cap cannot go below that."
            )
        s = replace(s, max_votes_per_target=cmd.max_votes_per_target)
    if cmd.participants_may_group is not None:
        s = replace(s, participants_may_group=cmd.participants_may_group)
    if cmd.topic_minutes is not None:
        if not 1 <= cmd.topic_minutes <= 60:
            raise Refused("A topic timebox must be between 1 and 60 minutes.")
        s = replace(s, topic_minutes=cmd.topic_minutes)
    return session.with_changes(settings=s)


@_handles(c.ReleaseSeat)
def _release_seat(
    session: Session, actor: Participant, cmd: c.ReleaseSeat, now: datetime
) -> Session:
    _facilitator_only(actor, "release a seat")
    person = _other_person_or_refuse(session, actor, cmd.participant, "release")
    if not person.seat:
        raise Refused(f"{person.name}'s seat is already free: whoever types the name takes it.")
    people = _replace_item(session.participants, person, replace(person, seat=""))
    return session.with_changes(participants=people)


@_handles(c.RemoveParticipant)
def _remove_participant(
    session: Session, actor: Participant, cmd: c.RemoveParticipant, now: datetime
) -> Session:
    _facilitator_only(actor, "remove someone from the board")
    person = _other_person_or_refuse(session, actor, cmd.participant, "remove")
    return session.with_changes(
        participants=tuple(p for p in session.participants if p is not person),
        votes=tuple(v for v in session.votes if v.voter != person.id),
        roti={pid: score for pid, score in session.roti.items() if pid != person.id},
    )


@_handles(c.RemoveParticipants)
def _remove_participants(
    session: Session, actor: Participant, cmd: c.RemoveParticipants, now: datetime
) -> Session:
    _facilitator_only(actor, "remove someone from the board")
    for pid in dict.fromkeys(filter(None, cmd.participants.split(","))):
        if session.participant(pid) is not None:  # already gone: nothing to do
            one = c.RemoveParticipant(participant=pid)
            session = _remove_participant(session, actor, one, now)
    return session


def _other_person_or_refuse(
    session: Session, actor: Participant, pid: object, what: str
) -> Participant:
    person = session.participant(pid) if isinstance(pid, str) else None
    if person is None:
        raise Refused("That person is no longer in this retro.")
    if person.is_facilitator:
        raise Refused(
            f"The facilitator's seat comes with the facilitator link; you cannot {what} it."
        )
    return person


@_handles(c.LockJoining)
def _lock_joining(
    session: Session, actor: Participant, cmd: c.LockJoining, now: datetime
) -> Session:
    _facilitator_only(actor, "lock or unlock joining")
    return session.with_changes(settings=replace(session.settings, joining_locked=bool(cmd.locked)))


@_handles(c.CheckIn)
def _check_in(session: Session, actor: Participant, cmd: c.CheckIn, now: datetime) -> Session:
    _in_phase(session, "check in", Phase.CHECKIN)
    word = t.clean_text(cmd.word, "A check-in word", t.WORD_MAX, allow_empty=True)
    if cmd.mood is not None and not 1 <= cmd.mood <= 5:
        raise Refused("Mood is a number from 1 to 5.")
    person = replace(actor, checkin_word=word, mood=cmd.mood)
    return session.with_changes(participants=_replace_item(session.participants, actor, person))


@_handles(c.Rename)
def _rename(session: Session, actor: Participant, cmd: c.Rename, now: datetime) -> Session:
    name = t.clean_name(cmd.new_name)
    names.refuse_role_words(name)
    holder = holder_of_name(session, name, besides=actor.id)
    if holder is not None:
        raise Refused(f"{holder.name} is already in this retro. Pick another name.")
    person = replace(actor, name=name)
    return session.with_changes(participants=_replace_item(session.participants, actor, person))


@_handles(c.MarkDone)
def _mark_done(session: Session, actor: Participant, cmd: c.MarkDone, now: datetime) -> Session:
    _in_phase(session, "mark yourself done", Phase.WRITE, Phase.VOTE)
    if session.phase is Phase.WRITE:
        person = replace(actor, done_writing=cmd.done)
    else:
        person = replace(actor, done_voting=cmd.done)
    return session.with_changes(participants=_replace_item(session.participants, actor, person))


# --- cards ----------------------------------------------------------------------------------
@_handles(c.AddCard)
def _add_card(session: Session, actor: Participant, cmd: c.AddCard, now: datetime) -> Session:
    if not (
        session.phase is Phase.WRITE or (actor.is_facilitator and session.phase is Phase.GROUP)
    ):
        raise NotAllowed(f"Cards are written during Write; this is {session.phase.label}.")
    column = _column_or_refuse(session, cmd.column)
    text = t.clean_text(cmd.text, "A card", t.CARD_MAX, multiline=True)
    if len(session.cards) >= MAX_CARDS:
        raise Refused(f"This session holds at most {MAX_CARDS} cards.")
    if not actor.is_facilitator:
        written = sum(1 for card in session.cards if card.author == actor.id)
        if written >= CARDS_PER_PERSON:
            raise Refused(
                f"You have written {written} cards, the most one person can add in this retro."
            )
    cid, session = _new_id(session, "c")
    card = Card(id=cid, column=column, author=actor.id, text=text, created_at=now)
    return session.with_changes(cards=(*session.cards, card))


def _own_card(session: Session, actor: Participant, cid: str, what: str) -> Card:
    card = _card_or_refuse(session, cid)
    if card.author != actor.id:
        raise NotAllowed(f"You can only {what} your own cards.")
    _in_phase(session, what + " cards", Phase.WRITE, Phase.GROUP)
    return card


@_handles(c.EditCard)
def _edit_card(session: Session, actor: Participant, cmd: c.EditCard, now: datetime) -> Session:
    card = _own_card(session, actor, cmd.card, "edit")
    text = t.clean_text(cmd.text, "A card", t.CARD_MAX, multiline=True)
    return session.with_changes(cards=_replace_item(session.cards, card, replace(card, text=text)))


@_handles(c.DeleteCard)
def _delete_card(session: Session, actor: Participant, cmd: c.DeleteCard, now: datetime) -> Session:
    card = _card_or_refuse(session, cmd.card)
    if not (actor.is_facilitator and session.phase is Phase.GROUP):
        card = _own_card(session, actor, cmd.card, "delete")
    cards = tuple(x for x in session.cards if x is not card)
    session = session.with_changes(cards=cards)
    return _dissolve_small_topics(session)


@_handles(c.MoveCard)
def _move_card(session: Session, actor: Participant, cmd: c.MoveCard, now: datetime) -> Session:
    card = _card_or_refuse(session, cmd.card)
    if not (actor.is_facilitator and session.phase is Phase.GROUP):
        card = _own_card(session, actor, cmd.card, "move")
    column = _column_or_refuse(session, cmd.column)
    if card.column == column:
        return session
    moved = replace(card, column=column, topic=None)
    session = session.with_changes(cards=_replace_item(session.cards, card, moved))
    return _dissolve_small_topics(session)


# --- grouping ----------------------------------------------------------------------------------
def _dissolve_small_topics(session: Session) -> Session:
    """A topic with fewer than two cards is no topic: its last card stands alone again.

    Votes and the current topic then point only at what can still be voted on: a vote on
    a dissolved topic, a deleted card or a card now inside a topic is dropped.
    """
    counts: dict[str, int] = {}
    for card in session.cards:
        if card.topic:
            counts[card.topic] = counts.get(card.topic, 0) + 1
    doomed = {tp.id for tp in session.topics if counts.get(tp.id, 0) < 2}
    cards = tuple(replace(x, topic=None) if x.topic in doomed else x for x in session.cards)
    topics = tuple(tp for tp in session.topics if tp.id not in doomed)
    valid = {tp.id for tp in topics} | {x.id for x in cards if x.topic is None}
    votes = tuple(v for v in session.votes if v.target in valid)
    current = session.current_topic if session.current_topic in valid else None
    return session.with_changes(cards=cards, topics=topics, votes=votes, current_topic=current)


def _cards_of_item(session: Session, item: str) -> tuple[Card, ...]:
    if session.topic(item) is not None:
        return session.cards_of_topic(item)
    card = session.card(item)
    if card is None:
        raise Refused("That card or topic no longer exists.")
    return (card,)


@_handles(c.Merge)
def _merge(session: Session, actor: Participant, cmd: c.Merge, now: datetime) -> Session:
    _may_group(session, actor)
    moving = _cards_of_item(session, cmd.source)
    into = _cards_of_item(session, cmd.target)
    if {x.id for x in moving} & {x.id for x in into}:
        raise Refused("A card cannot be merged with itself.")
    topic_id = into[0].topic
    if topic_id is None:
        topic_id, session = _new_id(session, "t")
        anchor = into[0]
        title = anchor.text.splitlines()[0][: t.TITLE_MAX] if anchor.text else "Topic"
        topic = Topic(id=topic_id, title=title, column=anchor.column)
        session = session.with_changes(topics=(*session.topics, topic))
    ids = {x.id for x in moving} | {into[0].id}
    cards = tuple(replace(x, topic=topic_id) if x.id in ids else x for x in session.cards)
    session = session.with_changes(cards=cards)
    return _dissolve_small_topics(session)


@_handles(c.Unmerge)
def _unmerge(session: Session, actor: Participant, cmd: c.Unmerge, now: datetime) -> Session:
    _may_group(session, actor)
    card = _card_or_refuse(session, cmd.card)
    if card.topic is None:
        raise Refused("That card is not in a topic.")
    session = session.with_changes(
        cards=_replace_item(session.cards, card, replace(card, topic=None))
    )
    return _dissolve_small_topics(session)


@_handles(c.TitleTopic)
def _title_topic(session: Session, actor: Participant, cmd: c.TitleTopic, now: datetime) -> Session:
    _may_group(session, actor)
    topic = session.topic(cmd.topic)
    if topic is None:
        raise Refused("That topic no longer exists.")
    title = t.clean_text(cmd.title, "A topic title", t.TITLE_MAX)
    return session.with_changes(
        topics=_replace_item(session.topics, topic, replace(topic, title=title))
    )


# --- known problems ----------------------------------------------------------------------
def _may_link(session: Session, actor: Participant) -> None:
    _facilitator_only(actor, "link cards to known problems")
    _in_phase(session, "link cards to known problems", Phase.GROUP, Phase.DISCUSS)


@_handles(c.LinkProblem)
def _link_problem(
    session: Session, actor: Participant, cmd: c.LinkProblem, now: datetime
) -> Session:
    _may_link(session, actor)
    return pr.link(session, cmd.target, cmd.problem, cmd.problem_name)


@_handles(c.NameProblem)
def _name_problem(
    session: Session, actor: Participant, cmd: c.NameProblem, now: datetime
) -> Session:
    _may_link(session, actor)
    return pr.link_new(session, cmd.target, cmd.problem_name)[0]


@_handles(c.UnlinkProblem)
def _unlink_problem(
    session: Session, actor: Participant, cmd: c.UnlinkProblem, now: datetime
) -> Session:
    _may_link(session, actor)
    return pr.unlink(session, cmd.target)


# --- votes ---------------------------------------------------------------------------------
@_handles(c.CastVote)
def _vote(session: Session, actor: Participant, cmd: c.CastVote, now: datetime) -> Session:
    _in_phase(session, "vote", Phase.VOTE)
    if not session.is_vote_target(cmd.target):
        raise Refused("You can vote for a topic or a card that is not in a topic.")
    mine = session.votes_of(actor.id)
    budget = session.settings.votes_per_person
    if len(mine) >= budget:
        raise VoteBudgetExceeded(f"You have used all {budget} votes.")
    cap = session.settings.max_votes_per_target
    if cap is not None and sum(1 for v in mine if v.target == cmd.target) >= cap:
        raise VoteBudgetExceeded(f"At most {cap} of your votes can go to one topic.")
    votes = (*session.votes, Vote(voter=actor.id, target=cmd.target))
    session = session.with_changes(votes=votes)
    if len(mine) + 1 == budget and not actor.done_voting:
        person = replace(actor, done_voting=True)
        session = session.with_changes(
            participants=_replace_item(session.participants, actor, person)
        )
    return session


@_handles(c.RetractVote)
def _unvote(session: Session, actor: Participant, cmd: c.RetractVote, now: datetime) -> Session:
    _in_phase(session, "take back a vote", Phase.VOTE)
    for index in range(len(session.votes) - 1, -1, -1):
        vote = session.votes[index]
        if vote.voter == actor.id and vote.target == cmd.target:
            votes = session.votes[:index] + session.votes[index + 1 :]
            person = replace(actor, done_voting=False)
            return session.with_changes(
                votes=votes, participants=_replace_item(session.participants, actor, person)
            )
    raise Refused("You have no vote there to take back.")


# --- discussion ---------------------------------------------------------------------------------
@_handles(c.Discuss)
def _discuss(session: Session, actor: Participant, cmd: c.Discuss, now: datetime) -> Session:
    _facilitator_only(actor, "choose the topic under discussion")
    _in_phase(session, "choose a topic", Phase.DISCUSS)
    if not session.is_vote_target(cmd.target):
        raise Refused("That topic no longer exists.")
    seconds = session.settings.topic_minutes * 60
    timer = Timer(duration=seconds, deadline=now + timedelta(seconds=seconds), remaining=seconds)
    return session.with_changes(current_topic=cmd.target, timer=timer)


@_handles(c.SetNotes)
def _notes(session: Session, actor: Participant, cmd: c.SetNotes, now: datetime) -> Session:
    _facilitator_only(actor, "write discussion notes")
    _in_phase(session, "write notes", Phase.DISCUSS, Phase.ACTIONS)
    if not session.is_vote_target(cmd.target):
        raise Refused("That topic no longer exists.")
    notes = dict(session.notes)
    text = t.clean_text(cmd.text, "Notes", t.NOTES_MAX, multiline=True, allow_empty=True)
    if text:
        notes[cmd.target] = text
    else:
        notes.pop(cmd.target, None)
    return session.with_changes(notes=notes)


# --- actions -------------------------------------------------------------------------------------
def _action_fields(text: object, owner: object, due: object, metric: object) -> dict[str, Any]:
    return {
        "text": t.clean_text(text, "An action item", t.ACTION_MAX),
        "owner": t.clean_text(owner, "An owner", t.OWNER_MAX, allow_empty=True),
        "due": t.clean_date(due),
        "metric": t.clean_text(metric, "A success metric", t.METRIC_MAX, allow_empty=True),
    }


def _actions_phase(session: Session, actor: Participant) -> None:
    _facilitator_only(actor, "record action items")
    _in_phase(session, "record action items", Phase.DISCUSS, Phase.ACTIONS)


@_handles(c.AddAction)
def _add_action(session: Session, actor: Participant, cmd: c.AddAction, now: datetime) -> Session:
    _actions_phase(session, actor)
    fields = _action_fields(cmd.text, cmd.owner, cmd.due, cmd.metric)
    fields.update(measure_fields(cmd.baseline, cmd.target, cmd.direction, cmd.decision))
    if cmd.source is not None and not session.is_vote_target(cmd.source):
        raise Refused("The topic this action comes from no longer exists.")
    aid, session = _new_id(session, "a")
    item = ActionItem(
        id=aid,
        source=cmd.source,
        raised_on=session.created_at.date().isoformat(),
        raised_in=session.title,
        **fields,
    )
    return session.with_changes(actions=(*session.actions, item))


@_handles(c.ActionFromTopic)
def _action_from_topic(
    session: Session, actor: Participant, cmd: c.ActionFromTopic, now: datetime
) -> Session:
    _actions_phase(session, actor)
    if not session.is_vote_target(cmd.target):
        raise Refused("That topic no longer exists.")
    title = session.target_title(cmd.target).splitlines()[0][: t.ACTION_MAX]
    return _add_action(session, actor, c.AddAction(text=title, source=cmd.target), now)


@_handles(c.EditAction)
def _edit_action(session: Session, actor: Participant, cmd: c.EditAction, now: datetime) -> Session:
    _actions_phase(session, actor)
    item = session.action(cmd.action)
    if item is None:
        raise Refused("That action item no longer exists.")
    fields = _action_fields(
        item.text if cmd.text is None else cmd.text,
        item.owner if cmd.owner is None else cmd.owner,
        item.due if cmd.due is None else cmd.due,
        item.metric if cmd.metric is None else cmd.metric,
    )
    updated = replace(item, **fields)
    return session.with_changes(actions=_replace_item(session.actions, item, updated))


@_handles(c.DeleteAction)
def _delete_action(
    session: Session, actor: Participant, cmd: c.DeleteAction, now: datetime
) -> Session:
    _actions_phase(session, actor)
    item = session.action(cmd.action)
    if item is None:
        raise Refused("That action item no longer exists.")
    return session.with_changes(actions=tuple(a for a in session.actions if a is not item))


@_handles(c.ReviewAction)
def _review(session: Session, actor: Participant, cmd: c.ReviewAction, now: datetime) -> Session:
    _facilitator_only(actor, "review last retro's actions")
    _in_phase(session, "review last retro's actions", Phase.REVIEW)
    entry = next((r for r in session.review if r.action.id == cmd.action), None)
    if entry is None:
        raise Refused("That action is not under review.")
    try:
        decision = ReviewDecision(cmd.decision)
    except ValueError:
        raise Refused("Decide done, carried, dropped or pending.") from None
    action = judging.settled(session, entry.action, decision)
    review = _replace_item(session.review, entry, replace(entry, action=action, decision=decision))
    session = session.with_changes(review=review)
    # A carried item joins this retro's actions; undoing the decision takes it back out.
    carried_id = f"{entry.action.id}~{session.id}"
    actions = tuple(a for a in session.actions if a.id != carried_id)
    if decision is ReviewDecision.CARRIED:
        carried = replace(
            action, id=carried_id, carried=action.carried + 1, status=ActionStatus.OPEN
        )
        actions = (*actions, carried)
    return session.with_changes(actions=actions)


@_handles(c.Roti)
def _roti(session: Session, actor: Participant, cmd: c.Roti, now: datetime) -> Session:
    _in_phase(session, "rate the retro", Phase.CLOSE)
    if not 1 <= cmd.score <= 5:
        raise Refused("Rate the retro from 1 (waste of time) to 5 (excellent).")
    return session.with_changes(roti={**session.roti, actor.id: cmd.score})


# Measured actions, the team's numbers and readiness: their handlers register themselves.
from retro_tui.domain import measure_rules as _measure_rules  # noqa: E402, F401, I001

# The live room (issue 16): hands, the ready check, reactions, comments.
from retro_tui.domain import comments as _comments  # noqa: E402, F401
from retro_tui.domain import hands as _hands  # noqa: E402, F401
from retro_tui.domain import reactions as _reactions  # noqa: E402, F401
from retro_tui.domain import ready as _ready  # noqa: E402, F401
from retro_tui.domain import rhythm_rules as _rhythm_rules  # noqa: E402, F401

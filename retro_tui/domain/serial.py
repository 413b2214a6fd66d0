"""Sessions to and from plain JSON-ready dicts, for the store and the hub protocol.

Parsing is strict: a malformed document raises `MalformedSession` naming the field,
never a bare KeyError deep inside the UI.

A document comes from a file, an import or the hub's socket, so it is checked like typed
text (domain/text.py): what people wrote is made visible (an escape sequence in a card
shows as `␛[31m`, as it would had it been typed; the retro is not lost over one byte),
while an id or key holding such a character is refused with the field named, since
changing it would break the votes, notes and topics that refer to it.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from retro_tui.domain.formats import ColumnSpec
from retro_tui.domain.measures import Direction, Measurement, ReadinessCheck, TeamNumber
from retro_tui.domain.model import (
    ActionItem,
    ActionStatus,
    Card,
    CheckinAnswer,
    HealthCheck,
    HealthDimension,
    ParkedItem,
    Participant,
    PhaseRecord,
    Problem,
    ProblemLink,
    ReviewDecision,
    ReviewItem,
    Role,
    Session,
    Settings,
    Timer,
    Topic,
    UndoRecord,
    Vote,
)
from retro_tui.domain.phases import Phase
from retro_tui.domain.room_serial import room_from, room_to_dict
from retro_tui.domain.text import first_unsafe, make_visible

Json = dict[str, Any]

# A column's key and colour name a widget and a style class on every screen; the format
# files allow less (a-z, 0-9, '-'), this is what any screen can take.
_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class MalformedSession(ValueError):
    """A session document that cannot be read back; the message names the field."""


def _ts(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise MalformedSession(f"{where}: expected a timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedSession(f"{where}: bad timestamp {value[:40]!r}") from None
    if moment.utcoffset() is None:
        raise MalformedSession(f"{where}: timestamp {value[:40]!r} has no timezone")
    return moment


def _opt_dt(value: Any, where: str) -> datetime | None:
    return None if value is None else _dt(value, where)


def session_to_dict(s: Session) -> Json:
    return {
        "id": s.id,
        "title": s.title,
        "team": s.team,
        "format_key": s.format_key,
        "format_name": s.format_name,
        "columns": [
            {"key": c.key, "title": c.title, "prompt": c.prompt, "colour": c.colour}
            for c in s.columns
        ],
        "created_at": _ts(s.created_at),
        "durations": {p.value: m for p, m in s.durations.items()},
        "settings": {
            "anonymous": s.settings.anonymous,
            "votes_per_person": s.settings.votes_per_person,
            "max_votes_per_target": s.settings.max_votes_per_target,
            "participants_may_group": s.settings.participants_may_group,
            "topic_minutes": s.settings.topic_minutes,
            "joining_locked": s.settings.joining_locked,
        },
        "phase": s.phase.value,
        "participants": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role.value,
                "joined_at": _ts(p.joined_at),
                "done_writing": p.done_writing,
                "done_voting": p.done_voting,
                "checkin_word": p.checkin_word,
                "mood": p.mood,
                "seat": p.seat,
            }
            for p in s.participants
        ],
        "cards": [
            {
                "id": c.id,
                "column": c.column,
                "author": c.author,
                "text": c.text,
                "created_at": _ts(c.created_at),
                "topic": c.topic,
                "hidden": c.hidden,
            }
            for c in s.cards
        ],
        "topics": [{"id": t.id, "title": t.title, "column": t.column} for t in s.topics],
        "votes": [[v.voter, v.target] for v in s.votes],
        "current_topic": s.current_topic,
        "notes": dict(s.notes),
        "actions": [_action_to_dict(a) for a in s.actions],
        "review": [
            {"action": _action_to_dict(r.action), "decision": r.decision.value} for r in s.review
        ],
        "roti": dict(s.roti),
        "timer": {
            "duration": s.timer.duration,
            "deadline": _ts(s.timer.deadline),
            "remaining": s.timer.remaining,
        },
        "phase_log": [
            {"phase": r.phase.value, "started_at": _ts(r.started_at), "ended_at": _ts(r.ended_at)}
            for r in s.phase_log
        ],
        "revision": s.revision,
        "next_id": s.next_id,
        "redacted_for": s.redacted_for,
        "problems": [{"id": p.id, "name": p.name} for p in s.problems],
        "problem_links": [[k.target, k.problem] for k in s.problem_links],
        "undoable": [undo_to_dict(u) for u in s.undoable],
        **numbers_to_dict(s),
        **room_to_dict(s),
        **rhythm_to_dict(s),
    }


def undo_to_dict(u: UndoRecord) -> Json:
    return {
        "id": u.id,
        "actor": u.actor,
        "what": u.what,
        "phase": u.phase.value,
        "before": None if u.before is None else session_to_dict(u.before),
        "after": None if u.after is None else session_to_dict(u.after),
        "places": dict(u.places),
    }


def _undo_from(data: Any, where: str) -> UndoRecord:
    r = _Reader(data, where)
    parts = {
        name: None if r.data.get(name) is None else session_from_dict(r.data[name])
        for name in ("before", "after")
    }
    return UndoRecord(
        id=r.text("id"),
        actor=r.text("actor"),
        what=r.text("what"),
        phase=_enum(Phase, r.text("phase"), f"{where}.phase"),
        before=parts["before"],
        after=parts["after"],
        places=r.typed_map("places", int),
    )


def _action_to_dict(a: ActionItem) -> Json:
    return {
        "id": a.id,
        "text": a.text,
        "owner": a.owner,
        "due": a.due,
        "metric": a.metric,
        "source": a.source,
        "status": a.status.value,
        "raised_on": a.raised_on,
        "raised_in": a.raised_in,
        "carried": a.carried,
        **measure_to_dict(a),
    }


class _Reader:
    """Typed access to one dict, with errors that say where the problem is."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise MalformedSession(f"{where}: expected an object")
        self.data = data
        self.where = where

    def _get(self, key: str, kinds: tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise MalformedSession(f"{self.where}.{key}: missing")
            return default
        value = self.data[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise MalformedSession(f"{self.where}.{key}: wrong type")
        return value

    def raw(self, key: str, default: Any = ...) -> Any:
        """Text checked by its own parser afterwards (a timestamp, a phase name)."""
        return self._get(key, (str,), default)

    def ident(self, key: str, default: Any = ...) -> Any:
        """An id or key: refused if it holds a control, bidi or surrogate character."""
        return _ident(self._get(key, (str,), default), f"{self.where}.{key}")

    def style_name(self, key: str, default: Any = ...) -> Any:
        """A column key or colour: a name a screen builds a widget or a style from."""
        value = self._get(key, (str,), default)
        if not _NAME_RE.fullmatch(value):
            raise MalformedSession(
                f"{self.where}.{key}: must be 1-64 letters, digits, '-' or '_', not {value[:40]!r}"
            )
        return value

    def opt_ident(self, key: str) -> str | None:
        value = self._get(key, (str, type(None)), None)
        return None if value is None else _ident(value, f"{self.where}.{key}")

    def text(self, key: str, default: Any = ...) -> Any:
        """One line a person wrote, with control and bidi characters made visible."""
        return make_visible(self._get(key, (str,), default), multiline=False)

    def block(self, key: str, default: Any = ...) -> Any:
        """Several lines a person wrote (a card, notes), made visible like typed text."""
        return make_visible(self._get(key, (str,), default), multiline=True)

    def integer(self, key: str, default: Any = ...) -> Any:
        return self._get(key, (int,), default)

    def number(self, key: str, default: Any = ...) -> Any:
        return self._get(key, (int, float), default)

    def flag(self, key: str, default: Any = ...) -> Any:
        return self._get(key, (bool,), default)

    def items(self, key: str) -> list[Any]:
        value: list[Any] = self._get(key, (list,), [])
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value: dict[str, Any] = self._get(key, (dict,), {})
        return value

    def typed_map(self, key: str, kind: type) -> dict[str, Any]:
        """A mapping whose values must all be of `kind` (bool is not an int here)."""
        result = self.mapping(key)
        for name, value in result.items():
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                raise MalformedSession(f"{self.where}.{key}.{str(name)[:40]}: wrong type")
        return result

    def ident_keys(self, key: str, kind: type) -> dict[str, Any]:
        """A `typed_map` keyed by ids (notes by topic, ratings by person)."""
        result = self.typed_map(key, kind)
        for name in result:
            _ident(name, f"{self.where}.{key}")
        return result

    def sub(self, key: str) -> _Reader:
        return _Reader(self.data.get(key, {}), f"{self.where}.{key}")


def _ident(value: str, where: str) -> str:
    bad = first_unsafe(value)
    if bad is not None:
        raise MalformedSession(f"{where}: an id cannot hold the control character {bad}")
    return value


def _enum(kind: Any, value: Any, where: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise MalformedSession(f"{where}: unknown value {str(value)[:40]!r}") from None


def _action_from(data: Any, where: str) -> ActionItem:
    r = _Reader(data, where)
    return ActionItem(
        id=r.ident("id"),
        text=r.text("text"),
        owner=r.text("owner", ""),
        due=r.text("due", ""),
        metric=r.text("metric", ""),
        source=r.opt_ident("source"),
        status=_enum(ActionStatus, r.raw("status", "open"), f"{where}.status"),
        raised_on=r.text("raised_on", ""),
        raised_in=r.ident("raised_in", ""),
        carried=r.integer("carried", 0),
        **measure_from(r),
    )


def session_from_dict(data: Any) -> Session:
    r = _Reader(data, "session")
    columns = tuple(
        ColumnSpec(
            key=c.style_name("key"),
            title=c.text("title"),
            prompt=c.block("prompt", ""),
            colour=c.style_name("colour", "blue"),
        )
        for c in (_Reader(x, f"session.columns[{i}]") for i, x in enumerate(r.items("columns")))
    )
    durations = {
        _enum(Phase, k, "session.durations"): v for k, v in r.typed_map("durations", int).items()
    }
    st = r.sub("settings")
    settings = Settings(
        anonymous=st.flag("anonymous", False),
        votes_per_person=st.integer("votes_per_person", 5),
        max_votes_per_target=st._get("max_votes_per_target", (int, type(None)), None),
        participants_may_group=st.flag("participants_may_group", False),
        topic_minutes=st.integer("topic_minutes", 5),
        joining_locked=st.flag("joining_locked", False),
    )
    participants = []
    for i, x in enumerate(r.items("participants")):
        p = _Reader(x, f"session.participants[{i}]")
        participants.append(
            Participant(
                id=p.ident("id"),
                name=p.text("name"),
                role=_enum(Role, p.raw("role"), f"{p.where}.role"),
                joined_at=_dt(p.raw("joined_at"), f"{p.where}.joined_at"),
                done_writing=p.flag("done_writing", False),
                done_voting=p.flag("done_voting", False),
                checkin_word=p.text("checkin_word", ""),
                mood=p._get("mood", (int, type(None)), None),
                seat=p.text("seat", ""),
            )
        )
    cards = []
    for i, x in enumerate(r.items("cards")):
        cr = _Reader(x, f"session.cards[{i}]")
        cards.append(
            Card(
                id=cr.ident("id"),
                column=cr.ident("column"),
                author=cr.ident("author"),
                text=cr.block("text"),
                created_at=_dt(cr.raw("created_at"), f"{cr.where}.created_at"),
                topic=cr.opt_ident("topic"),
                hidden=cr.flag("hidden", False),
            )
        )
    topics = tuple(
        Topic(id=tr.ident("id"), title=tr.text("title"), column=tr.ident("column"))
        for tr in (_Reader(x, f"session.topics[{i}]") for i, x in enumerate(r.items("topics")))
    )
    votes = []
    for i, x in enumerate(r.items("votes")):
        if not (isinstance(x, list) and len(x) == 2 and all(isinstance(v, str) for v in x)):
            raise MalformedSession(f"session.votes[{i}]: expected [voter, target]")
        where = f"session.votes[{i}]"
        votes.append(Vote(voter=_ident(x[0], where), target=_ident(x[1], where)))
    review = tuple(
        ReviewItem(
            action=_action_from(
                x.get("action") if isinstance(x, dict) else None, f"session.review[{i}].action"
            ),
            decision=_enum(
                ReviewDecision,
                _Reader(x, f"session.review[{i}]").raw("decision"),
                f"session.review[{i}].decision",
            ),
        )
        for i, x in enumerate(r.items("review"))
    )
    tm = r.sub("timer")
    timer = Timer(
        duration=tm.integer("duration", 0),
        deadline=_opt_dt(tm.data.get("deadline"), "session.timer.deadline"),
        remaining=float(tm.number("remaining", 0.0)),
    )
    log = tuple(
        PhaseRecord(
            phase=_enum(Phase, lr.raw("phase"), f"{lr.where}.phase"),
            started_at=_dt(lr.raw("started_at"), f"{lr.where}.started_at"),
            ended_at=_opt_dt(lr.data.get("ended_at"), f"{lr.where}.ended_at"),
        )
        for lr in (
            _Reader(x, f"session.phase_log[{i}]") for i, x in enumerate(r.items("phase_log"))
        )
    )
    notes = {
        topic: make_visible(text, multiline=True)
        for topic, text in r.ident_keys("notes", str).items()
    }
    roti = r.ident_keys("roti", int)
    return Session(
        id=r.ident("id"),
        title=r.text("title"),
        team=r.text("team", "team"),
        format_key=r.ident("format_key"),
        format_name=r.text("format_name", ""),
        columns=columns,
        created_at=_dt(r.raw("created_at"), "session.created_at"),
        durations=durations,
        settings=settings,
        phase=_enum(Phase, r.raw("phase"), "session.phase"),
        participants=tuple(participants),
        cards=tuple(cards),
        topics=topics,
        votes=tuple(votes),
        current_topic=r.opt_ident("current_topic"),
        notes=notes,
        actions=tuple(
            _action_from(x, f"session.actions[{i}]") for i, x in enumerate(r.items("actions"))
        ),
        review=review,
        roti=roti,
        timer=timer,
        phase_log=log,
        revision=r.integer("revision", 0),
        next_id=r.integer("next_id", 1),
        redacted_for=r.opt_ident("redacted_for"),
        problems=_problems_from(r),
        problem_links=_links_from(r),
        undoable=tuple(
            _undo_from(x, f"session.undoable[{i}]") for i, x in enumerate(r.items("undoable"))
        ),
        **numbers_from(r),
        **room_from(r),
        **rhythm_from(r),
    )


def _problems_from(r: _Reader) -> tuple[Problem, ...]:
    return tuple(
        Problem(id=pr.ident("id"), name=pr.text("name"))
        for pr in (_Reader(x, f"session.problems[{i}]") for i, x in enumerate(r.items("problems")))
    )


def _links_from(r: _Reader) -> tuple[ProblemLink, ...]:
    links = []
    for i, x in enumerate(r.items("problem_links")):
        if not (isinstance(x, list) and len(x) == 2 and all(isinstance(v, str) for v in x)):
            raise MalformedSession(f"session.problem_links[{i}]: expected [target, problem]")
        where = f"session.problem_links[{i}]"
        links.append(ProblemLink(target=_ident(x[0], where), problem=_ident(x[1], where)))
    return tuple(links)


# --- measured actions and the team's numbers (absent in files from before them) ---------
def measure_to_dict(a: ActionItem) -> Json:
    return {
        "baseline": a.baseline,
        "target": a.target,
        "direction": a.direction.value,
        "decision": a.decision,
        "acted_early": a.acted_early,
        "actuals": [
            {"value": m.value, "on": m.on, "session_id": m.session_id, "retro": m.retro}
            for m in a.actuals
        ],
    }


def _opt_number(r: _Reader, key: str) -> float | None:
    value = r._get(key, (int, float, type(None)), None)
    if value is not None and not math.isfinite(value):
        raise MalformedSession(f"{r.where}.{key}: not a finite number")
    return None if value is None else float(value)


def _number(r: _Reader, key: str) -> float:
    value = _opt_number(r, key)
    if value is None:
        raise MalformedSession(f"{r.where}.{key}: missing")
    return value


def measure_from(r: _Reader) -> dict[str, Any]:
    actuals = []
    for i, x in enumerate(r.items("actuals")):
        m = _Reader(x, f"{r.where}.actuals[{i}]")
        actuals.append(
            Measurement(
                value=_number(m, "value"),
                on=m.text("on", ""),
                session_id=m.text("session_id", ""),
                retro=m.text("retro", ""),
            )
        )
    return {
        "baseline": _opt_number(r, "baseline"),
        "target": _opt_number(r, "target"),
        "direction": _enum(Direction, r.text("direction", "up"), f"{r.where}.direction"),
        "decision": r.flag("decision", False),
        "acted_early": r.flag("acted_early", False),
        "actuals": tuple(actuals),
    }


def numbers_to_dict(s: Session) -> Json:
    return {
        "data_step": s.data_step,
        "numbers": [
            {
                "name": n.name,
                "value": n.value,
                "unit": n.unit,
                "period": n.period,
                "previous": n.previous,
            }
            for n in s.numbers
        ],
        "readiness": [{"text": c.text, "ready": c.ready} for c in s.readiness],
    }


def numbers_from(r: _Reader) -> dict[str, Any]:
    numbers = tuple(
        TeamNumber(
            name=n.text("name"),
            value=_opt_number(n, "value"),
            unit=n.text("unit", ""),
            period=n.text("period", ""),
            previous=_opt_number(n, "previous"),
        )
        for n in (_Reader(x, f"session.numbers[{i}]") for i, x in enumerate(r.items("numbers")))
    )
    readiness = tuple(
        ReadinessCheck(text=c.text("text"), ready=c._get("ready", (bool, type(None)), None))
        for c in (
            _Reader(x, f"session.readiness[{i}]") for i, x in enumerate(r.items("readiness"))
        )
    )
    return {"data_step": r.flag("data_step", False), "numbers": numbers, "readiness": readiness}


# --- issue 16 part B: the room's rhythm (absent in files from before it) ------------------
def answers_to_wire(s: Session) -> list[Json]:
    return [{"word": a.word, "mood": a.mood} for a in s.checkin_answers]


def _parked_to_dict(items: tuple[ParkedItem, ...]) -> list[Json]:
    return [
        {
            "id": p.id,
            "text": p.text,
            "raised_on": p.raised_on,
            "raised_in": p.raised_in,
            "settled": p.settled,
        }
        for p in items
    ]


def _parked_from(r: _Reader, key: str) -> tuple[ParkedItem, ...]:
    return tuple(
        ParkedItem(
            id=p.ident("id"),
            text=p.text("text"),
            raised_on=p.text("raised_on", ""),
            raised_in=p.text("raised_in", ""),
            settled=p.flag("settled", False),
        )
        for p in (_Reader(x, f"session.{key}[{i}]") for i, x in enumerate(r.items(key)))
    )


def rhythm_to_dict(s: Session) -> Json:
    return {
        "checkin_answers": answers_to_wire(s),
        "parked": _parked_to_dict(s.parked),
        "parked_before": _parked_to_dict(s.parked_before),
        "icebreaker": s.icebreaker,
        "icebreakers_next": list(s.icebreakers_next),
        "opened_early": s.opened_early,
        "health_step": s.health_step,
        "health": {
            "dimensions": [
                {"key": d.key, "title": d.title, "prompt": d.prompt}
                for d in s.health.dimensions
            ],
            "scores": {key: list(values) for key, values in s.health.scores.items()},
            "rated": list(s.health.rated),
            "revealed": s.health.revealed,
        },
    }


def rhythm_from(r: _Reader) -> dict[str, Any]:
    answers = tuple(
        CheckinAnswer(word=a.text("word", ""), mood=a._get("mood", (int, type(None)), None))
        for a in (
            _Reader(x, f"session.checkin_answers[{i}]")
            for i, x in enumerate(r.items("checkin_answers"))
        )
    )
    return {
        "checkin_answers": answers,
        "parked": _parked_from(r, "parked"),
        "parked_before": _parked_from(r, "parked_before"),
        "icebreaker": r.text("icebreaker", ""),
        "icebreakers_next": tuple(
            make_visible(q, multiline=False) if isinstance(q, str) else _not_text(i)
            for i, q in enumerate(r.items("icebreakers_next"))
        ),
        "opened_early": r.flag("opened_early", False),
        "health_step": r.flag("health_step", False),
        "health": _health_from(r.sub("health")),
    }


def _health_from(h: _Reader) -> HealthCheck:
    dimensions = tuple(
        HealthDimension(key=d.ident("key"), title=d.text("title"), prompt=d.text("prompt", ""))
        for d in (
            _Reader(x, f"{h.where}.dimensions[{i}]") for i, x in enumerate(h.items("dimensions"))
        )
    )
    scores: dict[str, tuple[int, ...]] = {}
    for key, values in h.mapping("scores").items():
        where = f"{h.where}.scores.{str(key)[:40]}"
        _ident(key, where)
        if not isinstance(values, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in values
        ):
            raise MalformedSession(f"{where}: expected a list of scores from 1 to 5")
        scores[key] = tuple(sorted(values))  # sorted again: no order can name a seat
    rated = []
    for i, pid in enumerate(h.items("rated")):
        if not isinstance(pid, str):
            raise MalformedSession(f"{h.where}.rated[{i}]: expected an id")
        rated.append(_ident(pid, f"{h.where}.rated[{i}]"))
    return HealthCheck(
        dimensions=dimensions,
        scores=scores,
        rated=tuple(sorted(rated)),
        revealed=h.flag("revealed", False),
    )


def _not_text(index: int) -> str:
    raise MalformedSession(f"session.icebreakers_next[{index}]: expected text")

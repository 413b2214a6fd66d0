"""The live room's fields to and from JSON (beside `serial.py`, which spreads them into
a session's document). Absent in files from before the live room: each has a default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from retro_tui.domain.phases import Phase
from retro_tui.domain.room import Comment, Hand, Reaction, ReactionKind, ReadyCheck

if TYPE_CHECKING:
    from retro_tui.domain.model import Session
    from retro_tui.domain.serial import _Reader

Json = dict[str, Any]


def room_to_dict(s: Session) -> Json:
    return {
        "hands": hands_to_list(s.hands),
        "ready": {
            "phase": None if s.ready.phase is None else s.ready.phase.value,
            "topic": s.ready.topic,
            "people": list(s.ready.people),
            "requested": s.ready.requested,
        },
        "reactions": [[r.target, r.kind.value, r.key] for r in s.reactions],
        "comments": [
            {
                "id": x.id,
                "target": x.target,
                "author": x.author,
                "text": x.text,
                "created_at": x.created_at.isoformat(),
            }
            for x in s.comments
        ],
    }


def hands_to_list(hands: tuple[Hand, ...]) -> list[Json]:
    return [
        {
            "id": h.id,
            "participant": h.participant,
            "raised_at": None if h.raised_at is None else h.raised_at.isoformat(),
        }
        for h in hands
    ]


def room_from(r: _Reader) -> dict[str, Any]:
    from retro_tui.domain.serial import MalformedSession, _dt, _enum, _ident, _opt_dt, _Reader

    hands = tuple(
        Hand(
            id=h.ident("id"),
            participant=h.ident("participant", ""),
            raised_at=_opt_dt(h.data.get("raised_at"), f"{h.where}.raised_at"),
        )
        for h in (_Reader(x, f"session.hands[{i}]") for i, x in enumerate(r.items("hands")))
    )
    rd = r.sub("ready")
    phase = rd._get("phase", (str, type(None)), None)
    people = rd.items("people")
    if not all(isinstance(p, str) for p in people):
        raise MalformedSession("session.ready.people: expected ids")
    ready = ReadyCheck(
        phase=None if phase is None else _enum(Phase, phase, "session.ready.phase"),
        topic=rd.opt_ident("topic"),
        people=tuple(_ident(p, "session.ready.people") for p in people),
        requested=rd.flag("requested", False),
    )
    reactions = []
    for i, x in enumerate(r.items("reactions")):
        where = f"session.reactions[{i}]"
        if not (isinstance(x, list) and len(x) == 3 and all(isinstance(v, str) for v in x)):
            raise MalformedSession(f"{where}: expected [target, kind, key]")
        reactions.append(
            Reaction(
                target=_ident(x[0], where),
                kind=_enum(ReactionKind, x[1], f"{where}.kind"),
                key=_ident(x[2], where),
            )
        )
    comments = tuple(
        Comment(
            id=m.ident("id"),
            target=m.ident("target"),
            author=m.ident("author", ""),
            text=m.text("text"),
            created_at=_dt(m.raw("created_at"), f"{m.where}.created_at"),
        )
        for m in (_Reader(x, f"session.comments[{i}]") for i, x in enumerate(r.items("comments")))
    )
    return {"hands": hands, "ready": ready, "reactions": tuple(reactions), "comments": comments}

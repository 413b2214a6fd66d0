"""The hub wire protocol: one JSON object per line over a private Unix socket.

client -> hub: {"t": "hello", "identity", "role"} · {"t": "join", "name"} ·
               {"t": "cmd", "id": int, "cmd": {"name": ..., ...}} · {"t": "bye"}
hub -> client: {"t": "welcome", "you": pid | null} · {"t": "joined", "you"} ·
               {"t": "ack", "id"} · {"t": "nack", "id", "reason"} ·
               {"t": "view", "view": {...}} · {"t": "error", "reason"} (then the hub hangs up)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from retro_tui.domain.anonymity import reveal_order
from retro_tui.domain.model import Card, Participant, Session
from retro_tui.domain.room_serial import hands_to_list
from retro_tui.domain.room_views import hands_for, live_hands, sees_hand_queue
from retro_tui.domain.serial import (
    MalformedSession,
    answers_to_wire,
    session_from_dict,
    session_to_dict,
    undo_to_dict,
)
from retro_tui.domain.text import make_visible
from retro_tui.domain.views import (
    BoardView,
    checkin_answers_for,
    reads_every_checkin,
    redact_seats,
    view_for,
)

MAX_LINE = 256 * 1024  # a client line; views from the hub may be larger
MAX_VIEW_LINE = 64 * 1024 * 1024


class ProtocolError(ValueError):
    """A message that breaks the protocol; the sender is disconnected with this reason."""


_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def encode(message: dict[str, Any]) -> bytes:
    return _dumps(message).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, a 5,000-digit number, deep nesting
        raise ProtocolError("a message was not valid JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ProtocolError("a message must be an object with a type 't'")
    return message


def view_to_wire(view: BoardView) -> dict[str, Any]:
    return {
        "session": session_to_dict(view.session),
        "you": view.you,
        "online": sorted(view.online),
        "problem": view.problem,
        "presenting": view.presenting,
    }


def view_from_wire(data: Any) -> BoardView:
    if not isinstance(data, dict):
        raise ProtocolError("a view must be an object")
    try:
        session = session_from_dict(data.get("session"))
    except MalformedSession as error:
        raise ProtocolError(f"bad view: {error}") from None
    online = data.get("online", [])
    if not isinstance(online, list) or not all(isinstance(x, str) for x in online):
        raise ProtocolError("bad view: online")
    you = data.get("you", "")
    problem = data.get("problem", "")
    if not isinstance(you, str) or not isinstance(problem, str):
        raise ProtocolError("bad view: you/problem")
    presenting = data.get("presenting", False)
    if not isinstance(presenting, bool):
        raise ProtocolError("bad view: presenting")
    return BoardView(
        session=session,
        you=you,
        online=frozenset(online),
        problem=make_visible(problem, multiline=False),
        presenting=presenting,
    )


# What differs between two viewers' copies of one revision (see domain/views.py), plus the
# revision itself, which alone never makes a view worth sending again.
_PER_VIEWER = (
    "cards",
    "votes",
    "roti",
    "redacted_for",
    "revision",
    "undoable",
    "hands",
    "checkin_answers",
)
_EMPTIED: dict[str, Any] = {
    "cards": (),
    "participants": (),
    "topics": (),
    "actions": (),
    "review": (),
    "phase_log": (),
    "notes": {},
    # The live room: shared ones come from the public view, hands from the whole session.
    "hands": (),
    "reactions": (),
    "comments": (),
}


@dataclass(frozen=True)
class ViewPieces:
    """One viewer's view line in the pieces the encoder makes it of, each complete JSON
    members of the view or its session. The line is their concatenation; a *patch* holds
    only the pieces that differ from the ones a client was sent before (a simple page
    merges them into the view it holds, key by key: page_client.py)."""

    common: str  # session members every viewer shares, without braces
    people: str  # the participants list's items
    cards: str  # the cards list's items
    rest: str  # the per-viewer session members, as an object
    outer: str  # you, online, problem, presenting, as an object
    hands: str  # the hands list's items
    revision: int

    @property
    def fingerprint(self) -> tuple[str, ...]:
        """Everything but the revision: equal fingerprints mean nothing visible changed."""
        return (self.common, self.people, self.cards, self.rest, self.outer, self.hands)

    def line(self) -> bytes:
        return "".join(
            (
                '{"t":"view","view":',
                self.outer[:-1],
                ',"session":{',
                self.common,
                ",",
                self.rest[1:-1],
                ',"hands":[',
                self.hands,
                '],"participants":[',
                self.people,
                f'],"revision":{self.revision},"cards":[',
                self.cards,
                "]}}}\n",
            )
        ).encode()

    def patch(self, before: ViewPieces) -> bytes:
        """`{"t":"patch","view":{...},"session":{...}}`: the members that changed since
        `before`, whole; merged into the view made of `before`, it is this view."""
        session = [] if self.common == before.common else [self.common]
        if self.rest != before.rest:
            session.append(self.rest[1:-1])
        if self.hands != before.hands:
            session.append(f'"hands":[{self.hands}]')
        if self.people != before.people:
            session.append(f'"participants":[{self.people}]')
        if self.cards != before.cards:
            session.append(f'"cards":[{self.cards}]')
        session.append(f'"revision":{self.revision}')
        outer = "{}" if self.outer == before.outer else self.outer
        return "".join(
            ('{"t":"patch","view":', outer, ',"session":{', ",".join(session), "}}\n")
        ).encode()


class ViewEncoder:
    """Encodes each client's view as one protocol line, sharing the work between clients.

    A broadcast used to redact, convert and JSON-encode the whole session once per
    connection. Here what every viewer shares is encoded once per revision; each card
    once per version of it (its author sees it whole, everyone else sees the public
    copy, as `view_for` decides); per viewer only the small rest (votes, ROTI, who you
    are, who is online) is redacted and encoded, from a session stripped of everything
    else. The line decodes to the same view as the straightforward
    `encode({"t": "view", "view": view_to_wire(view)})`.

    People are encoded the same way: each person once as everyone sees them and once as
    they see themselves (check-ins are private, see `view_for`); a viewer gets its own
    row, or every row whole if it reads every check-in.

    `encode` also returns a fingerprint of the view without its revision number: when it
    equals the one last sent to a client, nothing that client can see has changed (for
    example another person's hidden vote) and the line need not be sent at all.
    """

    def __init__(self) -> None:
        self._session: Session | None = None
        self._stub: Session | None = None
        self._common = ""
        self._authors: list[str] = []
        self._own: list[str] = []
        self._public: list[str] = []
        self._fragments: dict[Card, str] = {}
        self._people_ids: list[str] = []
        self._people_whole: list[str] = []
        self._people_public: list[str] = []
        self._people_same = True
        self._facilitators: frozenset[str] = frozenset()
        self._people_joined: str | None = None
        self._hands_of: list[str] = []  # whose each raised hand is, in queue order
        self._hands_whole: list[str] = []
        self._hands_public: list[str] = []
        self._online_set: frozenset[str] | None = None
        self._online_json = "[]"

    def _prepare(self, session: Session) -> None:
        self._stub = stub = session.with_changes(**_EMPTIED)
        public = view_for(session, None)
        data = session_to_dict(public)
        for key in (*_PER_VIEWER, "participants"):
            del data[key]
        self._common = _dumps(data)[1:-1]
        whole = redact_seats(session.participants)
        self._people_whole = self._encode_people(stub, whole)
        self._people_public = (
            self._people_whole
            if public.participants == whole
            else self._encode_people(stub, public.participants)
        )
        self._people_same = self._people_public is self._people_whole
        self._people_joined = None
        self._people_ids = [person.id for person in session.participants]
        self._facilitators = frozenset(p.id for p in session.participants if p.is_facilitator)
        fragments: dict[Card, str] = {}
        ordered = reveal_order(session, session.cards)  # as `view_for` orders every copy
        self._own = self._encode_cards(stub, ordered, fragments)
        self._public = self._encode_cards(stub, public.cards, fragments)
        self._fragments = fragments  # only this revision's card versions stay cached
        self._authors = [card.author for card in ordered]
        self._prepare_hands(session)
        self._session = session

    def _prepare_hands(self, session: Session) -> None:
        """Each raised hand encoded whole and as others see it (`room_views.hands_for`)."""
        live = live_hands(session)
        self._hands_of = [hand.participant for hand in live]
        self._hands_whole = [_dumps(data) for data in hands_to_list(live)]
        public = hands_for(session, None)
        self._hands_public = [_dumps(data) for data in hands_to_list(public)]

    def _hands_for(self, session: Session, chair: str | None, viewer: str | None) -> str:
        """`chair`: the viewer when it is a facilitator's seat, else None."""
        whole, public = self._hands_whole, self._hands_public
        if not whole:
            return ""
        if sees_hand_queue(session, chair):
            return ",".join(whole)
        return ",".join(
            whole[i] if viewer and pid == viewer else public[i]
            for i, pid in enumerate(self._hands_of)
        )

    @staticmethod
    def _encode_people(stub: Session, people: tuple[Participant, ...]) -> list[str]:
        encoded = session_to_dict(stub.with_changes(participants=people))["participants"]
        return [_dumps(data) for data in encoded]

    def _people_for(self, session: Session, chair: str | None, viewer: str | None) -> str:
        """`chair`: the viewer when it is a facilitator's seat, else None."""
        whole, public = self._people_whole, self._people_public
        if self._people_same or reads_every_checkin(session, chair):
            if self._people_joined is None:  # once per revision, not once per viewer
                self._people_joined = ",".join(whole)
            return self._people_joined
        return ",".join(
            whole[i] if pid == viewer else public[i] for i, pid in enumerate(self._people_ids)
        )

    def _encode_cards(
        self, stub: Session, cards: tuple[Card, ...], fragments: dict[Card, str]
    ) -> list[str]:
        known = self._fragments
        missing = [card for card in cards if card not in known and card not in fragments]
        if missing:
            encoded = session_to_dict(stub.with_changes(cards=tuple(missing)))["cards"]
            for card, data in zip(missing, encoded, strict=True):
                fragments[card] = _dumps(data)
        out = []
        for card in cards:
            text = fragments.get(card)
            if text is None:
                text = fragments[card] = known[card]
            out.append(text)
        return out

    def encode(
        self, session: Session, viewer: str | None, view_of: Callable[[Session], BoardView]
    ) -> tuple[bytes, tuple[str, ...]]:
        """The view line of `viewer` (None: the public view), and its fingerprint.

        `view_of(session)` must return the client's BoardView of `session`, redacted for
        `viewer`; it is called on a session without cards and other long lists."""
        pieces = self.pieces(session, viewer, view_of)
        return pieces.line(), pieces.fingerprint

    def pieces(
        self, session: Session, viewer: str | None, view_of: Callable[[Session], BoardView]
    ) -> ViewPieces:
        """The view of `viewer` as the JSON pieces its line is made of (see `encode`)."""
        if session is not self._session:
            self._prepare(session)
        assert self._stub is not None
        view = view_of(self._stub)
        mine = view.session
        # Only a facilitator's seat reads every check-in or gets the unnamed answers of an
        # anonymous retro: everyone else is answered without a look through the people.
        chair = viewer is not None and viewer in self._facilitators
        people = self._people_for(session, viewer if chair else None, viewer)
        answers = checkin_answers_for(session, viewer) if chair else ()
        # The per-viewer keys as `session_to_dict` spells them (not the whole stub again).
        rest = _dumps(
            {
                "votes": [[vote.voter, vote.target] for vote in mine.votes],
                "roti": dict(mine.roti),
                "redacted_for": mine.redacted_for,
                "undoable": [undo_to_dict(record) for record in mine.undoable],
                # From the whole session: the stub has no people to answer.
                "checkin_answers": answers_to_wire(mine.with_changes(checkin_answers=answers))
                if answers
                else [],
            }
        )
        if view.online is not self._online_set:  # the hub keeps one set until presence changes
            self._online_set, self._online_json = view.online, _dumps(sorted(view.online))
        outer = "".join(
            (
                '{"you":',
                _dumps(view.you),
                ',"online":',
                self._online_json,
                ',"problem":',
                _dumps(view.problem),
                ',"presenting":',
                "true" if view.presenting else "false",
                "}",
            )
        )
        own, public = self._own, self._public
        cards = ",".join(
            own[i] if author == viewer else public[i] for i, author in enumerate(self._authors)
        )
        # From the whole session: the stub has no people to tell whose hand it is.
        hands = self._hands_for(session, viewer if chair else None, viewer)
        return ViewPieces(self._common, people, cards, rest, outer, hands, mine.revision)

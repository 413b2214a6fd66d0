"""Reactions on revealed cards and topics: agree, love, idea, question; one of each kind
per person and target, pressed again to take it back.

Who reacted is kept nowhere, not even in the session file: a reaction is stored with a
key, the hash of (the reacting browser's secret, target, kind). The hub puts the
browser's secret, hashed with its own label, into the command (`React.reactor`); the
file keeps only seats hashed another way, so a key matches no seat, and two reactions of
one person share nothing. Pressing again finds the same key and takes it back. Every
view carries the reactions without keys, so clients and exports see counts only.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from retro_tui.domain import commands as c
from retro_tui.domain.errors import NotAllowed, Refused
from retro_tui.domain.model import Participant, Session
from retro_tui.domain.room import Reaction, ReactionKind
from retro_tui.domain.rules import _handles

MAX_REACTIONS = 20_000
"""Reactions one session holds: 4 kinds × 50 people × 100 targets."""


def reactor_of(identity: str) -> str:
    """What the hub puts in `React.reactor` for a browser identity (never the secret)."""
    return hashlib.sha256(("reactor\0" + identity).encode("utf-8", "surrogatepass")).hexdigest()


def signed(command: c.React, identity: str) -> c.React:
    """The command as the hub runs it: its reactor from the connection, never the client."""
    return replace(command, reactor=reactor_of(identity))


def reaction_key(reactor: str, target: str, kind: ReactionKind) -> str:
    return hashlib.sha256(f"{reactor}\0{target}\0{kind.value}".encode()).hexdigest()


def reactions_by(session: Session, reactor: str) -> int:
    """How many reactions one reactor has on the board (its keys match; nobody else's do)."""
    return sum(1 for r in session.reactions if r.key == reaction_key(reactor, r.target, r.kind))


def has_reacted(session: Session, reactor: str, target: str, kind: str) -> bool:
    """Whether pressing this reaction again would take one back."""
    try:
        key = reaction_key(reactor, target, ReactionKind(kind))
    except ValueError:
        return False
    return any(r.key == key for r in session.reactions)


@_handles(c.React)
def _react(session: Session, actor: Participant, cmd: c.React, now: datetime) -> Session:
    if not session.cards_revealed:
        raise NotAllowed("Reactions open once the cards are revealed, after Write.")
    if session.topic(cmd.target) is None and session.card(cmd.target) is None:
        raise Refused("That card or topic no longer exists.")
    try:
        kind = ReactionKind(cmd.kind)
    except ValueError:
        names = ", ".join(k.value for k in ReactionKind)
        raise Refused(f"A reaction is one of {names}.") from None
    if not cmd.reactor:
        raise Refused("A reaction comes through the hub, which says whose it is.")
    key = reaction_key(cmd.reactor, cmd.target, kind)
    kept = tuple(r for r in session.reactions if r.key != key)
    if len(kept) != len(session.reactions):
        return session.with_changes(reactions=kept)
    if len(kept) >= MAX_REACTIONS:
        raise Refused(f"This session holds at most {MAX_REACTIONS} reactions.")
    return session.with_changes(
        reactions=(*session.reactions, Reaction(target=cmd.target, kind=kind, key=key))
    )

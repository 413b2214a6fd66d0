"""What the live room shows: queries on hands, ready marks, reactions and comments, and
what of them each viewer's copy may carry (used by `views.view_for`).

Free of the rules, so the views, the notes and the UI read them without pulling in
every command handler.
"""

from __future__ import annotations

from dataclasses import replace

from retro_tui.domain.model import Participant, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.room import Comment, Hand, Reaction, ReactionKind, ReadyCheck


# --- hands ---------------------------------------------------------------------------
def hand_of(session: Session, pid: str) -> Hand | None:
    return next((h for h in session.hands if pid and h.participant == pid), None)


def live_hands(session: Session) -> tuple[Hand, ...]:
    """The queue without the hands of people taken off the board (a viewer's copy,
    where others' hands name nobody, keeps those)."""
    present = {p.id for p in session.participants}
    return tuple(h for h in session.hands if not h.participant or h.participant in present)


def hands_up(session: Session) -> int:
    return len(live_hands(session))


def sees_hand_queue(session: Session, viewer: str | None) -> bool:
    """Whether `viewer` reads whose hands are up: the facilitator, in a named retro."""
    reader = session.participant(viewer) if viewer else None
    return reader is not None and reader.is_facilitator and not session.settings.anonymous


def hands_for(session: Session, viewer: str | None) -> tuple[Hand, ...]:
    """The queue as `viewer` may see it: whole for the facilitator of a named retro,
    else every hand but the viewer's own without who or when (the count only)."""
    hands = live_hands(session)
    if sees_hand_queue(session, viewer):
        return hands
    return tuple(
        h if viewer and h.participant == viewer else replace(h, participant="", raised_at=None)
        for h in hands
    )


# --- the ready check ------------------------------------------------------------------
def ready_place(session: Session) -> tuple[Phase, str | None]:
    """Where a ready mark belongs: the phase, and in discuss the topic."""
    topic = session.current_topic if session.phase is Phase.DISCUSS else None
    return session.phase, topic


def current_check(session: Session) -> ReadyCheck:
    """The ready check of where the session is now (an empty one after moving on)."""
    check = session.ready
    if (check.phase, check.topic) == ready_place(session):
        return check
    return ReadyCheck()


def is_ready(session: Session, person: Participant) -> bool:
    if session.phase is Phase.WRITE:
        return person.done_writing
    if session.phase is Phase.VOTE:
        return person.done_voting
    return person.id in current_check(session).people


def ready_count(session: Session, online: frozenset[str]) -> tuple[int, int]:
    """(ready, of) among the people online."""
    here = [p for p in session.participants if p.id in online]
    return sum(1 for p in here if is_ready(session, p)), len(here)


def confirm_requested(session: Session) -> bool:
    return current_check(session).requested


def ready_word(phase: Phase) -> str:
    """What "ready" is called in a phase: "done writing", "done voting", "ready"."""
    return {Phase.WRITE: "done writing", Phase.VOTE: "done voting"}.get(phase, "ready")


# --- reactions --------------------------------------------------------------------------
def counts_of(session: Session, target: str) -> dict[ReactionKind, int]:
    """Reactions on one card or topic, by kind, in the fixed order of the kinds."""
    counts = dict.fromkeys(ReactionKind, 0)
    for reaction in session.reactions:
        if reaction.target == target:
            counts[reaction.kind] += 1
    return counts


def counts_text(session: Session, target: str) -> str:
    """ "✓ agree 3 · ♥ love 1", for a line on a screen or in the notes; "" for none."""
    counts = counts_of(session, target)
    return " · ".join(f"{kind.label} {n}" for kind, n in counts.items() if n)


def public_reactions(session: Session) -> tuple[Reaction, ...]:
    """The reactions as any viewer gets them: kind and target, never a key."""
    if not any(r.key for r in session.reactions):
        return session.reactions
    # Built anew rather than `replace`d: about 3x faster, and every broadcast does it.
    return tuple(Reaction(r.target, r.kind, "") for r in session.reactions)


# --- comments ---------------------------------------------------------------------------
def comments_on(session: Session, target: str) -> tuple[Comment, ...]:
    return tuple(x for x in session.comments if x.target == target)


def comments_for(session: Session) -> tuple[Comment, ...]:
    """The comments as any viewer gets them: no author in an anonymous retro (a retro
    made anonymous after people commented may still hold one)."""
    if not session.settings.anonymous or not any(x.author for x in session.comments):
        return session.comments
    return tuple(replace(x, author="") for x in session.comments)


def room_view(session: Session, viewer: str | None) -> dict[str, object]:
    """The live room's fields of `viewer`'s copy (see `views.view_for`)."""
    return {
        "hands": hands_for(session, viewer),
        "reactions": public_reactions(session),
        "comments": comments_for(session),
    }

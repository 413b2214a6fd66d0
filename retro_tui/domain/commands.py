"""Commands: what a client asks the hub to do, as small typed values.

Each command has a wire name; `command_from_wire` turns an untrusted JSON object into a
command or refuses it with a sentence, so the protocol and the UI share one vocabulary.
"""

from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints

from retro_tui.domain.errors import Refused


@dataclass(frozen=True)
class Command:
    name: ClassVar[str] = ""

    def to_wire(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["name"] = self.name
        return data


COMMANDS: dict[str, type[Command]] = {}


def command(name: str) -> Any:
    """Register a command class under its wire name."""

    def register(cls: type[Command]) -> type[Command]:
        cls.name = name
        COMMANDS[name] = cls
        return cls

    return register


# --- check-in and participants ------------------------------------------------------
@command("check_in")
@dataclass(frozen=True)
class CheckIn(Command):
    word: str = ""
    mood: int | None = None


@command("rename")
@dataclass(frozen=True)
class Rename(Command):
    new_name: str = ""


@command("mark_done")
@dataclass(frozen=True)
class MarkDone(Command):
    done: bool = True


@command("release_seat")
@dataclass(frozen=True)
class ReleaseSeat(Command):
    """Unbind a participant's browser; the next browser that types the name takes the seat."""

    participant: str = ""


@command("remove_participant")
@dataclass(frozen=True)
class RemoveParticipant(Command):
    """Take a participant off the board: seat and votes go, cards stay."""

    participant: str = ""


@command("remove_participants")
@dataclass(frozen=True)
class RemoveParticipants(Command):
    """Take several participants off the board in one change (ids separated by commas):
    after a script registered names by the hundred, one change instead of one per name."""

    participants: str = ""


@command("lock_joining")
@dataclass(frozen=True)
class LockJoining(Command):
    locked: bool = True


# --- phases and timer ---------------------------------------------------------------
@command("next_phase")
@dataclass(frozen=True)
class NextPhase(Command):
    pass


@command("previous_phase")
@dataclass(frozen=True)
class PreviousPhase(Command):
    pass


@command("go_to_phase")
@dataclass(frozen=True)
class GoToPhase(Command):
    phase: str = ""


@command("timer_start")
@dataclass(frozen=True)
class TimerStart(Command):
    minutes: float | None = None  # None: the phase's planned duration


@command("timer_pause")
@dataclass(frozen=True)
class TimerPause(Command):
    pass


@command("timer_resume")
@dataclass(frozen=True)
class TimerResume(Command):
    pass


@command("timer_extend")
@dataclass(frozen=True)
class TimerExtend(Command):
    seconds: int = 60


@command("timer_reset")
@dataclass(frozen=True)
class TimerReset(Command):
    pass


@command("settings")
@dataclass(frozen=True)
class ChangeSettings(Command):
    anonymous: bool | None = None
    votes_per_person: int | None = None
    max_votes_per_target: int | None = None
    participants_may_group: bool | None = None
    topic_minutes: int | None = None
    clear_max_votes: bool = False


# --- cards and topics -----------------------------------------------------------------
@command("add_card")
@dataclass(frozen=True)
class AddCard(Command):
    column: str = ""
    text: str = ""


@command("edit_card")
@dataclass(frozen=True)
class EditCard(Command):
    card: str = ""
    text: str = ""


@command("delete_card")
@dataclass(frozen=True)
class DeleteCard(Command):
    card: str = ""


@command("move_card")
@dataclass(frozen=True)
class MoveCard(Command):
    card: str = ""
    column: str = ""


@command("merge")
@dataclass(frozen=True)
class Merge(Command):
    source: str = ""  # a card or topic id
    target: str = ""  # a card or topic id


@command("unmerge")
@dataclass(frozen=True)
class Unmerge(Command):
    card: str = ""


@command("title_topic")
@dataclass(frozen=True)
class TitleTopic(Command):
    topic: str = ""
    title: str = ""


# --- votes ---------------------------------------------------------------------------
@command("vote")
@dataclass(frozen=True)
class CastVote(Command):
    target: str = ""


@command("unvote")
@dataclass(frozen=True)
class RetractVote(Command):
    target: str = ""


# --- discussion and actions ------------------------------------------------------------
@command("discuss")
@dataclass(frozen=True)
class Discuss(Command):
    target: str = ""


@command("notes")
@dataclass(frozen=True)
class SetNotes(Command):
    target: str = ""
    text: str = ""


@command("add_action")
@dataclass(frozen=True)
class AddAction(Command):
    text: str = ""
    owner: str = ""
    due: str = ""
    metric: str = ""
    source: str | None = None
    baseline: float | None = None
    target: float | None = None
    direction: str = "up"
    decision: bool = False


@command("action_from_topic")
@dataclass(frozen=True)
class ActionFromTopic(Command):
    target: str = ""


@command("edit_action")
@dataclass(frozen=True)
class EditAction(Command):
    action: str = ""
    text: str | None = None
    owner: str | None = None
    due: str | None = None
    metric: str | None = None


@command("delete_action")
@dataclass(frozen=True)
class DeleteAction(Command):
    action: str = ""


@command("review")
@dataclass(frozen=True)
class ReviewAction(Command):
    action: str = ""
    decision: str = ""


@command("roti")
@dataclass(frozen=True)
class Roti(Command):
    score: int = 0


# --- known problems (domain/problems.py) ----------------------------------------------
@command("link_problem")
@dataclass(frozen=True)
class LinkProblem(Command):
    """Link a card or topic to one of the team's known problems."""

    target: str = ""
    problem: str = ""  # the problem's id
    problem_name: str = ""  # its name as the team knows it


@command("name_problem")
@dataclass(frozen=True)
class NameProblem(Command):
    """Name a new problem and link a card or topic to it."""

    target: str = ""
    problem_name: str = ""


@command("unlink_problem")
@dataclass(frozen=True)
class UnlinkProblem(Command):
    target: str = ""


# --- measured actions and the team's numbers (domain/measure_rules.py) ------------------
@command("set_measure")
@dataclass(frozen=True)
class SetMeasure(Command):
    """Baseline, target and direction of an action (absolute: None clears a value)."""

    action: str = ""
    baseline: float | None = None
    target: float | None = None
    direction: str = "up"
    decision: bool = False


@command("record_actual")
@dataclass(frozen=True)
class RecordActual(Command):
    """The actual value of a reviewed action's metric at this retro (None clears it)."""

    action: str = ""
    value: float | None = None


@command("set_number")
@dataclass(frozen=True)
class SetNumber(Command):
    """Add or change one of the team's numbers in the Data step."""

    number: str = ""  # its name
    value: float | None = None
    unit: str = ""
    period: str = ""


@command("delete_number")
@dataclass(frozen=True)
class DeleteNumber(Command):
    number: str = ""  # its name


@command("rename_number")
@dataclass(frozen=True)
class RenameNumber(Command):
    """Give one of the team's numbers a new name; its values and the actions whose
    metric it is follow it."""

    number: str = ""  # its name now
    to: str = ""  # its new name


@command("set_readiness")
@dataclass(frozen=True)
class SetReadiness(Command):
    """Whether check `index` of the readiness checklist was true before the work started."""

    index: int = 0
    ready: bool | None = None


# --- parsing -------------------------------------------------------------------------
def _accepts(annotation: Any, value: object) -> bool:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_accepts(arg, value) for arg in get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is str:
        return isinstance(value, str)
    return False


def command_from_wire(data: object) -> Command:
    """Build a command from an untrusted mapping, refusing unknown names and bad fields."""
    if not isinstance(data, dict):
        raise Refused("A command must be an object.")
    name = data.get("name")
    cls = COMMANDS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise Refused(f"Unknown command {str(name)[:40]!r}.")
    hints, fields = _shape(cls)
    args: dict[str, Any] = {}
    for key, value in data.items():
        if key == "name":
            continue
        if key not in fields:
            raise Refused(f"{name}: unknown field {str(key)[:40]!r}.")
        if not _accepts(hints[key], value):
            raise Refused(f"{name}: field {key!r} has the wrong type.")
        args[key] = value
    return cls(**args)


_SHAPES: dict[str, tuple[dict[str, Any], frozenset[str]]] = {}


def _shape(cls: type[Command]) -> tuple[dict[str, Any], frozenset[str]]:
    """A command class's field types and names; resolving the hints is slow, so once."""
    shape = _SHAPES.get(cls.name)
    if shape is None:
        fields = frozenset(f.name for f in dataclasses.fields(cls))
        shape = _SHAPES[cls.name] = (get_type_hints(cls), fields)
    return shape


# --- taking a change back -------------------------------------------------------------
@command("undo")
@dataclass(frozen=True)
class Undo(Command):
    record: str = ""  # an undo record's id; "" means your latest


# --- the live room: hands, the ready check, reactions, comments (domain/room.py) -------
@command("raise_hand")
@dataclass(frozen=True)
class RaiseHand(Command):
    """Put my hand up (or down again: `raised=False`)."""

    raised: bool = True


@command("lower_hand")
@dataclass(frozen=True)
class LowerHand(Command):
    """Lower one hand: your own, or (the facilitator) anyone's."""

    hand: str = ""  # the hand's id


@command("lower_all_hands")
@dataclass(frozen=True)
class LowerAllHands(Command):
    pass


@command("set_ready")
@dataclass(frozen=True)
class SetReady(Command):
    """I'm ready (or not) in this phase; in write and vote, "done"."""

    ready: bool = True


@command("ask_ready")
@dataclass(frozen=True)
class AskReady(Command):
    """The facilitator asks everyone to confirm they are ready (`ask=False` resets)."""

    ask: bool = True


@command("react")
@dataclass(frozen=True)
class React(Command):
    """Toggle one reaction of mine on a revealed card or topic."""

    target: str = ""
    kind: str = ""
    # Set by the hub from the connection's secret (a client's value is replaced): it
    # tells one person's reactions apart without naming them (domain/reactions.py).
    reactor: str = ""


@command("add_comment")
@dataclass(frozen=True)
class AddComment(Command):
    target: str = ""
    text: str = ""


# --- issue 16, part B: the room's rhythm (domain/rhythm_rules.py) ------------------------
@command("park")
@dataclass(frozen=True)
class Park(Command):
    """Park a card or topic (or, at the review, keep last retro's item open); `parked`
    False takes it out of the lot (at the review: it has been dealt with)."""

    target: str = ""
    parked: bool = True


@command("skip_icebreaker")
@dataclass(frozen=True)
class SkipIcebreaker(Command):
    """Another check-in question in place of this one."""


@command("open_early")
@dataclass(frozen=True)
class OpenEarly(Command):
    """Open the Write phase before the meeting, with no timer running."""


@command("rate_health")
@dataclass(frozen=True)
class RateHealth(Command):
    """Rate every health dimension at once: `"3,4,5,…"`, one score 1-5 per dimension in
    order (all at once, since a rating cannot be changed once given)."""

    scores: str = ""


@command("reveal_health")
@dataclass(frozen=True)
class RevealHealth(Command):
    """Show the health check's results before everyone has rated."""

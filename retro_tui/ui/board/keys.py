"""The board's key map and who may use each key in which phase, as one table.

This is the one place that decides whether a key is offered: `check_action` on the
board, the command palette, the help dialog and the footer all ask `allowed`, so they
agree on what a person can do right now. Participants never see facilitator keys; keys
of other phases are hidden. On a presenting (screen-shared) board, the keys that write
or vote as oneself are hidden too: the facilitator does that from their private seat.

A new key is one binding in `BOARD_BINDINGS`, one rule in `RULES` (with a `when` for
anything beyond phase and role) and one `action_<name>` in `ui/board/actions.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from retro_tui.domain.phases import PHASE_ORDER, Phase, phases_of
from retro_tui.domain.views import BoardView
from retro_tui.ui.shaping import skip_target

P = Phase
ALL = frozenset(Phase)
FIRST, LAST = PHASE_ORDER[0], PHASE_ORDER[-1]


@dataclass(frozen=True)
class BoardFacts:
    """What the board screen knows beyond the view, for the keys that depend on it."""

    grouping: str | None = None  # the card or topic picked with g, waiting for its target
    exports_to_folder: bool = False  # the facilitator's terminal writes notes to the folder
    can_present: bool = False  # an in-process client can switch to the public view
    followup: bool = False  # the app can open the action items and insights screens


Condition = Callable[[BoardView, BoardFacts], bool]


@dataclass(frozen=True)
class KeyRule:
    """When an action is offered: in which phases, to whom, and on what condition."""

    phases: frozenset[Phase] = ALL
    facilitator: bool = False  # only the facilitator
    grouper: bool = False  # the facilitator, or anyone if the session lets participants group
    # Phases in which the action is the person's own writing or voting: not offered on a
    # presenting board, whose view is the public one.
    private: frozenset[Phase] = frozenset()
    when: Condition | None = None  # anything else that must hold
    palette: bool = True  # offered in the command palette too


def _rule(
    *phases: Phase,
    facilitator: bool = False,
    grouper: bool = False,
    private: frozenset[Phase] | None = None,
    when: Condition | None = None,
    palette: bool = True,
) -> KeyRule:
    return KeyRule(
        frozenset(phases) or ALL,
        facilitator=facilitator,
        grouper=grouper,
        private=ALL if private is None else private,
        when=when,
        palette=palette,
    )


def _shared(
    *phases: Phase,
    facilitator: bool = False,
    grouper: bool = False,
    when: Condition | None = None,
    palette: bool = True,
) -> KeyRule:
    """A rule for an action that is fine on a presenting board."""
    return _rule(
        *phases,
        facilitator=facilitator,
        grouper=grouper,
        private=frozenset(),
        when=when,
        palette=palette,
    )


def _skip_target(view: BoardView) -> Phase | None:
    s = view.session
    return skip_target(s.phase, phases_of(s.data_step, s.health_step))


def _undoable(view: BoardView, _: BoardFacts) -> bool:
    """The viewer has changes of this phase to take back (the hub checks too)."""
    return any(record.phase is view.session.phase for record in view.session.undoable)


RULES: dict[str, KeyRule] = {
    "check_in": _rule(P.CHECKIN),
    "review": _shared(P.REVIEW, facilitator=True),
    "enter_actual": _shared(P.REVIEW, facilitator=True),
    "add_number": _shared(P.DATA, facilitator=True),
    "edit_number": _shared(P.DATA, facilitator=True),
    "delete_number": _shared(P.DATA, facilitator=True),
    "rename_number": _shared(P.DATA, facilitator=True),
    "readiness": _shared(P.DATA, facilitator=True),
    "open_data": _shared(P.CHECKIN, P.REVIEW, facilitator=True),
    # In the group phase only the facilitator adds cards (late thoughts, merged topics).
    "add_card": _rule(
        P.WRITE, P.GROUP, when=lambda v, _: v.session.phase is P.WRITE or v.is_facilitator
    ),
    "edit_card": _rule(P.WRITE, P.GROUP),
    # In the group phase the facilitator deletes and moves anyone's cards: facilitation.
    "delete_card": _rule(P.WRITE, P.GROUP, private=frozenset({P.WRITE})),
    "move_card": _rule(P.WRITE, P.GROUP, private=frozenset({P.WRITE})),
    "move_card_to": _rule(P.WRITE, P.GROUP, private=frozenset({P.WRITE})),
    "mark_done": _rule(),  # done in write and vote, ready in every other phase
    "group": _shared(P.GROUP, grouper=True),
    "cancel_group": _shared(
        P.GROUP, grouper=True, when=lambda _, b: b.grouping is not None, palette=False
    ),
    "title_topic": _shared(P.GROUP, grouper=True),
    "unmerge": _shared(P.GROUP, grouper=True),
    "vote": _rule(P.VOTE),
    "unvote": _rule(P.VOTE),
    "discuss": _shared(P.DISCUSS, facilitator=True),
    "notes": _shared(P.DISCUSS, P.ACTIONS, facilitator=True),
    "action_from_topic": _shared(P.DISCUSS, facilitator=True),
    "add_action": _shared(P.ACTIONS, facilitator=True),
    "edit_action": _shared(P.ACTIONS, facilitator=True),
    "delete_action": _shared(P.ACTIONS, facilitator=True),
    "roti": _rule(P.CLOSE),
    "export": _shared(P.CLOSE, P.ACTIONS, facilitator=True, when=lambda _, b: b.exports_to_folder),
    # A browser tab downloads the notes; the facilitator's terminal exports them instead.
    "download_notes": _shared(P.CLOSE, P.ACTIONS, when=lambda _, b: not b.exports_to_folder),
    "next_phase": _shared(facilitator=True, when=lambda v, _: v.session.phase is not LAST),
    "previous_phase": _shared(facilitator=True, when=lambda v, _: v.session.phase is not FIRST),
    "skip_phase": _shared(
        facilitator=True, when=lambda v, _: _skip_target(v) is not None
    ),
    "timer_toggle": _shared(facilitator=True),
    "timer_extend": _shared(facilitator=True),
    "timer_reset": _shared(facilitator=True),
    "toggle_presenting": _shared(facilitator=True, when=lambda _, b: b.can_present),
    "action_items": _shared(facilitator=True, when=lambda _, b: b.followup),
    "insights": _shared(facilitator=True, when=lambda _, b: b.followup),
    "people": _shared(facilitator=True),
    "link_problem": _shared(P.GROUP, P.DISCUSS, facilitator=True),
    "name_problem": _shared(P.GROUP, P.DISCUSS, facilitator=True),
    "unlink_problem": _shared(P.GROUP, P.DISCUSS, facilitator=True),
    "mute": _shared(),
    "help": _shared(palette=False),
    "undo": _shared(when=_undoable),
    # The live room (issue 16): hands, the ready check, reactions, comments.
    "raise_hand": _rule(),
    "hands": _shared(facilitator=True),
    "ask_ready": _shared(facilitator=True),
    "react": _rule(P.GROUP, P.VOTE, P.DISCUSS),
    "comment": _rule(P.DISCUSS),
    # Issue 16, part B: the parking lot (domain/parking.py).
    "park": _shared(P.REVIEW, P.GROUP, P.VOTE, P.DISCUSS, facilitator=True),
    "open_early": _shared(P.CHECKIN, P.DATA, P.REVIEW, P.HEALTH, facilitator=True),
    "open_health": _shared(P.CHECKIN, P.DATA, P.REVIEW, facilitator=True),
    "rate_health": _rule(
        P.HEALTH,
        when=lambda v, _: v.you not in v.session.health.rated and not v.session.health.revealed,
    ),
    "reveal_health": _shared(
        P.HEALTH, facilitator=True, when=lambda v, _: not v.session.health.revealed
    ),
    "skip_icebreaker": _shared(
        P.CHECKIN, facilitator=True, when=lambda v, _: bool(v.session.icebreakers_next)
    ),
}


def rule_of(action: str) -> KeyRule | None:
    """The rule of a binding's action (`"roti(3)"` has the rule of `"roti"`)."""
    return RULES.get(action.partition("(")[0])


def allowed(action: str, view: BoardView | None, board: BoardFacts = BoardFacts()) -> bool:
    """Whether `action` is offered to the viewer of `view` on a board in state `board`."""
    rule = RULES.get(action)
    if rule is None:
        return True
    if view is None:
        return action == "help"
    phase = view.session.phase
    if phase not in rule.phases:
        return False
    facilitator = view.is_facilitator
    if rule.facilitator and not facilitator:
        return False
    if rule.grouper and not (facilitator or view.session.settings.participants_may_group):
        return False
    if view.presenting and phase in rule.private:
        return False
    return rule.when is None or rule.when(view, board)


def _b(
    key: str, action: str, description: str, id: str, *, show: bool = True, **kw: object
) -> Binding:
    tooltip = str(kw.pop("tooltip", description))
    return Binding(key, action, description, show=show, id=id, tooltip=tooltip, **kw)  # type: ignore[arg-type]


# Known problems (group and discuss, facilitator): the keys are named once here, for the
# bindings and for the hint line that lists the suggestions.
LINK_PROBLEM_KEYS = ("1", "2", "3")
NAME_PROBLEM_KEY = "L"
UNLINK_PROBLEM_KEY = "U"


def _link_problem(n: int) -> Binding:
    key = LINK_PROBLEM_KEYS[n - 1]
    if n == 1:
        tip = "Link the selection to the known problem suggested as 1, 2 or 3"
        return _b(key, "link_problem(1)", "Link", "link-problem-1", key_display="1-3", tooltip=tip)
    return _b(key, f"link_problem({n})", f"Link {n}", f"link-problem-{n}", show=False)


def _roti(score: int) -> Binding:
    if score == 1:
        return _b("1", "roti(1)", "Rate", "roti-1", key_display="1-5", tooltip="Rate the retro 1-5")
    return _b(str(score), f"roti({score})", f"Rate {score}", f"roti-{score}", show=False)


BOARD_BINDINGS: list[BindingType] = [
    # Order is footer order: the phase's own work, then the facilitator's controls and
    # help, then the secondary keys (still listed in help and the command palette).
    _b("c", "check_in", "Check in", "check-in"),
    _b("1", "review('done')", "Done", "review-done"),
    _b("2", "review('carried')", "Carry over", "review-carry"),
    _b("3", "review('dropped')", "Drop", "review-drop"),
    _b("0", "review('pending')", "Undecide", "review-undo", show=False),
    _b("a", "add_card", "Add card", "add-card"),
    _b("g", "group", "Group", "group"),
    _b("escape", "cancel_group", "Cancel", "cancel-group", show=False, key_display="esc"),
    _b("t", "title_topic", "Title", "title-topic"),
    _b("u", "unmerge", "Take out", "unmerge"),
    _b("plus,v", "vote", "Vote", "vote", key_display="+"),
    _b("minus", "unvote", "Unvote", "unvote", key_display="-"),
    _b(
        "D",
        "mark_done",
        "Done/ready",
        "mark-done",
        tooltip="Say you are done (write, vote) or ready (any other phase); again takes it back",
    ),
    # The live room (issue 16): hands, the ready check, reactions, comments.
    _b("r", "react", "React", "react", tooltip="React to the selection: agree, love, idea, ?"),
    _b("o", "comment", "Comment", "comment", tooltip="Comment on the selected topic"),
    _b("h", "raise_hand", "Hand", "raise-hand", tooltip="Raise or lower your hand"),
    _b(
        "H",
        "hands",
        "Hands",
        "hands-queue",
        show=False,
        tooltip="The raised hands in order: lower one or all",
    ),
    _b(
        "C",
        "ask_ready",
        "Ask ready",
        "ask-ready",
        show=False,
        tooltip="Ask everyone to confirm they are ready; again takes the request down",
    ),
    _b("enter", "discuss", "Discuss this", "discuss", priority=True),
    _b("n", "notes", "Notes", "notes"),
    _b("A", "action_from_topic", "→ Action", "action-from-topic"),
    *[_link_problem(n) for n in range(1, len(LINK_PROBLEM_KEYS) + 1)],
    _b(
        NAME_PROBLEM_KEY,
        "name_problem",
        "New problem",
        "name-problem",
        tooltip="Name a new known problem and link the selection to it",
    ),
    _b(
        UNLINK_PROBLEM_KEY,
        "unlink_problem",
        "Unlink",
        "unlink-problem",
        show=False,
        tooltip="Take the selection's link to its known problem away",
    ),
    _b("a", "add_action", "Add action", "add-action"),
    _b("e", "edit_action", "Edit", "edit-action"),
    _b("d", "delete_action", "Delete", "delete-action"),
    *[_roti(score) for score in range(1, 6)],
    _b("x", "export", "Export notes", "export"),
    _b(
        "x",
        "download_notes",
        "Download notes",
        "download-notes",
        tooltip="Save the Markdown notes through your browser",
    ),
    _b("greater_than_sign,ctrl+right", "next_phase", "Next phase", "next-phase", key_display=">"),
    _b("s", "skip_phase", "Skip optional", "skip-phase"),
    _b("space", "timer_toggle", "Timer", "timer-toggle", tooltip="Start or pause the timer"),
    _b("T,ctrl+t", "timer_extend", "+1 min", "timer-extend", key_display="T"),
    _b("question_mark,f1", "help", "Keys", "help", key_display="?"),
    _b(
        "N",
        "open_data",
        "Numbers",
        "open-data",
        show=False,
        tooltip="Go to the Data step: the team's numbers",
    ),
    _b(
        "ctrl+o",
        "action_items",
        "Action items",
        "action-items",
        show=False,
        tooltip="Action items across the team's retros",
    ),
    _b(
        "ctrl+g",
        "insights",
        "Insights",
        "insights",
        show=False,
        tooltip="Completion, ROTI and recurring problems over the team's retros",
    ),
    _b("e", "edit_card", "Edit", "edit-card"),
    _b("d", "delete_card", "Delete", "delete-card"),
    _b(
        "left_square_bracket",
        "move_card(-1)",
        "Move",
        "move-left",
        key_display="[ ]",
        tooltip="Move the card a column left ([) or right (])",
    ),
    _b(
        "right_square_bracket",
        "move_card(1)",
        "Move →",
        "move-right",
        key_display="]",
        show=False,
        tooltip="Move the card one column right",
    ),
    _b("m", "move_card_to", "Move to…", "move-to", show=False),
    _b(
        "less_than_sign,ctrl+left",
        "previous_phase",
        "Back",
        "previous-phase",
        key_display="<",
        show=False,
        tooltip="Go back one phase",
    ),
    _b("R", "timer_reset", "Reset timer", "timer-reset", show=False),
    _b(
        "W",
        "people",
        "People",
        "people",
        show=False,
        tooltip="Who is here: release a seat, remove someone, lock joining",
    ),
    _b("b", "mute", "Bell on/off", "mute-bell", show=False),
    _b(
        "z,ctrl+z",
        "undo",
        "Undo",
        "undo",
        key_display="z",
        tooltip="Take back your last delete, merge or take-out",
    ),
    # The numbers (issue 14): the Data step's table and checklist, the review's actuals.
    _b(
        "m",
        "enter_actual",
        "Actual",
        "enter-actual",
        tooltip="Enter the actual value of the selected action's metric",
    ),
    _b("a", "add_number", "Add number", "add-number"),
    _b("e", "edit_number", "Change", "edit-number", tooltip="Change the selected number"),
    _b("d", "delete_number", "Delete", "delete-number", show=False),
    _b("r", "rename_number", "Rename", "rename-number", tooltip="Rename the selected number"),
    _b(
        "y",
        "readiness(True)",
        "Was ready",
        "readiness-yes",
        tooltip="The selected check was true before the work started",
    ),
    _b(
        "n",
        "readiness(False)",
        "Was not",
        "readiness-no",
        tooltip="The selected check was not true before the work started",
    ),
    # Issue 16, part B.
    _b(
        "p",
        "park",
        "Park",
        "park",
        tooltip="Park the selected card or topic for later, or take it out of the parking lot",
    ),
    _b(
        "i",
        "skip_icebreaker",
        "Other question",
        "skip-icebreaker",
        tooltip="Ask another check-in question from the bank instead of this one",
    ),
    _b("a", "rate_health", "Rate", "rate-health", tooltip="Rate the team's health, 1-5 per line"),
    _b(
        "V",
        "reveal_health",
        "Show results",
        "reveal-health",
        tooltip="Show the health check's results before everyone has rated",
    ),
    _b(
        "K",
        "open_health",
        "Health check",
        "open-health",
        show=False,
        tooltip="Go to the health check: everyone rates the team 1-5, anonymously",
    ),
    _b(
        "w",
        "open_early",
        "Write early",
        "open-early",
        show=False,
        tooltip="Open writing now, before the meeting: cards stay face-down, no timer runs",
    ),
    # Last in the footer: shown when the phase's own keys leave room (always on a
    # presenting board, which hides the keys for one's own cards).
    _b(
        "P",
        "toggle_presenting",
        "Present",
        "toggle-presenting",
        tooltip="Switch between the shared (public) view and your own view",
    ),
]


def copy_link_binding(action: str) -> Binding:
    """The key that copies the facilitator link: on the board, and on the share dialog (a
    modal screen hides the app's keys), declared once here."""
    return Binding(
        "ctrl+k",
        action,
        "Copy my link",
        id="copy-facilitator-link",
        tooltip="Copy your private facilitator link to the clipboard, without showing it",
    )


def key_of(binding_id: str) -> str:
    """The key a board binding shows, for hints that name it (declared once, above)."""
    binding = next(b for b in BOARD_BINDINGS if isinstance(b, Binding) and b.id == binding_id)
    return binding.key_display or binding.key

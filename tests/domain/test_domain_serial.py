"""Sessions to and from JSON-ready dicts, and commands from untrusted wire objects: exact
round trips, and every malformed document refused with the field at fault."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import ActionItem, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import MalformedSession, session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from tests.support.domain import finish_scenario, later, load_scenario, make_retro, replay_scenario

Json = dict[str, Any]


def through_json(session: Session) -> Session:
    return session_from_dict(json.loads(json.dumps(session_to_dict(session))))


def campaign() -> Session:
    sc = load_scenario()
    return finish_scenario(replay_scenario(sc), sc).retro.session


def everything() -> Session:
    """A session using every part of the model: review, check-in, topics, votes, a running
    timer, notes, actions, anonymity and a cap."""
    previous = (
        ActionItem(id="old1", text="Fix CI", owner="Ana", due="2026-11-30", raised_on="2026-11-09"),
        ActionItem(id="old2", text="Docs"),
    )
    r = make_retro(2, Phase.CHECKIN, previous_actions=previous, max_per_topic=2, anonymous=True)
    p1, p2 = r.people
    r.do(p1, c.CheckIn(word="sunny", mood=4))
    r.move_to(Phase.REVIEW)
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    r.do(r.fac, c.ReviewAction(action="old2", decision="dropped"))
    r.move_to(Phase.WRITE, later(60))
    a = r.card(p1, "Multi\nline ✓ [bold]x[/] \x1b[31m")
    b = r.card(p2, "Other")
    lone = r.card(p2, "Alone", "bad")
    r.do(p1, c.MarkDone())
    r.move_to(Phase.GROUP, later(120))
    topic = r.merge(b, a)
    r.do(r.fac, c.TitleTopic(topic=topic, title="Merged"))
    r.move_to(Phase.VOTE, later(180))
    r.do(p1, c.CastVote(target=topic))
    r.do(p2, c.CastVote(target=lone))
    r.move_to(Phase.DISCUSS, later(240))
    r.do(r.fac, c.Discuss(target=topic), later(250))
    r.do(r.fac, c.SetNotes(target=topic, text="Said a lot"))
    r.do(r.fac, c.ActionFromTopic(target=topic))
    r.do(r.fac, c.TimerStart(minutes=1.5), later(260))
    r.do(r.fac, c.TimerExtend(seconds=30), later(270))
    return r.session


# --- round trips ---------------------------------------------------------------------------
def test_the_replayed_campaign_round_trips_exactly() -> None:
    s = campaign()
    assert s.actions and s.notes and s.roti and s.topics and s.votes
    back = through_json(s)
    assert back == s
    assert session_to_dict(back) == session_to_dict(s)


@pytest.mark.parametrize("until", [Phase.WRITE, Phase.GROUP, Phase.VOTE, Phase.DISCUSS])
def test_every_stage_of_the_campaign_round_trips(until: Phase) -> None:
    s = replay_scenario(load_scenario(), until=until).retro.session
    assert s.phase is until
    assert through_json(s) == s


def test_a_session_using_every_part_round_trips() -> None:
    s = everything()
    assert s.review and s.timer.running and s.settings.anonymous
    assert s.participant(s.participants[1].id).checkin_word == "sunny"  # type: ignore[union-attr]
    back = through_json(s)
    assert back == s
    assert back.timer.deadline == s.timer.deadline
    assert back.timer.deadline is not None and back.timer.deadline.utcoffset() is not None


@pytest.mark.parametrize("viewer", [None, "p2", "p3"])
def test_redacted_views_round_trip(viewer: str | None) -> None:
    for s in (everything(), campaign()):
        view = view_for(s, viewer)
        assert through_json(view) == view


def test_a_fresh_session_round_trips() -> None:
    s = make_retro(0).session
    assert through_json(s) == s


def test_the_document_is_plain_json() -> None:
    text = json.dumps(session_to_dict(everything()), allow_nan=False)
    assert json.loads(text)["phase"] == "discuss"


# --- malformed documents --------------------------------------------------------------------------
Mutation = Callable[[Json], object]


def _set(path: str, value: object) -> Mutation:
    def mutate(doc: Json) -> None:
        *parents, last = _parse(path)
        target: Any = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _drop(path: str) -> Mutation:
    def mutate(doc: Json) -> None:
        *parents, last = _parse(path)
        target: Any = doc
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


def _parse(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", path)]


MALFORMED: list[tuple[str, Mutation, str]] = [
    ("missing id", _drop("id"), "session.id: missing"),
    ("missing title", _drop("title"), "session.title: missing"),
    ("missing format", _drop("format_key"), "session.format_key: missing"),
    ("missing created", _drop("created_at"), "session.created_at: missing"),
    ("missing phase", _drop("phase"), "session.phase: missing"),
    ("title not text", _set("title", 5), "session.title: wrong type"),
    ("revision bool", _set("revision", True), "session.revision: wrong type"),
    ("revision text", _set("revision", "3"), "session.revision: wrong type"),
    ("next id float", _set("next_id", 2.0), "session.next_id: wrong type"),
    ("bad phase", _set("phase", "lunch"), "session.phase: unknown value 'lunch'"),
    ("bad created", _set("created_at", "yesterday"), "session.created_at: bad timestamp"),
    ("created number", _set("created_at", 1700000000), "session.created_at: wrong type"),
    ("columns object", _set("columns", {}), "session.columns: wrong type"),
    ("column no key", _drop("columns[1].key"), r"session.columns\[1\].key: missing"),
    ("column not object", _set("columns[0]", "good"), r"session.columns\[0\]: expected an object"),
    ("bad duration phase", _set("durations", {"lunch": 5}), "session.durations: unknown value"),
    ("settings list", _set("settings", []), "session.settings: expected an object"),
    ("budget text", _set("settings.votes_per_person", "5"), "session.settings.votes_per_person"),
    ("anonymous text", _set("settings.anonymous", "yes"), "session.settings.anonymous"),
    ("cap float", _set("settings.max_votes_per_target", 2.5), "session.settings.max_votes_per"),
    ("cap bool", _set("settings.max_votes_per_target", True), "session.settings.max_votes_per"),
    ("people object", _set("participants", {}), "session.participants: wrong type"),
    ("person text", _set("participants[0]", "Fran"), r"session.participants\[0\]: expected an"),
    ("person no name", _drop("participants[1].name"), r"session.participants\[1\].name: missing"),
    (
        "bad role",
        _set("participants[0].role", "boss"),
        r"session.participants\[0\].role: unknown value",
    ),
    (
        "bad joined",
        _set("participants[2].joined_at", "noon"),
        r"session.participants\[2\].joined_at",
    ),
    (
        "mood bool",
        _set("participants[1].mood", True),
        r"session.participants\[1\].mood: wrong type",
    ),
    ("mood text", _set("participants[1].mood", "4"), r"session.participants\[1\].mood: wrong type"),
    (
        "done text",
        _set("participants[1].done_writing", 1),
        r"session.participants\[1\].done_writing",
    ),
    ("card text none", _set("cards[0].text", None), r"session.cards\[0\].text: wrong type"),
    ("card no author", _drop("cards[1].author"), r"session.cards\[1\].author: missing"),
    ("card topic int", _set("cards[0].topic", 5), r"session.cards\[0\].topic: wrong type"),
    ("card no time", _drop("cards[2].created_at"), r"session.cards\[2\].created_at: missing"),
    ("card hidden text", _set("cards[0].hidden", "no"), r"session.cards\[0\].hidden: wrong"),
    ("topic no title", _drop("topics[0].title"), r"session.topics\[0\].title: missing"),
    ("vote short", _set("votes[0]", ["p2"]), r"session.votes\[0\]: expected \[voter, target\]"),
    ("vote object", _set("votes[1]", {"voter": "p2"}), r"session.votes\[1\]: expected"),
    ("vote int", _set("votes[1]", ["p2", 7]), r"session.votes\[1\]: expected"),
    ("current int", _set("current_topic", 3), "session.current_topic: wrong type"),
    ("notes list", _set("notes", []), "session.notes: wrong type"),
    ("roti list", _set("roti", [4]), "session.roti: wrong type"),
    ("action no text", _drop("actions[0].text"), r"session.actions\[0\].text: missing"),
    (
        "action status",
        _set("actions[0].status", "later"),
        r"session.actions\[0\].status: unknown value",
    ),
    ("carried text", _set("actions[0].carried", "1"), r"session.actions\[0\].carried: wrong"),
    ("review no action", _drop("review[0].action"), r"session.review\[0\].action: expected"),
    (
        "review decision",
        _set("review[0].decision", "maybe"),
        r"session.review\[0\].decision: unknown",
    ),
    ("review no decision", _drop("review[1].decision"), r"session.review\[1\].decision: missing"),
    ("review action id", _drop("review[0].action.id"), r"session.review\[0\].action.id: missing"),
    ("timer list", _set("timer", [1]), "session.timer: expected an object"),
    ("deadline bad", _set("timer.deadline", "soon"), "session.timer.deadline: bad timestamp"),
    ("deadline int", _set("timer.deadline", 5), "session.timer.deadline: expected a timestamp"),
    ("remaining text", _set("timer.remaining", "9"), "session.timer.remaining: wrong type"),
    ("duration float", _set("timer.duration", 1.5), "session.timer.duration: wrong type"),
    ("log phase", _set("phase_log[0].phase", "x"), r"session.phase_log\[0\].phase: unknown"),
    ("log end int", _set("phase_log[1].ended_at", 3), r"session.phase_log\[1\].ended_at"),
    (
        "log no start",
        _drop("phase_log[0].started_at"),
        r"session.phase_log\[0\].started_at: missing",
    ),
    ("redacted int", _set("redacted_for", 1), "session.redacted_for: wrong type"),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_documents_name_the_field(mutate: Mutation, message: str) -> None:
    doc = json.loads(json.dumps(session_to_dict(everything())))
    mutate(doc)
    with pytest.raises(MalformedSession, match=f"^{message}"):
        session_from_dict(doc)


@pytest.mark.parametrize("doc", [None, [], "session", 5])
def test_a_document_must_be_an_object(doc: object) -> None:
    with pytest.raises(MalformedSession, match=r"^session: expected an object$"):
        session_from_dict(doc)


def test_parsing_does_not_change_the_document() -> None:
    doc = json.loads(json.dumps(session_to_dict(everything())))
    kept = copy.deepcopy(doc)
    session_from_dict(doc)
    assert doc == kept


def test_a_long_bad_value_is_cut_in_the_message() -> None:
    doc = session_to_dict(everything())
    doc["phase"] = "x" * 500
    with pytest.raises(MalformedSession) as caught:
        session_from_dict(doc)
    assert len(str(caught.value)) < 100


@pytest.mark.parametrize("path", ["created_at", "timer.deadline", "participants[0].joined_at"])
def test_a_timestamp_without_a_timezone_is_malformed(path: str) -> None:
    doc = json.loads(json.dumps(session_to_dict(everything())))
    _set(path, "2026-11-23T09:00:00")(doc)
    with pytest.raises(MalformedSession, match=re.escape(f"session.{path}")):
        session_from_dict(doc)


@pytest.mark.parametrize(
    ("path", "value"),
    [("durations", {"write": "7"}), ("notes", {"t1": 5}), ("roti", {"p2": "5"})],
)
def test_wrong_typed_map_values_are_named_not_dropped(path: str, value: object) -> None:
    doc = json.loads(json.dumps(session_to_dict(everything())))
    doc[path] = value
    with pytest.raises(MalformedSession, match=f"session.{path}"):
        session_from_dict(doc)


# --- commands from the wire ---------------------------------------------------------------
SAMPLES: list[c.Command] = [
    c.CheckIn(word="ok", mood=3),
    c.CheckIn(),
    c.Rename(new_name="Zoe"),
    c.MarkDone(done=False),
    c.ReleaseSeat(participant="p2"),
    c.RemoveParticipant(participant="p2"),
    c.RemoveParticipants(participants="p2,p3"),
    c.LockJoining(locked=False),
    c.NextPhase(),
    c.PreviousPhase(),
    c.GoToPhase(phase="vote"),
    c.TimerStart(minutes=2.5),
    c.TimerStart(minutes=3),
    c.TimerStart(),
    c.TimerPause(),
    c.TimerResume(),
    c.TimerExtend(seconds=30),
    c.TimerReset(),
    c.ChangeSettings(anonymous=True, votes_per_person=3, clear_max_votes=True),
    c.AddCard(column="good", text="[bold]hi[/]"),
    c.EditCard(card="c1", text="x"),
    c.DeleteCard(card="c1"),
    c.MoveCard(card="c1", column="bad"),
    c.Merge(source="c1", target="t2"),
    c.Unmerge(card="c1"),
    c.TitleTopic(topic="t1", title="T"),
    c.CastVote(target="t1"),
    c.RetractVote(target="t1"),
    c.Discuss(target="t1"),
    c.SetNotes(target="t1", text="n"),
    c.AddAction(text="a", owner="o", due="2026-12-01", metric="m", source="t1"),
    c.AddAction(text="a"),
    c.ActionFromTopic(target="t1"),
    c.EditAction(action="a1", owner="o"),
    c.DeleteAction(action="a1"),
    c.ReviewAction(action="a1", decision="done"),
    c.Roti(score=5),
    c.LinkProblem(target="t1", problem="s1#p4", problem_name="Late assets"),
    c.NameProblem(target="c2", problem_name="Legal review"),
    c.UnlinkProblem(target="c2"),
    c.Undo(record="u7"),
    c.Undo(),
    c.AddAction(text="a", metric="CPL", baseline=40, target=30.5, direction="down"),
    c.SetMeasure(action="a1", baseline=1.5, target=2, direction="up", decision=True),
    c.SetMeasure(action="a1"),
    c.RecordActual(action="a1", value=3.25),
    c.RecordActual(action="a1"),
    c.SetNumber(number="Open rate", value=21.5, unit="%", period="Q3"),
    c.SetNumber(number="Open rate"),
    c.DeleteNumber(number="Open rate"),
    c.RenameNumber(number="CPL", to="Cost per lead"),
    c.SetReadiness(index=2, ready=True),
    c.SetReadiness(index=0),
    # The live room (issue 16).
    c.RaiseHand(),
    c.RaiseHand(raised=False),
    c.LowerHand(hand="h9"),
    c.LowerAllHands(),
    c.SetReady(ready=False),
    c.AskReady(ask=True),
    c.React(target="t1", kind="love"),
    c.AddComment(target="t1", text="+1, and the briefs came late too"),
    # Issue 16, part B.
    c.Park(target="t3"),
    c.Park(target="c4~s1", parked=False),
    c.SkipIcebreaker(),
    c.OpenEarly(),
    c.RateHealth(scores="3,4,5,1,2,3,4,5"),
    c.RevealHealth(),
]


def test_every_registered_command_has_a_sample() -> None:
    assert {type(cmd) for cmd in SAMPLES} == set(c.COMMANDS.values())
    assert len(c.COMMANDS) == len(set(c.COMMANDS))


@pytest.mark.parametrize("command", SAMPLES, ids=lambda cmd: cmd.name)
def test_commands_round_trip_through_the_wire(command: c.Command) -> None:
    wire = json.loads(json.dumps(command.to_wire()))
    assert wire["name"] == command.name
    assert c.command_from_wire(wire) == command


def test_missing_fields_take_their_defaults() -> None:
    assert c.command_from_wire({"name": "timer_extend"}) == c.TimerExtend(seconds=60)
    assert c.command_from_wire({"name": "mark_done"}) == c.MarkDone(done=True)


@pytest.mark.parametrize("data", [None, [], "vote", 5, ["name", "vote"]])
def test_a_command_must_be_an_object(data: object) -> None:
    with pytest.raises(Refused) as caught:
        c.command_from_wire(data)
    assert caught.value.reason == "A command must be an object."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"name": "launch_missiles"}, "Unknown command 'launch_missiles'."),
        ({}, "Unknown command 'None'."),
        ({"name": 5}, "Unknown command '5'."),
        ({"name": ["vote"]}, "Unknown command \"['vote']\"."),
        ({"name": "Vote"}, "Unknown command 'Vote'."),
        ({"name": "x" * 100}, f"Unknown command '{'x' * 40}'."),
    ],
)
def test_unknown_commands_are_refused(data: object, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        c.command_from_wire(data)
    assert caught.value.reason == reason


def test_an_unknown_command_name_cannot_inject_control_characters() -> None:
    with pytest.raises(Refused) as caught:
        c.command_from_wire({"name": "\x1b]0;owned\x07"})
    assert not [ch for ch in caught.value.reason if unicodedata.category(ch) == "Cc"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"name": "add_card", "colour": "red"}, "add_card: unknown field 'colour'."),
        ({"name": "vote", "target": "t1", "voter": "p1"}, "vote: unknown field 'voter'."),
        ({"name": "next_phase", "to_wire": 1}, "next_phase: unknown field 'to_wire'."),
    ],
)
def test_unknown_fields_are_refused(data: Json, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        c.command_from_wire(data)
    assert caught.value.reason == reason


WRONG_TYPES: list[Json] = [
    {"name": "timer_extend", "seconds": True},
    {"name": "timer_extend", "seconds": 1.5},
    {"name": "timer_extend", "seconds": "60"},
    {"name": "timer_extend", "seconds": None},
    {"name": "timer_start", "minutes": True},
    {"name": "timer_start", "minutes": "5"},
    {"name": "settings", "votes_per_person": True},
    {"name": "settings", "votes_per_person": 2.0},
    {"name": "settings", "anonymous": 1},
    {"name": "settings", "anonymous": "true"},
    {"name": "settings", "clear_max_votes": None},
    {"name": "check_in", "mood": True},
    {"name": "check_in", "mood": "3"},
    {"name": "check_in", "word": ["w"]},
    {"name": "mark_done", "done": 1},
    {"name": "add_card", "text": None},
    {"name": "add_card", "text": 5},
    {"name": "add_card", "column": {"key": "good"}},
    {"name": "vote", "target": ["t1"]},
    {"name": "roti", "score": True},
    {"name": "roti", "score": 4.0},
    {"name": "add_action", "source": 3},
    {"name": "edit_action", "owner": False},
]


@pytest.mark.parametrize("data", WRONG_TYPES, ids=lambda d: f"{d['name']}-{list(d)[1]}")
def test_wrong_types_are_refused(data: Json) -> None:
    field = list(data)[1]
    with pytest.raises(Refused) as caught:
        c.command_from_wire(data)
    assert caught.value.reason == f"{data['name']}: field {field!r} has the wrong type."


def test_a_whole_number_is_accepted_where_minutes_may_be_fractional() -> None:
    assert c.command_from_wire({"name": "timer_start", "minutes": 5}) == c.TimerStart(minutes=5)
    assert c.command_from_wire({"name": "timer_start", "minutes": None}) == c.TimerStart()

"""Links from cards and topics to known problems: only the facilitator makes them, in
group and discuss; they survive the disk and a reload; they go with their card."""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain import problems as pr
from retro_tui.domain.errors import NotAllowed, Refused
from retro_tui.domain.model import Role
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.hub.hub import Hub
from retro_tui.store import SessionStore
from tests.support.clock import FakeClock
from tests.support.domain import Retro, make_retro
from tests.support.hub import make_session


def _grouped() -> tuple[Retro, str, str]:
    """A retro in the group phase with two cards merged into a topic and one card alone."""
    retro = make_retro(1, Phase.WRITE)
    a = retro.card(retro.people[0], "Design assets arrive late", "bad")
    b = retro.card(retro.people[0], "Creative came in after the deadline", "bad")
    alone = retro.card(retro.people[0], "Legal review is slow", "bad")
    retro.move_to(Phase.GROUP)
    topic = retro.merge(b, a)
    return retro, topic, alone


def test_the_facilitator_names_a_new_problem_and_the_topic_is_linked_to_it() -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="  Late   design assets "))
    problem = retro.session.problem_of(topic)
    assert problem is not None and problem.name == "Late design assets"
    assert problem.id.startswith("s1#p")


def test_linking_to_a_known_problem_keeps_its_id_and_takes_its_newest_name() -> None:
    retro, topic, alone = _grouped()
    retro.do(retro.fac, c.LinkProblem(target=topic, problem="old#p3", problem_name="Late assets"))
    retro.do(retro.fac, c.LinkProblem(target=alone, problem="old#p3", problem_name="Assets late"))
    assert [p.name for p in retro.session.problems] == ["Assets late"]
    assert {k.target for k in retro.session.problem_links} == {topic, alone}


def test_a_target_has_one_problem_and_a_new_link_replaces_the_old() -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.LinkProblem(target=topic, problem="a#p1", problem_name="One"))
    retro.do(retro.fac, c.LinkProblem(target=topic, problem="b#p1", problem_name="Two"))
    problem = retro.session.problem_of(topic)
    assert problem is not None and problem.name == "Two"
    assert len(retro.session.problem_links) == 1


def test_unlinking_removes_the_link_and_the_problem_nothing_else_uses() -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Late assets"))
    retro.do(retro.fac, c.UnlinkProblem(target=topic))
    assert retro.session.problem_of(topic) is None
    assert retro.session.problems == () and retro.session.problem_links == ()


@pytest.mark.parametrize(
    "command",
    [
        c.NameProblem(target="TOPIC", problem_name="Late assets"),
        c.LinkProblem(target="TOPIC", problem="x#p1", problem_name="Late assets"),
        c.UnlinkProblem(target="TOPIC"),
    ],
    ids=["name", "link", "unlink"],
)
def test_a_participant_cannot_link_name_or_unlink(command: c.Command) -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Late assets"))
    fields = {k: (topic if v == "TOPIC" else v) for k, v in command.to_wire().items()}
    reason = retro.refused(retro.people[0], c.command_from_wire(fields), kind=NotAllowed)
    assert "Only the facilitator" in reason.reason


def test_links_are_made_only_in_group_and_discuss() -> None:
    retro, topic, _ = _grouped()
    retro.move_to(Phase.VOTE)
    reason = retro.refused(retro.fac, c.NameProblem(target=topic, problem_name="Late"))
    assert "group or discuss" in reason.reason.lower()
    retro.move_to(Phase.DISCUSS)
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Late assets"))


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"target": "nope", "problem_name": "Late"}, "no longer exists"),
        ({"problem_name": ""}, "cannot be empty"),
        ({"problem_name": "x" * 81}, "at most 80"),
        ({"problem_name": 12}, "wrong type"),
        ({"problem_name": "x" * 10_240}, "this has 10240"),
        ({"problem_name": " \u200b\u202e "}, "cannot be empty"),
    ],
    ids=["missing-target", "empty-name", "long-name", "not-text", "10-kb", "only-invisible"],
)
def test_a_bad_problem_name_or_target_is_refused_with_a_sentence(
    fields: dict[str, object], words: str
) -> None:
    retro, topic, _ = _grouped()
    data = {"name": "name_problem", "target": topic, **fields}
    try:
        command = c.command_from_wire(data)
    except Refused as refused:
        assert words in refused.reason
        return
    assert words in retro.refused(retro.fac, command).reason


def test_a_problem_name_with_escapes_and_markup_is_kept_literal_and_visible() -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="[bold]Late[/] \x1b[2Jassets"))
    problem = retro.session.problem_of(topic)
    assert problem is not None and "\x1b" not in problem.name
    assert problem.name.startswith("[bold]Late[/] ") and "[2Jassets" in problem.name


def test_a_problem_id_with_spaces_or_escapes_is_refused() -> None:
    retro, topic, _ = _grouped()
    retro.refused(retro.fac, c.LinkProblem(target=topic, problem="a b", problem_name="X"))
    retro.do(retro.fac, c.LinkProblem(target=topic, problem="a\x1b[2Jb", problem_name="X"))
    problem = retro.session.problem_of(topic)
    assert problem is not None and "\x1b" not in problem.id


def test_a_link_goes_with_its_topic_when_the_topic_is_dissolved() -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Late assets"))
    card = retro.session.cards_of_topic(topic)[0]
    retro.do(retro.fac, c.Unmerge(card=card.id))
    assert pr.linked(retro.session) == ()


def test_links_and_problems_survive_a_round_trip_and_an_old_file_reads_without_them() -> None:
    retro, topic, _ = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="[bold]Late[/] assets"))
    data = session_to_dict(retro.session)
    assert session_from_dict(data) == retro.session
    del data["problems"], data["problem_links"]
    assert session_from_dict(data).problem_links == ()


async def test_the_hub_writes_a_link_to_disk_and_refuses_a_participants(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    SessionStore(folder).create(make_session())
    store = SessionStore(folder)
    hub = Hub(store, store.load("s1"), clock=FakeClock())
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    ann = LocalClient(hub, "ann", Role.PARTICIPANT)
    await ann.join("Ann")
    await fac.send(c.GoToPhase(phase="write"))
    await ann.send(c.AddCard(column="bad", text="Approvals take forever"))
    await fac.send(c.GoToPhase(phase="group"))
    card = hub.session.cards[0].id
    with pytest.raises(NotAllowed):
        await ann.send(c.NameProblem(target=card, problem_name="Slow approvals"))
    await fac.send(c.NameProblem(target=card, problem_name="Slow approvals"))
    on_disk = SessionStore(folder).load("s1")
    problem = on_disk.problem_of(card)
    assert problem is not None and problem.name == "Slow approvals"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("problem_links", [["t1"]], "session.problem_links[0]: expected [target, problem]"),
        ("problem_links", [["t1", "a\x1bb"]], "control character"),
        ("problems", [{"id": "p"}], "session.problems[0].name: missing"),
        ("problems", "nope", "session.problems: wrong type"),
    ],
    ids=["short-link", "escape-in-id", "nameless", "not-a-list"],
)
def test_a_session_file_with_broken_links_is_refused_with_the_field_named(
    field: str, value: object, words: str
) -> None:
    from retro_tui.domain.serial import MalformedSession

    retro, _, _ = _grouped()
    data = session_to_dict(retro.session)
    data[field] = value
    with pytest.raises(MalformedSession) as caught:
        session_from_dict(data)
    assert words in str(caught.value)


def test_a_link_to_a_problem_the_file_does_not_name_is_ignored() -> None:
    retro, topic, _ = _grouped()
    data = session_to_dict(retro.session)
    data["problem_links"] = [[topic, "ghost#p1"]]
    assert pr.linked(session_from_dict(data)) == ()


def test_a_hidden_cards_link_is_not_in_another_persons_view() -> None:
    from retro_tui.domain.views import view_for

    retro = make_retro(2, Phase.WRITE)
    card = retro.card(retro.people[0], "Approvals take forever", "bad")
    retro.move_to(Phase.GROUP)
    retro.do(retro.fac, c.NameProblem(target=card, problem_name="Slow approvals"))
    retro.move_to(Phase.WRITE)  # the facilitator goes back: cards are face-down again
    assert view_for(retro.session, retro.people[1]).problem_links == ()
    assert view_for(retro.session, None).problem_links == ()
    assert view_for(retro.session, retro.people[0]).problem_links == ()  # one copy for all
    assert retro.session.problem_of(card) is not None  # the hub keeps it for the reveal


@pytest.mark.parametrize("phase", [Phase.GROUP, Phase.WRITE], ids=["revealed", "face-down"])
def test_links_cross_the_hub_socket_as_each_viewer_may_see_them(phase: Phase) -> None:
    from retro_tui.hub.protocol import decode, view_from_wire
    from tests.support.hub import MemoryStore

    retro, topic, alone = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Late assets"))
    retro.do(retro.fac, c.LinkProblem(target=alone, problem="old#p1", problem_name="Legal"))
    retro.move_to(phase)
    hub = Hub(MemoryStore(), retro.session)
    for identity, person in (("f", retro.fac), ("p", retro.people[0])):
        seat = hub.attach(identity, Role.FACILITATOR if person == retro.fac else Role.PARTICIPANT)
        seat.pid = person
        line, _ = hub.wire_view(seat)
        assert view_from_wire(decode(line)["view"]) == hub.view_for(seat)
    # Face-down, the lone card's link goes; the topic's stays (its title shows anyway).
    shown = {k.target for k in hub.view_for(seat).session.problem_links}
    assert shown == ({topic, alone} if phase is Phase.GROUP else {topic})


def test_naming_a_problem_again_in_other_letters_is_refused_and_points_to_the_link() -> None:
    retro, topic, alone = _grouped()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Late design assets"))
    again = c.NameProblem(target=alone, problem_name="LATE  design assets")
    reason = retro.refused(retro.fac, again).reason
    assert "already links a problem called 'Late design assets'" in reason
    assert pr.same_name(retro.session.problems, "late design assets ") is not None


"""A link to a known problem taken away or replaced comes back with `z`, like a deleted
card: for the facilitator who changed it, in the same phase, and never over a newer change."""

from __future__ import annotations

from retro_tui.domain import commands as c
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from tests.support.domain import Retro, make_retro


def _linked() -> tuple[Retro, str, str]:
    """A retro in group with a topic linked to a known problem and a lone card."""
    retro = make_retro(1, Phase.WRITE)
    a = retro.card(retro.people[0], "Design assets arrive late", "bad")
    b = retro.card(retro.people[0], "Creative came in after the deadline", "bad")
    alone = retro.card(retro.people[0], "Legal review is slow", "bad")
    retro.move_to(Phase.GROUP)
    topic = retro.merge(b, a)
    retro.do(retro.fac, c.LinkProblem(target=topic, problem="old#p3", problem_name="Late assets"))
    return retro, topic, alone


def test_an_unlinked_topic_gets_its_link_and_its_problem_back_on_undo() -> None:
    retro, topic, _ = _linked()
    retro.do(retro.fac, c.UnlinkProblem(target=topic))
    assert retro.session.problems == ()
    assert retro.session.undoable[-1].what == "Link to a known problem taken away"
    retro.do(retro.fac, c.Undo())
    problem = retro.session.problem_of(topic)
    assert problem is not None and (problem.id, problem.name) == ("old#p3", "Late assets")
    assert [r.what for r in retro.session.undoable] == ["Cards grouped"]


def test_a_replaced_link_goes_back_to_the_first_problem_and_the_new_one_goes() -> None:
    retro, topic, _ = _linked()
    retro.do(retro.fac, c.NameProblem(target=topic, problem_name="Slow creative"))
    assert retro.session.undoable[-1].what == "Known problem replaced"
    retro.do(retro.fac, c.Undo())
    problem = retro.session.problem_of(topic)
    assert problem is not None and problem.id == "old#p3"
    assert [p.id for p in retro.session.problems] == ["old#p3"]


def test_undoing_an_unlink_keeps_links_made_meanwhile_on_other_cards() -> None:
    retro, topic, alone = _linked()
    retro.do(retro.fac, c.UnlinkProblem(target=topic))
    retro.do(retro.fac, c.NameProblem(target=alone, problem_name="Legal is slow"))
    retro.do(retro.fac, c.Undo())
    assert {k.target for k in retro.session.problem_links} == {topic, alone}
    assert {p.name for p in retro.session.problems} == {"Late assets", "Legal is slow"}


def test_an_unlink_is_not_undone_over_a_newer_link_of_the_same_topic() -> None:
    retro, topic, _ = _linked()
    retro.do(retro.fac, c.UnlinkProblem(target=topic))
    retro.do(retro.fac, c.LinkProblem(target=topic, problem="x#p1", problem_name="Other"))
    reason = retro.refused(retro.fac, c.Undo()).reason
    assert "cannot be undone: it has changed since" in reason
    problem = retro.session.problem_of(topic)
    assert problem is not None and problem.id == "x#p1"


def test_an_unlink_is_not_undone_once_its_topic_is_gone() -> None:
    retro, topic, _ = _linked()
    retro.do(retro.fac, c.UnlinkProblem(target=topic))
    retro.do(retro.fac, c.Unmerge(card=retro.session.cards_of_topic(topic)[0].id))
    assert retro.session.topic(topic) is None  # a topic of one card dissolves
    record = next(r for r in retro.session.undoable if r.what.startswith("Link"))
    reason = retro.refused(retro.fac, c.Undo(record=record.id)).reason
    assert "has changed since" in reason


def test_a_first_link_is_not_an_undoable_change() -> None:
    retro, _, _ = _linked()
    assert [r.what for r in retro.session.undoable] == ["Cards grouped"]


def test_an_unlink_record_survives_the_disk_and_holds_only_the_touched_link() -> None:
    retro, topic, alone = _linked()
    retro.do(retro.fac, c.NameProblem(target=alone, problem_name="Legal is slow"))
    retro.do(retro.fac, c.UnlinkProblem(target=topic))
    record = retro.session.undoable[-1]
    assert record.before is not None and record.after is not None
    assert [k.target for k in record.before.problem_links] == [topic]
    assert record.after.problem_links == () and record.after.problems == ()
    retro.session = session_from_dict(session_to_dict(retro.session))
    retro.do(retro.fac, c.Undo())
    assert retro.session.problem_of(topic) is not None

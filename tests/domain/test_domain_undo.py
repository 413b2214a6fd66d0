"""Undo: a deleted card, action item or note, a merge and an un-merge come back for the
person who made the change, and for nobody else; others' work meanwhile is kept."""

from __future__ import annotations

from retro_tui.domain import commands as c
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from tests.support.domain import Retro, make_retro


def _writing() -> tuple[Retro, str, str]:
    retro = make_retro(2, Phase.WRITE)
    p1, p2 = retro.people
    retro.do(p1, c.AddCard(column="good", text="Pairing helped"))
    retro.do(p1, c.AddCard(column="good", text="Demos were short"))
    retro.do(p2, c.AddCard(column="bad", text="Flaky CI"))
    return retro, p1, p2


def test_a_deleted_card_comes_back_in_its_place_and_others_new_cards_stay() -> None:
    retro, p1, p2 = _writing()
    cards = retro.session.cards
    retro.do(p1, c.DeleteCard(card=cards[0].id))
    retro.do(p2, c.AddCard(column="bad", text="Long standups"))
    retro.do(p1, c.Undo())
    texts = [card.text for card in retro.session.cards]
    assert texts == ["Pairing helped", "Demos were short", "Flaky CI", "Long standups"]
    assert retro.session.undoable == ()


def test_only_the_person_who_deleted_may_undo_it() -> None:
    retro, p1, p2 = _writing()
    retro.do(p1, c.DeleteCard(card=retro.session.cards[0].id))
    record = retro.session.undoable[0].id
    reason = retro.refused(p2, c.Undo(record=record), kind=NotAllowed).reason
    assert "Only the person who made a change" in reason
    assert "nothing of yours" in retro.refused(p2, c.Undo()).reason
    assert "nothing of yours" in retro.refused(retro.fac, c.Undo()).reason


def test_an_undo_is_refused_when_what_it_touched_changed_since() -> None:
    retro = make_retro(1, Phase.WRITE)
    (p1,) = retro.people
    for text in ("A", "B"):
        retro.do(p1, c.AddCard(column="good", text=text))
    retro.move_to(Phase.GROUP)
    first, second = (card.id for card in retro.session.cards)
    retro.do(retro.fac, c.Merge(source=second, target=first))
    topic = retro.session.topics[0].id
    retro.do(retro.fac, c.TitleTopic(topic=topic, title="Letters"))
    assert "changed since" in retro.refused(retro.fac, c.Undo()).reason


def test_a_merge_and_an_unmerge_are_undone_in_turn() -> None:
    retro = make_retro(1, Phase.WRITE)
    (p1,) = retro.people
    for text in ("A", "B", "C"):
        retro.do(p1, c.AddCard(column="good", text=text))
    retro.move_to(Phase.GROUP)
    start = retro.session
    a, b, _ = (card.id for card in start.cards)
    retro.do(retro.fac, c.Merge(source=b, target=a))
    merged = retro.session
    retro.do(retro.fac, c.Unmerge(card=b))
    retro.do(retro.fac, c.Undo())  # the un-merge
    assert (retro.session.cards, retro.session.topics) == (merged.cards, merged.topics)
    retro.do(retro.fac, c.Undo())  # the merge
    assert (retro.session.cards, retro.session.topics) == (start.cards, start.topics)


def test_deleted_notes_and_a_deleted_action_item_come_back() -> None:
    retro = make_retro(1, Phase.WRITE)
    (p1,) = retro.people
    retro.do(p1, c.AddCard(column="bad", text="Flaky CI"))
    retro.move_to(Phase.DISCUSS)
    target = retro.session.cards[0].id
    retro.do(retro.fac, c.SetNotes(target=target, text="Runners run out of disk"))
    retro.do(retro.fac, c.SetNotes(target=target, text=""))
    retro.do(retro.fac, c.Undo())
    assert retro.session.notes == {target: "Runners run out of disk"}
    retro.move_to(Phase.ACTIONS)
    retro.do(retro.fac, c.AddAction(text="Bigger runners", owner="Sam"))
    retro.do(retro.fac, c.AddAction(text="Disk alerts"))
    first = retro.session.actions[0]
    retro.do(retro.fac, c.DeleteAction(action=first.id))
    retro.do(retro.fac, c.Undo())
    assert [a.text for a in retro.session.actions] == ["Bigger runners", "Disk alerts"]
    assert retro.session.actions[0] == first


def test_an_undo_waits_for_the_phase_of_the_change() -> None:
    retro, p1, _ = _writing()
    retro.do(p1, c.DeleteCard(card=retro.session.cards[0].id))
    retro.move_to(Phase.GROUP)
    assert "can be undone only then" in retro.refused(p1, c.Undo()).reason


def test_undo_records_survive_the_file_and_each_viewer_sees_only_their_own_labels() -> None:
    retro, p1, p2 = _writing()
    retro.do(p1, c.DeleteCard(card=retro.session.cards[0].id))
    reloaded = session_from_dict(session_to_dict(retro.session))
    assert reloaded == retro.session
    retro.session = reloaded
    assert view_for(retro.session, p2).undoable == ()
    (mine,) = view_for(retro.session, p1).undoable
    assert (mine.what, mine.before, mine.after) == ("Card deleted", None, None)
    retro.do(p1, c.Undo())
    assert retro.session.cards[0].text == "Pairing helped"


def test_only_the_latest_twenty_changes_can_be_taken_back() -> None:
    retro = make_retro(1, Phase.WRITE)
    (p1,) = retro.people
    for n in range(25):
        retro.do(p1, c.AddCard(column="good", text=f"Card {n}"))
    for card in retro.session.cards:
        retro.do(p1, c.DeleteCard(card=card.id))
    assert len(retro.session.undoable) == 20
    for _ in range(20):
        retro.do(p1, c.Undo())
    assert [card.text for card in retro.session.cards] == [f"Card {n}" for n in range(5, 25)]

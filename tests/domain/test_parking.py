"""The parking lot: only the facilitator parks, once cards are revealed; everyone sees the
text of what is parked and never who wrote it; the notes list it."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from retro_tui.domain import commands as c
from retro_tui.domain import parking
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from retro_tui.export import session_markdown
from tests.support.domain import Retro, make_retro


def revealed(anonymous: bool = False) -> tuple[Retro, list[str]]:
    r = make_retro(2, Phase.WRITE, anonymous=anonymous)
    cards = [
        r.card(r.people[0], "zqpricingzq", "bad"),
        r.card(r.people[1], "Deploys are slow", "bad"),
        r.card(r.people[1], "Nice offsite", "good"),
    ]
    r.move_to(Phase.GROUP)
    return r, cards


def test_the_facilitator_parks_a_card_and_takes_it_out_again() -> None:
    r, cards = revealed()
    r.do(r.fac, c.Park(target=cards[0]))
    assert [(p.id, p.text) for p in r.session.parked] == [(cards[0], "zqpricingzq")]
    r.refused(r.fac, c.Park(target=cards[0]))  # already parked
    r.do(r.fac, c.Park(target=cards[0], parked=False))
    assert r.session.parked == ()
    r.refused(r.fac, c.Park(target=cards[0], parked=False))


def test_a_participant_cannot_park_or_unpark() -> None:
    r, cards = revealed()
    r.refused(r.people[0], c.Park(target=cards[1]), kind=NotAllowed)
    r.do(r.fac, c.Park(target=cards[1]))
    r.refused(r.people[0], c.Park(target=cards[1], parked=False), kind=NotAllowed)


@pytest.mark.parametrize("phase", [Phase.CHECKIN, Phase.WRITE, Phase.ACTIONS, Phase.CLOSE])
def test_nothing_is_parked_outside_group_vote_and_discuss(phase: Phase) -> None:
    r, cards = revealed()
    r.move_to(phase)
    r.refused(r.fac, c.Park(target=cards[0]), kind=NotAllowed)


def test_a_card_that_does_not_exist_cannot_be_parked() -> None:
    r, _ = revealed()
    r.refused(r.fac, c.Park(target="c999"))


def test_a_parked_topic_shows_its_title_as_it_is_now() -> None:
    r, cards = revealed()
    topic = r.merge(cards[1], cards[0])
    r.do(r.fac, c.Park(target=topic))
    r.do(r.fac, c.TitleTopic(topic=topic, title="Release pain"))
    assert [p.text for p in view_for(r.session, r.people[0]).parked] == ["Release pain"]


@pytest.mark.parametrize("anonymous", [False, True])
def test_everyone_sees_what_is_parked_and_no_one_sees_who_wrote_it(anonymous: bool) -> None:
    r, cards = revealed(anonymous)
    r.do(r.fac, c.Park(target=cards[0]))
    for viewer in (None, r.fac, *r.people):
        view = view_for(r.session, viewer)
        assert [p.text for p in view.parked] == ["zqpricingzq"]
        dumped = json.dumps(session_to_dict(view)["parked"])
        assert r.people[0] not in dumped and "P1" not in dumped


def test_going_back_to_writing_hides_the_parking_lot_with_the_cards() -> None:
    r, cards = revealed()
    r.do(r.fac, c.Park(target=cards[0]))
    r.move_to(Phase.WRITE)
    assert "zqpricingzq" not in json.dumps(session_to_dict(view_for(r.session, r.people[1])))


def test_parked_items_survive_a_round_trip_through_the_file_format() -> None:
    r, cards = revealed()
    r.do(r.fac, c.Park(target=cards[0]))
    assert session_from_dict(session_to_dict(r.session)) == r.session
    old = session_to_dict(r.session)
    del old["parked"], old["parked_before"]
    assert session_from_dict(old).parked == ()  # a file from before the parking lot


def _section(markdown: str, heading: str) -> list[str]:
    """The text of the list items under a level-2 heading, read by a CommonMark parser."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    items: list[str] = []
    inside = False
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inside = tokens[i + 1].content == heading
        elif inside and token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            items.append(token.content)
    return items


def test_the_notes_list_the_parking_lot_under_its_own_heading() -> None:
    r, cards = revealed(anonymous=True)
    r.do(r.fac, c.Park(target=cards[0]))
    r.do(r.fac, c.Park(target=cards[2]))
    notes = session_markdown(r.session)
    assert _section(notes, "Parking lot") == ["zqpricingzq", "Nice offsite"]


def test_carried_items_come_back_until_they_are_dealt_with() -> None:
    r, cards = revealed()
    r.do(r.fac, c.Park(target=cards[0]))
    carried = parking.carried(r.session)
    assert [(p.id, p.text, p.settled) for p in carried] == [
        (f"{cards[0]}~s1", "zqpricingzq", False)
    ]
    nxt = make_retro(1, Phase.CHECKIN)
    nxt.session = nxt.session.with_changes(id="s2", parked_before=carried)
    nxt.move_to(Phase.REVIEW)
    nxt.refused(nxt.people[0], c.Park(target=carried[0].id, parked=False), kind=NotAllowed)
    nxt.do(nxt.fac, c.Park(target=carried[0].id, parked=False))
    assert nxt.session.parked_before[0].settled
    assert parking.carried(nxt.session) == ()
    nxt.do(nxt.fac, c.Park(target=carried[0].id, parked=True))
    assert [p.id for p in parking.carried(nxt.session)] == [carried[0].id]
    assert _section(session_markdown(nxt.session), "Last retro's parking lot") == [
        "**Still parked:** zqpricingzq (parked 2026-11-23)"
    ]

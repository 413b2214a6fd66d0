"""An anonymous retro gives nobody away by order or time: revealed cards stand in a salted
order that is the same on every screen, others' cards carry no write time, and check-in
words and moods reach the facilitator without names."""

from __future__ import annotations

import json
from collections.abc import Callable

from retro_tui.domain import commands as c
from retro_tui.domain.anonymity import reveal_order
from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from retro_tui.export import session_markdown
from retro_tui.hub.protocol import ViewEncoder, decode, view_from_wire
from tests.support.domain import Retro, later, make_retro


def written_in_turns(anonymous: bool, cards: int = 12) -> Retro:
    """Four participants write cards in turn, a minute apart, all in one column."""
    r = make_retro(4, Phase.WRITE, anonymous=anonymous)
    for i in range(cards):
        r.do(r.people[i % 4], c.AddCard(column="good", text=f"card {i}"), later(60 * i))
    r.move_to(Phase.GROUP)
    return r


def test_anonymous_revealed_cards_do_not_stand_in_the_order_they_were_written() -> None:
    r = written_in_turns(anonymous=True)
    written = [card.id for card in r.session.cards]
    for viewer in (None, r.fac, *r.people):
        shown = [card.id for card in view_for(r.session, viewer).cards]
        assert sorted(shown) == sorted(written)
        assert shown != written


def test_every_screen_shows_an_anonymous_retro_s_cards_in_one_order() -> None:
    r = written_in_turns(anonymous=True)
    orders = {
        tuple(card.id for card in view_for(r.session, viewer).cards)
        for viewer in (None, r.fac, *r.people)
    }
    assert len(orders) == 1


def test_the_order_stays_put_when_a_card_is_added_or_deleted() -> None:
    r = written_in_turns(anonymous=True)
    before = [card.id for card in view_for(r.session, None).cards]
    late = r.card(r.fac, "a late thought")
    r.do(r.fac, c.DeleteCard(card=before[3]))
    after = [card.id for card in view_for(r.session, None).cards]
    assert [cid for cid in after if cid != late] == [cid for cid in before if cid != before[3]]


def test_a_named_retro_and_cards_before_the_reveal_keep_the_written_order() -> None:
    named = written_in_turns(anonymous=False)
    assert view_for(named.session, None).cards == named.session.cards
    r = make_retro(2, Phase.WRITE, anonymous=True)
    for i in range(6):
        r.card(r.people[i % 2], f"card {i}")
    assert [x.id for x in view_for(r.session, r.fac).cards] == [x.id for x in r.session.cards]


def test_others_cards_carry_no_write_time_in_an_anonymous_retro() -> None:
    r = written_in_turns(anonymous=True)
    p1 = r.people[0]
    for card in view_for(r.session, p1).cards:
        if card.author == p1:
            assert card.created_at == r.session.card(card.id).created_at  # type: ignore[union-attr]
        else:
            assert card.created_at == r.session.created_at


def test_the_view_line_of_each_seat_holds_the_same_cards_as_its_view() -> None:
    r = written_in_turns(anonymous=True)
    encoder = ViewEncoder()
    from retro_tui.domain.views import BoardView

    def board_view(viewer: str | None) -> Callable[[Session], BoardView]:
        return lambda s: BoardView(view_for(s, viewer), viewer or "")

    for viewer in (None, r.fac, *r.people):
        line, _ = encoder.encode(r.session, viewer, board_view(viewer))
        sent = view_from_wire(decode(line)["view"]).session
        assert sent.cards == view_for(r.session, viewer).cards


def test_the_notes_list_an_anonymous_retro_s_cards_in_the_screens_order() -> None:
    r = written_in_turns(anonymous=True)
    notes = session_markdown(r.session)
    shown = [card.text for card in view_for(r.session, None).cards]
    positions = [notes.index(f"- {text}\n") for text in shown]
    assert positions == sorted(positions)
    assert reveal_order(r.session, r.session.cards) != r.session.cards


def checked_in(anonymous: bool) -> Retro:
    r = make_retro(3, Phase.CHECKIN, anonymous=anonymous)
    words = ("zebra", "apple", "mango")
    for pid, word, mood in zip(r.people, words, (2, 5, 3), strict=True):
        r.do(pid, c.CheckIn(word=word, mood=mood))
    return r


def test_an_anonymous_check_in_shows_the_facilitator_words_and_moods_without_names() -> None:
    r = checked_in(anonymous=True)
    view = view_for(r.session, r.fac)
    assert [(a.word, a.mood) for a in view.checkin_answers] == [
        ("apple", 5),
        ("mango", 3),
        ("zebra", 2),
    ]
    text = json.dumps(session_to_dict(view))
    for person in view.participants:
        if not person.is_facilitator:
            assert person.checkin_word in ("", "(checked in)") and person.mood is None
    assert text.count("zebra") == 1  # only in the unnamed list, beside no name
    assert session_from_dict(session_to_dict(view)).checkin_answers == view.checkin_answers


def test_participants_and_the_shared_screen_get_no_one_else_s_anonymous_check_in() -> None:
    r = checked_in(anonymous=True)
    for viewer in (None, *r.people):
        view = view_for(r.session, viewer)
        assert view.checkin_answers == ()
        others = [p for p in view.participants if p.id != viewer and p.checkin_word]
        assert all(p.checkin_word == "(checked in)" for p in others)


def test_a_named_retro_sends_no_unnamed_list() -> None:
    r = checked_in(anonymous=False)
    assert view_for(r.session, r.fac).checkin_answers == ()


def test_an_anonymous_retro_s_notes_still_carry_no_check_in_words() -> None:
    r = checked_in(anonymous=True)
    notes = session_markdown(r.session)
    assert "## Check-in" not in notes and "zebra" not in notes


def test_the_facilitator_s_check_in_table_names_nobody_in_an_anonymous_retro() -> None:
    from rich.console import Console

    from retro_tui.domain.views import BoardView
    from retro_tui.ui.widgets.checkin_pane import checkin_table

    r = checked_in(anonymous=True)
    console = Console(width=80, record=True)
    console.print(checkin_table(BoardView(view_for(r.session, r.fac), r.fac)))
    drawn = console.export_text()
    assert drawn.index("apple") < drawn.index("mango") < drawn.index("zebra")
    assert "P1" not in drawn and "P2" not in drawn and "P3" not in drawn


def test_the_facilitator_s_view_line_carries_the_unnamed_check_ins() -> None:
    from retro_tui.domain.views import BoardView

    r = checked_in(anonymous=True)
    line, _ = ViewEncoder().encode(r.session, r.fac, lambda s: BoardView(view_for(s, r.fac), r.fac))
    sent = view_from_wire(decode(line)["view"]).session
    assert [a.word for a in sent.checkin_answers] == ["apple", "mango", "zebra"]

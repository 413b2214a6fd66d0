"""What each person may see: hidden cards before the reveal, hidden votes until voting
ends, and no authorship or voters in anonymous sessions."""

from __future__ import annotations

import json

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_to_dict
from retro_tui.domain.views import BoardView, view_for, votes_used
from tests.support.domain import Retro, make_retro


def written(anonymous: bool = False) -> tuple[Retro, dict[str, str]]:
    """In Write: P1 wrote two cards in good, P2 one in bad, Fran one in ideas."""
    r = make_retro(2, Phase.WRITE, anonymous=anonymous)
    p1, p2 = r.people
    cards = {
        "p1-a": r.card(p1, "zqp1azq", "good"),
        "p1-b": r.card(p1, "zqp1bzq", "good"),
        "p2-a": r.card(p2, "zqp2azq", "bad"),
        "fran": r.card(r.fac, "zqfranzq", "ideas"),
    }
    return r, cards


def dumped(view: Session) -> str:
    return json.dumps(session_to_dict(view), ensure_ascii=False)


# --- cards ----------------------------------------------------------------------------
@pytest.mark.parametrize("anonymous", [False, True])
def test_before_the_reveal_others_cards_are_hidden_but_counted(anonymous: bool) -> None:
    r, _ = written(anonymous)
    p1 = r.people[0]
    view = view_for(r.session, p1)
    assert view.redacted_for == p1
    assert [len(view.cards_in(col)) for col in ("good", "bad", "ideas")] == [2, 1, 1]
    for card, truth in zip(view.cards, r.session.cards, strict=True):
        assert (card.id, card.column) == (truth.id, truth.column)
        if truth.author == p1:
            assert card == truth
        else:
            assert (card.hidden, card.text, card.author) == (True, "", "")
    text = dumped(view)
    assert "zqp2azq" not in text and "zqfranzq" not in text
    assert "zqp1azq" in text and "zqp1bzq" in text


def test_the_facilitator_does_not_see_cards_before_the_reveal() -> None:
    r, _ = written()
    view = view_for(r.session, r.fac)
    assert [card.hidden for card in view.cards] == [True, True, True, False]
    assert [card.text for card in view.cards] == ["", "", "", "zqfranzq"]


def test_a_public_screen_sees_only_counts_before_the_reveal() -> None:
    r, _ = written()
    view = view_for(r.session, None)
    assert all(card.hidden and not card.text and not card.author for card in view.cards)
    assert len(view.cards) == 4
    assert "zq" not in dumped(view)


def test_a_view_leaves_the_truth_alone() -> None:
    r, _ = written()
    before = dumped(r.session)
    view_for(r.session, r.people[0])
    assert dumped(r.session) == before
    assert r.session.redacted_for is None
    assert not any(card.hidden for card in r.session.cards)


@pytest.mark.parametrize("phase", [Phase.CHECKIN, Phase.REVIEW, Phase.WRITE])
def test_cards_are_unrevealed_up_to_write(phase: Phase) -> None:
    r, _ = written()
    r.move_to(phase)
    assert not r.session.cards_revealed
    assert sum(card.hidden for card in view_for(r.session, r.people[1]).cards) == 3


@pytest.mark.parametrize(
    "phase", [Phase.GROUP, Phase.VOTE, Phase.DISCUSS, Phase.ACTIONS, Phase.CLOSE]
)
def test_after_the_reveal_all_cards_are_visible(phase: Phase) -> None:
    r, _ = written()
    r.move_to(phase)
    for viewer in (*r.people, r.fac, None):
        assert view_for(r.session, viewer).cards == r.session.cards


def test_anonymous_cards_hide_others_authors_but_not_your_own() -> None:
    r, _ = written(anonymous=True)
    r.move_to(Phase.GROUP)
    p1 = r.people[0]
    view = view_for(r.session, p1)
    # In the salted order of domain/anonymity.py, not the order they were written in.
    assert sorted(card.text for card in view.cards) == sorted(x.text for x in r.session.cards)
    mine = {card.id for card in r.session.cards if card.author == p1}
    assert [card.author for card in view.cards] == [p1 if x.id in mine else "" for x in view.cards]
    assert not any(card.hidden for card in view.cards)
    assert [card.author for card in view_for(r.session, None).cards] == ["", "", "", ""]


# --- votes ---------------------------------------------------------------------------------
def voted(anonymous: bool = False) -> tuple[Retro, dict[str, str]]:
    r, cards = written(anonymous)
    p1, p2 = r.people
    r.move_to(Phase.VOTE)
    r.do(p1, c.CastVote(target=cards["p2-a"]))
    r.do(p1, c.CastVote(target=cards["p2-a"]))
    r.do(p2, c.CastVote(target=cards["p1-a"]))
    r.do(r.fac, c.CastVote(target=cards["p2-a"]))
    return r, cards


def test_during_the_vote_you_see_only_your_own_votes() -> None:
    r, cards = voted()
    p1, p2 = r.people
    mine = view_for(r.session, p1)
    assert {v.voter for v in mine.votes} == {p1}
    assert mine.totals() == {cards["p2-a"]: 2}
    assert view_for(r.session, p2).totals() == {cards["p1-a"]: 1}
    assert view_for(r.session, None).votes == ()
    assert votes_used(r.session, p1) == 2


def test_after_the_vote_totals_and_voters_are_visible() -> None:
    r, cards = voted()
    r.move_to(Phase.DISCUSS)
    view = view_for(r.session, r.people[1])
    assert view.votes == r.session.votes
    assert view.totals() == {cards["p2-a"]: 3, cards["p1-a"]: 1}
    assert view.ranked_targets()[:2] == (cards["p2-a"], cards["p1-a"])


def test_anonymous_votes_show_totals_but_only_your_own_voter() -> None:
    r, _ = voted(anonymous=True)
    r.move_to(Phase.DISCUSS)
    p1 = r.people[0]
    view = view_for(r.session, p1)
    assert view.totals() == r.session.totals()
    assert [v.voter for v in view.votes] == [p1, p1, "", ""]
    public = view_for(r.session, None)
    assert {v.voter for v in public.votes} == {""}
    assert public.totals() == r.session.totals()


def test_going_back_to_vote_hides_totals_again() -> None:
    r, cards = voted()
    r.move_to(Phase.DISCUSS)
    r.move_to(Phase.VOTE)
    assert view_for(r.session, r.people[1]).totals() == {cards["p1-a"]: 1}


# --- ROTI ------------------------------------------------------------------------------------
def rated(anonymous: bool) -> Retro:
    r = make_retro(3, Phase.WRITE, anonymous=anonymous)
    r.move_to(Phase.CLOSE)
    for pid, score in zip(r.people, (2, 4, 5), strict=True):
        r.do(pid, c.Roti(score=score))
    return r


def test_anonymous_roti_keys_do_not_name_anyone_else() -> None:
    r = rated(anonymous=True)
    ids = {p.id for p in r.session.participants}
    me = r.people[0]
    view = view_for(r.session, me)
    assert view.roti[me] == 2
    assert not (set(view.roti) - {me}) & ids
    assert sorted(view.roti.values()) == [2, 4, 5]
    assert view.roti_average() == r.session.roti_average()
    public = view_for(r.session, None)
    assert not set(public.roti) & ids
    assert sorted(public.roti.values()) == [2, 4, 5]
    fac_view = view_for(r.session, r.fac)
    assert not set(fac_view.roti) & ids
    assert len(fac_view.roti) == 3


def test_open_roti_keeps_who_rated_what() -> None:
    r = rated(anonymous=False)
    assert view_for(r.session, None).roti == r.session.roti


# --- board view ----------------------------------------------------------------------------------
def test_board_view_knows_who_you_are() -> None:
    r, _ = written()
    fac = BoardView(view_for(r.session, r.fac), r.fac)
    person = BoardView(view_for(r.session, r.people[0]), r.people[0])
    stranger = BoardView(view_for(r.session, None), "p404")
    assert fac.is_facilitator and fac.me is not None and fac.me.name == "Fran"
    assert not person.is_facilitator and person.me is not None
    assert not stranger.is_facilitator and stranger.me is None

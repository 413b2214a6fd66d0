"""The live room in the domain: raised hands, the ready check, reactions and comments,
with who may do what, and what an anonymous retro keeps from every view and file."""

from __future__ import annotations

import json

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.phases import Phase
from retro_tui.domain.reactions import reactor_of
from retro_tui.domain.room import ReactionKind
from retro_tui.domain.room_views import (
    comments_on,
    confirm_requested,
    counts_of,
    counts_text,
    hands_up,
    ready_count,
)
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from tests.support.domain import Retro, later, make_retro


def _react(r: Retro, who: str, target: str, kind: str = "agree") -> None:
    r.do(who, c.React(target=target, kind=kind, reactor=reactor_of(f"browser-of-{who}")))


def _discussing(anonymous: bool = False) -> tuple[Retro, str]:
    """In Discuss, with one topic (two cards) and P1's lone card."""
    r = make_retro(2, Phase.WRITE, anonymous=anonymous)
    p1, p2 = r.people
    a = r.card(p1, "zqp1zq")
    b = r.card(p2, "zqp2zq")
    r.card(p1, "lone")
    r.move_to(Phase.GROUP)
    topic = r.merge(b, a)
    r.move_to(Phase.DISCUSS)
    return r, topic


# --- hands -----------------------------------------------------------------------------
@pytest.mark.parametrize("phase", [Phase.CHECKIN, Phase.WRITE, Phase.DISCUSS, Phase.CLOSE])
def test_anyone_raises_a_hand_in_any_phase_and_the_queue_keeps_the_order(phase: Phase) -> None:
    r = make_retro(2, phase)
    p1, p2 = r.people
    r.do(p2, c.RaiseHand(), later(1))
    r.do(p1, c.RaiseHand(), later(2))
    r.do(p2, c.RaiseHand(), later(3))  # a second press in a burst adds nothing
    assert [h.participant for h in r.session.hands] == [p2, p1]
    assert r.session.hands[0].raised_at == later(1)
    assert hands_up(r.session) == 2


def test_a_participant_lowers_their_own_hand_but_never_anothers() -> None:
    r = make_retro(2)
    p1, p2 = r.people
    r.do(p1, c.RaiseHand())
    r.do(p2, c.RaiseHand())
    theirs = r.session.hands[0].id
    refusal = r.refused(p2, c.LowerHand(hand=theirs), kind=NotAllowed)
    assert "facilitator" in refusal.reason
    r.refused(p2, c.LowerAllHands(), kind=NotAllowed)
    r.do(p2, c.RaiseHand(raised=False))
    assert [h.participant for h in r.session.hands] == [p1]


def test_the_facilitator_lowers_one_hand_or_all() -> None:
    r = make_retro(3)
    for pid in r.people:
        r.do(pid, c.RaiseHand())
    r.do(r.fac, c.LowerHand(hand=r.session.hands[1].id))
    assert [h.participant for h in r.session.hands] == [r.people[0], r.people[2]]
    r.do(r.fac, c.LowerAllHands())
    assert r.session.hands == ()
    assert "already down" in r.refused(r.fac, c.LowerHand(hand="h1")).reason


def test_a_named_retro_shows_the_facilitator_the_queue_and_others_the_count() -> None:
    r = make_retro(2)
    p1, p2 = r.people
    r.do(p1, c.RaiseHand(), later(5))
    r.do(p2, c.RaiseHand(), later(9))
    mine = view_for(r.session, r.fac).hands
    assert [(h.participant, h.raised_at) for h in mine] == [(p1, later(5)), (p2, later(9))]
    seen = view_for(r.session, p1).hands
    assert [(h.participant, h.raised_at) for h in seen] == [(p1, later(5)), ("", None)]
    public = view_for(r.session, None).hands
    assert [(h.participant, h.raised_at) for h in public] == [("", None), ("", None)]


def test_an_anonymous_retro_shows_everyone_the_count_only_the_facilitator_too() -> None:
    r = make_retro(2, anonymous=True)
    p1, p2 = r.people
    r.do(p1, c.RaiseHand())
    r.do(p2, c.RaiseHand())
    for viewer in (r.fac, None):
        view = view_for(r.session, viewer)
        assert hands_up(view) == 2
        assert all(h.participant == "" and h.raised_at is None for h in view.hands)
        assert p1 not in json.dumps(session_to_dict(view)["hands"])


def test_hands_are_kept_in_the_session_file() -> None:
    r = make_retro(2)
    r.do(r.people[1], c.RaiseHand(), later(7))
    back = session_from_dict(json.loads(json.dumps(session_to_dict(r.session))))
    assert back.hands == r.session.hands


def test_a_removed_persons_hand_no_longer_counts() -> None:
    r = make_retro(2)
    r.do(r.people[0], c.RaiseHand())
    r.do(r.fac, c.RemoveParticipant(participant=r.people[0]))
    assert hands_up(r.session) == 0
    assert view_for(r.session, r.fac).hands == ()


# --- the ready check -------------------------------------------------------------------
ALL_ONLINE = frozenset({"p1", "p2", "p3"})


@pytest.mark.parametrize("phase", [Phase.CHECKIN, Phase.GROUP, Phase.ACTIONS, Phase.CLOSE])
def test_anyone_says_ready_in_a_phase_and_moving_on_starts_afresh(phase: Phase) -> None:
    r = make_retro(2, phase)
    online = frozenset({r.fac, *r.people})
    r.do(r.people[0], c.SetReady())
    assert ready_count(r.session, online) == (1, 3)
    r.do(r.people[0], c.SetReady(ready=False))
    r.do(r.people[1], c.SetReady())
    assert ready_count(r.session, online) == (1, 3)
    r.do(r.fac, c.PreviousPhase() if phase is Phase.CLOSE else c.NextPhase())
    assert ready_count(r.session, online) == (0, 3)


def test_in_discuss_each_topic_has_its_own_ready_check() -> None:
    r, _ = _discussing()
    online = frozenset({r.fac, *r.people})
    r.do(r.people[0], c.SetReady())
    assert ready_count(r.session, online) == (1, 3)
    lone = next(t for t in r.session.vote_targets() if t != r.session.current_topic)
    r.do(r.fac, c.Discuss(target=lone))
    assert ready_count(r.session, online) == (0, 3)


@pytest.mark.parametrize(
    ("phase", "field"), [(Phase.WRITE, "done_writing"), (Phase.VOTE, "done_voting")]
)
def test_write_and_vote_keep_their_done_marks_as_the_ready_check(phase: Phase, field: str) -> None:
    r = make_retro(2, phase)
    online = frozenset({r.fac, *r.people})
    r.do(r.people[0], c.MarkDone())
    r.do(r.people[1], c.SetReady())
    assert all(getattr(r.session.participant(p), field) for p in r.people)
    assert ready_count(r.session, online) == (2, 3)


@pytest.mark.parametrize("phase", [Phase.WRITE, Phase.DISCUSS, Phase.CHECKIN])
def test_the_facilitator_asks_everyone_to_confirm_and_resets(phase: Phase) -> None:
    r = make_retro(2, phase)
    online = frozenset({r.fac, *r.people})
    r.do(r.people[0], c.SetReady())
    r.do(r.fac, c.AskReady())
    assert confirm_requested(r.session)
    assert ready_count(r.session, online) == (0, 3)  # each says it again
    r.do(r.people[1], c.SetReady())
    assert ready_count(r.session, online) == (1, 3) and confirm_requested(r.session)
    r.do(r.fac, c.AskReady(ask=False))
    assert not confirm_requested(r.session)
    assert ready_count(r.session, online) == (0, 3)
    r.refused(r.people[0], c.AskReady(), kind=NotAllowed)


def test_the_ready_check_is_kept_in_the_session_file() -> None:
    r = make_retro(2, Phase.GROUP)
    r.do(r.fac, c.AskReady())
    r.do(r.people[1], c.SetReady())
    back = session_from_dict(json.loads(json.dumps(session_to_dict(r.session))))
    assert back.ready == r.session.ready


def test_a_session_file_from_before_the_live_room_loads() -> None:
    r = make_retro(2, Phase.GROUP)
    doc = session_to_dict(r.session)
    for key in ("hands", "ready", "reactions", "comments"):
        del doc[key]
    back = session_from_dict(doc)
    assert (back.hands, back.reactions, back.comments) == ((), (), ())


# --- reactions -------------------------------------------------------------------------
def test_reactions_wait_for_the_reveal() -> None:
    r = make_retro(2, Phase.WRITE)
    card = r.card(r.people[0], "x")
    refusal = r.refused(
        r.people[1], c.React(target=card, kind="love", reactor="x"), kind=NotAllowed
    )
    assert "revealed" in refusal.reason


def test_one_reaction_of_each_kind_per_person_pressed_again_takes_it_back() -> None:
    r, topic = _discussing()
    p1, p2 = r.people
    _react(r, p1, topic, "agree")
    _react(r, p1, topic, "love")
    _react(r, p2, topic, "agree")
    counts = counts_of(r.session, topic)
    assert (counts[ReactionKind.AGREE], counts[ReactionKind.LOVE]) == (2, 1)
    assert counts_text(r.session, topic) == "✓ agree 2 · ♥ love 1"
    _react(r, p1, topic, "agree")
    assert counts_of(r.session, topic)[ReactionKind.AGREE] == 1


@pytest.mark.parametrize(
    ("target", "kind", "reactor", "said"),
    [
        ("nope", "agree", "r", "no longer exists"),
        ("TOPIC", "thumbs", "r", "one of agree, love, idea, question"),
        ("TOPIC", "agree", "", "through the hub"),
    ],
)
def test_a_bad_reaction_is_refused_with_a_sentence(
    target: str, kind: str, reactor: str, said: str
) -> None:
    r, topic = _discussing()
    target = topic if target == "TOPIC" else target
    refusal = r.refused(r.people[0], c.React(target=target, kind=kind, reactor=reactor))
    assert said in refusal.reason


def test_no_view_and_no_session_file_of_reactions_tells_who_reacted() -> None:
    r, topic = _discussing(anonymous=True)
    p1, p2 = r.people
    _react(r, p1, topic, "idea")
    _react(r, p2, topic, "idea")
    _react(r, p1, topic, "question")
    for viewer in (r.fac, p1, p2, None):
        view = view_for(r.session, viewer)
        assert all(x.key == "" for x in view.reactions)
        assert counts_of(view, topic)[ReactionKind.IDEA] == 2
    stored = session_to_dict(r.session)["reactions"]
    keys = [key for _, _, key in stored]
    assert len(set(keys)) == 3  # two reactions of one person share nothing
    people = session_to_dict(r.session)["participants"]
    marks = {p["id"] for p in people} | {p["seat"] for p in people if p["seat"]}
    assert not marks & set(keys)
    assert p1 not in json.dumps(stored) and p2 not in json.dumps(stored)


# --- comments --------------------------------------------------------------------------
def test_anyone_comments_on_a_topic_in_discuss_only() -> None:
    r, topic = _discussing()
    r.do(r.people[1], c.AddComment(target=topic, text="  the brief came late  "))
    (comment,) = comments_on(r.session, topic)
    assert (comment.text, comment.author) == ("the brief came late", r.people[1])
    r.do(r.fac, c.NextPhase())
    refusal = r.refused(r.people[0], c.AddComment(target=topic, text="late"), kind=NotAllowed)
    assert "Discuss" in refusal.reason


def test_an_anonymous_retro_never_stores_who_commented() -> None:
    r, topic = _discussing(anonymous=True)
    r.do(r.people[0], c.AddComment(target=topic, text="zqcommentzq"))
    assert r.session.comments[0].author == ""
    for viewer in (r.fac, r.people[0], None):
        assert view_for(r.session, viewer).comments[0].author == ""


def test_a_retro_made_anonymous_after_comments_hides_their_authors() -> None:
    r, topic = _discussing()
    r.do(r.people[0], c.AddComment(target=topic, text="named"))
    r.do(r.fac, c.ChangeSettings(anonymous=True))
    assert view_for(r.session, r.fac).comments[0].author == ""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("[bold red]shout[/]", "[bold red]shout[/]"),  # literal: the screens never style it
        ("\x1b[31mred\x1b]0;title\x07", "␛[31mred␛]0;title␇"),
        ("👩\u200d💻 pairing helped", "👩\u200d💻 pairing helped"),
        ("two\nlines", "two lines"),
    ],
)
def test_a_comment_is_cleaned_like_card_text(text: str, kept: str) -> None:
    r, topic = _discussing()
    r.do(r.people[0], c.AddComment(target=topic, text=text))
    assert r.session.comments[-1].text == kept


@pytest.mark.parametrize(
    ("text", "said"),
    [("x" * 100_000, "at most 280 characters"), ("   ", "cannot be empty"), ("x" * 281, "281")],
)
def test_a_comment_too_long_or_empty_is_refused_with_a_sentence(text: str, said: str) -> None:
    r, topic = _discussing()
    assert said in r.refused(r.people[0], c.AddComment(target=topic, text=text)).reason


def test_comments_and_reactions_survive_the_session_file() -> None:
    r, topic = _discussing()
    r.do(r.people[0], c.AddComment(target=topic, text="kept"))
    _react(r, r.people[1], topic, "love")
    back = session_from_dict(json.loads(json.dumps(session_to_dict(r.session))))
    assert (back.comments, back.reactions) == (r.session.comments, r.session.reactions)

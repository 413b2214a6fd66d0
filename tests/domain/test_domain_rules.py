"""The rules: who may do what in which phase, and what each accepted command changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import NotAllowed, Refused, VoteBudgetExceeded
from retro_tui.domain.model import (
    ActionItem,
    ActionStatus,
    PhaseRecord,
    ReviewDecision,
    Role,
    Timer,
)
from retro_tui.domain.phases import DEFAULT_DURATIONS, PHASE_ORDER, Phase, phases_of
from tests.support.domain import (
    NOW,
    Retro,
    finish_scenario,
    later,
    load_scenario,
    make_retro,
    replay_scenario,
)

LAST_RETRO = (
    ActionItem(id="old1", text="Fix the build", owner="Ana", raised_on="2026-11-09", carried=1),
    ActionItem(id="old2", text="Write the docs", raised_on="2026-11-09"),
    ActionItem(id="old3", text="Already done", status=ActionStatus.DONE),
)


def rich_retro(phase: Phase, **options: object) -> Retro:
    """Cards a, b (merged as a topic), c (alone), votes on both, then moved to `phase`."""
    r = make_retro(2, Phase.WRITE, previous_actions=LAST_RETRO, **options)  # type: ignore[arg-type]
    p1, p2 = r.people
    a = r.card(p1, "Deploys are slow\nsecond line")
    b = r.card(p2, "CI takes an hour")
    r.card(p1, "Standups run long", "bad")
    r.move_to(Phase.GROUP)
    r.merge(b, a)
    r.move_to(Phase.VOTE)
    topic = r.session.topics[0].id
    r.do(p1, c.CastVote(target=topic))
    r.do(p2, c.CastVote(target=r.session.cards[2].id))
    r.move_to(phase)
    return r


def topic_of(r: Retro) -> str:
    return r.session.topics[0].id


# --- joining and acting ------------------------------------------------------------
def test_join_adds_people_with_fresh_ids() -> None:
    r = make_retro(3)
    ids = [p.id for p in r.session.participants]
    assert len(set(ids)) == 4
    assert [p.name for p in r.session.participants] == ["Fran", "P1", "P2", "P3"]
    assert r.session.participant(r.fac).role is Role.FACILITATOR  # type: ignore[union-attr]
    assert all(r.session.participant(p).role is Role.PARTICIPANT for p in r.people)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["fran", "FRAN", "  Fran  ", "ＦＲＡＮ", "Frаn", "𝐅ran"])
def test_a_participant_typing_the_facilitators_name_never_gets_the_facilitators_seat(
    name: str,
) -> None:
    r = make_retro(1)
    with pytest.raises(Refused, match=r"^Fran is the facilitator of this retro\. Pick another"):
        rules.join(r.session, name, Role.PARTICIPANT, later(60))


def test_join_refuses_an_empty_name() -> None:
    r = make_retro(1)
    with pytest.raises(Refused, match=r"^A name cannot be empty\.$"):
        rules.join(r.session, " \u200b ", Role.PARTICIPANT, NOW)


def test_join_bumps_the_revision() -> None:
    r = make_retro(0)
    session, pid = rules.join(r.session, "Zoe", Role.PARTICIPANT, NOW)
    assert session.revision == r.session.revision + 1
    assert session.participant(pid) is not None


def test_a_stranger_cannot_act() -> None:
    r = make_retro(1, Phase.WRITE)
    err = r.refused("p999", c.AddCard(column="good", text="hi"), kind=NotAllowed)
    assert err.reason == "You are not part of this session; join it first."


# --- facilitator-only commands ----------------------------------------------------------
Setup = Callable[[Retro], c.Command]


def _paused(r: Retro) -> c.Command:
    r.do(r.fac, c.TimerStart())
    r.do(r.fac, c.TimerPause(), later(30))
    return c.TimerResume()


def _running(r: Retro) -> c.Command:
    r.do(r.fac, c.TimerStart())
    return c.TimerPause()


def _with_action(make: Callable[[str], c.Command]) -> Setup:
    def setup(r: Retro) -> c.Command:
        r.do(r.fac, c.AddAction(text="Try pairing"))
        return make(r.session.actions[-1].id)

    return setup


FACILITATOR_ONLY: list[tuple[str, Phase, Setup, str]] = [
    ("next", Phase.DISCUSS, lambda r: c.NextPhase(), "change the phase"),
    ("previous", Phase.DISCUSS, lambda r: c.PreviousPhase(), "change the phase"),
    ("go to", Phase.DISCUSS, lambda r: c.GoToPhase(phase="actions"), "change the phase"),
    ("timer start", Phase.DISCUSS, lambda r: c.TimerStart(minutes=3), "run the timer"),
    ("timer pause", Phase.DISCUSS, _running, "run the timer"),
    ("timer resume", Phase.DISCUSS, _paused, "run the timer"),
    ("timer extend", Phase.DISCUSS, lambda r: c.TimerExtend(seconds=60), "run the timer"),
    ("timer reset", Phase.DISCUSS, lambda r: c.TimerReset(), "run the timer"),
    (
        "settings",
        Phase.DISCUSS,
        lambda r: c.ChangeSettings(topic_minutes=10),
        "change the session settings",
    ),
    (
        "discuss",
        Phase.DISCUSS,
        lambda r: c.Discuss(target=topic_of(r)),
        "choose the topic under discussion",
    ),
    (
        "notes",
        Phase.DISCUSS,
        lambda r: c.SetNotes(target=topic_of(r), text="We agreed."),
        "write discussion notes",
    ),
    ("add action", Phase.ACTIONS, lambda r: c.AddAction(text="Pair"), "record action items"),
    (
        "action from topic",
        Phase.DISCUSS,
        lambda r: c.ActionFromTopic(target=topic_of(r)),
        "record action items",
    ),
    (
        "edit action",
        Phase.ACTIONS,
        _with_action(lambda a: c.EditAction(action=a, owner="Ana")),
        "record action items",
    ),
    (
        "delete action",
        Phase.ACTIONS,
        _with_action(lambda a: c.DeleteAction(action=a)),
        "record action items",
    ),
    (
        "review",
        Phase.REVIEW,
        lambda r: c.ReviewAction(action="old1", decision="done"),
        "review last retro's actions",
    ),
]


@pytest.mark.parametrize(
    ("phase", "setup", "what"),
    [case[1:] for case in FACILITATOR_ONLY],
    ids=[case[0] for case in FACILITATOR_ONLY],
)
def test_facilitator_only_commands(phase: Phase, setup: Setup, what: str) -> None:
    r = rich_retro(phase)
    command = setup(r)
    for person in r.people:
        err = r.refused(person, command, later(60), kind=NotAllowed)
        assert err.reason == f"Only the facilitator can {what}."
    r.do(r.fac, command, later(60))


# --- cards ----------------------------------------------------------------------------
@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_cards_are_written_in_write_and_by_the_facilitator_in_group(phase: Phase) -> None:
    r = make_retro(1, phase)
    for actor in (r.fac, r.people[0]):
        allowed = phase is Phase.WRITE or (phase is Phase.GROUP and actor == r.fac)
        if allowed:
            cid = r.card(actor, "Pairing helped")
            card = r.session.card(cid)
            assert card is not None
            assert (card.author, card.column, card.text, card.created_at) == (
                actor,
                "good",
                "Pairing helped",
                NOW,
            )
        else:
            err = r.refused(actor, c.AddCard(column="good", text="x"), kind=NotAllowed)
            assert err.reason == f"Cards are written during Write; this is {phase.label}."


def test_a_card_needs_a_known_column() -> None:
    r = make_retro(1, Phase.WRITE)
    err = r.refused(r.people[0], c.AddCard(column="nope", text="x"))
    assert err.reason == "There is no column 'nope'."


def test_card_ids_are_unique_and_counted_from_the_session() -> None:
    r = make_retro(2, Phase.WRITE)
    ids = [r.card(p, f"card {i}") for i in range(3) for p in r.people]
    assert len(set(ids)) == len(ids) == 6


@pytest.mark.parametrize(
    ("command", "verb"),
    [
        (lambda cid: c.EditCard(card=cid, text="mine now"), "edit"),
        (lambda cid: c.DeleteCard(card=cid), "delete"),
        (lambda cid: c.MoveCard(card=cid, column="bad"), "move"),
    ],
)
@pytest.mark.parametrize("phase", [Phase.WRITE, Phase.GROUP])
def test_a_participant_cannot_touch_anothers_card(
    command: Callable[[str], c.Command], verb: str, phase: Phase
) -> None:
    r = make_retro(2, Phase.WRITE)
    cid = r.card(r.people[0], "Mine")
    r.move_to(phase)
    err = r.refused(r.people[1], command(cid), kind=NotAllowed)
    assert err.reason == f"You can only {verb} your own cards."


@pytest.mark.parametrize("phase", [Phase.WRITE, Phase.GROUP])
def test_the_author_edits_moves_and_deletes_own_card(phase: Phase) -> None:
    r = make_retro(1, Phase.WRITE)
    me = r.people[0]
    cid = r.card(me, "Draft")
    r.move_to(phase)
    r.do(me, c.EditCard(card=cid, text="  Final  "))
    assert r.session.card(cid).text == "Final"  # type: ignore[union-attr]
    r.do(me, c.MoveCard(card=cid, column="ideas"))
    assert r.session.card(cid).column == "ideas"  # type: ignore[union-attr]
    r.do(me, c.DeleteCard(card=cid))
    assert r.session.card(cid) is None


@pytest.mark.parametrize("phase", [p for p in PHASE_ORDER if p not in (Phase.WRITE, Phase.GROUP)])
def test_own_cards_are_fixed_outside_write_and_group(phase: Phase) -> None:
    r = make_retro(1, Phase.WRITE)
    me = r.people[0]
    cid = r.card(me, "Draft")
    r.move_to(phase)
    err = r.refused(me, c.EditCard(card=cid, text="Late edit"), kind=NotAllowed)
    assert err.reason == f"You can edit cards only during Write or Group; this is {phase.label}."
    r.refused(me, c.DeleteCard(card=cid), kind=NotAllowed)
    r.refused(me, c.MoveCard(card=cid, column="bad"), kind=NotAllowed)


def test_the_facilitator_may_delete_and_move_others_cards_only_in_group() -> None:
    r = make_retro(1, Phase.WRITE)
    first = r.card(r.people[0], "One")
    second = r.card(r.people[0], "Two")
    r.refused(r.fac, c.DeleteCard(card=first), kind=NotAllowed)
    r.refused(r.fac, c.MoveCard(card=first, column="bad"), kind=NotAllowed)
    r.move_to(Phase.GROUP)
    r.refused(r.fac, c.EditCard(card=first, text="Edited by Fran"), kind=NotAllowed)
    r.do(r.fac, c.MoveCard(card=first, column="bad"))
    r.do(r.fac, c.DeleteCard(card=second))
    assert [(x.id, x.column) for x in r.session.cards] == [(first, "bad")]


def test_a_missing_card_is_named_as_gone() -> None:
    r = make_retro(1, Phase.WRITE)
    err = r.refused(r.people[0], c.EditCard(card="c404", text="x"))
    assert err.reason == "That card no longer exists."


def test_moving_to_the_same_column_changes_nothing_but_the_revision() -> None:
    r = make_retro(1, Phase.WRITE)
    cid = r.card(r.people[0], "Stay")
    before = r.session
    after = r.do(r.people[0], c.MoveCard(card=cid, column="good"))
    assert after.cards == before.cards


def test_moving_to_an_unknown_column_is_refused() -> None:
    r = make_retro(1, Phase.WRITE)
    cid = r.card(r.people[0], "Stay")
    err = r.refused(r.people[0], c.MoveCard(card=cid, column="x\x1b[2J"))
    assert "\x1b" not in err.reason
    assert err.reason.startswith("There is no column")


# --- grouping ----------------------------------------------------------------------------
def grouping_retro(cards: int = 4, may_group: bool = False) -> tuple[Retro, list[str]]:
    r = make_retro(2, Phase.WRITE)
    ids = [r.card(r.people[i % 2], f"Card {i}\nmore about {i}") for i in range(cards)]
    if may_group:
        r.do(r.fac, c.ChangeSettings(participants_may_group=True))
    r.move_to(Phase.GROUP)
    return r, ids


@pytest.mark.parametrize("phase", [p for p in PHASE_ORDER if p is not Phase.GROUP])
def test_grouping_happens_only_in_group(phase: Phase) -> None:
    r = make_retro(1, Phase.WRITE)
    a = r.card(r.people[0], "A")
    b = r.card(r.people[0], "B")
    r.move_to(phase)
    err = r.refused(r.fac, c.Merge(source=a, target=b), kind=NotAllowed)
    assert err.reason == f"You can group cards only during Group; this is {phase.label}."
    r.refused(r.fac, c.Unmerge(card=a), kind=NotAllowed)


def test_participants_group_only_when_allowed() -> None:
    r, (a, b, c3, _) = grouping_retro()
    err = r.refused(r.people[0], c.Merge(source=a, target=b), kind=NotAllowed)
    assert err.reason == "Only the facilitator can group cards in this session."
    r.do(r.fac, c.ChangeSettings(participants_may_group=True))
    r.do(r.people[0], c.Merge(source=a, target=b))
    topic = r.session.card(b).topic  # type: ignore[union-attr]
    assert topic is not None
    r.do(r.people[1], c.TitleTopic(topic=topic, title="Both"))
    r.do(r.people[1], c.Merge(source=c3, target=topic))
    r.do(r.people[0], c.Unmerge(card=c3))
    assert r.session.card(c3).topic is None  # type: ignore[union-attr]


def test_merging_two_cards_makes_a_topic_titled_from_the_target() -> None:
    r, (a, b, *_) = grouping_retro()
    topic = r.merge(a, b)
    assert [x.topic for x in r.session.cards][:2] == [topic, topic]
    made = r.session.topic(topic)
    assert made is not None
    assert made.title == "Card 1"  # the target's first line
    assert made.column == "good"


def test_a_card_joins_an_existing_topic() -> None:
    r, (a, b, c3, _) = grouping_retro()
    topic = r.merge(a, b)
    assert r.merge(c3, topic) == topic
    assert len(r.session.cards_of_topic(topic)) == 3
    assert len(r.session.topics) == 1


def test_merging_a_card_onto_a_grouped_card_uses_its_topic() -> None:
    r, (a, b, c3, _) = grouping_retro()
    topic = r.merge(a, b)
    assert r.merge(c3, a) == topic
    assert len(r.session.topics) == 1


def test_merging_a_topic_into_a_topic_removes_the_source_topic() -> None:
    r, (a, b, c3, d) = grouping_retro()
    first = r.merge(a, b)
    second = r.merge(c3, d)
    r.do(r.fac, c.Merge(source=first, target=second))
    assert [tp.id for tp in r.session.topics] == [second]
    assert {x.topic for x in r.session.cards} == {second}


@pytest.mark.parametrize("which", ["card onto itself", "card onto its topic", "topic onto itself"])
def test_self_merges_are_refused(which: str) -> None:
    r, (a, b, *_) = grouping_retro()
    topic = r.merge(a, b)
    source, target = {
        "card onto itself": (a, a),
        "card onto its topic": (a, topic),
        "topic onto itself": (topic, topic),
    }[which]
    err = r.refused(r.fac, c.Merge(source=source, target=target))
    assert err.reason == "A card cannot be merged with itself."


def test_merging_something_unknown_is_refused() -> None:
    r, (a, *_) = grouping_retro()
    err = r.refused(r.fac, c.Merge(source=a, target="t999"))
    assert err.reason == "That card or topic no longer exists."


def test_unmerge_dissolves_a_topic_left_with_one_card() -> None:
    r, (a, b, c3, _) = grouping_retro()
    topic = r.merge(a, b)
    r.merge(c3, topic)
    r.do(r.fac, c.Unmerge(card=c3))
    assert r.session.topic(topic) is not None
    r.do(r.fac, c.Unmerge(card=a))
    assert r.session.topics == ()
    assert all(x.topic is None for x in r.session.cards)


def test_unmerging_a_lone_card_is_refused() -> None:
    r, (a, *_) = grouping_retro()
    err = r.refused(r.fac, c.Unmerge(card=a))
    assert err.reason == "That card is not in a topic."


def voted_topic_retro() -> tuple[Retro, str, list[str]]:
    """Two cards merged, a vote on the topic, then back to Group."""
    r, ids = grouping_retro()
    topic = r.merge(ids[0], ids[1])
    r.move_to(Phase.VOTE)
    r.do(r.people[0], c.CastVote(target=topic))
    r.do(r.people[1], c.CastVote(target=ids[2]))
    r.move_to(Phase.GROUP)
    return r, topic, ids


def test_deleting_a_card_dissolves_its_small_topic_and_drops_its_votes() -> None:
    r, topic, ids = voted_topic_retro()
    r.do(r.fac, c.DeleteCard(card=ids[0]))
    assert r.session.topic(topic) is None
    assert r.session.card(ids[1]).topic is None  # type: ignore[union-attr]
    assert [v.target for v in r.session.votes] == [ids[2]]


def test_moving_a_card_out_dissolves_its_small_topic_and_drops_its_votes() -> None:
    r, topic, ids = voted_topic_retro()
    r.do(r.fac, c.MoveCard(card=ids[0], column="ideas"))
    assert r.session.topic(topic) is None
    moved = r.session.card(ids[0])
    assert moved is not None and (moved.column, moved.topic) == ("ideas", None)
    assert [v.target for v in r.session.votes] == [ids[2]]


def test_title_topic_cleans_and_checks_the_title() -> None:
    r, (a, b, *_) = grouping_retro()
    topic = r.merge(a, b)
    r.do(r.fac, c.TitleTopic(topic=topic, title="  Slow \x1b[31mCI  "))
    assert r.session.topic(topic).title == "Slow ␛[31mCI"  # type: ignore[union-attr]
    assert r.refused(r.fac, c.TitleTopic(topic=topic, title="   ")).reason == (
        "A topic title cannot be empty."
    )
    assert r.refused(r.fac, c.TitleTopic(topic="t999", title="x")).reason == (
        "That topic no longer exists."
    )


# --- voting ----------------------------------------------------------------------------------
def voting_retro(votes: int = 5, cap: int | None = None) -> tuple[Retro, list[str], str]:
    """Cards 0+1 merged as a topic, cards 2 and 3 alone; in Vote."""
    r = make_retro(3, Phase.WRITE, votes=votes, max_per_topic=cap)
    ids = [r.card(r.people[0], f"Card {i}") for i in range(4)]
    r.move_to(Phase.GROUP)
    topic = r.merge(ids[0], ids[1])
    r.move_to(Phase.VOTE)
    return r, ids, topic


def test_exactly_the_budget_is_accepted_and_the_next_vote_refused() -> None:
    r, ids, topic = voting_retro()
    me = r.people[0]
    for n in range(5):
        assert not r.session.participant(me).done_voting  # type: ignore[union-attr]
        r.do(me, c.CastVote(target=[topic, ids[2], ids[3]][n % 3]))
    assert len(r.session.votes_of(me)) == 5
    assert r.session.participant(me).done_voting  # type: ignore[union-attr]
    err = r.refused(me, c.CastVote(target=topic), kind=VoteBudgetExceeded)
    assert err.reason == "You have used all 5 votes."


def test_the_budget_message_follows_the_budget() -> None:
    r, ids, topic = voting_retro(votes=3)
    for _ in range(3):
        r.do(r.people[1], c.CastVote(target=topic))
    assert r.refused(r.people[1], c.CastVote(target=ids[2])).reason == "You have used all 3 votes."


def test_the_per_topic_cap_applies_per_voter() -> None:
    r, ids, topic = voting_retro(cap=2)
    me, other = r.people[:2]
    r.do(me, c.CastVote(target=topic))
    r.do(me, c.CastVote(target=topic))
    err = r.refused(me, c.CastVote(target=topic), kind=VoteBudgetExceeded)
    assert err.reason == "At most 2 of your votes can go to one topic."
    r.do(me, c.CastVote(target=ids[2]))
    r.do(other, c.CastVote(target=topic))
    r.do(other, c.CastVote(target=topic))
    assert r.session.totals() == {topic: 4, ids[2]: 1}


def test_votes_go_only_to_topics_and_lone_cards() -> None:
    r, ids, topic = voting_retro()
    me = r.people[0]
    for bad in (ids[0], ids[1], "c999", ""):
        err = r.refused(me, c.CastVote(target=bad))
        assert err.reason == "You can vote for a topic or a card that is not in a topic."
    r.do(me, c.CastVote(target=topic))
    r.do(me, c.CastVote(target=ids[3]))
    assert r.session.totals() == {topic: 1, ids[3]: 1}


@pytest.mark.parametrize("phase", [p for p in PHASE_ORDER if p is not Phase.VOTE])
def test_voting_happens_only_in_vote(phase: Phase) -> None:
    r, ids, topic = voting_retro()
    r.do(r.people[0], c.CastVote(target=topic))
    r.move_to(phase)
    err = r.refused(r.people[0], c.CastVote(target=ids[2]), kind=NotAllowed)
    assert err.reason == f"You can vote only during Vote; this is {phase.label}."
    r.refused(r.people[0], c.RetractVote(target=topic), kind=NotAllowed)


def test_unvote_takes_back_one_vote_and_reopens_voting() -> None:
    r, ids, topic = voting_retro(votes=3)
    me = r.people[0]
    for target in (topic, topic, ids[2]):
        r.do(me, c.CastVote(target=target))
    assert r.session.participant(me).done_voting  # type: ignore[union-attr]
    r.do(me, c.RetractVote(target=topic))
    assert [v.target for v in r.session.votes_of(me)] == [topic, ids[2]]
    assert not r.session.participant(me).done_voting  # type: ignore[union-attr]
    r.do(me, c.CastVote(target=ids[3]))
    assert r.session.participant(me).done_voting  # type: ignore[union-attr]


def test_unvote_without_a_vote_there_is_refused() -> None:
    r, _, topic = voting_retro()
    r.do(r.people[1], c.CastVote(target=topic))
    err = r.refused(r.people[0], c.RetractVote(target=topic))
    assert err.reason == "You have no vote there to take back."


def test_mark_done_sets_the_flag_of_the_current_phase() -> None:
    r, *_ = voting_retro()
    me = r.people[0]
    r.do(me, c.MarkDone())
    person = r.session.participant(me)
    assert person is not None and (person.done_writing, person.done_voting) == (False, True)
    r.do(me, c.MarkDone(done=False))
    assert not r.session.participant(me).done_voting  # type: ignore[union-attr]
    r.move_to(Phase.WRITE)
    r.do(me, c.MarkDone())
    assert r.session.participant(me).done_writing  # type: ignore[union-attr]
    r.move_to(Phase.GROUP)
    err = r.refused(me, c.MarkDone(), kind=NotAllowed)
    assert err.reason == "You can mark yourself done only during Write or Vote; this is Group."


# --- timer --------------------------------------------------------------------------------
def test_timer_starts_with_the_phase_default() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart())
    seconds = DEFAULT_DURATIONS[Phase.WRITE] * 60
    assert r.session.timer == Timer(
        duration=seconds, deadline=NOW + timedelta(seconds=seconds), remaining=seconds
    )
    assert r.session.timer.running
    assert r.session.timer.remaining_at(later(60)) == seconds - 60


def test_timer_starts_with_explicit_minutes() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=2.5))
    assert r.session.timer.duration == 150
    assert r.session.timer.deadline == later(150)


def test_pause_keeps_the_remaining_time_and_resume_sets_a_new_deadline() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=5))
    r.do(r.fac, c.TimerPause(), later(100))
    timer = r.session.timer
    assert (timer.running, timer.remaining, timer.deadline) == (False, 200.0, None)
    assert timer.remaining_at(later(1000)) == 200.0
    r.do(r.fac, c.TimerResume(), later(1000))
    assert r.session.timer.deadline == later(1200)
    assert r.session.timer.duration == 300


def test_extend_while_running_moves_the_deadline() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=5))
    r.do(r.fac, c.TimerExtend(seconds=90), later(10))
    assert r.session.timer.deadline == later(390)
    assert r.session.timer.duration == 390


def test_extend_while_paused_adds_to_the_remaining_time() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=5))
    r.do(r.fac, c.TimerPause(), later(100))
    r.do(r.fac, c.TimerExtend(seconds=60), later(150))
    timer = r.session.timer
    assert (timer.running, timer.remaining, timer.duration) == (False, 260.0, 360)
    r.do(r.fac, c.TimerResume(), later(200))
    assert r.session.timer.deadline == later(460)


def test_extend_after_expiry_counts_from_now() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=1))
    assert r.session.timer.expired_at(later(61))
    r.do(r.fac, c.TimerExtend(seconds=60), later(600))
    assert r.session.timer.deadline == later(660)
    assert not r.session.timer.expired_at(later(600))


def test_resume_after_running_out_while_paused_restarts_the_phase_time() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=1))
    r.do(r.fac, c.TimerPause(), later(120))
    assert r.session.timer.remaining == 0
    r.do(r.fac, c.TimerResume(), later(200))
    seconds = DEFAULT_DURATIONS[Phase.WRITE] * 60
    assert r.session.timer.deadline == later(200 + seconds)


def test_reset_stops_the_timer_at_the_phase_time() -> None:
    r = make_retro(1, Phase.VOTE)
    r.do(r.fac, c.TimerStart(minutes=10))
    r.do(r.fac, c.TimerReset(), later(30))
    seconds = DEFAULT_DURATIONS[Phase.VOTE] * 60
    assert r.session.timer == Timer(duration=seconds, remaining=float(seconds))


@pytest.mark.parametrize("minutes", [0, -1, 240.5, 10_000])
def test_timer_start_bounds(minutes: float) -> None:
    r = make_retro(1, Phase.WRITE)
    err = r.refused(r.fac, c.TimerStart(minutes=minutes))
    assert err.reason == "A timer runs for more than 0 and at most 240 minutes."


def test_timer_start_accepts_the_upper_bound() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.TimerStart(minutes=240))
    assert r.session.timer.duration == 240 * 60


@pytest.mark.parametrize("seconds", [0, -5, 3601])
def test_timer_extend_bounds(seconds: int) -> None:
    r = make_retro(1, Phase.WRITE)
    err = r.refused(r.fac, c.TimerExtend(seconds=seconds))
    assert err.reason == "The timer can be extended by 1 second to 60 minutes at a time."
    r.do(r.fac, c.TimerExtend(seconds=3600))


def test_pause_and_resume_need_the_right_state() -> None:
    r = make_retro(1, Phase.WRITE)
    assert r.refused(r.fac, c.TimerPause()).reason == "The timer is not running."
    r.do(r.fac, c.TimerStart())
    assert r.refused(r.fac, c.TimerResume()).reason == "The timer is already running."


def test_a_phase_without_planned_time_needs_explicit_minutes() -> None:
    durations = {**DEFAULT_DURATIONS, Phase.WRITE: 0}
    r = make_retro(1, Phase.WRITE, durations=durations)
    err = r.refused(r.fac, c.TimerStart())
    assert err.reason == "This phase has no planned time; give the timer some minutes."
    r.do(r.fac, c.TimerStart(minutes=4))


# --- phases -------------------------------------------------------------------------------
def test_next_and_previous_walk_the_phases_in_order() -> None:
    r = make_retro(1)  # a session without the optional Data step
    seen = [r.session.phase]
    for _ in range(len(phases_of(False)) - 1):
        r.do(r.fac, c.NextPhase(), later(len(seen) * 60))
        seen.append(r.session.phase)
    assert tuple(seen) == phases_of(False)
    assert r.refused(r.fac, c.NextPhase()).reason == "This is already the last phase."
    r.do(r.fac, c.PreviousPhase())
    assert r.session.phase is Phase.ACTIONS
    r.move_to(Phase.CHECKIN)
    assert r.refused(r.fac, c.PreviousPhase()).reason == "This is already the first phase."


def test_entering_a_phase_sets_its_timer_and_closes_the_log_record() -> None:
    r = make_retro(1)
    r.do(r.fac, c.TimerStart(minutes=1))
    r.do(r.fac, c.NextPhase(), later(300))
    review = DEFAULT_DURATIONS[Phase.REVIEW] * 60
    assert r.session.timer == Timer(duration=review, remaining=float(review))
    assert r.session.phase_log == (
        PhaseRecord(Phase.CHECKIN, NOW, later(300)),
        PhaseRecord(Phase.REVIEW, later(300)),
    )
    r.do(r.fac, c.PreviousPhase(), later(400))
    assert r.session.phase_log[-2:] == (
        PhaseRecord(Phase.REVIEW, later(300), later(400)),
        PhaseRecord(Phase.CHECKIN, later(400)),
    )


def test_go_to_may_skip_optional_phases() -> None:
    r = make_retro(1)
    r.do(r.fac, c.GoToPhase(phase="write"))
    assert r.session.phase is Phase.WRITE
    assert [rec.phase for rec in r.session.phase_log] == [Phase.CHECKIN, Phase.WRITE]


def test_go_to_refuses_to_skip_required_phases() -> None:
    r = make_retro(1)
    err = r.refused(r.fac, c.GoToPhase(phase="group"))
    assert err.reason == "Only optional phases can be skipped; Write is not."
    r.move_to(Phase.WRITE)
    assert r.refused(r.fac, c.GoToPhase(phase="discuss")).reason.startswith(
        "Only optional phases can be skipped; Group, Vote"
    )


def test_go_to_may_go_back_any_distance() -> None:
    r = make_retro(1, Phase.DISCUSS)
    r.do(r.fac, c.GoToPhase(phase="checkin"))
    assert r.session.phase is Phase.CHECKIN


def test_go_to_an_unknown_phase_is_refused() -> None:
    r = make_retro(1)
    assert r.refused(r.fac, c.GoToPhase(phase="lunch")).reason == "There is no phase 'lunch'."


def test_discuss_starts_with_the_top_ranked_target() -> None:
    r = rich_retro(Phase.VOTE)
    lone = r.session.cards[2].id
    r.do(r.people[0], c.CastVote(target=lone))  # lone card now 2, topic 1
    r.move_to(Phase.DISCUSS)
    assert r.session.current_topic == lone
    assert r.session.ranked_targets()[0] == lone


def test_discuss_ties_go_to_board_order() -> None:
    r = rich_retro(Phase.DISCUSS)
    assert r.session.current_topic == topic_of(r)


def test_discuss_with_an_empty_board_has_no_current_topic() -> None:
    r = make_retro(1, Phase.DISCUSS)
    assert r.session.current_topic is None


def test_choosing_a_topic_starts_its_timebox() -> None:
    r = rich_retro(Phase.DISCUSS)
    r.do(r.fac, c.ChangeSettings(topic_minutes=8))
    lone = r.session.cards[2].id
    r.do(r.fac, c.Discuss(target=lone), later(5))
    assert r.session.current_topic == lone
    assert r.session.timer.deadline == later(5 + 8 * 60)
    assert r.refused(r.fac, c.Discuss(target=r.session.cards[0].id)).reason == (
        "That topic no longer exists."
    )


def test_notes_are_set_and_cleared() -> None:
    r = rich_retro(Phase.DISCUSS)
    topic = topic_of(r)
    r.do(r.fac, c.SetNotes(target=topic, text="Line one\nLine two"))
    assert r.session.notes == {topic: "Line one\nLine two"}
    r.do(r.fac, c.SetNotes(target=topic, text="   "))
    assert r.session.notes == {}
    r.move_to(Phase.VOTE)
    r.refused(r.fac, c.SetNotes(target=topic, text="late"), kind=NotAllowed)


# --- actions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("owner", "due", "metric", "target", "missing"),
    [
        ("Ana", "2026-12-01", "Build minutes", 10.0, ()),
        ("", "2026-12-01", "Build minutes", 10.0, ("owner",)),
        ("Ana", "", "Build minutes", 10.0, ("due date",)),
        ("Ana", "2026-12-01", "Build minutes", None, ("target",)),
        ("Ana", "2026-12-01", "", 10.0, ("metric",)),
        ("", "", "", None, ("owner", "due date", "metric", "target")),
    ],
)
def test_smart_flags_name_the_missing_part_and_a_metric_without_a_target_is_not_measurable(
    owner: str, due: str, metric: str, target: float | None, missing: tuple[str, ...]
) -> None:
    r = rich_retro(Phase.ACTIONS)
    r.do(
        r.fac,
        c.AddAction(
            text="Cache deps", owner=owner, due=due, metric=metric, target=target, direction="down"
        ),
    )
    item = r.session.actions[-1]
    assert item.missing == missing
    assert item.is_smart is (not missing)


def test_editing_an_action_can_make_it_smart() -> None:
    r = rich_retro(Phase.ACTIONS)
    r.do(r.fac, c.AddAction(text="Cache deps"))
    aid = r.session.actions[-1].id
    r.do(r.fac, c.EditAction(action=aid, owner="Ana", due=" 2026-12-01 "))
    assert r.session.action(aid).missing == ("metric", "target")  # type: ignore[union-attr]
    r.do(r.fac, c.EditAction(action=aid, metric="p95 build minutes"))
    assert r.session.action(aid).missing == ("target",)  # type: ignore[union-attr]
    r.do(r.fac, c.SetMeasure(action=aid, baseline=14, target=10, direction="down"))
    item = r.session.action(aid)
    assert item is not None and item.is_smart
    assert (item.text, item.due, item.baseline, item.target) == ("Cache deps", "2026-12-01", 14, 10)


def test_an_action_with_a_bad_date_is_refused() -> None:
    r = rich_retro(Phase.ACTIONS)
    err = r.refused(r.fac, c.AddAction(text="x", due="next friday"))
    assert err.reason == "'next friday' is not a date; use the form 2026-12-31."


def test_action_from_topic_uses_the_topic_title() -> None:
    r = rich_retro(Phase.GROUP)
    topic = topic_of(r)
    assert r.session.topic(topic).title == "Deploys are slow"  # type: ignore[union-attr]
    r.do(r.fac, c.TitleTopic(topic=topic, title="Slow pipeline"))
    r.move_to(Phase.DISCUSS)
    r.do(r.fac, c.ActionFromTopic(target=topic))
    item = r.session.actions[-1]
    assert (item.text, item.source) == ("Slow pipeline", topic)
    assert item.missing == ("owner", "due date", "metric", "target")
    assert (item.raised_on, item.raised_in) == ("2026-11-23", "Sprint 42")


def test_action_from_a_lone_card_uses_its_first_line() -> None:
    r = make_retro(1, Phase.WRITE)
    cid = r.card(r.people[0], "First line\nSecond line")
    r.move_to(Phase.ACTIONS)
    r.do(r.fac, c.ActionFromTopic(target=cid))
    assert r.session.actions[-1].text == "First line"


def test_action_from_a_missing_topic_is_refused() -> None:
    r = rich_retro(Phase.ACTIONS)
    assert r.refused(r.fac, c.ActionFromTopic(target="t999")).reason == (
        "That topic no longer exists."
    )
    assert r.refused(r.fac, c.AddAction(text="x", source="t999")).reason == (
        "The topic this action comes from no longer exists."
    )


def test_deleting_an_action() -> None:
    r = rich_retro(Phase.ACTIONS)
    r.do(r.fac, c.AddAction(text="One"))
    aid = r.session.actions[-1].id
    r.do(r.fac, c.DeleteAction(action=aid))
    assert r.session.action(aid) is None
    assert r.refused(r.fac, c.DeleteAction(action=aid)).reason == (
        "That action item no longer exists."
    )


# --- review ---------------------------------------------------------------------------------
def test_only_open_actions_come_up_for_review() -> None:
    r = make_retro(1, previous_actions=LAST_RETRO)
    assert [item.action.id for item in r.session.review] == ["old1", "old2"]
    assert all(item.decision is ReviewDecision.PENDING for item in r.session.review)


def test_carrying_an_action_copies_it_and_undoing_removes_the_copy() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=LAST_RETRO)
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    assert r.session.review[0].decision is ReviewDecision.CARRIED
    (copy,) = r.session.actions
    assert copy.id == "old1~s1"
    assert (copy.text, copy.owner, copy.carried, copy.status) == (
        "Fix the build",
        "Ana",
        2,
        ActionStatus.OPEN,
    )
    assert (copy.raised_on, copy.raised_in) == ("2026-11-09", "")
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    assert len(r.session.actions) == 1
    r.do(r.fac, c.ReviewAction(action="old1", decision="pending"))
    assert r.session.actions == ()
    assert r.session.review[0].decision is ReviewDecision.PENDING


@pytest.mark.parametrize("decision", ["done", "dropped"])
def test_done_and_dropped_add_no_action(decision: str) -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=LAST_RETRO)
    r.do(r.fac, c.ReviewAction(action="old2", decision="carried"))
    r.do(r.fac, c.ReviewAction(action="old2", decision=decision))
    assert r.session.actions == ()
    assert r.session.review[1].decision.value == decision


def test_review_refusals() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=LAST_RETRO)
    assert r.refused(r.fac, c.ReviewAction(action="old3", decision="done")).reason == (
        "That action is not under review."
    )
    assert r.refused(r.fac, c.ReviewAction(action="old1", decision="maybe")).reason == (
        "Decide done, carried, dropped or pending."
    )
    r.move_to(Phase.WRITE)
    err = r.refused(r.fac, c.ReviewAction(action="old1", decision="done"), kind=NotAllowed)
    assert err.reason == "You can review last retro's actions only during Review actions; " + (
        "this is Write."
    )


# --- close -----------------------------------------------------------------------------------
@pytest.mark.parametrize("score", [0, 6, -1])
def test_roti_bounds(score: int) -> None:
    r = make_retro(1, Phase.CLOSE)
    err = r.refused(r.people[0], c.Roti(score=score))
    assert err.reason == "Rate the retro from 1 (waste of time) to 5 (excellent)."


def test_roti_is_one_score_per_person() -> None:
    r = make_retro(2, Phase.CLOSE)
    r.do(r.people[0], c.Roti(score=1))
    r.do(r.people[0], c.Roti(score=5))
    r.do(r.people[1], c.Roti(score=4))
    assert r.session.roti == {r.people[0]: 5, r.people[1]: 4}
    assert r.session.roti_average() == 4.5


def test_roti_only_in_close() -> None:
    r = make_retro(1, Phase.ACTIONS)
    r.refused(r.people[0], c.Roti(score=3), kind=NotAllowed)


# --- settings ----------------------------------------------------------------------------------
def test_anonymity_cannot_be_turned_off_once_there_are_cards() -> None:
    r = make_retro(1, Phase.WRITE, anonymous=True)
    r.do(r.fac, c.ChangeSettings(anonymous=False))
    r.do(r.fac, c.ChangeSettings(anonymous=True))
    r.card(r.people[0], "Secret")
    err = r.refused(r.fac, c.ChangeSettings(anonymous=False))
    assert err.reason == "Anonymity cannot be turned off once cards are written."
    r.do(r.fac, c.ChangeSettings(anonymous=True))  # unchanged: fine


def test_anonymity_can_be_turned_on_after_cards() -> None:
    r = make_retro(1, Phase.WRITE)
    r.card(r.people[0], "Open")
    r.do(r.fac, c.ChangeSettings(anonymous=True))
    assert r.session.settings.anonymous


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (c.ChangeSettings(votes_per_person=0), "Votes per person must be between 1 and 50."),
        (c.ChangeSettings(votes_per_person=51), "Votes per person must be between 1 and 50."),
        (c.ChangeSettings(max_votes_per_target=0), "The cap per topic must be between 1 and 50."),
        (c.ChangeSettings(topic_minutes=61), "A topic timebox must be between 1 and 60 minutes."),
        (c.ChangeSettings(topic_minutes=0), "A topic timebox must be between 1 and 60 minutes."),
    ],
)
def test_settings_bounds(command: c.ChangeSettings, reason: str) -> None:
    r = make_retro(1, Phase.WRITE)
    assert r.refused(r.fac, command).reason == reason


def test_settings_change_what_they_name() -> None:
    r = make_retro(1, Phase.WRITE)
    r.do(r.fac, c.ChangeSettings(votes_per_person=7, max_votes_per_target=2, topic_minutes=9))
    s = r.session.settings
    assert (s.votes_per_person, s.max_votes_per_target, s.topic_minutes) == (7, 2, 9)
    r.do(r.fac, c.ChangeSettings(clear_max_votes=True, max_votes_per_target=3))
    assert r.session.settings.max_votes_per_target is None
    assert r.session.settings.votes_per_person == 7


def test_the_vote_budget_is_fixed_after_voting() -> None:
    r = make_retro(1, Phase.DISCUSS)
    err = r.refused(r.fac, c.ChangeSettings(votes_per_person=3))
    assert err.reason == "The vote budget cannot change after voting has ended."


# --- check-in and names ------------------------------------------------------------------------
def test_check_in_records_a_word_and_a_mood() -> None:
    r = make_retro(1)
    r.do(r.people[0], c.CheckIn(word="  tired\n ", mood=2))
    person = r.session.participant(r.people[0])
    assert person is not None and (person.checkin_word, person.mood) == ("tired", 2)
    r.do(r.people[0], c.CheckIn())
    person = r.session.participant(r.people[0])
    assert person is not None and (person.checkin_word, person.mood) == ("", None)


@pytest.mark.parametrize("mood", [0, 6])
def test_check_in_mood_bounds(mood: int) -> None:
    r = make_retro(1)
    assert r.refused(r.people[0], c.CheckIn(mood=mood)).reason == "Mood is a number from 1 to 5."


def test_check_in_word_limit_and_phase() -> None:
    r = make_retro(1)
    err = r.refused(r.people[0], c.CheckIn(word="x" * 41))
    assert err.reason == "A check-in word can be at most 40 characters; this has 41."
    r.move_to(Phase.REVIEW)
    r.refused(r.people[0], c.CheckIn(word="late"), kind=NotAllowed)


@pytest.mark.parametrize("name", ["fran", "FRAN", " Fran ", "ＦＲＡＮ"])
def test_rename_refuses_anothers_name_ignoring_case(name: str) -> None:
    r = make_retro(1)
    err = r.refused(r.people[0], c.Rename(new_name=name))
    assert err.reason == "Fran is already in this retro. Pick another name."


def test_rename_to_own_name_in_another_case_is_fine() -> None:
    r = make_retro(1, Phase.VOTE)
    r.do(r.people[0], c.Rename(new_name="  p1   the\tgreat "))
    assert r.session.participant(r.people[0]).name == "p1 the great"  # type: ignore[union-attr]


# --- a whole retro ------------------------------------------------------------------------------
def test_replaying_the_campaign_scenario_meets_its_expectations() -> None:
    sc = load_scenario()
    replay = finish_scenario(replay_scenario(sc), sc)
    s = replay.retro.session
    ids = replay.ids
    expect = sc["expect"]
    assert s.totals() == {ids[k]: v for k, v in expect["vote_totals"].items()}
    order = [ids[k] for k in expect["discussion_order_by_votes"]]
    assert list(s.ranked_targets()[: len(order)]) == order
    # The shared scenario predates measured actions (issue 14): its metrics are prose with
    # no target field, so every one of them also lacks "target"; the rest is as it says.
    flagged = [a.text for a in s.actions if set(a.missing) - {"target"}]
    assert flagged == expect["not_smart_actions"]
    assert all("target" in a.missing for a in s.actions)
    assert round(s.roti_average() or 0, 2) == expect["roti_average"]
    assert [s.topic(ids[g["id"]]).title for g in sc["groups"]] == [  # type: ignore[union-attr]
        g["title"] for g in sc["groups"]
    ]
    assert s.current_topic == ids[sc["discussion"][-1]["topic"]]
    assert all(p.done_voting for p in s.participants)


# --- known bugs ----------------------------------------------------------------------------------
def test_votes_on_a_card_merged_later_do_not_dangle() -> None:
    r, ids, _ = voting_retro()
    r.do(r.people[0], c.CastVote(target=ids[2]))
    r.move_to(Phase.GROUP)
    r.do(r.fac, c.Merge(source=ids[3], target=ids[2]))
    assert all(r.session.is_vote_target(v.target) for v in r.session.votes)


def test_votes_on_a_deleted_card_do_not_dangle() -> None:
    r, ids, _ = voting_retro()
    r.do(r.people[0], c.CastVote(target=ids[2]))
    r.move_to(Phase.GROUP)
    r.do(r.fac, c.DeleteCard(card=ids[2]))
    assert all(r.session.is_vote_target(v.target) for v in r.session.votes)


def test_the_budget_cannot_drop_below_votes_already_cast() -> None:
    r, _, topic = voting_retro()
    for _ in range(3):
        r.do(r.people[0], c.CastVote(target=topic))
    with pytest.raises(Refused):
        rules.apply(r.session, r.fac, c.ChangeSettings(votes_per_person=2), NOW)


def test_the_cap_cannot_drop_below_votes_already_cast() -> None:
    r, _, topic = voting_retro()
    for _ in range(3):
        r.do(r.people[0], c.CastVote(target=topic))
    with pytest.raises(Refused):
        rules.apply(r.session, r.fac, c.ChangeSettings(max_votes_per_target=1), NOW)


def test_the_current_topic_is_always_a_vote_target() -> None:
    r = make_retro(1, Phase.WRITE)
    a = r.card(r.people[0], "A")
    b = r.card(r.people[0], "B")
    r.move_to(Phase.DISCUSS)
    assert r.session.current_topic == a
    r.move_to(Phase.GROUP)
    r.merge(b, a)
    r.move_to(Phase.DISCUSS)
    current = r.session.current_topic
    assert current is None or r.session.is_vote_target(current)

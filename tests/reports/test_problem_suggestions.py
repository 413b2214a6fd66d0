"""A team's known problems from its retros' links, and suggestions ranked by meaning,
with the network blocked: the model ships in the wheel and nothing is downloaded."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import timedelta

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.reports.problems import known_problems, seen_phrase, short_date, suggestions_for
from retro_tui.reports.word_scores import WordScorer
from tests.support.domain import NOW, make_retro


def _retro(sid: str, days: int, team: str, cards: list[tuple[str, str | None]]) -> Session:
    """A retro in discuss whose cards are linked to the problems named beside them."""
    retro = make_retro(1, Phase.WRITE)
    ids = [retro.card(retro.people[0], text, "bad") for text, _ in cards]
    retro.move_to(Phase.GROUP)
    for cid, (_, problem) in zip(ids, cards, strict=True):
        if problem is not None:
            pid = f"team#{problem.split()[0].lower()}"
            retro.do(retro.fac, c.LinkProblem(target=cid, problem=pid, problem_name=problem))
    return replace(retro.session, id=sid, team=team, created_at=NOW + timedelta(days=days))


HISTORY = [
    _retro("r1", -60, "Campaigns", [
        ("Design couldn't get to our January banners until launch week", "Design assets late"),
        ("Legal took nine days to clear the copy", "Legal review slow"),
        ("Coffee machine broken", None),
    ]),
    _retro("r2", -30, "Campaigns", [
        ("Creative arrived late again", "Design assets late"),
        ("Three status meetings a week about one campaign", "Status meetings"),
    ]),
    _retro("r3", -15, "campaigns ", [
        ("Booth graphics only showed up on the morning of the show", "Design assets late"),
    ]),
    _retro("other", -10, "Platform", [("Flaky CI", "Flaky CI")]),
]  # fmt: skip


def test_a_teams_known_problems_are_the_union_of_its_retros_links() -> None:
    problems = known_problems(HISTORY, "Campaigns")
    assert [(p.name, p.retros) for p in problems] == [
        ("Design assets late", 3),
        ("Status meetings", 1),
        ("Legal review slow", 1),
    ]
    late = problems[0]
    assert (late.first, late.last) == ("2026-09-24", "2026-11-08")
    assert seen_phrase(late.retros, late.first, 2026) == "seen in 3 retros since September"
    meetings = problems[1]
    assert seen_phrase(meetings.retros, meetings.first, 2027) == "seen once, in October 2026"
    assert short_date(late.last) == "8 Nov"


def test_the_retro_being_suggested_for_is_left_out_of_the_known_problems() -> None:
    problems = known_problems(HISTORY, "Campaigns", leave_out="r3")
    assert problems[0].retros == 2


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("the network is blocked in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # an attempt would be made, and fail
    from retro_tui import meaning

    meaning._model.cache_clear()  # load the model from the wheel under the block


def test_suggestions_by_meaning_work_with_the_network_blocked(no_network: None) -> None:
    from retro_tui.meaning import MeaningScorer

    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80))
    retro = make_retro(1, Phase.WRITE)
    card = retro.card(retro.people[0], "The illustrations were delivered after the blog went live")
    retro.move_to(Phase.GROUP)
    found = suggestions_for(
        retro.session, card, known_problems(HISTORY, "Campaigns"), MeaningScorer().scores
    )
    assert [s.problem.name for s in found][:1] == ["Design assets late"]
    assert len(found) == 3 and found[0].similarity > found[-1].similarity


def test_the_problem_a_target_is_already_linked_to_is_not_suggested_again() -> None:
    problems = known_problems(HISTORY, "Campaigns")
    retro = make_retro(1, Phase.WRITE)
    card = retro.card(retro.people[0], "Creative arrived late again")
    retro.move_to(Phase.GROUP)
    retro.do(
        retro.fac,
        c.LinkProblem(target=card, problem=problems[0].id, problem_name=problems[0].name),
    )
    found = suggestions_for(retro.session, card, problems, WordScorer().scores)
    assert problems[0].id not in {s.problem.id for s in found}


def test_no_known_problems_means_no_suggestions() -> None:
    retro = make_retro(1, Phase.WRITE)
    card = retro.card(retro.people[0], "Anything")
    assert suggestions_for(retro.session, card, [], WordScorer().scores) == []


def test_a_confirmed_problem_lists_its_actions_and_whether_they_reached_their_target() -> None:
    from retro_tui.domain.measures import Measurement
    from retro_tui.domain.model import ActionItem, ActionStatus
    from retro_tui.reports.recurring import confirmed

    first = HISTORY[0]
    card = next(k.target for k in first.problem_links if k.problem == "team#design")
    action = ActionItem(id="a1", text="Book design a week ahead", source=card, target=2.0)
    first = first.with_changes(actions=(action,))
    sessions = [first, *HISTORY[1:3]]
    newest = replace(
        action,
        actuals=(Measurement(value=1.0, on="2026-10-01", session_id="r2"),),
        status=ActionStatus.DONE,
    )
    (late, *_) = confirmed(sessions, "Campaigns", latest={f"{first.id}:a1": newest})
    assert late.problem.name == "Design assets late"
    (done,) = late.actions
    assert (done.text, done.reached) == ("Book design a week ahead", False)  # 1 of 2: missed
    reached = replace(newest, actuals=(Measurement(value=2.0, on="2026-10-01", session_id="r2"),))
    (late, *_) = confirmed(sessions, "Campaigns", latest={f"{first.id}:a1": reached})
    assert late.actions[0].reached is True
    (late, *_) = confirmed(sessions, "Campaigns")
    assert late.actions[0].reached is None  # no actual yet: not judged

"""The health check: everyone rates each dimension 1-5; no seat is ever beside a score
(in a named retro too), results show once everyone rated or the facilitator shows them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain import health
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.views import view_for
from retro_tui.export import session_markdown
from retro_tui.themes import load_formats
from tests.support.domain import Retro, make_retro


def in_health(anonymous: bool = False, people: int = 3) -> Retro:
    r = make_retro(people, Phase.CHECKIN, anonymous=anonymous)
    r.do(r.fac, c.GoToPhase(phase="health"))
    assert r.session.health_step and len(r.session.health.dimensions) == 8
    return r


ALL_FIVES = ",".join(["5"] * 8)
ALL_ONES = ",".join(["1"] * 8)


@pytest.mark.parametrize("anonymous", [False, True])
def test_no_seat_is_ever_beside_a_score(anonymous: bool) -> None:
    r = in_health(anonymous)
    p1, p2, p3 = r.people
    r.do(p1, c.RateHealth(scores=ALL_ONES))
    r.do(p2, c.RateHealth(scores=ALL_FIVES))
    r.do(p3, c.RateHealth(scores="3,3,3,3,3,3,3,2"))
    assert not r.session.health.revealed  # the facilitator has not rated
    r.do(r.fac, c.RateHealth(scores="4,4,4,4,4,4,4,4"))
    assert r.session.health.revealed
    stored = session_to_dict(r.session)["health"]
    assert stored["scores"]["pace"] == [1, 3, 4, 5]  # sorted, not in the order given
    assert stored["rated"] == sorted([p1, p2, p3, r.fac])
    text = json.dumps(stored)
    for pid in (p1, p2, p3, r.fac):
        assert text.count(pid) == 1  # only in the list of who rated
    for viewer in (None, r.fac, *r.people):
        seen = view_for(r.session, viewer).health
        assert seen.scores == r.session.health.scores


def test_scores_stay_hidden_until_the_reveal_and_no_rating_after_it() -> None:
    r = in_health(people=4)
    r.do(r.people[0], c.RateHealth(scores=ALL_FIVES))
    for viewer in (None, r.fac, *r.people):
        seen = view_for(r.session, viewer).health
        assert seen.scores == {} and seen.rated == (r.people[0],)
    assert "at least 3" in r.refused(r.fac, c.RevealHealth()).reason  # would name Ann
    r.do(r.people[1], c.RateHealth(scores=ALL_FIVES))
    r.refused(r.fac, c.RevealHealth())
    r.do(r.people[2], c.RateHealth(scores=ALL_ONES))
    r.refused(r.people[1], c.RevealHealth(), kind=NotAllowed)
    r.do(r.fac, c.RevealHealth())
    assert view_for(r.session, r.people[1]).health.scores["fun"] == (1, 5, 5)
    r.refused(r.people[3], c.RateHealth(scores=ALL_ONES))


def test_a_rating_is_given_once_whole_and_in_range() -> None:
    r = in_health()
    p1 = r.people[0]
    r.refused(p1, c.RateHealth(scores="5,5"))
    r.refused(p1, c.RateHealth(scores=",".join(["6"] * 8)))
    r.refused(p1, c.RateHealth(scores=",".join(["x"] * 8)))
    r.do(p1, c.RateHealth(scores=ALL_FIVES))
    assert "final" in r.refused(p1, c.RateHealth(scores=ALL_ONES)).reason


def test_ratings_are_taken_only_in_the_health_check() -> None:
    r = make_retro(2, Phase.WRITE)
    r.refused(r.people[0], c.RateHealth(scores=ALL_FIVES), kind=NotAllowed)


def test_the_health_check_is_skipped_unless_turned_on() -> None:
    r = make_retro(1, Phase.REVIEW)
    r.do(r.fac, c.NextPhase())
    assert r.session.phase is Phase.WRITE


def test_results_give_average_and_spread() -> None:
    r = in_health(people=2)
    r.do(r.people[0], c.RateHealth(scores=ALL_ONES))
    r.do(r.people[1], c.RateHealth(scores="4,2,2,2,2,2,2,2"))
    r.do(r.fac, c.RateHealth(scores="4,2,2,2,2,2,2,2"))
    pace = health.results(r.session.health)[0]
    assert (pace.average, pace.low, pace.high, pace.counts) == (3.0, 1, 4, (1, 0, 0, 2, 0))


def test_a_file_with_ratings_in_seat_order_is_read_back_sorted() -> None:
    r = in_health()
    data = session_to_dict(r.session)
    data["health"]["scores"] = {"pace": [5, 1, 3]}
    assert session_from_dict(data).health.scores["pace"] == (1, 3, 5)
    del data["health"], data["health_step"]
    assert session_from_dict(data).health_step is False  # a file from before


def test_the_notes_show_averages_and_spread_and_no_names() -> None:
    r = in_health()
    r.do(r.people[0], c.RateHealth(scores=ALL_ONES))
    r.do(r.people[1], c.RateHealth(scores=ALL_FIVES))
    r.do(r.people[2], c.RateHealth(scores=ALL_FIVES))
    r.do(r.fac, c.RevealHealth())
    notes = session_markdown(r.session)
    assert "## Health check" in notes
    assert "| Pace | 3.7 | 1–5 | 3 |" in notes
    assert not any(name in notes.split("## Health check")[1] for name in ("P1", "P2", "P3"))


FORMAT = """name = "Own health"
[[columns]]
key = "a"
title = "A"
[[columns]]
key = "b"
title = "B"
"""


def test_a_format_sets_its_own_dimensions(tmp_path: Path) -> None:
    (tmp_path / "own.toml").write_text(
        FORMAT + '[[health]]\nkey = "trust"\ntitle = "Trust"\nprompt = "We trust each other."\n',
        encoding="utf-8",
    )
    catalog = load_formats([tmp_path])
    assert catalog.errors == []
    assert catalog.get("own").health == (("trust", "Trust", "We trust each other."),)


@pytest.mark.parametrize(
    ("block", "field"),
    [
        ("health = 3\n", "health"),
        ('[[health]]\nkey = "Bad Key"\ntitle = "x"\n', "health[1].key"),
        ('[[health]]\nkey = "ok"\n', "health[1].title"),
        ('[[health]]\nkey = "ok"\ntitle = "x"\ncolour = "red"\n', "health[1].colour"),
    ],
)
def test_broken_health_dimensions_name_the_field_and_lose_nothing(
    tmp_path: Path, block: str, field: str
) -> None:
    (tmp_path / "own.toml").write_text(FORMAT + block, encoding="utf-8")
    catalog = load_formats([tmp_path])
    assert len(catalog.errors) == 1 and field in str(catalog.errors[0])
    assert "went-well" in catalog.formats  # the others still load


@pytest.mark.parametrize("scores", [[True], [0], [6], ["3"], [2.5], "3"])
def test_a_file_with_a_bad_score_is_refused_naming_the_field(scores: object) -> None:
    from retro_tui.domain.serial import MalformedSession

    r = in_health()
    data = session_to_dict(r.session)
    data["health"]["scores"] = {"pace": scores}
    with pytest.raises(MalformedSession, match=r"health\.scores\.pace"):
        session_from_dict(data)

"""Measured actions: verdicts from the numbers, decisions waiting for data, the team's
numbers carried from retro to retro, and what the rules refuse."""

from __future__ import annotations

from dataclasses import replace

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import Refused
from retro_tui.domain.judging import judgement
from retro_tui.domain.measures import (
    Direction,
    Measurement,
    Readiness,
    TeamNumber,
    Verdict,
    format_change,
    format_number,
    half_up,
    judge,
    parse_number,
    readiness,
)
from retro_tui.domain.model import ActionItem, ReviewDecision, Role
from retro_tui.domain.phases import Phase, phases_of
from retro_tui.domain.serial import session_from_dict, session_to_dict
from tests.support.domain import NOW, make_format, make_retro

UP, DOWN = Direction.UP, Direction.DOWN


# --- verdicts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("baseline", "target", "direction", "actual", "verdict"),
    [
        (18.0, 25.0, UP, 26.0, Verdict.REACHED),
        (18.0, 25.0, UP, 25.0, Verdict.REACHED),  # exactly on target
        (18.0, 25.0, UP, 21.0, Verdict.PARTLY),
        (18.0, 25.0, UP, 18.0, Verdict.MISSED),  # no movement
        (18.0, 25.0, UP, 12.0, Verdict.MISSED),  # the wrong way
        (42.0, 30.0, DOWN, 29.5, Verdict.REACHED),
        (42.0, 30.0, DOWN, 35.0, Verdict.PARTLY),
        (42.0, 30.0, DOWN, 44.0, Verdict.MISSED),
        (None, 25.0, UP, 21.0, Verdict.MISSED),  # no baseline: nothing to be part of
        (None, 25.0, UP, 30.0, Verdict.REACHED),
        (18.0, 25.0, UP, None, Verdict.NO_ACTUAL),
        (18.0, None, UP, 30.0, Verdict.NOT_MEASURED),
    ],
)
def test_the_verdict_follows_from_the_numbers_and_the_direction(
    baseline: float | None,
    target: float | None,
    direction: Direction,
    actual: float | None,
    verdict: Verdict,
) -> None:
    assert judge(baseline=baseline, target=target, direction=direction, actual=actual) is verdict


@pytest.mark.parametrize(
    ("direction", "actual", "verdict"),
    [
        (UP, 3.0, Verdict.REACHED),
        (UP, 3.5, Verdict.REACHED),
        (UP, 2.9, Verdict.MISSED),
        (DOWN, 3.0, Verdict.REACHED),
        (DOWN, 2.0, Verdict.REACHED),
        (DOWN, 3.1, Verdict.MISSED),
    ],
)
def test_a_target_equal_to_the_baseline_is_holding_the_line_and_never_partly(
    direction: Direction, actual: float, verdict: Verdict
) -> None:
    assert judge(baseline=3.0, target=3.0, direction=direction, actual=actual) is verdict


@pytest.mark.parametrize(
    ("direction", "threshold", "latest", "state"),
    [
        (UP, 1000.0, 999.0, Readiness.WAITING),
        (UP, 1000.0, 1000.0, Readiness.READY),
        (DOWN, 2.0, 2.5, Readiness.WAITING),
        (DOWN, 2.0, 1.9, Readiness.READY),
        (UP, 1000.0, None, Readiness.NO_DATA),
    ],
)
def test_a_decision_is_ready_once_its_number_reaches_the_threshold(
    direction: Direction, threshold: float, latest: float | None, state: Readiness
) -> None:
    assert readiness(direction, threshold, latest) is state


# --- numbers as people write them ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"), [("12.5", 12.5), (" -3 ", -3.0), ("21%", 21.0), ("1 200", 1200.0)]
)
def test_numbers_are_read_as_people_write_them(text: str, value: float) -> None:
    assert parse_number(text, "The value") == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12,5", "has a comma"),
        ("1,234.5", "has a comma"),
        ("twelve", "is not a number"),
        ("=HYPERLINK(1)", "is not a number"),
        ("nan", "is not a number"),
        ("1e400", "must be a finite number"),
        ("", "is empty"),
    ],
)
def test_a_decimal_comma_or_text_is_refused_with_a_sentence(text: str, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        parse_number(text, "The value")
    assert reason in caught.value.reason


def test_numbers_print_without_float_noise_and_round_half_up() -> None:
    assert format_number(0.1 + 0.2) == "0.3"
    assert format_number(2.675) == "2.68"
    assert format_number(1200.0) == "1200"
    assert format_change(-4.5) == "-4.5" and format_change(3.0) == "+3"
    assert format_change(0.0) == "±0"
    assert half_up(2.625) == "2.63" and half_up(4.165) == "4.17"


# --- the rules ------------------------------------------------------------------------------
def test_a_target_worse_than_the_baseline_is_refused_and_equal_is_allowed() -> None:
    r = make_retro(1, Phase.ACTIONS)
    err = r.refused(
        r.fac, c.AddAction(text="CPL", metric="CPL", baseline=40, target=45, direction="down")
    )
    assert "above the baseline 40" in err.reason
    r.do(r.fac, c.AddAction(text="Hold", metric="Churn", baseline=3, target=3, direction="down"))
    assert r.refused(r.fac, c.AddAction(text="x", target=float("nan"))).reason.startswith(
        "The target must be a finite number"
    )
    err = r.refused(r.fac, c.AddAction(text="x", direction="sideways"))
    assert err.reason == "The direction of a metric is up or down."
    err = r.refused(r.fac, c.AddAction(text="Decide", decision=True))
    assert "needs the threshold" in err.reason


MEASURED = ActionItem(
    id="old1",
    text="Follow-up email sequence",
    owner="Priya",
    due="2026-12-15",
    metric="Repeat purchase rate",
    baseline=18.0,
    target=25.0,
)
DECISION = ActionItem(
    id="old2",
    text="Decide on the new ad copy",
    metric="Ad impressions",
    target=1000.0,
    decision=True,
)


def test_review_takes_the_actual_and_a_carried_item_keeps_its_history() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=(MEASURED,))
    r.do(r.fac, c.RecordActual(action="old1", value=21))
    entry = r.session.review[0]
    assert judgement(r.session, entry.action).verdict is Verdict.PARTLY
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    carried = r.session.actions[-1]
    assert [m.value for m in carried.actuals] == [21.0]
    r.do(r.fac, c.RecordActual(action="old1", value=26))  # corrected after carrying
    carried = r.session.actions[-1]
    assert [(m.value, m.session_id) for m in carried.actuals] == [(26.0, "s1")]
    assert judgement(r.session, r.session.review[0].action).verdict is Verdict.REACHED
    r.do(r.fac, c.RecordActual(action="old1", value=None))
    assert judgement(r.session, r.session.review[0].action).verdict is Verdict.NO_ACTUAL


def test_an_actual_for_an_unmeasured_action_or_outside_review_is_refused() -> None:
    plain = ActionItem(id="old9", text="Tidy up")
    r = make_retro(1, Phase.REVIEW, previous_actions=(plain,))
    assert "no target" in r.refused(r.fac, c.RecordActual(action="old9", value=1)).reason
    assert r.refused(r.people[0], c.RecordActual(action="old9", value=1)).reason.startswith(
        "Only the facilitator"
    )


def test_a_decision_marked_done_before_its_threshold_is_recorded_as_acted_early() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=(DECISION,))
    r.do(r.fac, c.RecordActual(action="old2", value=640))
    assert judgement(r.session, r.session.review[0].action).readiness is Readiness.WAITING
    r.do(r.fac, c.ReviewAction(action="old2", decision="done"))
    assert r.session.review[0].action.acted_early
    r.do(r.fac, c.RecordActual(action="old2", value=1200))
    r.do(r.fac, c.ReviewAction(action="old2", decision="done"))
    assert not r.session.review[0].action.acted_early


def test_the_review_uses_this_retros_number_when_the_metric_names_one() -> None:
    fmt = make_format()
    numbers = (TeamNumber("Repeat purchase rate", value=18.0, unit="%"),)
    session = rules.new_session(
        fmt,
        session_id="s2",
        title="Retro 2",
        team="core",
        now=NOW,
        previous_actions=(MEASURED,),
        previous_numbers=numbers,
    )
    assert session.data_step and session.numbers[0].previous == 18.0
    assert session.numbers[0].value is None
    session, fac = rules.join(session, "Fran", Role.FACILITATOR, NOW)
    session = rules.apply(session, fac, c.NextPhase(), NOW)
    assert session.phase is Phase.DATA
    session = rules.apply(session, fac, c.SetNumber(number="repeat  PURCHASE rate", value=26), NOW)
    assert session.numbers[0].change == 8.0
    session = rules.apply(session, fac, c.NextPhase(), NOW)
    found = judgement(session, session.review[0].action)
    assert (found.actual, found.source, found.verdict) == (26.0, "number", Verdict.REACHED)
    session = rules.apply(session, fac, c.ReviewAction(action="old1", decision="done"), NOW)
    assert session.review[0].action.actuals == (Measurement(26.0, "2026-11-23", "s2", "Retro 2"),)


def test_the_data_step_is_visited_only_by_sessions_that_use_it() -> None:
    r = make_retro(1)
    r.do(r.fac, c.NextPhase())
    assert r.session.phase is Phase.REVIEW  # no numbers: the Data step is passed by
    r.do(r.fac, c.GoToPhase(phase="data"))
    assert r.session.data_step and r.session.phase is Phase.DATA
    assert phases_of(True)[1] is Phase.DATA
    r.do(r.fac, c.SetNumber(number="Open rate", value=21.5, unit="%", period="November"))
    r.do(r.fac, c.SetNumber(number="open rate", value=22))
    assert r.session.numbers == (TeamNumber("open rate", 22.0, "%", "November"),)
    r.do(r.fac, c.DeleteNumber(number="OPEN RATE"))
    assert r.session.numbers == ()
    assert r.refused(r.fac, c.DeleteNumber(number="x")).reason == "That number is not in the table."
    assert "no readiness checklist" in r.refused(r.fac, c.SetReadiness(index=0)).reason


def test_the_readiness_checklist_comes_from_the_format_and_is_recorded() -> None:
    fmt = replace(make_format(), readiness=("Creative tested", "Tracking in place"))
    session = rules.new_session(fmt, session_id="s3", title="Launch", team="core", now=NOW)
    session, fac = rules.join(session, "Fran", Role.FACILITATOR, NOW)
    session = rules.apply(session, fac, c.NextPhase(), NOW)
    session = rules.apply(session, fac, c.SetReadiness(index=1, ready=False), NOW)
    session = rules.apply(session, fac, c.SetReadiness(index=0, ready=True), NOW)
    assert [(x.text, x.ready) for x in session.readiness] == [
        ("Creative tested", True),
        ("Tracking in place", False),
    ]
    with pytest.raises(Refused, match="The checklist has 2 checks"):
        rules.apply(session, fac, c.SetReadiness(index=2, ready=True), NOW)


def test_measures_numbers_and_checks_survive_serialisation_and_old_files_load() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=(MEASURED, DECISION))
    r.do(r.fac, c.RecordActual(action="old1", value=21))
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    r.do(r.fac, c.GoToPhase(phase="data"))
    r.do(r.fac, c.SetNumber(number="CPL", value=41.5, unit="€"))
    back = session_from_dict(session_to_dict(r.session))
    assert back == r.session
    old = session_to_dict(r.session)
    for key in ("numbers", "readiness", "data_step"):
        del old[key]
    for item in old["actions"]:
        for key in ("baseline", "target", "direction", "decision", "actuals", "acted_early"):
            del item[key]
    loaded = session_from_dict(old)
    assert loaded.numbers == () and loaded.actions[0].target is None
    assert loaded.actions[0].direction is Direction.UP


def test_decisions_are_not_judged_as_measured_actions() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=(DECISION,))
    found = judgement(r.session, r.session.review[0].action)
    assert (found.verdict, found.readiness) == (Verdict.NOT_MEASURED, Readiness.NO_DATA)
    assert r.session.review[0].decision is ReviewDecision.PENDING


def test_a_number_is_renamed_with_its_values_and_the_actions_that_measure_it() -> None:
    cpl = replace(MEASURED, id="old3", metric="cpl", baseline=42.0, target=35.0)
    cpl = replace(cpl, direction=Direction.DOWN)
    r = make_retro(1, Phase.REVIEW, previous_actions=(cpl,))
    r.do(r.fac, c.GoToPhase(phase="data"))
    r.do(r.fac, c.SetNumber(number="CPL", value=34, unit="€", period="Nov"))
    r.do(r.fac, c.SetNumber(number="Open rate", value=22))
    r.do(r.fac, c.RenameNumber(number="cpl ", to="Cost per lead"))
    assert r.session.numbers[0] == TeamNumber("Cost per lead", 34.0, "€", "Nov")
    assert r.session.review[0].action.metric == "Cost per lead"
    found = judgement(r.session, r.session.review[0].action)
    assert (found.actual, found.verdict) == (34.0, Verdict.REACHED)
    r.do(r.fac, c.RenameNumber(number="Cost per lead", to="COST per lead"))  # its spelling
    assert r.session.numbers[0].name == "COST per lead"
    clash = r.refused(r.fac, c.RenameNumber(number="Open rate", to="cost PER lead"))
    assert clash.reason == (
        "There is already a number called 'COST per lead'; delete one of the two first."
    )
    assert r.refused(r.fac, c.RenameNumber(number="x", to="y")).reason == (
        "That number is not in the table."
    )
    assert "cannot be empty" in r.refused(r.fac, c.RenameNumber(number="Open rate", to=" ")).reason
    assert r.refused(r.people[0], c.RenameNumber(number="Open rate", to="y")).reason.startswith(
        "Only the facilitator"
    )


def test_a_number_name_with_invisible_characters_is_the_number_it_looks_like() -> None:
    r = make_retro(1, Phase.REVIEW)
    r.do(r.fac, c.GoToPhase(phase="data"))
    r.do(r.fac, c.SetNumber(number="Open rate", value=22))
    r.do(r.fac, c.SetNumber(number="Open\u200b rate\u2060", value=24))  # looks the same
    assert [(n.name, n.value) for n in r.session.numbers] == [("Open rate", 24.0)]
    r.do(r.fac, c.SetNumber(number="Lea\u200bds", value=120))
    assert r.session.numbers[1].name == "Leads"
    clash = r.refused(r.fac, c.RenameNumber(number="Leads", to="open\u200c rate"))
    assert "already a number called 'Open rate'" in clash.reason

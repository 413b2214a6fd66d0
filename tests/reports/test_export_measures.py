"""Notes and CSV carry baselines, targets, actuals, verdicts, the numbers and the checklist;
and three things they used to get wrong: a topic's votes counted once per card, two
"Action items" headings, and a ROTI of 2.625 printed as 2.62."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec
from retro_tui.domain.measures import Direction, TeamNumber
from retro_tui.domain.model import ActionItem, Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.exchange import (
    actions_csv,
    cards_csv,
    checklist_csv,
    numbers_csv,
    review_csv,
    session_from_json_bytes,
    session_to_json_bytes,
    shareable,
)
from retro_tui.export import session_markdown
from retro_tui.store import SessionStore
from tests.support.domain import NOW, make_format, make_retro

MEASURED = ActionItem(
    id="old1",
    text="Follow-up emails",
    owner="Priya",
    due="2026-12-15",
    metric="Repeat purchase rate",
    baseline=18.0,
    target=25.0,
)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_topics_votes_are_on_one_card_so_the_column_sums_to_the_votes_cast() -> None:
    r = make_retro(2, Phase.WRITE)
    cards = [r.card(r.people[0], f"card {i}", "bad") for i in range(3)]
    r.move_to(Phase.GROUP)
    topic = r.merge(cards[1], cards[0])
    r.merge(cards[2], topic)
    r.move_to(Phase.VOTE)
    for person in r.people:
        r.do(person, c.CastVote(target=topic))
    r.move_to(Phase.DISCUSS)
    rows = _rows(cards_csv(r.session))
    assert [row["votes"] for row in rows] == ["2", "", ""]
    assert sum(int(row["votes"] or 0) for row in rows) == len(r.session.votes)


def test_the_agreed_actions_heading_differs_from_a_column_called_action_items() -> None:
    fmt = replace(
        make_format(), columns=(ColumnSpec("good", "Went well"), ColumnSpec("act", "Action items"))
    )
    session = rules.new_session(fmt, session_id="s", title="T", team="core", now=NOW)
    session, fac = rules.join(session, "Fran", Role.FACILITATOR, NOW)
    session = rules.apply(session, fac, c.GoToPhase(phase="write"), NOW)
    for phase in ("group", "vote", "discuss", "actions"):
        session = rules.apply(session, fac, c.NextPhase(), NOW)
        assert session.phase.value == phase
    session = rules.apply(session, fac, c.AddAction(text="Do it"), NOW)
    headings = [line for line in session_markdown(session).splitlines() if line.startswith("## ")]
    assert headings.count("## Action items") == 1
    assert "## Agreed action items" in headings


def test_a_roti_of_2_625_prints_as_2_63() -> None:
    r = make_retro(7, Phase.CLOSE)
    scores = [1, 2, 3, 3, 3, 3, 3, 3]  # 21 / 8 = 2.625
    for person, score in zip([r.fac, *r.people], scores, strict=True):
        r.do(person, c.Roti(score=score))
    assert "ROTI **2.63** / 5" in session_markdown(r.session)


def test_notes_show_the_measure_the_actual_the_verdict_and_the_numbers() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=(MEASURED,))
    r.do(r.fac, c.RecordActual(action="old1", value=21))
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    r.do(r.fac, c.GoToPhase(phase="data"))
    r.do(r.fac, c.SetNumber(number="=HYPERLINK(x)", value=41.5, unit="€", period="Nov"))
    r.move_to(Phase.ACTIONS)
    notes = session_markdown(r.session)
    assert (
        "- **Carried over:** Follow-up emails — owner: Priya — actual 21; target 25: partly"
        in notes
    )
    assert (
        "Follow-up emails — owner: Priya, due: 2026-12-15, metric: Repeat purchase rate; "
        "baseline 18 → target 25 (higher is better); actual 21 (2026-11-23)"
    ) in notes
    assert "## The team's numbers" in notes
    assert "| \\=HYPERLINK(x) | 41.5 | € | Nov | – | – |" in notes


def test_the_actions_csv_has_the_measure_and_neutralises_formulas() -> None:
    r = make_retro(1, Phase.REVIEW, previous_actions=(MEASURED,))
    r.do(r.fac, c.RecordActual(action="old1", value=26))
    r.do(r.fac, c.ReviewAction(action="old1", decision="carried"))
    r.move_to(Phase.ACTIONS)
    r.do(
        r.fac,
        c.AddAction(text="=HYPERLINK(1)", metric="=CPL", baseline=40, target=30, direction="down"),
    )
    carried, formula = _rows(actions_csv(r.session))
    assert (carried["kind"], carried["baseline"], carried["target"]) == ("measured", "18", "25")
    assert (carried["latest_actual"], carried["verdict"]) == ("26", "reached")
    assert carried["actuals"] == "26 (2026-11-23)"
    assert formula["text"] == "'=HYPERLINK(1)" and formula["metric"] == "'=CPL"
    assert (formula["direction"], formula["verdict"]) == ("down", "no actual yet")


DECISION = ActionItem(
    id="old2", text="Decide on the ad copy", metric="Ad impressions", target=1000.0, decision=True
)


def _measured_retro() -> Session:
    """A review with a figure entered, one taken from the numbers and a decision done
    early; a table of numbers; a checklist answered in part."""
    fmt = replace(make_format(), readiness=("Creative tested", "Tracking in place", "Budget"))
    last = (TeamNumber("Ad impressions", 250.0), TeamNumber("Repeat purchase rate", 18.0))
    session = rules.new_session(
        fmt,
        session_id="s2",
        title="November",
        team="Growth",
        now=NOW,
        previous_actions=(MEASURED, DECISION),
        previous_numbers=last,
    )
    session, fac = rules.join(session, "Fran", Role.FACILITATOR, NOW)

    def do(command: c.Command) -> None:
        nonlocal session
        session = rules.apply(session, fac, command, NOW)

    do(c.NextPhase())  # the Data step
    do(c.SetNumber(number="Ad impressions", value=640))
    do(c.SetNumber(number="Repeat purchase rate", value=21, unit="%", period="Q4"))
    do(c.SetReadiness(index=0, ready=True))
    do(c.SetReadiness(index=1, ready=False))
    do(c.NextPhase())  # the review
    do(c.ReviewAction(action="old1", decision="carried"))  # 21 from the Data step
    do(c.ReviewAction(action="old2", decision="done"))  # 640 of 1000: acted early
    return session


def test_the_review_numbers_and_checklist_csvs_carry_figures_verdicts_and_answers() -> None:
    session = _measured_retro()
    measured, decision = _rows(review_csv(session))
    assert measured["decision"] == "carried" and measured["kind"] == "measured"
    assert (measured["baseline"], measured["target"], measured["direction"]) == ("18", "25", "up")
    assert measured["actual"] == "21"  # this retro's value of the number it names
    assert (measured["verdict"], measured["number_change"]) == ("partly", "+3")
    assert (decision["kind"], decision["verdict"], decision["acted_early"]) == (
        "decision",
        "waiting",
        "yes",
    )
    numbers = _rows(numbers_csv(session))
    assert [(n["number"], n["value"], n["last_retro"], n["change"]) for n in numbers] == [
        ("Ad impressions", "640", "250", "+390"),
        ("Repeat purchase rate", "21", "18", "+3"),
    ]
    assert numbers[1]["unit"] == "%" and numbers[1]["period"] == "Q4"
    checks = _rows(checklist_csv(session))
    assert [(x["check"], x["text"], x["ready"]) for x in checks] == [
        ("1", "Creative tested", "yes"),
        ("2", "Tracking in place", "no"),
        ("3", "Budget", ""),
    ]


def test_export_csv_writes_each_table_from_the_shell(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    SessionStore(folder).create(_measured_retro())
    for what, first_cell in (("review", "s2"), ("numbers", "s2"), ("checklist", "s2")):
        result = CliRunner().invoke(
            main, ["--sessions-dir", str(folder), "export-csv", "s2", "--what", what]
        )
        assert result.exit_code == 0, result.output
        assert len(_rows(result.stdout)) in (2, 3) and result.stdout.splitlines()[1].startswith(
            first_cell
        )


def test_the_json_export_round_trips_measures_numbers_and_the_checklist() -> None:
    session = _measured_retro()
    back = session_from_json_bytes(session_to_json_bytes(session))
    assert back == shareable(session)
    (carried,) = back.actions
    assert (carried.baseline, carried.target, carried.direction) == (18.0, 25.0, Direction.UP)
    assert [m.value for m in carried.actuals] == [21.0]
    assert back.review[1].action.acted_early
    assert back.numbers == session.numbers and back.numbers[0].previous == 250.0
    assert [x.ready for x in back.readiness] == [True, False, None]


def test_the_notes_show_the_checklist_and_a_decision_acted_early() -> None:
    notes = session_markdown(_measured_retro())
    assert "## Ready before the work started?" in notes
    assert "- [x] Creative tested" in notes
    assert "- [ ] Tracking in place" in notes
    assert "- [ ] Budget (not answered)" in notes
    assert "waiting, acted early" in notes
    assert "| Ad impressions | 640 | – | – | 250 | +390 |" in notes

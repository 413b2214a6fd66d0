"""Three consecutive retros of one marketing team (`scenarios/growth-three-retros.json`),
replayed through the public API: sessions made and saved by the store, numbers imported
from CSV by `retro-tui kpis import`'s own function, every change a rules command. The
verdicts, the hit rate per retro and the insights' figures are the scenario's."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.judging import judgement
from retro_tui.domain.model import ActionItem, Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.kpis import import_kpis
from retro_tui.launcher import open_actions_of
from retro_tui.reports.insights import insights
from retro_tui.store import SessionStore
from retro_tui.themes import load_formats

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "growth-three-retros.json"


def replay_retros(folder: Path) -> tuple[list[Session], dict[str, Any]]:
    data: dict[str, Any] = json.loads(SCENARIO.read_text("utf-8"))
    fmt = load_formats().get(data["theme"])
    store = SessionStore(folder)
    earlier = tuple(ActionItem(**item) for item in data["earlier_open_actions"])
    sessions: list[Session] = []
    for number, retro in enumerate(data["retros"], start=1):
        now = datetime.fromisoformat(retro["start"])
        previous = sessions[-1] if sessions else None
        session = rules.new_session(
            fmt,
            session_id=f"retro-{number}",
            title=retro["title"],
            team=data["team"],
            now=now,
            previous_actions=open_actions_of(previous) if previous else earlier,
            previous_numbers=previous.numbers if previous else (),
        )
        store.create(session)
        csv_file = folder / f"numbers-{number}.csv"
        csv_file.write_text(retro["numbers_csv"], encoding="utf-8")
        session = import_kpis(store, session.id, csv_file).session
        people: dict[str, str] = {}
        for i, name in enumerate(data["participants"]):
            role = Role.FACILITATOR if i == 0 else Role.PARTICIPANT
            session, people[name] = rules.join(session, name, role, now)
        fac = people[data["participants"][0]]
        tick = iter(range(1, 10_000))

        def do(actor: str, command: c.Command, now: datetime = now, tick: Any = tick) -> None:
            nonlocal session
            session = rules.apply(session, actor, command, now + timedelta(seconds=next(tick)))

        do(fac, c.NextPhase())
        assert session.phase is Phase.DATA
        for index, ready in enumerate(retro["readiness"]):
            do(fac, c.SetReadiness(index=index, ready=ready))
        do(fac, c.NextPhase())
        assert session.phase is Phase.REVIEW
        for step in retro["review"]:
            entry = next(r for r in session.review if r.action.text == step["action"])
            if "actual" in step:
                do(fac, c.RecordActual(action=entry.action.id, value=step["actual"]))
            do(fac, c.ReviewAction(action=entry.action.id, decision=step["decision"]))
        do(fac, c.NextPhase())
        for card in retro["cards"]:
            do(people[card["author"]], c.AddCard(column=card["column"], text=card["text"]))
        for _ in range(4):  # group, vote, discuss, actions
            do(fac, c.NextPhase())
        for action in retro["actions"]:
            do(fac, c.AddAction(**action))
        do(fac, c.NextPhase())
        for name, score in retro["roti"].items():
            do(people[name], c.Roti(score=score))
        store.save(session)
        sessions.append(store.load(session.id))
    store.close()
    return sessions, data


@pytest.fixture(scope="module")
def replayed(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Session], dict[str, Any], Path]:
    folder = tmp_path_factory.mktemp("growth")
    sessions, data = replay_retros(folder)
    return sessions, data, folder


def test_each_review_gives_the_scenarios_verdicts(
    replayed: tuple[list[Session], dict[str, Any], Path],
) -> None:
    sessions, data, _ = replayed
    for session, expected in zip(sessions, data["expect"]["verdicts"], strict=True):
        verdicts = {
            r.action.text: judgement(session, r.action).verdict.value
            for r in session.review
            if r.action.measured
        }
        assert verdicts == expected, session.title


def test_hit_rate_early_decisions_carried_items_and_trends(
    replayed: tuple[list[Session], dict[str, Any], Path],
) -> None:
    sessions, data, _ = replayed
    expect = data["expect"]
    found = insights(sessions, data["team"], date(2026, 11, 30)).measures
    assert found is not None
    assert [[h.reached, h.judged] for h in found.hit_rates] == expect["hit_rates"]
    assert [e.text for e in found.early] == expect["acted_early"]
    assert found.early[0].value == 640 and found.early[0].threshold == 1000
    assert [list(x) for x in found.carried_often] == expect["carried_often"]
    open_rate = next(n for n in found.trends if n.name == "Open rate")
    assert list(open_rate.values) == expect["open_rate_values"]
    (unready,) = found.unready
    assert unready.title == expect["unready"]["retro"]
    assert list(unready.unready) == expect["unready"]["checks"]
    assert [text for text, _ in unready.related] == expect["unready"]["related"]
    assert len(unready.problems_after) == 3
    assert (found.ready_starts, found.problems_after_ready) == (1, 1)


def test_the_numbers_carry_last_retros_value_and_a_carried_item_its_history(
    replayed: tuple[list[Session], dict[str, Any], Path],
) -> None:
    sessions, _, _ = replayed
    third = sessions[2]
    rate = next(n for n in third.numbers if n.name == "Open rate")
    assert (rate.previous, rate.value, rate.change) == (22, 26, 4)
    subject = next(r for r in third.review if r.action.text.startswith("Rewrite"))
    assert [(m.value, m.session_id) for m in subject.action.actuals] == [
        (22.0, "retro-2"),
        (26.0, "retro-3"),
    ]
    assert subject.action.carried == 1


def test_the_insights_command_prints_the_figures(
    replayed: tuple[list[Session], dict[str, Any], Path],
) -> None:
    _, _, folder = replayed
    result = CliRunner().invoke(
        main,
        ["--sessions-dir", str(folder), "insights", "--team", "growth", "--today", "2026-11-30"],
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "2026-10-26  October webinar campaign       1 of 2 reached, 1 partly  50%" in out
    assert "2026-11-23  November holiday push          2 of 3 reached, 1 partly  67%" in out
    assert "  3×  Clean up the CRM segments" in out
    assert "Decide on the new ad copy: at 640 of 1000" in out
    assert "2 of 5 checks not true" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_scenario_survives_a_json_round_trip(
    replayed: tuple[list[Session], dict[str, Any], Path],
) -> None:
    from retro_tui.exchange import session_from_json_bytes, session_to_json_bytes

    sessions, _, _ = replayed
    for session in sessions:
        back = session_from_json_bytes(session_to_json_bytes(session))
        assert back == replace(session)

"""The room's rhythm on the board (issue 16, part B): each key pressed with Pilot."""

from __future__ import annotations

from pathlib import Path

from retro_tui.domain import commands as c
from retro_tui.domain.phases import Phase
from retro_tui.ui.app import make_app
from tests.support.clock import FakeClock
from tests.support.ui import (
    FIXED_NOW,
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    wait_until,
)


async def test_p_parks_the_selected_card_and_the_next_retro_reviews_it(quiet_env: Path) -> None:
    clock = FakeClock(FIXED_NOW)
    launcher = make_launcher(quiet_env, clock)
    session = launcher.create_session(format_key="went-well", title="Sprint 6", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        maya = await join_participant(hub, "Maya")
        await board.client.send(c.GoToPhase(phase="write"))
        await maya.send(c.AddCard(column="to-improve", text="Pricing page confuses people"))
        await board.client.send(c.NextPhase())
        await wait_until(pilot, lambda: board.selected_target() is not None, "a selection")
        await pilot.press("p")
        await wait_until(pilot, lambda: len(hub.session.parked) == 1, "a parked card")
        await wait_until(pilot, lambda: "Parked (1)" in screen_text(app), "the parking line")
        await pilot.press("p")
        await wait_until(pilot, lambda: hub.session.parked == (), "the card unparked")
        await wait_until(pilot, lambda: "Parked (1)" not in screen_text(app), "line gone")
        await pilot.press("p")
        await wait_until(pilot, lambda: len(hub.session.parked) == 1, "parked again")
    await launcher.close()

    clock.advance(14 * 24 * 3600)
    launcher = make_launcher(quiet_env, clock)
    nxt = launcher.create_session(format_key="went-well", title="Sprint 7", team="Web")
    assert [p.text for p in nxt.parked_before] == ["Pricing page confuses people"]
    app = make_app(launcher=launcher, session_id=nxt.id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: hub.session.phase is Phase.REVIEW, "review")
        await wait_until(pilot, lambda: "Pricing page" in screen_text(app), "the parked item")
        await pilot.press("p")
        await wait_until(pilot, lambda: hub.session.parked_before[0].settled, "dealt with")
        await wait_until(pilot, lambda: "dealt with" in screen_text(app), "shown dealt with")
    await launcher.close()


async def test_a_team_meets_every_question_once_and_i_skips_to_another(
    quiet_env: Path,
) -> None:
    from retro_tui.icebreaker_bank import load_bank

    launcher = make_launcher(quiet_env)
    bank = load_bank().questions
    asked = [
        launcher.create_session(format_key="went-well", title=f"Sprint {n}", team="Web").icebreaker
        for n in range(len(bank) + 1)
    ]
    assert sorted(asked[: len(bank)]) == sorted(bank)  # read back from the team's files
    assert asked[-1] in bank
    other = launcher.create_session(format_key="went-well", title="Kick-off", team="Ops")
    app = make_app(launcher=launcher, session_id=other.id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        first = hub.session.icebreaker
        await wait_until(pilot, lambda: first[:30] in screen_text(app), "the question")
        await pilot.press("i")
        await wait_until(pilot, lambda: hub.session.icebreaker != first, "another question")
        await wait_until(pilot, lambda: hub.session.icebreaker[:30] in screen_text(app), "it shown")
    await launcher.close()


async def test_w_opens_writing_early_with_no_timer_running(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 8", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        await pilot.press("w")
        await wait_until(pilot, lambda: hub.session.phase is Phase.WRITE, "writing open")
        assert hub.session.opened_early and not hub.session.timer.running
        await wait_until(pilot, lambda: "Add card" in screen_text(app), "the write keys")
    await launcher.close()


async def test_k_opens_the_health_check_a_rates_and_v_shows_results(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 9", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        maya = await join_participant(hub, "Maya")
        ola = await join_participant(hub, "Ola")
        await join_participant(hub, "Sam")  # never rates
        await pilot.press("K")
        await wait_until(pilot, lambda: hub.session.phase is Phase.HEALTH, "the health check")
        await wait_until(pilot, lambda: "0 of 4 rated" in screen_text(app), "the count")
        await pilot.press("a")
        from retro_tui.ui.screens.health_dialog import HealthDialog

        await wait_until(pilot, lambda: isinstance(app.screen, HealthDialog), "the dialog")
        await pilot.press(*"45345345", "ctrl+s")
        await wait_until(pilot, lambda: len(hub.session.health.rated) == 1, "a rating")
        assert hub.session.health.scores["pace"] == (4,)
        await maya.send(c.RateHealth(scores="2,2,2,2,2,2,2,2"))
        await ola.send(c.RateHealth(scores="3,3,3,3,3,3,3,3"))
        await wait_until(pilot, lambda: "3 of 4 rated" in screen_text(app), "three ratings")
        assert not hub.session.health.revealed
        await pilot.press("V")
        await wait_until(pilot, lambda: hub.session.health.revealed, "shown by the facilitator")
        await wait_until(pilot, lambda: "2–4" in screen_text(app), "the spread")
        assert "3.0" in screen_text(app)
    await launcher.close()


def test_the_insights_screen_draws_each_health_dimension_s_trend() -> None:
    from datetime import date

    from retro_tui.domain import rules
    from retro_tui.domain.model import Role
    from retro_tui.reports.insights import insights
    from retro_tui.ui.screens.insights import trends_text
    from tests.support.domain import NOW, later, make_format

    sessions = []
    for n, scores in enumerate(("1,1,1,1,1,1,1,1", "5,3,3,3,3,3,3,3")):
        s = rules.new_session(
            make_format(), session_id=f"r{n}", title=f"S{n}", team="Web", now=later(n * 9e5)
        )
        s, fac = rules.join(s, "Fran", Role.FACILITATOR, NOW)
        s = rules.apply(s, fac, c.GoToPhase(phase="health"), NOW)
        sessions.append(rules.apply(s, fac, c.RateHealth(scores=scores), NOW))
    text = trends_text(insights(sessions, "Web", date(2026, 12, 1))).plain
    assert "Health Pace" in text and "last 5.0 (1–5)" in text

"""The facilitator links the selected card to a known problem by key, on a real sessions
folder with a team's history: suggestions follow the selection, 1 confirms, U unlinks,
L names a new problem. A participant's board shows none of it."""

from __future__ import annotations

import threading
from asyncio import CancelledError
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from retro_tui.advisor import Advice
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.model import Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.ui.app import make_app
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.screens.insights import InsightsScreen
from retro_tui.ui.screens.picker import PickerScreen
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from retro_tui.ui.widgets.problem_hints import ProblemHints
from tests.support.clock import FakeClock
from tests.support.history import BAD, FACILITATOR, FORMAT, MARKETING, build_history
from tests.support.ui import (
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("quiet_env")

WHEN = datetime(2026, 11, 23, 10, tzinfo=UTC)
CARDS = ("The VP's sign-off on the launch copy took nine days", "Parking garage was closed")


def _todays_retro(folder: Path) -> Session:
    """The team's history on disk, and today's retro in the group phase with two cards."""
    history = build_history(folder)
    session = rules.new_session(
        FORMAT, session_id="2026-11-23-sprint-21", title="Sprint 21", team=MARKETING, now=WHEN
    )
    session, fac = rules.join(session, FACILITATOR, Role.FACILITATOR, WHEN)
    session, pid = rules.join(session, "Dana", Role.PARTICIPANT, WHEN)
    session = rules.apply(session, fac, c.GoToPhase(phase=Phase.WRITE.value), WHEN)
    for text in CARDS:
        session = rules.apply(session, pid, c.AddCard(column=BAD, text=text), WHEN)
    session = rules.apply(session, fac, c.GoToPhase(phase=Phase.GROUP.value), WHEN)
    history.store.create(session)
    return session


async def _select(pilot: Pilot[None], board: BoardScreen, item: str) -> None:
    """Select `item` on the board once its column has drawn it."""

    def selected() -> bool:
        if board.problem_target() != item:
            board.columns_board.focus_item(item)
        return board.problem_target() == item

    await wait_until(pilot, selected, f"{item} selected")


def _hints(app: object) -> str:
    hints = app.screen.query_one(ProblemHints)  # type: ignore[attr-defined]
    return str(hints.render()) if hints.display else ""


async def test_the_facilitator_links_unlinks_and_names_a_problem_by_key(tmp_path: Path) -> None:
    today = _todays_retro(tmp_path / "sessions")
    sign_off, parking = (card.id for card in today.cards)
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with app.run_test(size=(160, 48)) as pilot:
        board, hub = await open_board(pilot)
        await _select(pilot, board, sign_off)
        await wait_until(
            pilot, lambda: "1 looks like: Approval bottleneck" in _hints(app), "the suggestions"
        )
        assert "5 retros, last on 21 Sep" in _hints(app)

        await pilot.press("1")
        await wait_until(pilot, lambda: hub.session.problem_of(sign_off) is not None, "the link")
        linked = hub.session.problem_of(sign_off)
        assert linked is not None and linked.id == "marketing#approvals"
        await wait_until(
            pilot,
            lambda: "Linked: Approval bottleneck — seen in 6 retros since June" in _hints(app),
            "the linked line",
        )

        await pilot.press("U")
        await wait_until(pilot, lambda: hub.session.problem_links == (), "the unlink")

        await _select(pilot, board, parking)
        await wait_until(pilot, lambda: "names a new problem" in _hints(app), "the name hint")
        await pilot.press("L")
        await wait_until(pilot, lambda: "Name a new problem" in screen_text(app), "the dialog")
        await pilot.press(*"Nowhere to park", "enter")
        await wait_until(pilot, lambda: hub.session.problem_of(parking) is not None, "the name")
        named = hub.session.problem_of(parking)
        assert named is not None and named.name == "Nowhere to park"


async def test_a_participants_board_has_no_problem_keys_or_hints(tmp_path: Path) -> None:
    today = _todays_retro(tmp_path / "sessions")
    host = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with host.run_test(size=(160, 48)) as pilot:
        _, hub = await open_board(pilot)
        dana = await join_participant(hub, "Ann")
        tab = make_app(client=dana, clock=FakeClock(WHEN))
        async with tab.run_test(size=(160, 48)) as tab_pilot:
            await wait_until(tab_pilot, lambda: "Cards are revealed" in screen_text(tab), "board")
            tab_board = tab.screen
            assert not tab_board.query_one(ProblemHints).display
            for action in ("link_problem", "name_problem", "unlink_problem"):
                assert not tab_board.check_action(action, ())  # type: ignore[attr-defined]


async def test_insights_show_confirmed_problems_and_label_look_alikes_as_guesses(
    tmp_path: Path,
) -> None:
    _todays_retro(tmp_path / "sessions")  # nothing linked in it yet
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker")
        await pilot.press("ctrl+g")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, InsightsScreen) and app.screen.found is not None,
            "the insights",
        )
        await wait_until(pilot, lambda: bool(app.screen.query(".insights-possible")), "guesses")
        assert "Approval bottleneck — raised in 5 of the last 10 retros" in screen_text(app)
        guesses = str(app.screen.query_one(".insights-possible", Static).render())
        assert "guesses by similarity of meaning, not confirmed" in guesses
        assert "The VP's sign-off on the launch copy took nine days looks like" in guesses


MARK = "⚑ Approval bottleneck"


async def test_a_linked_card_shows_its_problem_and_an_unlink_comes_back_with_z(
    tmp_path: Path,
) -> None:
    today = _todays_retro(tmp_path / "sessions")
    sign_off = today.cards[0].id
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with app.run_test(size=(160, 48)) as pilot:
        board, hub = await open_board(pilot)
        await _select(pilot, board, sign_off)
        await wait_until(pilot, lambda: "1 looks like:" in _hints(app), "the suggestions")
        assert MARK not in screen_text(app)
        await pilot.press("1")
        await wait_until(pilot, lambda: MARK in screen_text(app), "the mark on the card")

        await pilot.press("U")
        await wait_until(pilot, lambda: MARK not in screen_text(app), "the mark gone")
        notice = "Link to a known problem taken away"
        await wait_until(
            pilot, lambda: any(notice in n.message for n in app._notifications), "the notice"
        )
        await pilot.press("z")
        await wait_until(pilot, lambda: MARK in screen_text(app), "the mark back")
        linked = hub.session.problem_of(sign_off)
        assert linked is not None and linked.id == "marketing#approvals"


async def test_participants_and_the_discussion_list_show_a_revealed_cards_problem(
    tmp_path: Path,
) -> None:
    today = _todays_retro(tmp_path / "sessions")
    sign_off = today.cards[0].id
    host = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with host.run_test(size=(160, 48)) as pilot:
        board, hub = await open_board(pilot)
        await _select(pilot, board, sign_off)
        await wait_until(pilot, lambda: "1 looks like:" in _hints(host), "the suggestions")
        await pilot.press("1")
        await wait_until(pilot, lambda: MARK in screen_text(host), "the mark on the card")
        ann = await join_participant(hub, "Ann")
        tab = make_app(client=ann, clock=FakeClock(WHEN))
        async with tab.run_test(size=(160, 48)) as tab_pilot:
            await wait_until(tab_pilot, lambda: MARK in screen_text(tab), "the mark for Ann")
        for phase in (Phase.VOTE, Phase.DISCUSS):
            await board.client.send(c.GoToPhase(phase=phase.value))
        await wait_until(pilot, lambda: "Known problem: Approval bottleneck" in screen_text(host),
                         "the discussion's detail")  # fmt: skip
        row = board.query_one(DiscussPane).table.get_row(sign_off)
        assert str(row[-1]).startswith("⚑ The VP")  # the list marks it; the detail names it


async def test_naming_a_problem_the_team_already_knows_links_to_it_instead(
    tmp_path: Path,
) -> None:
    today = _todays_retro(tmp_path / "sessions")
    sign_off = today.cards[0].id
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with app.run_test(size=(160, 48)) as pilot:
        board, hub = await open_board(pilot)
        await _select(pilot, board, sign_off)
        await wait_until(pilot, lambda: "1 looks like:" in _hints(app), "the suggestions")
        await pilot.press("L")
        await wait_until(pilot, lambda: "Name a new problem" in screen_text(app), "the dialog")
        await pilot.press(*"approval  BOTTLENECK", "enter")
        await wait_until(pilot, lambda: hub.session.problem_of(sign_off) is not None, "the link")
        linked = hub.session.problem_of(sign_off)
        assert linked is not None and linked.id == "marketing#approvals"
        assert [p.id for p in hub.session.problems] == ["marketing#approvals"]


async def test_the_topic_a_card_was_just_grouped_into_can_be_linked_at_once(
    tmp_path: Path,
) -> None:
    today = _todays_retro(tmp_path / "sessions")
    sign_off, parking = (card.id for card in today.cards)
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board, hub = await open_board(pilot)
        await _select(pilot, board, parking)
        await pilot.press("g")
        await _select(pilot, board, sign_off)
        await pilot.press("g")
        await wait_until(pilot, lambda: bool(hub.session.topics), "the topic")
        topic = hub.session.topics[0].id
        await wait_until(pilot, lambda: board.problem_target() == topic, "the topic selected")
        await wait_until(
            pilot,
            lambda: board.advice is not None and board.advice.target == topic,
            "the topic's suggestions",
        )
        await pilot.press("1")
        await wait_until(pilot, lambda: hub.session.problem_of(topic) is not None, "the link")


async def test_the_suggestions_follow_the_arrow_keys_down_a_column(tmp_path: Path) -> None:
    today = _todays_retro(tmp_path / "sessions")
    sign_off, parking = (card.id for card in today.cards)
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with app.run_test(size=(160, 48)) as pilot:
        board, _ = await open_board(pilot)
        await _select(pilot, board, sign_off)
        await wait_until(pilot, lambda: "1 looks like:" in _hints(app), "the suggestions")
        await pilot.press("down")
        assert board.problem_target() == parking
        await wait_until(
            pilot,
            lambda: board.advice is not None and board.advice.target == parking,
            "the next card's suggestions",
        )


def test_on_a_short_terminal_the_hint_puts_each_key_before_the_names_that_get_clipped() -> None:
    from retro_tui.advisor import Advice
    from retro_tui.domain.model import Problem
    from retro_tui.reports.problems import KnownProblem, Sighting, Suggestion
    from retro_tui.ui.board import keys
    from retro_tui.ui.widgets.problem_hints import advice_text

    sighting = Sighting("s1", "Sprint 1", "2026-09-14", "c1", "Creative arrived late again")
    known = KnownProblem("s1#p1", "Design assets arrive late " * 3, (sighting,))
    suggestion = Suggestion(known, 0.4, sighting.text)
    keys_ = (keys.LINK_PROBLEM_KEYS, keys.NAME_PROBLEM_KEY, keys.UNLINK_PROBLEM_KEY)
    unlinked = Advice("c9", None, "", (suggestion,), known=1)
    assert advice_text(unlinked, *keys_, compact=True).plain.startswith("L new · Looks like: 1 ")
    linked = Advice("c9", Problem("s1#p2", "Legal"), "seen in 3 retros since May", (), known=2)
    assert advice_text(linked, *keys_, compact=True).plain == (
        "U unlinks · Linked: Legal — seen in 3 retros"
    )


async def test_advice_that_arrives_after_the_board_lost_its_hint_line_is_dropped_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advisor thinks in a thread; under load its answer can come back while the board
    is being closed, when the hint line is already gone. That must not crash the app."""
    today = _todays_retro(tmp_path / "sessions")
    release = threading.Event()
    asked = threading.Event()
    app = make_app(launcher=make_launcher(tmp_path, FakeClock(WHEN)), session_id=today.id)
    async with app.run_test(size=(160, 48)) as pilot:
        board, _hub = await open_board(pilot)
        await _select(pilot, board, today.cards[0].id)  # advice is asked for a selection
        assert board.advisor is not None
        advise = board.advisor.advise

        def slow_advise(session: Session, target: str) -> Advice:
            asked.set()
            release.wait(30)
            return advise(session, target)

        monkeypatch.setattr(board.advisor, "advise", slow_advise)
        board._advised = None
        board.update_problem_hints()
        await wait_until(pilot, asked.is_set, "the advisor asked")
        await board.query_one(ProblemHints).remove()
        release.set()
        workers = [w for w in board.workers if w.group == "problem-hints"]
        await wait_until(pilot, lambda: all(w.is_finished for w in workers), "the advice back")
        failed = [w.error for w in workers if not isinstance(w.error, (type(None), CancelledError))]
        assert failed == []

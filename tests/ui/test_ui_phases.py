"""Phase screens beyond the happy path: review, anonymity, the palette, a lost hub."""

from __future__ import annotations

from pathlib import Path

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import ReviewDecision, Role
from retro_tui.domain.phases import Phase
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.disconnected import DisconnectedDialog
from tests.support.clock import FakeClock
from tests.support.ui import (
    FIXED_NOW,
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    wait_for_board,
    wait_until,
)


async def _retro_with_actions(folder: Path, clock: FakeClock) -> None:
    """Last sprint's retro of team Web, ending with two open action items."""
    launcher = make_launcher(folder, clock)
    session = launcher.create_session(format_key="went-well", title="Sprint 6", team="Web")
    client = await launcher.open(session.id)
    await client.send(c.GoToPhase(phase="write"))
    for _ in range(4):
        await client.send(c.NextPhase())
    await client.send(c.AddAction(text="Automate the release notes", owner="Sam"))
    await client.send(c.AddAction(text="Book a design review"))
    await launcher.close()


async def test_review_decides_last_retros_actions(quiet_env: Path) -> None:
    clock = FakeClock(FIXED_NOW)
    await _retro_with_actions(quiet_env, clock)
    clock.advance(14 * 24 * 3600)
    launcher = make_launcher(quiet_env, clock)
    session = launcher.create_session(format_key="went-well", title="Sprint 7", team="Web")
    assert len(session.review) == 2
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: hub.session.phase is Phase.REVIEW, "review")
        await wait_until(pilot, lambda: "Automate the release notes" in screen_text(app), "items")
        assert "14 days ago" in screen_text(app)
        await pilot.press("1", "down", "2")

        def decisions() -> list[ReviewDecision]:
            return [r.decision for r in hub.session.review]

        await wait_until(
            pilot,
            lambda: decisions() == [ReviewDecision.DONE, ReviewDecision.CARRIED],
            "two decisions",
        )
        assert [a.text for a in hub.session.actions] == ["Book a design review"]
        await wait_until(pilot, lambda: "→ carried" in screen_text(app), "decision shown")


async def test_anonymous_board_shows_no_author_names(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(
        format_key="went-well", title="Sprint 8", team="Web", anonymous=True
    )
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        maya = await join_participant(hub, "Maya")
        await board.client.send(c.GoToPhase(phase="write"))
        await maya.send(c.AddCard(column="went-well", text="Quiet praise"))
        await board.client.send(c.AddCard(column="to-improve", text="Loud meetings"))
        await board.client.send(c.NextPhase())
        await wait_until(pilot, lambda: "Quiet praise" in screen_text(app), "revealed card")
        board_text = screen_text(app).split("\n", 4)[-1]  # below the header and presence line
        assert "Maya" not in board_text
        assert "— you" not in board_text
        assert "anonymous" in screen_text(app)


async def test_palette_offers_what_the_keys_offer(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 9", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        titles = [command.title for command in app.get_system_commands(board)]
        assert "Next phase (>)" in titles
        assert "Check in (c)" in titles
        assert not any(title.startswith("Add card") for title in titles)

        participant = LocalClient(hub, "browser-9", Role.PARTICIPANT)
        await participant.join("Ola")
        other = make_app(client=participant, clock=launcher.clock)
        async with other.run_test(size=(100, 30)) as other_pilot:
            other_board = await wait_for_board(other_pilot)
            titles = [command.title for command in other.get_system_commands(other_board)]
            assert "Check in (c)" in titles
            assert not any("phase" in title.lower() for title in titles)


async def test_lost_hub_shows_a_dialog(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 10", team="Web")
    await launcher.open(session.id)
    assert launcher.hub is not None
    participant = LocalClient(launcher.hub, "browser-10", Role.PARTICIPANT)
    await participant.join("Kai")
    app = make_app(client=participant, clock=launcher.clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_board(pilot)
        await launcher.close()
        await wait_until(pilot, lambda: isinstance(app.screen, DisconnectedDialog), "the dialog")
        lost = "connection to the retro was lost"
        await wait_until(pilot, lambda: lost in screen_text(app), "the explanation")


async def test_picker_resumes_a_session_and_names_broken_files(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="4ls", title="Old retro", team="Web")
    (quiet_env / "sessions" / "2026-01-01-broken.json").write_text("{", encoding="utf-8")
    app = make_app(launcher=launcher)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "Old retro" in screen_text(app), "the listing")
        assert "2026-01-01-broken.json" in screen_text(app)
        await pilot.press("ctrl+r", "enter")
        board, hub = await open_board(pilot)
        assert hub.session.id == session.id
        assert board.view is not None and board.view.session.format_key == "4ls"


async def test_picker_refuses_a_bad_title_in_place(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    app = make_app(launcher=launcher)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press(*"x" * 130, "enter")
        await wait_until(pilot, lambda: "at most 120 characters" in screen_text(app), "refusal")
        assert launcher.listing().sessions == []


async def test_clicking_a_topic_twice_makes_it_current(quiet_env: Path) -> None:
    from tests.ui.test_ui_snapshots import discuss_phase

    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 14", team="Web")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await discuss_phase(pilot)
        _board, hub = await open_board(pilot)
        ranked = [i for i in hub.session.ranked_targets()]
        assert hub.session.current_topic == ranked[0]
        table = app.screen.query_one("#discuss-table")
        await pilot.click(table, offset=(10, 2))  # header is row 0; the second topic is row 2
        await pilot.click(table, offset=(10, 2))
        await wait_until(pilot, lambda: hub.session.current_topic == ranked[1], "clicked topic")


async def test_a_board_opened_mid_retro_shows_only_its_pane_ready_to_use(quiet_env: Path) -> None:
    """The discuss, actions and close panes are made when their phase first comes (a
    browser tab's memory). A board that opens in the middle (a resumed session, someone
    joining late) must still show exactly that pane, drawn, with the keyboard in it."""
    from textual.widgets import ContentSwitcher

    clock = FakeClock(FIXED_NOW)
    launcher = make_launcher(quiet_env, clock)
    session = launcher.create_session(format_key="went-well", title="Sprint 9", team="Web")
    client = await launcher.open(session.id)
    await client.send(c.GoToPhase(phase="write"))
    await client.send(c.AddCard(column="went-well", text="Pairing helped"))
    await client.send(c.AddCard(column="to-improve", text="Slow deploys"))
    for _ in range(3):  # group, vote, discuss
        await client.send(c.NextPhase())
    await launcher.close()

    app = make_app(launcher=make_launcher(quiet_env, clock), session_id=session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        assert hub.session.phase is Phase.DISCUSS
        await wait_until(pilot, lambda: "Slow deploys" in screen_text(app), "the discuss table")
        switcher = board.query_one(ContentSwitcher)
        assert [pane.id for pane in switcher.children if pane.display] == ["pane-discuss"]
        await wait_until(pilot, lambda: app.focused is not None, "focus")
        assert app.focused is not None and app.focused.id == "discuss-table"
        await pilot.press("down", "enter")  # the second topic becomes the current one
        second = hub.session.cards[1].id
        await wait_until(pilot, lambda: hub.session.current_topic == second, "current topic")

        await pilot.press("greater_than_sign")  # actions: made ahead, while discussing
        await wait_until(pilot, lambda: hub.session.phase is Phase.ACTIONS, "actions")
        await wait_until(
            pilot,
            lambda: [p.id for p in switcher.children if p.display] == ["pane-actions"],
            "only the actions pane",
        )

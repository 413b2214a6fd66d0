"""The live room's keys on the board: h raises a hand, H works the queue, D says ready in
any phase, C asks everyone to confirm, r reacts, o comments — each pressed with Pilot,
and the react and comment dialogs typed in one burst like a lagging browser tab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from textual.pilot import Pilot

from retro_tui.domain import commands as c
from retro_tui.domain.phases import Phase
from retro_tui.domain.room import ReactionKind
from retro_tui.domain.room_views import counts_of
from retro_tui.hub.hub import Hub
from retro_tui.ui.app import RetroApp, make_app
from retro_tui.ui.board import keys
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from tests.support.key_bursts import DOWN, ENTER, burst, random_texts
from tests.support.ui import (
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    settle,
    wait_for_board,
    wait_until,
)
from tests.ui.test_ui_presenter import _at_phase, _hosted

SIZE = (120, 40)


def _app(folder: Path) -> RetroApp:
    launcher = make_launcher(folder)
    session = launcher.create_session(format_key="went-well", title="Room", team="Web")
    return make_app(launcher=launcher, session_id=session.id)


async def _discussing(pilot: Pilot[None], board: BoardScreen) -> str:
    """Two cards, discussed; returns the selected (current) item."""
    await board.client.send(c.GoToPhase(phase="write"))
    for text in ("Slow deploys", "Flaky tests"):
        await board.client.send(c.AddCard(column="to-improve", text=text))
    for _ in range(3):
        await board.client.send(c.NextPhase())
    await wait_until(pilot, lambda: board.selected_target() is not None, "the topic list")
    await wait_until(pilot, lambda: pilot.app.focused is not None, "the list focused")
    target = board.selected_target()
    assert target is not None
    return target


async def test_h_raises_and_lowers_my_hand_and_the_count_shows(quiet_env: Path) -> None:
    app = _app(quiet_env)
    async with app.run_test(size=SIZE) as pilot:
        board, hub = await open_board(pilot)
        ann = await join_participant(hub, "Ann")
        await ann.send(c.RaiseHand())
        await pilot.press("h")
        await wait_until(pilot, lambda: len(hub.session.hands) == 2, "my hand up")
        await settle(pilot, board, hub)
        assert "2 hands up" in screen_text(app)
        await pilot.press("h")
        await wait_until(pilot, lambda: len(hub.session.hands) == 1, "my hand down")
        await settle(pilot, board, hub)
        assert "1 hand up" in screen_text(app)


async def test_H_shows_the_queue_in_order_and_lowers_the_picked_hand(quiet_env: Path) -> None:
    app = _app(quiet_env)
    async with app.run_test(size=SIZE) as pilot:
        board, hub = await open_board(pilot)
        ann = await join_participant(hub, "Ann")
        bob = await join_participant(hub, "Bob")
        await bob.send(c.RaiseHand())
        await ann.send(c.RaiseHand())
        await settle(pilot, board, hub)
        await pilot.press("H")
        await wait_until(pilot, lambda: not isinstance(app.screen, BoardScreen), "the queue")
        text = screen_text(app)
        assert "1. Bob — raised just now" in text and "2. Ann" in text
        assert text.index("1. Bob") < text.index("2. Ann")
        await pilot.press("down", "enter")  # Ann's hand, second in the queue
        await wait_until(pilot, lambda: len(hub.session.hands) == 1, "Ann's hand lowered")
        assert hub.session.hands[0].participant == bob.you


async def test_D_says_ready_in_any_phase_and_C_asks_everyone_then_resets(quiet_env: Path) -> None:
    app = _app(quiet_env)
    async with app.run_test(size=SIZE) as pilot:
        board, hub = await open_board(pilot)
        await join_participant(hub, "Ann")
        await board.client.send(c.GoToPhase(phase="review"))
        await settle(pilot, board, hub)
        await pilot.press("D")
        await wait_until(pilot, lambda: hub.session.ready.people != (), "ready")
        await settle(pilot, board, hub)
        assert "1 of 2 ready" in screen_text(app)
        await pilot.press("C")
        await wait_until(pilot, lambda: hub.session.ready.requested, "the request")
        await settle(pilot, board, hub)
        text = screen_text(app)
        assert "Confirm you are ready (D)" in text and "0 of 2 ready" in text
        await pilot.press("C")
        await wait_until(pilot, lambda: not hub.session.ready.requested, "the reset")
        await settle(pilot, board, hub)
        assert "Confirm you are ready" not in screen_text(app)


async def test_r_with_the_pick_typed_in_one_burst_reacts_with_that_kind(quiet_env: Path) -> None:
    app = _app(quiet_env)
    async with app.run_test(size=SIZE) as pilot:
        board, hub = await open_board(pilot)
        target = await _discussing(pilot, board)
        burst(app, "r" + DOWN + ENTER)  # the second kind: love
        await wait_until(pilot, lambda: len(hub.session.reactions) == 1, "the reaction")
        assert counts_of(hub.session, target)[ReactionKind.LOVE] == 1
        await settle(pilot, board, hub)
        await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        assert "♥ love 1" in screen_text(app)
        burst(app, "r" + DOWN + ENTER)  # again: taken back
        await wait_until(pilot, lambda: hub.session.reactions == (), "taken back")


async def test_o_with_its_text_typed_in_one_burst_comments_literally(quiet_env: Path) -> None:
    app = _app(quiet_env)
    async with app.run_test(size=SIZE) as pilot:
        board, hub = await open_board(pilot)
        target = await _discussing(pilot, board)
        burst(app, "o" + "[bold]needs[/] a slot" + ENTER)
        await wait_until(pilot, lambda: len(hub.session.comments) == 1, "the comment")
        assert hub.session.comments[0].text == "[bold]needs[/] a slot"
        assert hub.session.comments[0].target == target
        await settle(pilot, board, hub)
        await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        detail = screen_text(app)
        assert "[bold]needs[/] a slot — Fay" in detail
        assert "1 comment" in region(board)
        # Texts made of the board's own keys (r, o, h, D, C among them), each in one burst
        # with the key that opens the dialog: every letter lands in the comment.
        texts = [*random_texts(12, seed=16), "rohDCH ro"]
        for count, typed in enumerate(texts, start=2):
            burst(app, "o" + typed + ENTER)
            await wait_until(pilot, _comments_at_least(hub, count), typed)
            await wait_until(pilot, lambda: app.key_gate.idle, "every key handled")
        assert [x.text for x in hub.session.comments[1:]] == texts
        assert hub.session.reactions == () and hub.session.hands == ()


def _comments_at_least(hub: Hub, count: int) -> Callable[[], bool]:
    return lambda: len(hub.session.comments) >= count


def region(board: BoardScreen) -> str:
    table = board.query_one(DiscussPane).table
    return " ".join(str(cell) for row in range(table.row_count) for cell in table.get_row_at(row))


async def test_participants_get_no_queue_or_confirm_key_and_a_shared_screen_no_hand_key(
    quiet_env: Path,
) -> None:
    app = _app(quiet_env)
    async with app.run_test(size=SIZE) as pilot:
        board, hub = await open_board(pilot)
        ann = await join_participant(hub, "Ann")
        theirs = ann.conn.current_view()
        for action in ("hands", "ask_ready"):
            assert board.check_action(action, ()) is True
            assert not keys.allowed(action, theirs)
        assert keys.allowed("raise_hand", theirs) and keys.allowed("mark_done", theirs)
        assert board.view is not None
        shared = replace(board.view, presenting=True)
        assert not keys.allowed("raise_hand", shared)
        assert keys.allowed("hands", shared) and keys.allowed("ask_ready", shared)


async def test_the_presenting_screen_shows_counts_and_comments_but_no_queue_names() -> None:
    hub, board_client, seat, ann = await _hosted()
    app = make_app(client=board_client)
    async with app.run_test(size=(160, 48)) as pilot:
        board = await wait_for_board(pilot)
        await ann.send(c.RaiseHand())
        await seat.send(c.RaiseHand())
        for _ in range(3):
            await seat.send(c.NextPhase())
        await _at_phase(pilot, board, Phase.DISCUSS)
        target = hub.session.current_topic
        assert target is not None
        await ann.send(c.React(target=target, kind="idea"))
        await ann.send(c.AddComment(target=target, text="zq comment zq"))
        await settle(pilot, board, hub)
        text = screen_text(app)
        assert "2 hands up" in text
        assert "✦ idea 1" in text and "zq comment zq" in text
        assert board.check_action("hands", ()) is True  # the queue opens in a dialog only
        assert board.check_action("raise_hand", ()) is False
        assert all(h.participant == "" for h in (board.view.session.hands if board.view else ()))

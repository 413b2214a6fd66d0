"""The presenting board (the facilitator's screen-shared terminal) in every phase: it
never draws the facilitator's drafts or votes or, in anonymous mode, who wrote what; it
shows the topic under discussion large; and it offers no keys that write or vote as the
facilitator, who does that from their private seat."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widget import Widget

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.domain.phases import Phase
from retro_tui.hub.hub import Hub
from retro_tui.ui.app import RetroApp, make_app
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.widgets.columns import ColumnsBoard
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.support.ui import screen_text, wait_for_board, wait_until

SECRET = "my private draft about the CFO"
ANNS = "ann's card on slow approvals"
SIZE = (160, 48)


async def _hosted(anonymous: bool = False) -> tuple[Hub, LocalClient, LocalClient, LocalClient]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    board = LocalClient(hub, "terminal", Role.FACILITATOR, presenting=True)
    await board.join("Fay")
    seat = LocalClient(hub, "browser-fay", Role.FACILITATOR)
    await seat.join("fay")
    ann = LocalClient(hub, "browser-ann", Role.PARTICIPANT)
    await ann.join("Ann")
    if anonymous:
        await seat.send(c.ChangeSettings(anonymous=True))
    await seat.send(c.GoToPhase(phase="write"))
    await seat.send(c.AddCard(column="good", text=SECRET))
    await ann.send(c.AddCard(column="bad", text=ANNS))
    return hub, board, seat, ann


def region_text(app: RetroApp, widget: Widget) -> str:
    """What is drawn inside `widget`'s region of the screen."""
    region = widget.region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


async def _at_phase(pilot: Pilot[None], board: BoardScreen, phase: Phase) -> None:
    await wait_until(
        pilot,
        lambda: board.view is not None and board.view.session.phase is phase,
        f"the {phase.value} phase",
    )
    for _ in range(3):
        await pilot.pause()


async def test_presenting_board_through_write_vote_and_discuss() -> None:
    hub, client, seat, ann = await _hosted()
    app = make_app(client=client)
    async with app.run_test(size=SIZE) as pilot:
        board = await wait_for_board(pilot)
        await _at_phase(pilot, board, Phase.WRITE)
        assert board.view is not None and board.view.presenting
        text = screen_text(app)
        assert "Presenting" in text and "private cards and votes stay on your own seat" in text
        assert "CFO" not in text and "slow approvals" not in text
        assert "Everyone writes on their own screen" in text
        # Writing as oneself is not offered on the shared screen; running the retro is.
        for action in ("add_card", "edit_card", "delete_card", "move_card", "mark_done"):
            assert board.check_action(action, ()) is False, action
        for action in ("next_phase", "timer_toggle", "timer_extend", "toggle_presenting"):
            assert board.check_action(action, ()) is True, action

        # Group: revealed cards carry names, and the facilitator's is their name, not "you".
        await seat.send(c.NextPhase())
        await _at_phase(pilot, board, Phase.GROUP)
        columns = region_text(app, board.query_one(ColumnsBoard))
        assert "CFO" in columns and "— Fay" in columns and "— you" not in columns
        assert board.check_action("add_card", ()) is False
        assert board.check_action("edit_card", ()) is False
        assert board.check_action("group", ()) is True  # facilitation stays

        # Vote: the facilitator votes at the private seat; the shared screen shows no dots,
        # no "votes left" of theirs, and no totals yet.
        await seat.send(c.NextPhase())
        target = hub.session.cards[1].id
        await seat.send(c.CastVote(target=target))
        await seat.send(c.CastVote(target=target))
        await ann.send(c.CastVote(target=target))
        await _at_phase(pilot, board, Phase.VOTE)
        text = screen_text(app)
        assert "●" not in text and "votes left" not in text and "2 votes" not in text
        assert "Vote on your own screen" in text
        assert board.check_action("vote", ()) is False
        assert board.check_action("unvote", ()) is False

        # Discuss: the topic under discussion is big, its vote total in large digits.
        await seat.send(c.NextPhase())
        await seat.send(c.Discuss(target=target))
        await _at_phase(pilot, board, Phase.DISCUSS)
        await wait_until(
            pilot,
            lambda: "slow approvals" in region_text(app, board.query_one("#discuss-now")),
            "the current topic in the large panel",
        )
        now = board.query_one("#discuss-now")
        assert now.display and now.region.height >= 5
        assert now.region.width > board.query_one("#discuss-table").region.width
        assert "Discussing now" in region_text(app, now)
        assert board.check_action("discuss", ()) is True
        assert board.check_action("notes", ()) is True


async def test_check_in_answers_stay_off_the_shared_screen() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    client = LocalClient(hub, "terminal", Role.FACILITATOR, presenting=True)
    await client.join("Fay")
    ann = LocalClient(hub, "browser-ann", Role.PARTICIPANT)
    await ann.join("Ann")
    await ann.send(c.CheckIn(word="exhausted", mood=2))
    app = make_app(client=client)
    async with app.run_test(size=SIZE) as pilot:
        board = await wait_for_board(pilot)
        await _at_phase(pilot, board, Phase.CHECKIN)
        await wait_until(pilot, lambda: "1 of 2 checked in" in screen_text(app), "the count")
        assert "exhausted" not in screen_text(app)
        assert board.check_action("check_in", ()) is False


async def test_anonymous_group_shows_no_authors_on_the_shared_screen() -> None:
    _, client, seat, _ = await _hosted(anonymous=True)
    app = make_app(client=client)
    async with app.run_test(size=SIZE) as pilot:
        board = await wait_for_board(pilot)
        await seat.send(c.NextPhase())
        await _at_phase(pilot, board, Phase.GROUP)
        columns = region_text(app, board.query_one(ColumnsBoard))
        assert "CFO" in columns and "slow approvals" in columns
        for name in ("Fay", "Ann", "you", "—"):
            assert name not in columns, name


async def test_toggling_presenting_off_shows_the_own_view() -> None:
    _, client, _, _ = await _hosted()
    app = make_app(client=client)
    async with app.run_test(size=SIZE) as pilot:
        board = await wait_for_board(pilot)
        await _at_phase(pilot, board, Phase.WRITE)
        assert "CFO" not in screen_text(app)
        await pilot.press("P")
        await wait_until(
            pilot, lambda: board.view is not None and not board.view.presenting, "own view"
        )
        await wait_until(pilot, lambda: "CFO" in screen_text(app), "the own draft")
        assert "Presenting" not in screen_text(app)
        assert board.check_action("add_card", ()) is True
        await pilot.press("P")
        await wait_until(pilot, lambda: board.view is not None and board.view.presenting, "shared")
        await wait_until(pilot, lambda: "CFO" not in screen_text(app), "the draft hidden again")


async def test_solo_board_is_not_presenting_and_a_socket_client_cannot_toggle() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    client = LocalClient(hub, "terminal", Role.FACILITATOR)
    await client.join("Fay")
    app = make_app(client=client)
    async with app.run_test(size=SIZE) as pilot:
        board = await wait_for_board(pilot)
        assert board.view is not None and not board.view.presenting
        assert not board.query_one("#presenting-banner").display
        assert board.check_action("toggle_presenting", ()) is True

        class NoPresenting:
            """Stands in for a SocketClient: no `set_presenting`."""

        board.client = NoPresenting()  # type: ignore[assignment]
        assert board.check_action("toggle_presenting", ()) is False
        board.client = client

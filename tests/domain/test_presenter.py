"""The shared screen never shows private data: the facilitator's drafts and votes, or who
wrote what in anonymous mode. The facilitator writes and votes from a private seat."""

from __future__ import annotations

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.ui.app import make_app
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session

SECRET = "my private draft about the CFO"


async def _hosted(anonymous: bool = False) -> tuple[Hub, LocalClient, LocalClient, LocalClient]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    board = LocalClient(hub, "terminal", Role.FACILITATOR, presenting=True)
    await board.join("Fay")
    seat = LocalClient(hub, "browser-fay", Role.FACILITATOR)
    assert await seat.join("fay") == board.you  # the same person, at a private seat
    ann = LocalClient(hub, "browser-ann", Role.PARTICIPANT)
    await ann.join("Ann")
    if anonymous:
        await seat.send(c.ChangeSettings(anonymous=True))
    await seat.send(c.GoToPhase(phase="write"))
    await seat.send(c.AddCard(column="good", text=SECRET))
    await ann.send(c.AddCard(column="bad", text="ann's card"))
    return hub, board, seat, ann


async def test_shared_board_hides_facilitator_drafts_while_private_seat_shows_them() -> None:
    _, board, seat, _ = await _hosted()
    shared = board.current_view()
    assert shared.presenting
    assert SECRET not in repr(shared)
    assert all(card.hidden for card in shared.session.cards)
    assert SECRET in repr(seat.current_view())


async def test_shared_board_hides_facilitator_votes_until_the_vote_ends() -> None:
    hub, board, seat, _ = await _hosted()
    await seat.send(c.NextPhase())
    await seat.send(c.NextPhase())
    target = hub.session.cards[1].id
    await seat.send(c.CastVote(target=target))
    assert board.current_view().session.votes == ()
    assert len(seat.current_view().session.votes) == 1
    await seat.send(c.NextPhase())
    assert len(board.current_view().session.votes) == 1


async def test_shared_board_in_anonymous_mode_shows_no_authors() -> None:
    _, board, seat, _ = await _hosted(anonymous=True)
    await seat.send(c.NextPhase())
    shared = board.current_view().session
    assert [card.author for card in shared.cards] == ["", ""]
    assert SECRET in [card.text for card in shared.cards]


async def test_a_participant_cannot_take_the_facilitators_name() -> None:
    hub, _, _, _ = await _hosted()
    impostor = LocalClient(hub, "browser-x", Role.PARTICIPANT)
    with pytest.raises(Refused, match="Fay is the facilitator of this retro"):
        await impostor.join("Fay")


async def test_presenter_screen_never_renders_private_text() -> None:
    _, board, _, _ = await _hosted()
    app = make_app(client=board)
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(20):
            await pilot.pause()
        rendered = app.export_screenshot()
        assert "Write" in rendered
        assert "CFO" not in rendered
        assert "ann&#x27;s card" not in rendered and "ann's card" not in rendered

"""A browser participant on the same hub: joining, face-down cards, no facilitator keys."""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path

from retro_tui.client import HubClient, LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.domain.phases import Phase
from retro_tui.ui.app import make_app
from retro_tui.ui.board import keys
from retro_tui.ui.screens.checkin_dialog import CheckInDialog
from retro_tui.ui.screens.join import JoinScreen
from retro_tui.ui.widgets.card import FACE_DOWN
from tests.support.ui import (
    make_launcher,
    screen_text,
    type_text,
    wait_for_board,
    wait_until,
)

FACILITATOR_KEYS = [action for action, rule in keys.RULES.items() if rule.facilitator]


async def test_participant_joins_sees_face_down_cards_and_no_facilitator_keys(
    quiet_env: Path,
) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 7", team="Web")
    facilitator = await launcher.open(session.id)
    assert launcher.hub is not None
    await facilitator.send(c.GoToPhase(phase="write"))
    await facilitator.send(c.AddCard(column="went-well", text="Secret praise for Sam"))

    client = LocalClient(launcher.hub, "browser-1", Role.PARTICIPANT)
    app = make_app(client=client, clock=launcher.clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, JoinScreen)
        await type_text(pilot, "fay")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "facilitator" in screen_text(app), "the refusal")
        assert "Fay is the facilitator of this retro. Pick another name." in screen_text(app)
        assert isinstance(app.screen, JoinScreen)

        await pilot.press(*["backspace"] * 3)
        await type_text(pilot, "Maya")
        await pilot.press("enter")
        board = await wait_for_board(pilot)
        assert board.view is not None and not board.view.is_facilitator
        await wait_until(pilot, lambda: FACE_DOWN in screen_text(app), "a face-down card")
        assert "Secret praise" not in screen_text(app)

        for action in FACILITATOR_KEYS:
            assert board.check_action(action, ()) is False, action
        shown = {active.binding.action for active in board.active_bindings.values()}
        assert "next_phase" not in shown and "timer_toggle" not in shown
        assert "Next phase" not in screen_text(app)
        assert board.check_action("add_card", ()) is True

        # The participant writes a card; the facilitator's copy shows it face-down too.
        await pilot.press("a")
        await type_text(pilot, "More demos")
        await pilot.press("enter")
        hub = launcher.hub
        assert hub is not None
        await wait_until(pilot, lambda: len(hub.session.cards) == 2, "the new card")
        mine = hub.session.cards[-1]
        assert mine.author == client.you
        hidden = [card for card in facilitator.current_view().session.cards if card.hidden]  # type: ignore[attr-defined]
        assert [card.id for card in hidden] == [mine.id]

        # Reveal: the facilitator moves on and the participant sees the text.
        await facilitator.send(c.NextPhase())
        await wait_until(pilot, lambda: board.view.session.phase is Phase.GROUP, "group")  # type: ignore[union-attr]
        await wait_until(pilot, lambda: "Secret praise for Sam" in screen_text(app), "revealed")
        assert board.check_action("group", ()) is False
    await launcher.close()


async def test_browser_participant_connects_over_the_socket(quiet_env: Path) -> None:
    from retro_tui.client import SocketClient
    from retro_tui.hub.server import HubServer

    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Sprint 8", team="Web")
    await launcher.open(session.id)
    assert launcher.hub is not None
    server = HubServer(launcher.hub, quiet_env / "hub.sock")
    await server.start()

    def connect() -> Awaitable[HubClient]:
        return SocketClient.connect(server.path, "cookie-1", Role.PARTICIPANT)

    app = make_app(connect=connect, clock=launcher.clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JoinScreen), "join screen")
        await type_text(pilot, "Ola")
        await pilot.press("enter")
        board = await wait_for_board(pilot)
        assert board.view is not None and board.view.me is not None
        assert board.view.me.name == "Ola"
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CheckInDialog), "check-in dialog")
        await type_text(pilot, "rested")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: any(p.checkin_word == "rested" for p in launcher.hub.session.participants),  # type: ignore[union-attr]
            "a check-in over the socket",
        )
    await server.stop()
    await launcher.close()

"""Seats on screen: the shared board never draws the facilitator link; the People dialog
releases, removes and locks; a person taken off the board is back at the join screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hosting import HostOptions
from retro_tui.hub.hub import Hub
from retro_tui.ui.app import make_app
from retro_tui.ui.entry import HostApp
from retro_tui.ui.screens.join import JoinScreen
from retro_tui.ui.screens.people import PeopleDialog
from retro_tui.ui.screens.share import ShareScreen
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.support.ui import (
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    wait_for_board,
    wait_until,
)


async def test_the_shared_screen_never_draws_the_facilitator_link(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Shared")
    app = HostApp(launcher, session.id, HostOptions(port=0))
    async with app.run_test(size=(160, 60)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ShareScreen), "the share dialog")
        assert app.live is not None and app.live.web is not None
        secret = app.live.facilitator_url.split("join=")[1]
        participant = app.live.participant_url.split("join=")[1]
        await wait_until(pilot, lambda: participant in screen_text(app), "the participant link")
        assert secret not in screen_text(app)
        await pilot.press("ctrl+k")
        await wait_until(pilot, lambda: app.clipboard == app.live.facilitator_url, "the copy")  # type: ignore[union-attr]
        await pilot.pause()
        assert secret not in screen_text(app)
        await pilot.press("escape")
        await wait_for_board(pilot)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert secret not in screen_text(app)


async def test_new_links_from_the_board_replace_the_old_ones(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Rotate")
    app = HostApp(launcher, session.id, HostOptions(port=0))
    async with app.run_test(size=(160, 60)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ShareScreen), "the share dialog")
        assert app.live is not None
        old = app.live.participant_url
        await pilot.press("escape")
        await wait_for_board(pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: "Make new links?" in screen_text(app), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ShareScreen), "the new link")
        new = app.live.participant_url
        assert new != old
        await wait_until(pilot, lambda: new.split("join=")[1] in screen_text(app), "it shown")


async def test_the_people_dialog_releases_removes_and_locks(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="People")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(140, 40)) as pilot:
        _, hub = await open_board(pilot)
        bob = await join_participant(hub, "Bob")
        await join_participant(hub, "Ann")
        await pilot.press("W")
        await wait_until(pilot, lambda: isinstance(app.screen, PeopleDialog), "the dialog")
        await wait_until(pilot, lambda: "Bob  online" in screen_text(app), "Bob online")
        await pilot.press("r")  # Bob is highlighted first
        await wait_until(pilot, lambda: hub.session.participants[1].seat == "", "the release")
        assert bob.conn.pid is None
        await wait_until(pilot, lambda: "Bob  seat free" in screen_text(app), "Bob's free seat")
        await pilot.press("down", "x")
        await wait_until(pilot, lambda: "Remove Ann" in screen_text(app), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(hub.session.participants) == 2, "Ann removed")
        await pilot.press("l")
        await wait_until(pilot, lambda: hub.session.settings.joining_locked, "locked joining")
        await wait_until(pilot, lambda: "Joining is locked" in screen_text(app), "the lock shown")


async def test_two_hundred_ghost_seats_go_with_one_question_and_the_people_here_stay(
    quiet_env: Path,
) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="Ghosts")
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(140, 40)) as pilot:
        _, hub = await open_board(pilot)
        hub.max_online = 100  # `--max-participants 100`: room for 200 seats
        ann = await join_participant(hub, "Ann")
        for n in range(199):
            ghost = await join_participant(hub, f"ghost{n}")
            await ghost.close()
        with pytest.raises(Refused, match="no more seats"):
            await join_participant(hub, "Bea")
        await pilot.press("W")
        await wait_until(pilot, lambda: isinstance(app.screen, PeopleDialog), "the dialog")
        await pilot.press("o")
        await wait_until(pilot, lambda: "Remove the 199 people" in screen_text(app), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(hub.session.participants) == 2, "the ghosts gone")
        assert ann.you in {p.id for p in hub.session.participants}
        await join_participant(hub, "Bea")
        await wait_until(pilot, lambda: "Ann  online" in screen_text(app), "Ann still listed")


async def test_someone_taken_off_the_board_is_back_at_the_join_screen() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac = LocalClient(hub, "terminal", Role.FACILITATOR)
    await fac.join("Fay")
    bob = LocalClient(hub, "browser-bob", Role.PARTICIPANT)
    await bob.join("Bob")
    app = make_app(client=bob)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for_board(pilot)
        await fac.send(c.RemoveParticipant(participant=hub.session.participants[1].id))
        await wait_until(pilot, lambda: isinstance(app.screen, JoinScreen), "the join screen")
        await wait_until(
            pilot,
            lambda: any("took you off the board" in n.message for n in app._notifications),
            "the reason",
        )

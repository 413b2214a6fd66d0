"""The terminal board on a phone-sized terminal: the join screen names the retro, and the
phase bar still says which phase it is when 40 columns or fewer are all there is."""

from __future__ import annotations

from pathlib import Path

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.domain.phases import phases_of
from retro_tui.ui.app import make_app
from retro_tui.ui.screens.join import JoinScreen
from retro_tui.ui.widgets.phase_bar import phase_bar_text
from tests.support.ui import make_launcher, screen_text, wait_for_board, wait_until


def test_the_narrowest_phase_bar_names_the_phase_and_where_it_is() -> None:
    for shown in (phases_of(False), phases_of(True)):  # with the Data step and without
        for index, phase in enumerate(shown, start=1):
            text = phase_bar_text(phase, level=3, phases=shown)
            assert phase.label in text.plain and f"{index}/{len(shown)}" in text.plain
            assert text.cell_len <= 22


async def test_a_phone_sized_board_names_the_retro_on_joining_and_the_phase_after(
    quiet_env: Path,
) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(format_key="went-well", title="[b]Q3[/b] launch")
    facilitator = await launcher.open(session.id)
    assert launcher.hub is not None
    await facilitator.send(c.GoToPhase(phase="write"))
    for _ in range(3):
        await facilitator.send(c.NextPhase())  # group, vote, discuss
    client = LocalClient(launcher.hub, "phone-1", Role.PARTICIPANT)
    app = make_app(client=client, clock=launcher.clock)
    async with app.run_test(size=(40, 40)) as pilot:  # a 390 px wide phone
        assert isinstance(app.screen, JoinScreen)
        await wait_until(pilot, lambda: "[b]Q3[/b]" in screen_text(app), "the title")
        await pilot.press(*"Maya", "enter")
        await wait_for_board(pilot)
        await wait_until(pilot, lambda: " Discuss 6/8" in screen_text(app), "the phase")
    await launcher.close()

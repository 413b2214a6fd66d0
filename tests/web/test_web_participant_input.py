"""What a browser types into the real participant app: a name over the limit is refused
with the limit, not cut. Through a real web server, a real hub and the real participant
app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from retro_tui.domain.text import NAME_MAX
from retro_tui.hosting import HostOptions, LiveSession
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[LiveSession]:
    launcher = LocalLauncher(SessionStore(tmp_path), facilitator_name="Fay")
    session = launcher.create_session(format_key="went-well", title="Names")
    await launcher.open(session.id)
    assert launcher.hub is not None
    running = LiveSession(launcher.hub, HostOptions(port=0))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        await launcher.close()


async def test_a_name_over_the_limit_is_refused_with_the_limit_not_cut(live: LiveSession) -> None:
    async with TermClient(live.participant_url, width=120, height=36) as tab:
        await tab.wait_for_text("Your name", timeout=30)
        await tab.send_keys("n" * 200 + "\r")
        await tab.wait_for_text(f"at most {NAME_MAX} characters; this has", timeout=60)
        assert live.hub_server is not None
        assert not [p for p in live.hub_server.hub.session.participants if "nnn" in p.name]

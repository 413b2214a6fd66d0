"""A browser participant downloads the Markdown notes: the real participant app asks
textual-serve to deliver the file, and the page fetches it with its own cookie."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from retro_tui.domain import commands as c
from retro_tui.hosting import HostOptions, LiveSession
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow


async def _wait_for_url(client: TermClient, timeout: float = 20) -> str:
    """The page is told a delivery key, then fetches `/download/<key>`."""
    async with asyncio.timeout(timeout):
        while True:
            for message in client.messages:
                if isinstance(message, list) and message[:1] == ["deliver_file_start"]:
                    return f"/download/{message[1]}"
            await asyncio.sleep(0.05)


async def test_participant_downloads_the_notes(tmp_path: Path) -> None:
    launcher = LocalLauncher(SessionStore(tmp_path), facilitator_name="Fay")
    session = launcher.create_session(format_key="went-well", title="Download [b]retro[/b]")
    fac = await launcher.open(session.id)
    assert launcher.hub is not None
    live = LiveSession(launcher.hub, HostOptions(port=0))
    await live.start()
    try:
        async with TermClient(live.participant_url, width=120, height=36) as ann:
            await ann.wait_for_text("Your name", timeout=30)
            await ann.send_keys("Ann\r")
            await ann.wait_for_text("online", timeout=15)
            await fac.send(c.GoToPhase(phase="write"))
            await fac.send(c.AddCard(column="went-well", text="Pairing <b>helped</b>"))
            for _ in range(5):
                await fac.send(c.NextPhase())
            await ann.wait_for_text("Download notes", timeout=15)
            await ann.send_keys("x")
            url = await _wait_for_url(ann)
            status, body = await ann.fetch(url)
            assert status == 200
            notes = body.decode()
            assert notes.startswith("# Download \\[b\\]retro\\[/b\\]")
            assert "Pairing \\<b\\>helped\\</b\\>" in notes
            assert live.web is not None
            stranger = TermClient(None, server_url=live.web.public_url)  # no cookie
            try:
                stranger_status, _ = await stranger.fetch(url)
            finally:
                await stranger.close()
            assert stranger_status == 403
    finally:
        await live.stop()
        await launcher.close()

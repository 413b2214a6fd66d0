"""A browser tab typing in bursts: each burst is ONE stdin packet of textual-serve's page.

A laggy connection delivers what was typed meanwhile in one packet. The real host
(`retro-tui serve`) spawns the tab's app; the outcome is read from the session file.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.store import SessionStore
from tests.support.key_bursts import ENTER, random_texts
from tests.support.termclient import TermClient
from tests.support.ui import make_launcher

pytestmark = pytest.mark.slow

GUARD = 60.0  # seconds: only so that a lost key fails the test instead of hanging it
FAMILY = "Offsite with kids \U0001f468\u200d\U0001f469\u200d\U0001f467 worked"


async def _session_in_write_phase(folder: Path) -> str:
    launcher = make_launcher(folder)
    session = launcher.create_session(format_key="went-well", title="Tab", team="Web")
    client = await launcher.open(session.id)
    await client.send(c.GoToPhase(phase="write"))
    await launcher.close()
    return session.id


async def _wait_for(condition: Callable[[], bool], what: str, tab: TermClient) -> None:
    async with asyncio.timeout(GUARD):
        while not condition():
            if tab.close_code is not None:
                raise AssertionError(f"the tab closed while waiting for {what}")
            await asyncio.sleep(0.02)  # polling the file; the condition is what we wait for


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[tuple[str, SessionStore, str]]:
    """A real `retro-tui serve` of a session in the write phase: its participant link."""
    session_id = await _session_in_write_phase(tmp_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "retro_tui",
        "--sessions-dir",
        str(tmp_path / "sessions"),
        "serve",
        session_id,
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    url = ""
    try:
        async with asyncio.timeout(GUARD):
            while not (line := (await process.stdout.readline()).decode()).startswith("Press"):
                if "Participants:" in line:
                    url = line.split()[-1]
        yield url, SessionStore(tmp_path / "sessions"), session_id
    finally:
        process.terminate()
        await process.wait()


async def test_cards_sent_as_one_stdin_packet_each_are_saved_exactly(
    host: tuple[str, SessionStore, str],
) -> None:
    url, store, session_id = host

    def session() -> Session:
        return store.load(session_id)

    before = session()
    async with TermClient(url, width=120, height=40) as tab:
        await tab.wait_for_text("Your name", timeout=GUARD)
        await tab.send_keys("Maya" + ENTER)
        await tab.wait_for_text("Add card", timeout=GUARD)
        # 50 cards: as many as one participant may write (the per-person quota).
        texts = ["adeploys were slow", FAMILY, *random_texts(48, seed=7)]

        def cards_at_least(n: int) -> Callable[[], bool]:
            return lambda: len(session().cards) >= n

        for count, text in enumerate(texts, start=1):
            await tab.send_keys("a" + text + ENTER)
            await _wait_for(cards_at_least(count), f"card {count}", tab)
    after = session()
    assert [card.text for card in after.cards] == texts
    assert (after.phase, after.timer, after.votes) == (before.phase, before.timer, ())

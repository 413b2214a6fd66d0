"""The real `retro-tui` board under a pseudo-terminal, typed at in bursts.

Each burst is ONE write to the terminal — `a`, a card's text and Enter together — as a
fast typist, a paste or a lagging link delivers it. The screen is read with pyte, the
outcome from the session file the hub writes. One process serves many bursts.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pyte
import pytest

from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.store import SessionStore
from tests.support.key_bursts import DOWN, ENTER, random_texts
from tests.support.ui import make_launcher

pytestmark = pytest.mark.slow

WIDTH, HEIGHT = 120, 40
GUARD = 60.0  # seconds: only so that a lost key fails the test instead of hanging it


class TerminalBoard:
    """A `retro-tui open` process on a pty, its screen decoded by pyte."""

    def __init__(self, folder: Path, session_id: str) -> None:
        self.store = SessionStore(folder / "sessions")
        self.session_id = session_id
        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.Stream(self.screen)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "RETRO_TUI_FORMATS_DIR": str(folder / "formats"),
            "XDG_CONFIG_HOME": str(folder / "config"),
            "RETRO_TUI_NAME": "Fay",
        }
        args = ["-m", "retro_tui", "--sessions-dir", str(folder / "sessions")]
        self.child = pexpect.spawn(
            sys.executable,
            [*args, "open", session_id],
            env=env,
            dimensions=(HEIGHT, WIDTH),
            encoding="utf-8",
            codec_errors="replace",
        )

    def pump(self) -> None:
        """Read what the app drew so far (it would block on a full pty otherwise)."""
        while True:
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.05))
            except pexpect.TIMEOUT:
                return

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def session(self) -> Session:
        return self.store.load(self.session_id)

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + GUARD
        while not condition():
            if not self.child.isalive():
                raise AssertionError(f"the board exited while waiting for {what}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n{self.text()}")
            self.pump()

    def type(self, data: str) -> None:
        """One write: all of `data` reaches the app in one read."""
        os.write(self.child.child_fd, data.encode("utf-8"))

    def close(self) -> None:
        if self.child.isalive():
            self.type("\x11")  # ctrl+q
            try:
                self.child.expect(pexpect.EOF, timeout=GUARD)
            except pexpect.TIMEOUT:
                self.child.kill(9)
        self.child.close(force=True)


def _session_in_write_phase(folder: Path) -> str:
    launcher = make_launcher(folder)
    session = launcher.create_session(format_key="went-well", title="Typed", team="Web")

    async def to_write() -> None:
        client = await launcher.open(session.id)
        await client.send(c.GoToPhase(phase="write"))
        await launcher.close()

    asyncio.run(to_write())
    return session.id


@pytest.fixture
def board(tmp_path: Path) -> Iterator[TerminalBoard]:
    running = TerminalBoard(tmp_path, _session_in_write_phase(tmp_path))
    try:
        running.wait_for(lambda: "Add card" in running.text(), "the board")
        yield running
    finally:
        running.close()


def test_cards_typed_in_one_write_each_are_saved_exactly_and_nothing_else_moves(
    board: TerminalBoard,
) -> None:
    before = board.session()
    texts = ["adeploys were slow", *random_texts(50, seed=42)]

    def cards_at_least(n: int) -> Callable[[], bool]:
        return lambda: len(board.session().cards) >= n

    def in_phase(phase: Phase) -> Callable[[], bool]:
        return lambda: board.session().phase is phase

    for count, text in enumerate(texts, start=1):
        board.type("a" + text + ENTER)
        board.wait_for(cards_at_least(count), f"card {count}")
    board.wait_for(lambda: "Add card" in board.text(), "the board again")
    after = board.session()
    assert [card.text for card in after.cards] == texts
    assert (after.phase, after.timer, after.votes) == (before.phase, before.timer, ())

    # The discussion list: arrows then Enter in one write act on the row reached.
    for phase in (Phase.GROUP, Phase.VOTE, Phase.DISCUSS):
        board.type(">")
        board.wait_for(in_phase(phase), phase.label)
    board.wait_for(lambda: "Discuss this" in board.text(), "the discussion list")
    before = board.session()
    order = before.ranked_targets()
    assert before.current_topic == order[0]
    board.type(DOWN + DOWN + ENTER)
    board.wait_for(lambda: board.session().revision > before.revision, "a topic chosen")
    assert board.session().current_topic == order[2]

    # Notes typed right after the key that opens their dialog.
    board.type("nd > e [a] space T" + ENTER)
    board.wait_for(lambda: bool(board.session().notes), "the notes")
    after = board.session()
    assert after.notes == {order[2]: "d > e [a] space T"}
    assert (after.phase, after.current_topic) == (Phase.DISCUSS, order[2])
    assert [card.text for card in after.cards] == texts

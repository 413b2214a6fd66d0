"""A host crash mid-vote, in Debian chromium (issue 10, item 4).

`retro-tui serve` runs as a real subprocess; a facilitator and three participants join
in their own browser contexts (own cookies, like four laptops), write and vote. The
host is killed with SIGKILL and the same command is started again: every page, after a
reload, is back as itself with no typing, with its cards and votes, and a fresh browser
that types one of their names is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from retro_tui.domain.model import Session
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from tests.support.browser import BrowserTerminal, chromium

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
PEOPLE = {"Ann": 1, "Bob": 2, "Cat": 1}  # name -> votes cast before the crash


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Host:
    """`retro-tui serve SESSION` in a subprocess; the links come from its banner."""

    def __init__(self, folder: Path, session_id: str, port: int) -> None:
        self.command = [
            sys.executable,
            "-m",
            "retro_tui",
            "serve",
            session_id,
            "--port",
            str(port),
            "--sessions-dir",
            str(folder),
        ]
        self.process: asyncio.subprocess.Process | None = None
        self.links: dict[str, str] = {}

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        assert self.process.stdout is not None
        async with asyncio.timeout(60):
            while "Facilitator" not in self.links:
                line = (await self.process.stdout.readline()).decode()
                assert line, "the host ended before it served"
                label, _, url = line.strip().partition(": ")
                if label in ("Participants", "Facilitator"):
                    self.links[label] = url.strip()

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"waited in vain for {what}") from None


class Person:
    def __init__(self, page: Page, terminal: BrowserTerminal) -> None:
        self.page, self.terminal = page, terminal

    @classmethod
    async def open(cls, browser: Browser, url: str) -> Person:
        context = await browser.new_context(viewport=VIEWPORT)  # own cookies: own laptop
        page = await context.new_page()
        terminal = await BrowserTerminal.attach(page)
        await page.goto(url)
        return cls(page, terminal)

    async def focus(self) -> None:
        await self.page.focus(".xterm-helper-textarea")

    async def press(self, key: str) -> None:
        await self.focus()
        await self.page.keyboard.press(key)

    async def join(self, name: str) -> None:
        await self.terminal.wait_for_text("Your name", timeout=60)
        await self.focus()
        await self.page.keyboard.type(name)
        await self.page.keyboard.press("Enter")
        await self.terminal.wait_for_text("online", timeout=30)

    async def add_card(self, text: str) -> None:
        await self.terminal.wait_for_text("Add card", timeout=30)
        await self.press("a")
        await self.terminal.wait_for_text("500", timeout=30)
        await self.page.keyboard.type(text)
        await self.terminal.wait_for_text(text[-10:], timeout=30)
        await self.page.keyboard.press("Enter")


def saved(folder: Path, session_id: str) -> Session:
    return SessionStore(folder).load(session_id)


def pid_of(session: Session, name: str) -> str:
    return next(p.id for p in session.participants if p.name == name)


async def vote(person: Person, read: Callable[[], Session], pid: str, times: int) -> None:
    """Select a card with the arrows and vote until the saved file has the votes. Where
    the first arrow lands depends on what had focus, so select again only when the first
    vote has clearly not arrived (a slow save must not be taken for a missed key)."""
    await person.terminal.wait_for_text("votes left", timeout=30)  # the vote phase itself
    await person.focus()
    for _ in range(5):
        await person.page.keyboard.press("ArrowDown")
        await person.page.keyboard.press("+")
        with contextlib.suppress(AssertionError):
            await until(lambda: len(read().votes_of(pid)) >= 1, "a first vote", timeout=15)
            break
    for _ in range(times - 1):
        await person.page.keyboard.press("+")
    await until(lambda: len(read().votes_of(pid)) == times, f"{times} saved votes")


async def test_after_kill_9_every_browser_is_back_as_itself_and_names_stay_taken(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    launcher = LocalLauncher(SessionStore(folder), facilitator_name="Fay")
    session_id = launcher.create_session(format_key="went-well", title="Crash retro").id

    def read() -> Session:
        return saved(folder, session_id)

    port = free_port()
    async with chromium() as browser:
        host = Host(folder, session_id, port)
        await host.start()
        try:
            links = dict(host.links)
            fay = await Person.open(browser, links["Facilitator"])
            await fay.join("Fay")
            people = {}
            for name in PEOPLE:
                people[name] = await Person.open(browser, links["Participants"])
                await people[name].join(name)
            await until(lambda: len(read().participants) == 4, "four seats saved")

            await fay.press("s")  # skip check-in and review: write
            await until(lambda: read().phase.value == "write", "the write phase")
            for name, person in people.items():
                await person.add_card(f"{name} wrote this card")
            await until(lambda: len(read().cards) == 3, "three saved cards")
            await fay.press(">")  # group
            await until(lambda: read().phase.value == "group", "the group phase")
            await fay.press(">")  # vote
            await until(lambda: read().phase.value == "vote", "the vote phase")
            before = read()
            for name, times in PEOPLE.items():
                await vote(people[name], read, pid_of(before, name), times)

            await host.kill()  # mid-vote: a crash, nothing saved on the way out
            host = Host(folder, session_id, port)
            await host.start()
            assert host.links == links  # the same links: the cookies still hold

            for person in (fay, *people.values()):
                await person.page.reload()
            await fay.terminal.wait_for_text("Crash retro", timeout=60)
            assert "Your name" not in fay.terminal.screen_text()
            await fay.terminal.wait_for_text("Next phase", timeout=30)  # facilitator keys
            after = read()
            for name, times in PEOPLE.items():
                terminal = people[name].terminal
                await terminal.wait_for_text("Crash retro", timeout=60)
                await terminal.wait_for_text(f"{5 - times} of 5", timeout=30)
                assert "Your name" not in terminal.screen_text()
                pid = pid_of(after, name)
                assert pid == pid_of(before, name)
                assert len(after.votes_of(pid)) == times
                assert [c.text for c in after.cards if c.author == pid] == [
                    f"{name} wrote this card"
                ]

            stranger = await Person.open(browser, links["Participants"])
            await stranger.terminal.wait_for_text("Your name", timeout=60)
            await stranger.focus()
            await stranger.page.keyboard.type("bob")
            await stranger.page.keyboard.press("Enter")
            await stranger.terminal.wait_for_text("already in this retro", timeout=30)
            assert len(read().participants) == 4
        finally:
            await host.stop()

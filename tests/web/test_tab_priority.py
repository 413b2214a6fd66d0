"""The tabs' share of the host's CPU follows the room's size, on real processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from retro_tui.tab_env import NICENESS_ENV
from retro_tui.web.tab_priority import HIGHEST, LOWEST, TABS_OVER_HOST, Rebalancer, niceness_for
from tests.support.termclient import TermClient

ROOT = Path(__file__).resolve().parents[2]


def _weight(niceness: int) -> float:
    return 1024 / 1.25**niceness


def test_a_small_room_runs_its_tabs_near_the_host_and_a_large_one_far_below() -> None:
    assert niceness_for(1) == HIGHEST
    assert niceness_for(12) == 9
    assert niceness_for(100) == 18
    assert niceness_for(10_000) == LOWEST


def test_the_niceness_never_falls_as_tabs_are_added() -> None:
    levels = [niceness_for(n) for n in range(0, 400)]
    assert levels == sorted(levels)
    assert all(HIGHEST <= level <= LOWEST for level in levels)


def test_all_the_tabs_together_weigh_no_more_than_the_host_allows_until_the_lowest_level() -> None:
    for tabs in range(1, 400):
        level = niceness_for(tabs)
        if HIGHEST < level < LOWEST:
            assert tabs * _weight(level) <= TABS_OVER_HOST * 1024 * 1.0001


@pytest.fixture
def sessions() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def _leader(started: list[subprocess.Popen[bytes]]) -> int:
    process = subprocess.Popen(["sleep", "60"], start_new_session=True)
    started.append(process)
    return process.pid


def _niceness_of(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no process priorities here")
def test_tabs_already_running_are_moved_as_the_room_grows_and_shrinks(
    sessions: list[subprocess.Popen[bytes]],
) -> None:
    keeper = Rebalancer()
    first = _leader(sessions)
    keeper.started(first, keeper.next_niceness())
    assert keeper.given == {first: niceness_for(1)}
    others = [_leader(sessions) for _ in range(11)]
    for pid in others:
        keeper.started(pid, keeper.next_niceness())
    assert _niceness_of(first) == niceness_for(12)
    assert set(keeper.given.values()) == {niceness_for(12)}
    for pid in others:
        keeper.ended(pid)
    if os.geteuid() == 0:  # only a privileged host may give CPU back
        assert _niceness_of(first) == niceness_for(1)
    assert keeper.given.keys() == {first}


def _niceness_a_tab_takes(value: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != NICENESS_ENV}
    if value is not None:
        env[NICENESS_ENV] = value
    code = (
        "import os; from retro_tui.participant import yield_to_the_host as y; "
        "y(); print(os.nice(0))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.mark.parametrize(
    ("given", "taken"), [("7", 7), (None, LOWEST), ("bogus", LOWEST), ("-20", 0), ("99", LOWEST)]
)
def test_a_tab_starts_at_the_niceness_the_server_gives_and_never_above_the_host(
    given: str | None, taken: int
) -> None:
    # Without privilege a process can only lower its priority: it stays where it started.
    expected = taken if os.geteuid() == 0 else max(taken, os.nice(0))
    assert _niceness_a_tab_takes(given) == expected


async def _serve(folder: Path) -> tuple[asyncio.subprocess.Process, str]:
    session = LocalLauncher(SessionStore(folder)).create_session(
        format_key="went-well", title="Priorities"
    )
    host = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "retro_tui", "--sessions-dir", str(folder)),
        *("serve", session.id, "--port", "0"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert host.stdout is not None
    url = ""
    async with asyncio.timeout(60):
        while not (line := (await host.stdout.readline()).decode()).startswith("Press Ctrl+C"):
            if "Participants:" in line:
                url = line.split()[-1]
    return host, url


def _tab_levels(host: asyncio.subprocess.Process) -> list[int]:
    """The niceness of each tab's app process under `host` (its group's, where it has one)."""
    levels = []
    for process in psutil.Process(host.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "retro_tui.participant" in " ".join(process.cmdline()):
                levels.append(process.nice())
    return sorted(levels)


async def _until(condition: Callable[[], bool], what: str) -> None:
    async with asyncio.timeout(60):
        while not condition():
            await asyncio.sleep(0.05)
    assert condition(), what


@pytest.mark.slow
async def test_tabs_of_a_real_server_share_the_cpu_by_the_size_of_the_room(
    tmp_path: Path,
) -> None:
    host, url = await _serve(tmp_path)
    clients = [TermClient(url, width=100, height=30) for _ in range(3)]
    try:
        for client in clients:
            await client.connect()
            await client.wait_for_text("Your name", timeout=60)
        await _until(lambda: _tab_levels(host) == [niceness_for(3)] * 3, "three tabs moved")
        await clients[0].close()
        await clients[1].close()
        if os.geteuid() == 0:  # only a privileged host may give CPU back
            await _until(lambda: _tab_levels(host) == [niceness_for(1)], "the last tab raised")
    finally:
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()
        host.kill()
        await host.wait()

"""One app process per browser tab: textual-serve's AppService, with a sure stop.

The web server (`server.py`) decides who may have a tab; this module runs the tab's app
process, relays its output to the browser, and ends it (quit, SIGTERM, SIGKILL) however
it behaves. textual-serve keeps the same split between its Server and its AppService.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from retro_tui.domain.text import make_visible

log = logging.getLogger("retro_tui.web")

STOP_GRACE = 3.0
"""Seconds an app gets to quit (then to obey SIGTERM) before the next, harder step."""
STDERR_TAIL_BYTES: Final = 16 * 1024
APP_FAILED: Final = "The retro app could not start. Tell the facilitator.\r\n"
CLEAR_SCREEN: Final = "\x1b[2J\x1b[H"


class RetroAppService(AppService):
    """One app process for one websocket, with our environment and a sure stop.

    It differs from textual-serve's AppService where the retro needs it to: the
    environment carries role and identity; the process leads its own process group,
    so `stop` ends it even if the shell did not `exec` it; the app's stderr goes to
    our log (bounded), not to our stdout, which may be the facilitator's terminal;
    and `stop` escalates to SIGTERM and SIGKILL instead of waiting forever.
    """

    def __init__(
        self,
        command: str,
        *,
        environment: Mapping[str, str],
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[object]],
        download_manager: DownloadManager,
    ) -> None:
        async def close_remote() -> None:
            await close()

        super().__init__(
            command,
            write_bytes=write_bytes,
            write_str=write_str,
            close=close_remote,
            download_manager=download_manager,
        )
        self._environment = dict(environment)
        self._stopping: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        """The app's session leader, once started (the shell, or the app if exec'd)."""
        return self._process.pid if self._process is not None else None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        """textual-serve's environment plus the role, the identity and the extras."""
        environment: dict[str, str] = super()._build_environment(width=width, height=height)
        environment.update(self._environment)
        return environment

    async def _open_app_process(
        self, width: int = 80, height: int = 24
    ) -> asyncio.subprocess.Process:
        """Start the command as the leader of a new session (see the class docstring)."""
        pipe = asyncio.subprocess.PIPE
        process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=pipe,
            stdout=pipe,
            stderr=pipe,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        self._process = process
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Relay the app's packets to the browser until the app closes its stdout."""
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stderr_tail = bytearray()
        stderr_task = asyncio.create_task(_keep_tail(process.stderr, stderr_tail))
        try:
            if await _saw_prelude(process.stdout):
                await self._relay_packets(process.stdout)
            else:
                await self.remote_write_bytes((CLEAR_SCREEN + APP_FAILED).encode())
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the app exited, or the browser left
        finally:
            await asyncio.wait({stderr_task}, timeout=1.0)
            stderr_task.cancel()
        if stderr_tail:
            # Shown on the host's terminal: a crash message may quote what a person typed.
            text = make_visible(stderr_tail.decode("utf-8", "replace"), multiline=True)
            log.warning("App %r wrote to stderr:\n%s", self.command, text)
        with contextlib.suppress(ConnectionError):
            await self.remote_close()  # a crashed app must not leave a frozen page

    async def _relay_packets(self, stdout: asyncio.StreamReader) -> None:
        """Decode textual's framing (type byte, 4-byte big-endian size, payload)."""
        handlers: dict[bytes, Callable[[bytes], Awaitable[None]]] = {
            b"D": self.on_data,
            b"M": self.on_meta,
            b"P": self.on_packed,
        }
        while True:
            header = await stdout.readexactly(5)
            payload = await stdout.readexactly(int.from_bytes(header[1:], "big"))
            handler = handlers.get(header[:1])
            if handler is not None:
                await handler(payload)

    async def start(self, width: int, height: int) -> None:
        """Spawn the app, unless `stop` came first (the server may stop mid-handshake)."""
        async with self._starting:
            if self._stopping is None:
                await super().start(width, height)

    async def stop(self) -> None:
        """End the app: ask it to quit, then SIGTERM, then SIGKILL. Safe to call twice."""
        if self._stopping is None:
            self._stopping = asyncio.create_task(self._stop_once())
        await asyncio.shield(self._stopping)

    async def _stop_once(self) -> None:
        """Escalate until the relay task ends, then reap the process.

        The task ends when every holder of the app's stdout has closed it, which is
        the app itself even when it is a child of /bin/sh (dash does not `exec`), so
        it, not the shell's exit, tells whether the app is gone.
        """
        async with self._starting:
            pass  # a spawn in progress finishes first, so its process is ended too
        task: asyncio.Task[None] | None = self._task
        process = self._process
        if task is None or process is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if await _finished(task, STOP_GRACE):
                break
            _signal_group(process, sig)
        if not await _finished(task, STOP_GRACE):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if not await _exited(process, STOP_GRACE):  # stdout closed, cleanup may still run
            _signal_group(process, signal.SIGKILL)
            await process.wait()
        self._task = None


async def _end_session(
    service: RetroAppService,
    websocket: web.WebSocketResponse,
    message: bytes = b"The retro server stopped.",
) -> None:
    """Close the page's socket (1001, going away) and end its app, both at once."""
    closing = websocket.close(code=WSCloseCode.GOING_AWAY, message=message)
    await asyncio.gather(closing, service.stop(), return_exceptions=True)


async def _saw_prelude(stdout: asyncio.StreamReader) -> bool:
    """Wait for the line a Textual app prints first under textual's web driver."""
    for _ in range(10):
        try:
            line = await stdout.readline()
        except ValueError:  # a line longer than the stream's limit: not a Textual app
            return False
        if line == b"__GANGLION__\n":
            return True
        if not line:
            return False
    return False


async def _keep_tail(stream: asyncio.StreamReader, tail: bytearray) -> None:
    """Read a stream to its end, keeping only its last bytes."""
    while chunk := await stream.read(4096):
        tail += chunk
        del tail[:-STDERR_TAIL_BYTES]


async def _finished(task: asyncio.Task[None], timeout: float) -> bool:
    """Wait up to `timeout` seconds for `task`; tell whether it is done."""
    done, _ = await asyncio.wait({task}, timeout=timeout)
    return bool(done)


async def _exited(process: asyncio.subprocess.Process, timeout: float) -> bool:
    """Wait up to `timeout` seconds for the process to exit; tell whether it did."""
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        return False
    return True


def _signal_group(process: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    """Signal the app's whole process group (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, sig)
        else:  # pragma: no cover - Windows has no process groups to signal
            process.send_signal(sig)

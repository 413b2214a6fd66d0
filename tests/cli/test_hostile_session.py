"""A hostile session, imported with the real CLI, then read back through every channel.

The attack: a session export whose every text field (title, team, format and column names,
people's names, check-in words, cards, topics, notes, actions, review items) carries
terminal escapes (SGR, OSC 0 title, OSC 52 clipboard), BEL, C1 controls (CSI U+009B, OSC
U+009D, NEL), DEL, bidi overrides and isolates, a lone surrogate and Rich markup, imported
from a file whose name is itself an escape sequence, beside an unreadable session file and
a theme file named the same way, and a session file whose name is not even UTF-8. Then
every way the data leaves again is read as bytes: each CLI command's stdout and stderr
through a pseudo-terminal (click strips escapes only for pipes) and through a pipe, the
notes, CSV and JSON files, the `serve` banner, the websocket streams two browser tabs
receive from `retro-tui serve`, and the facilitator's terminal under `retro-tui open`.

Terminal streams may hold the app's own CSI styling; nothing else may hold an ESC, and no
stream may hold an OSC, a BEL, a C1 character, a raw invalid byte or a bidi control.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyte
import pytest

from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_to_dict
from retro_tui.exchange import EXPORT_FORMAT, EXPORT_VERSION
from tests.support.domain import load_scenario, replay_scenario
from tests.support.termclient import TermClient

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ATTACK = (
    "\x1b[31mRED\x1b[0m"  # SGR: restyles a terminal
    "\x1b]0;PWNED-TITLE\x07"  # OSC 0: sets the terminal's title
    "\x1b]52;c;UFdORUQ=\x07"  # OSC 52: writes the clipboard
    "\x07\x08\x00\x7f"  # BEL, backspace, NUL, DEL
    "\x9b31m\x9d0;C1-TITLE\x9c\x85"  # C1: CSI, OSC, ST, NEL
    "\u202eevil\u202c\u2066iso\u2069"  # bidi override and isolate
    "[bold red]markup[/][link=http://x]l[/link]"  # Rich markup
    "\ud800"  # a lone surrogate (JSON allows its escape)
)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
APP_OSC = re.compile("\x1b\\]22;[a-z-]*\x07")
HOSTILE_NAME = "\x1b]0;PWNED-FILE\x07\x9b"  # the start of a file name


def hostile(label: str) -> str:
    return f"{label} {ATTACK} end"


def _poison(value: Any, path: str) -> Any:
    """Every text a person wrote becomes hostile; ids, keys and timestamps stay."""
    keep = re.compile(
        r"(id|column|author|topic|source|current_topic|phase|status|format_key|raised_in|"
        r"raised_on|due|created_at|joined_at|started_at|ended_at|deadline|role|decision|"
        r"key|colour|redacted_for|voter|target|direction|actor|seat)$"
    )
    if isinstance(value, dict):
        if path.endswith(".notes"):
            return {k: hostile("NOTE") for k in value}
        return {k: _poison(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, f"{path}[]") for v in value]
    if isinstance(value, str) and not keep.search(path) and "votes" not in path:
        return hostile(path.rsplit(".", 1)[-1].upper())
    return value


def hostile_export() -> bytes:
    sc = load_scenario()
    replay = replay_scenario(sc, until=Phase.CLOSE)
    data = _poison(session_to_dict(replay.retro.session), "session")
    data["id"] = "hostile"
    data["phase"] = "actions"  # the board then lists the hostile action items
    for number, person in enumerate(data["participants"]):
        person["checkin_word"] = hostile("WORD")
        # Within the name limit, so that the facilitator's seat can be taken back.
        person["name"] = f"N{number}\x1b]0;T\x07\x9d\u202e\x7f[b]"
    document = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "session": data}
    # ensure_ascii: the file is valid UTF-8 and carries the characters as \u escapes.
    return json.dumps(document, ensure_ascii=True).encode("ascii")


# --- what no channel may carry ---------------------------------------------------------------
def offences(data: bytes, *, terminal: bool) -> list[str]:
    """What in `data` came from user text and could act on a terminal or a browser."""
    text = data.decode("utf-8", "surrogateescape")
    if terminal:  # Textual's own: the mouse pointer's shape (OSC 22)
        text = APP_OSC.sub("", text)
    found = []
    for what, bad in (
        ("OSC", "\x1b]"),
        ("the card's own SGR", "\x1b[31mRED"),
        ("BEL", "\x07"),
        ("NUL", "\x00"),
        ("DEL", "\x7f"),
    ):
        if bad in text:
            found.append(what)
    for ch in sorted(set(text)):
        code = ord(ch)
        if 0x80 <= code <= 0x9F:
            found.append(f"C1 U+{code:04X}")
        elif 0xDC80 <= code <= 0xDCFF:
            found.append(f"the raw byte {code - 0xDC00:#x}")
        elif ch in BIDI:
            found.append(f"bidi U+{code:04X}")
        elif not terminal and code < 0x20 and ch not in "\n\r\t":
            found.append(f"C0 U+{code:04X}")
    return found


# --- running the CLI -------------------------------------------------------------------------
@dataclass
class Ran:
    code: int
    out: bytes
    err: bytes


@dataclass
class World:
    root: Path
    sessions: Path
    env: dict[str, str]


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "retro_tui", *args]


def _size(fd: int, rows: int = 40, columns: int = 120) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def run_cli(world: World, *args: str, tty: bool) -> Ran:
    """Run one command to its end; stdout and stderr each a pseudo-terminal or a pipe."""
    if not tty:
        done = subprocess.run(
            _command(*args), env=world.env, cwd=world.root, capture_output=True, timeout=120
        )
        return Ran(done.returncode, done.stdout, done.stderr)
    out_master, out_slave = pty.openpty()
    err_master, err_slave = pty.openpty()
    for fd in (out_slave, err_slave):
        _size(fd)
    process = subprocess.Popen(
        _command(*args),
        env=world.env,
        cwd=world.root,
        stdin=subprocess.DEVNULL,
        stdout=out_slave,
        stderr=err_slave,
    )
    os.close(out_slave)
    os.close(err_slave)
    chunks: dict[int, bytearray] = {out_master: bytearray(), err_master: bytearray()}
    open_fds = set(chunks)
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError(f"{args} wrote nothing for two minutes")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed its end
                chunk = b""
            if chunk:
                chunks[fd] += chunk
            else:
                open_fds.discard(fd)
                os.close(fd)
    return Ran(process.wait(timeout=60), bytes(chunks[out_master]), bytes(chunks[err_master]))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("hostile")
    sessions = root / "sessions"
    sessions.mkdir()
    formats = root / "formats"
    formats.mkdir()
    (formats / f"{HOSTILE_NAME}.toml").write_text('name = "x"\n', encoding="utf-8")
    (formats / "bidi.toml").write_text(
        'name = "Bidi \u202eevil\u202c [bold]x[/]"\n'
        '[[columns]]\nkey = "a"\ntitle = "A \u2066iso\u2069"\n',
        encoding="utf-8",
    )
    (sessions / f"{HOSTILE_NAME}.json").write_bytes(b"{not json")
    # A name that is not UTF-8 at all: a raw C1 byte (CSI) after an OSC.
    with open(os.fsencode(sessions) + b"/\x1b]0;PWNED-BYTES\x07\x9b.json", "wb") as handle:
        handle.write(b"{}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETRO_TUI_", "PYTEST", "COV"))}
    env.update(
        RETRO_TUI_SESSIONS_DIR=str(sessions),
        RETRO_TUI_FORMATS_DIR=str(formats),
        RETRO_TUI_NAME="Fac",
        HOME=str(root),
        XDG_CONFIG_HOME=str(root / "config"),
        TERM="xterm-256color",
        COLUMNS="120",
        PYTHONPATH=str(ROOT),
    )
    made = World(root, sessions, env)
    source = root / f"{HOSTILE_NAME}export.json"
    source.write_bytes(hostile_export())
    imported = run_cli(made, "import-json", str(source), tty=True)
    made.imported = imported  # type: ignore[attr-defined]
    yield made


def test_the_hostile_session_is_imported_and_the_message_is_clean(world: World) -> None:
    ran: Ran = world.imported  # type: ignore[attr-defined]
    assert ran.code == 0, ran.err.decode(errors="replace")
    assert b"hostile" in ran.out
    assert offences(ran.out + ran.err, terminal=False) == []


FAILING = {"a refused import", "an unknown session"}  # these end with exit status 2
CLI_COMMANDS: dict[str, tuple[str, ...]] = {
    "list": ("list",),
    "themes": ("themes",),
    "actions": ("actions",),
    "actions --json": ("actions", "--json"),
    "insights": ("insights",),
    "insights --json": ("insights", "--json"),
    "export to stdout": ("export", "hostile", "-o", "-"),
    "export-csv cards": ("export-csv", "hostile", "--what", "cards"),
    "export-csv actions": ("export-csv", "hostile", "--what", "actions"),
    "export-json": ("export-json", "hostile"),
    "a refused import": ("import-json", HOSTILE_NAME),
    "an unknown session": ("export", HOSTILE_NAME),
}


@pytest.mark.parametrize("tty", [True, False], ids=["pty", "pipe"])
@pytest.mark.parametrize("command", list(CLI_COMMANDS))
def test_no_cli_output_carries_a_control_byte_from_user_data(
    world: World, command: str, tty: bool
) -> None:
    ran = run_cli(world, *CLI_COMMANDS[command], tty=tty)
    assert ran.code == (2 if command in FAILING else 0), ran.err.decode(errors="replace")
    assert offences(ran.out, terminal=False) == [], ran.out[:2000]
    assert offences(ran.err, terminal=False) == [], ran.err[:2000]


def test_files_written_by_export_carry_no_control_byte(world: World) -> None:
    notes, cards, actions, export = (
        world.root / name for name in ("notes.md", "cards.csv", "actions.csv", "export.json")
    )
    for args in (
        ("export", "hostile", "-o", str(notes)),
        ("export-csv", "hostile", "--what", "cards", "-o", str(cards)),
        ("export-csv", "hostile", "--what", "actions", "-o", str(actions)),
        ("export-json", "hostile", "-o", str(export)),
    ):
        ran = run_cli(world, *args, tty=False)
        assert ran.code == 0, ran.err
    for path in (notes, cards, actions, export):
        data = path.read_bytes()
        assert b"CARD" in data or b"TEXT" in data
        assert offences(data, terminal=False) == [], path.name
    document = json.loads(export.read_bytes())
    assert "\x1b" not in json.dumps(document, ensure_ascii=False)


# --- live channels: the serve banner, browser tabs, the facilitator's terminal ------------------
class Output:
    """Everything a file descriptor (a pty master or a pipe) delivers, as it arrives."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.data = bytearray()
        self.closed = False
        self._changed = asyncio.Event()
        asyncio.get_running_loop().add_reader(fd, self._read)

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            chunk = b""
        if chunk:
            self.data += chunk
        else:
            self.closed = True
            asyncio.get_running_loop().remove_reader(self.fd)
        self._changed.set()

    async def wait_for(self, ready: Callable[[], bool], what: str, timeout: float = 60) -> None:
        try:
            async with asyncio.timeout(timeout):
                while not ready():
                    if self.closed:
                        raise AssertionError(f"closed before {what}: {bytes(self.data)[-2000:]!r}")
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"no {what}: {bytes(self.data)[-2000:]!r}") from None

    def close(self) -> None:
        if not self.closed:
            asyncio.get_running_loop().remove_reader(self.fd)
        os.close(self.fd)


def _link(banner: str, label: str) -> str:
    match = re.search(rf"{label}:\s+(\S+)", banner)
    assert match, banner
    return match.group(1)


class Recorder(TermClient):
    """A browser tab that also keeps every byte of terminal output it receives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.raw = bytearray()
        feed = self._stream.feed

        def keep(data: bytes) -> None:
            self.raw += data
            feed(data)

        self._stream.feed = keep  # type: ignore[method-assign]


@pytest.mark.parametrize("tty", [True, False], ids=["pty", "pipe"])
async def test_serve_banner_and_browser_tabs_carry_no_user_control_byte(
    world: World, tty: bool
) -> None:
    if tty:
        master, slave = pty.openpty()
        _size(slave)
    else:
        master, slave = os.pipe()
    process = await asyncio.create_subprocess_exec(
        *_command("serve", "hostile", "--port", "0"),
        env=world.env,
        cwd=world.root,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    banner = Output(master)
    try:
        await banner.wait_for(lambda: b"Press Ctrl+C" in banner.data, "serve banner")
        text = bytes(banner.data).decode("utf-8", "replace")
        if tty:
            tabs = [Recorder(_link(text, "Participants"), width=120, height=40)]
            tabs.append(Recorder(_link(text, "Facilitator"), width=120, height=40))
            for tab in tabs:
                await tab.connect()
            participant = tabs[0]
            await participant.wait_for_text("Your name", timeout=60)
            await participant.send_keys("Pat")
            await participant.wait_for_text("Pat")
            await participant.send_keys("\r")
            for tab in tabs:  # the facilitator link sits in the facilitator's seat at once
                await tab.wait_for_text("TEXT", timeout=60)
            for tab in tabs:
                await tab.close()
                assert offences(bytes(tab.raw), terminal=True) == [], tab.screen_text()
        process.send_signal(signal.SIGINT)
        await banner.wait_for(lambda: banner.closed, "serve to stop")
        assert b"TITLE" in banner.data
        assert offences(bytes(banner.data), terminal=False) == [], bytes(banner.data)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        banner.close()


@pytest.mark.parametrize(
    "args", [("open", "hostile"), ("host", "hostile", "--port", "0")], ids=["open", "host"]
)
async def test_the_facilitators_terminal_carries_no_user_control_byte(
    world: World, args: tuple[str, ...]
) -> None:
    master, slave = pty.openpty()
    _size(slave)
    process = await asyncio.create_subprocess_exec(
        *_command(*args),
        env=world.env,
        cwd=world.root,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    screen = pyte.Screen(120, 40)
    stream = pyte.ByteStream(screen)
    output = Output(master)
    fed = 0

    def shows(text: str) -> bool:
        nonlocal fed
        stream.feed(bytes(output.data[fed:]))
        fed = len(output.data)
        return text in "\n".join(screen.display)

    try:
        await output.wait_for(lambda: shows("TEXT"), "the board with the hostile actions")
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        output.close()
    assert offences(bytes(output.data), terminal=True) == [], "\n".join(screen.display)


async def test_what_a_tab_app_writes_to_stderr_reaches_the_host_log_made_visible(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.support import serving

    crash = "printf 'crash \\033]0;PWNED\\007\\302\\233 end' >&2"
    with caplog.at_level("WARNING", logger="retro_tui.web"):
        async with (
            serving(command=crash) as running,
            TermClient(running.participant_url) as client,
        ):
            await client.wait_for_text("could not start")
            await client.wait_closed()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "crash ␛]0;PWNED␇\\u009b end" in logged
    assert offences(logged.encode(), terminal=False) == []

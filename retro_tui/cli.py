"""The `retro-tui` command.

Every failure a user can cause (unknown session or format, a corrupt file, a taken port)
ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

import click

from retro_tui import __version__
from retro_tui.paths import SESSIONS_DIR_ENV, default_sessions_dir


class Context:
    def __init__(self, sessions_dir: Path | None, name: str | None = None) -> None:
        self.sessions_dir = sessions_dir or default_sessions_dir()
        self.name = name

    def store(self) -> Any:
        from retro_tui.store import SessionStore

        return SessionStore(self.sessions_dir)

    def launcher(self, **kwargs: Any) -> Any:
        from retro_tui.launcher import LocalLauncher

        if self.name:
            kwargs.setdefault("facilitator_name", self.name)
        return LocalLauncher(self.store(), **kwargs)


def _fail(message: object) -> None:
    click.echo(f"retro-tui: {message}", err=True)
    sys.exit(2)


def _require_terminal(instead: str) -> None:
    """The board draws on a terminal and reads keys from one: without one (a script,
    cron, CI) Textual's input loop would spin on a closed stdin, so say so and stop."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _fail(f"the board needs a terminal (stdin and stdout are not one); {instead}")


def _resolve(ctx: Context, name: str) -> str:
    from retro_tui.store import StoreError

    try:
        resolved: str = ctx.store().resolve(name)
    except StoreError as error:
        _fail(error)
    return resolved


sessions_dir_option = click.option(
    "--sessions-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that holds the session files (default: ./sessions).",
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--sessions-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=SESSIONS_DIR_ENV,
    help="Folder that holds the session files (default: ./sessions).",
)
@click.option(
    "--name",
    envvar="RETRO_TUI_NAME",
    default=None,
    help="Your name as the facilitator (default: your login name).",
)
@click.version_option(__version__, prog_name="retro-tui")
@click.pass_context
def main(click_ctx: click.Context, sessions_dir: Path | None, name: str | None) -> None:
    """Facilitated retrospectives in the terminal. Without a command: pick or start one."""
    click_ctx.obj = Context(sessions_dir, name)
    if click_ctx.invoked_subcommand is None:
        _require_terminal("without one, use `retro-tui new --no-open` or `retro-tui serve`")
        _run_board(click_ctx.obj, session_id=None)


def _pass(fn: Any) -> Any:
    """Let `--sessions-dir` go after the subcommand too."""

    @sessions_dir_option
    @click.pass_context
    def wrapper(click_ctx: click.Context, /, sessions_dir: Path | None, **kwargs: Any) -> Any:
        ctx: Context = click_ctx.obj
        if sessions_dir is not None:
            ctx = Context(sessions_dir, ctx.name)
        return fn(ctx, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@main.command("list")
@_pass
def list_sessions(ctx: Context) -> None:
    """List the sessions in the sessions folder, newest first."""
    listing = ctx.store().list()
    if not listing.sessions and not listing.problems:
        click.echo(f"No sessions in {ctx.sessions_dir}. Start one with: retro-tui new")
    for s in listing.sessions:
        click.echo(
            f"{s.id}  {s.created_at:%Y-%m-%d}  {s.phase:<8}  {s.n_cards:>3} cards  "
            f"{s.team}: {s.title}"
        )
    for problem in listing.problems:
        click.echo(f"unreadable: {problem.path}: {problem.reason}", err=True)


@main.command("themes")
@_pass
def list_themes(ctx: Context) -> None:
    """List the retro formats (built in and from your formats folder)."""
    from retro_tui.themes import load_formats, user_formats_dir

    catalog = load_formats()
    for fmt in catalog.formats.values():
        columns = " / ".join(c.title for c in fmt.columns)
        click.echo(f"{fmt.key:<22} {fmt.name}  [{columns}]")
    for error in catalog.errors:
        click.echo(f"skipped: {error}", err=True)
    click.echo(f"\nAdd your own formats as TOML files in {user_formats_dir()}")


@main.command("new")
@click.option(
    "--theme",
    "-t",
    "theme",
    default="went-well",
    show_default=True,
    help="Retro format key (see `retro-tui themes`).",
)
@click.option("--title", default=None, help="Session title (default: the date and format).")
@click.option(
    "--team",
    default="Our team",
    show_default=True,
    help="Team name; a team's next retro reviews its open action items.",
)
@click.option("--anonymous", is_flag=True, help="Hide who wrote what and who voted for what.")
@click.option("--no-open", is_flag=True, help="Only create the session file.")
@_pass
def new_session(
    ctx: Context, theme: str, title: str | None, team: str, anonymous: bool, no_open: bool
) -> None:
    """Create a session from a format and open its board."""
    if not no_open:
        _check_format(ctx, theme)  # a mistake in the command is said first
        _require_terminal("add --no-open to only create the session file")
    session = _create(ctx, theme, title, team, anonymous)
    click.echo(f"Created {session.id} in {ctx.sessions_dir}")
    if not no_open:
        _run_board(ctx, session_id=session.id)


def _check_format(ctx: Context, theme: str) -> None:
    from retro_tui.themes import UnknownFormat

    try:
        ctx.launcher().catalog.get(theme)
    except UnknownFormat as error:
        _fail(error)


def _create(ctx: Context, theme: str, title: str | None, team: str, anonymous: bool) -> Any:
    from datetime import date

    from retro_tui.domain.errors import Refused
    from retro_tui.store import StoreError
    from retro_tui.themes import UnknownFormat

    launcher = ctx.launcher()
    try:
        fmt = launcher.catalog.get(theme)
        return launcher.create_session(
            format_key=theme,
            title=title or f"{fmt.name} retro {date.today().isoformat()}",
            team=team,
            anonymous=anonymous,
        )
    except UnknownFormat as error:
        _fail(error)
    except (Refused, StoreError) as error:
        _fail(error)


@main.command("open")
@click.argument("session")
@_pass
def open_session(ctx: Context, session: str) -> None:
    """Open a session's board (a unique prefix of its id is enough)."""
    session_id = _resolve(ctx, session)
    _require_terminal(f"`retro-tui serve {session_id}` serves it to browsers without one")
    _run_board(ctx, session_id=session_id)


@main.command("export")
@click.argument("session")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: <session>.md beside the session; - for stdout).",
)
@_pass
def export(ctx: Context, session: str, output: Path | None) -> None:
    """Write a session's Markdown notes."""
    from retro_tui.export import default_export_name, session_markdown
    from retro_tui.store import StoreError

    session_id = _resolve(ctx, session)
    try:
        loaded = ctx.store().load(session_id)
    except StoreError as error:
        _fail(error)
    text = session_markdown(loaded)
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    path = output or ctx.sessions_dir / default_export_name(loaded)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}")
    click.echo(f"Wrote {path}")


def _host_options(fn: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--host",
                default="127.0.0.1",
                show_default=True,
                help="Address to listen on (0.0.0.0 for the whole LAN).",
            ),
            click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535)),
            click.option(
                "--public-url",
                default=None,
                help="Address participants use, e.g. a tunnel's https URL.",
            ),
            click.option(
                "--max-participants", default=50, show_default=True, type=click.IntRange(1, 400)
            ),
            click.option(
                "--theme",
                "-t",
                "theme",
                default="went-well",
                show_default=True,
                help="Format for a new session when SESSION is not given.",
            ),
            click.option("--title", default=None, help="Title for a new session."),
            click.option("--team", default="Our team", show_default=True),
            click.option("--anonymous", is_flag=True),
        ]
    ):
        fn = option(fn)
    return click.argument("session", required=False)(fn)


def _host_session(ctx: Context, session: str | None, **kw: Any) -> tuple[str, Any]:
    from retro_tui.hosting import HostOptions

    if session is None:
        session_id = _create(ctx, kw["theme"], kw["title"], kw["team"], kw["anonymous"]).id
    else:
        session_id = _resolve(ctx, session)
    options = HostOptions(
        host=kw["host"],
        port=kw["port"],
        public_url=kw["public_url"],
        max_participants=kw["max_participants"],
    )
    return session_id, options


@main.command("host")
@_host_options
@_pass
def host(ctx: Context, session: str | None, **kw: Any) -> None:
    """Run a session's board here and let remote people join it from a browser."""
    if session is None:
        _check_format(ctx, kw["theme"])  # a mistake in the command is said first
    else:
        session = _resolve(ctx, session)
    _require_terminal("`retro-tui serve` serves the session to browsers without one")
    session_id, options = _host_session(ctx, session, **kw)
    _run_board(ctx, session_id=session_id, host_options=options)


@main.command("serve")
@_host_options
@_pass
def serve(ctx: Context, session: str | None, **kw: Any) -> None:
    """Serve a session to browsers only (no terminal board), until Ctrl+C."""
    session_id, options = _host_session(ctx, session, **kw)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(ctx, session_id, options))


async def _serve(ctx: Context, session_id: str, options: Any) -> None:
    from retro_tui.hosting import LiveSession
    from retro_tui.hub.hub import Hub
    from retro_tui.store import StoreError

    store = ctx.store()
    try:
        lock = store.lock(session_id)
        hub = Hub(store, store.load(session_id))
    except StoreError as error:
        _fail(error)
    live = LiveSession(hub, options)
    try:
        await live.start()
    except OSError as error:
        lock.release()
        _fail(f"cannot listen on {options.host}:{options.port}: {error.strerror or error}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    click.echo(f"Serving '{hub.session.title}' ({session_id})")
    click.echo(f"  Participants: {live.participant_url}")
    click.echo(f"  Facilitator:  {live.facilitator_url}")
    click.echo("Press Ctrl+C to stop.")
    await stop.wait()
    click.echo("Stopping: saving and closing participants…")
    await live.stop()
    await hub.close()
    lock.release()
    click.echo("Stopped.")


@main.command("participant", hidden=True)
def participant() -> None:
    """The app each browser tab runs (started by the web server, not by people)."""
    from retro_tui.participant import main as run

    sys.exit(run())


def _run_board(ctx: Context, *, session_id: str | None, host_options: Any = None) -> None:
    from retro_tui.ui.entry import run_facilitator

    with contextlib.suppress(KeyboardInterrupt):
        run_facilitator(ctx.launcher(), session_id=session_id, host_options=host_options)


def _register_reports() -> None:
    from retro_tui.cli_reports import register

    register(main)


_register_reports()

if __name__ == "__main__":
    main()

"""The `retro-tui` commands about one session: list, new, open, export, host and serve.

Every failure a user can cause (unknown session or format, a corrupt file, a taken port)
ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from retro_tui.cli.plumbing import Context, fail, load_session, resolve_session, with_context
from retro_tui.domain.text import visible_path

if TYPE_CHECKING:
    from retro_tui.domain.model import Session
    from retro_tui.hosting import HostOptions
    from retro_tui.web.simple import PageChoice

F = TypeVar("F", bound=Callable[..., object])


OPEN_EARLY_HELP = (
    "Open the Write phase now, before the meeting: people add cards in their own time, "
    "face-down until the reveal; no timer runs until you start it."
)


@click.command("list")
@with_context
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
        click.echo(f"unreadable: {problem}", err=True)


@click.command("new")
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
@click.option("--open-early", is_flag=True, help=OPEN_EARLY_HELP)
@click.option("--no-open", is_flag=True, help="Only create the session file.")
@with_context
def new_session(
    ctx: Context,
    theme: str,
    title: str | None,
    team: str,
    anonymous: bool,
    open_early: bool,
    no_open: bool,
) -> None:
    """Create a session from a format and open its board."""
    if not no_open:
        _check_format(ctx, theme)  # a mistake in the command is said first
        require_terminal("add --no-open to only create the session file")
    session = _create(ctx, theme, title, team, anonymous, open_early=open_early)
    click.echo(f"Created {session.id} in {ctx.sessions_dir}")
    if not no_open:
        run_board(ctx, session_id=session.id)


def require_terminal(instead: str) -> None:
    """The board draws on a terminal and reads keys from one: without one (a script,
    cron, CI) Textual's input loop would spin on a closed stdin, so say so and stop."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail(f"the board needs a terminal (stdin and stdout are not one); {instead}")


def _check_format(ctx: Context, theme: str) -> None:
    from retro_tui.themes import UnknownFormat

    try:
        ctx.launcher().catalog.get(theme)
    except UnknownFormat as error:
        fail(error)


def _create(
    ctx: Context,
    theme: str,
    title: str | None,
    team: str,
    anonymous: bool,
    *,
    open_early: bool = False,
) -> Session:
    from datetime import date

    from retro_tui.domain.errors import Refused
    from retro_tui.store import StoreError
    from retro_tui.themes import UnknownFormat

    launcher = ctx.launcher()
    try:
        fmt = launcher.catalog.get(theme)
        session = launcher.create_session(
            format_key=theme,
            title=title or f"{fmt.name} retro {date.today().isoformat()}",
            team=team,
            anonymous=anonymous,
            open_early=open_early,
        )
        for problem in launcher.bank_errors:  # the shipped questions were used instead
            click.echo(f"Warning: check-in questions: {problem}", err=True)
        return session
    except UnknownFormat as error:
        fail(error)
    except (Refused, StoreError) as error:
        fail(error)


@click.command("open")
@click.argument("session")
@with_context
def open_session(ctx: Context, session: str) -> None:
    """Open a session's board (a unique prefix of its id is enough)."""
    session_id = resolve_session(ctx, session)
    require_terminal(f"`retro-tui serve {session_id}` serves it to browsers without one")
    run_board(ctx, session_id=session_id)


@click.command("export")
@click.argument("session")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: <session>.md beside the session; - for stdout).",
)
@with_context
def export(ctx: Context, session: str, output: Path | None) -> None:
    """Write a session's Markdown notes."""
    from retro_tui.export import default_export_name, session_markdown
    from retro_tui.reports.folder import problems_seen

    loaded = load_session(ctx, session)
    text = session_markdown(loaded, seen=problems_seen(ctx.sessions_dir, loaded))
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    path = output or ctx.sessions_dir / default_export_name(loaded)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    click.echo(f"Wrote {visible_path(path)}")


def _host_options(fn: F) -> F:
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
            click.option("--open-early", is_flag=True, help=OPEN_EARLY_HELP),
            click.option(
                "--new-links",
                is_flag=True,
                help="Make new join links; browsers holding the old ones must use a new one.",
            ),
            click.option(
                "--page",
                type=click.Choice(["simple", "terminal", "auto"]),
                default="terminal",
                show_default=True,
                help="What the participant link opens: the simple page, the terminal board, "
                "or auto (phones get the simple page). Each page offers the other.",
            ),
        ]
    ):
        fn = option(fn)
    return click.argument("session", required=False)(fn)


@dataclass(frozen=True)
class HostArgs:
    """What `host` and `serve` are told on the command line (declared once, in
    `_host_options`), as one value."""

    host: str
    port: int
    public_url: str | None
    max_participants: int
    theme: str
    title: str | None
    team: str
    anonymous: bool
    open_early: bool
    new_links: bool
    page: PageChoice


def _with_host_args(fn: Callable[[Context, str | None, HostArgs], None]) -> Callable[..., None]:
    """Hand `host`/`serve` their options as one `HostArgs` instead of ten parameters."""

    @functools.wraps(fn)
    def wrapper(ctx: Context, session: str | None, **given: Any) -> None:
        fn(ctx, session, HostArgs(**given))

    return wrapper


def _host_session(ctx: Context, session: str | None, args: HostArgs) -> tuple[str, HostOptions]:
    from retro_tui.hosting import HostOptions
    from retro_tui.links import links_path

    if session is None:
        session_id = _create(
            ctx, args.theme, args.title, args.team, args.anonymous, open_early=args.open_early
        ).id
    else:
        session_id = resolve_session(ctx, session)
    options = HostOptions(
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        max_participants=args.max_participants,
        links_file=links_path(ctx.sessions_dir, session_id),
        new_links=args.new_links,
        page=args.page,
    )
    return session_id, options


@click.command("host")
@_host_options
@with_context
@_with_host_args
def host(ctx: Context, session: str | None, args: HostArgs) -> None:
    """Run a session's board here and let remote people join it from a browser."""
    if session is None:
        _check_format(ctx, args.theme)  # a mistake in the command is said first
    else:
        session = resolve_session(ctx, session)
    require_terminal("`retro-tui serve` serves the session to browsers without one")
    session_id, options = _host_session(ctx, session, args)
    run_board(ctx, session_id=session_id, host_options=options)


@click.command("serve")
@_host_options
@with_context
@_with_host_args
def serve(ctx: Context, session: str | None, args: HostArgs) -> None:
    """Serve a session to browsers only (no terminal board), until Ctrl+C."""
    session_id, options = _host_session(ctx, session, args)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(ctx, session_id, options))


async def _serve(ctx: Context, session_id: str, options: HostOptions) -> None:
    from retro_tui.hosting import LiveSession
    from retro_tui.hub.hub import Hub
    from retro_tui.links import LinksError
    from retro_tui.store import StoreError

    store = ctx.store()
    try:
        lock = store.lock(session_id)
        hub = Hub(store, store.load(session_id))
    except StoreError as error:
        fail(error)
    live = LiveSession(hub, options)
    try:
        await live.start()
    except LinksError as error:
        lock.release()
        fail(error)
    except OSError as error:
        lock.release()
        fail(f"cannot listen on {options.host}:{options.port}: {error.strerror or error}")
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


@click.command("links")
@click.argument("session")
@with_context
def links(ctx: Context, session: str) -> None:
    """Print a session's two join links (run it on a terminal that is not shared)."""
    from retro_tui.links import LinksError, links_path, read_links
    from retro_tui.web.server import join_url

    session_id = resolve_session(ctx, session)
    try:
        kept = read_links(links_path(ctx.sessions_dir, session_id))
    except LinksError as error:
        fail(error)
    if kept is None or not kept.public_url:
        fail(f"{session_id} has no links yet: start it with `retro-tui host` or `serve`.")
    click.echo(f"Participants: {join_url(kept.public_url, kept.participant)}")
    click.echo(f"Facilitator:  {join_url(kept.public_url, kept.facilitator)}")
    click.echo("The facilitator link gives facilitator power: never show it on a shared screen.")


@click.command("participant", hidden=True)
def participant() -> None:
    """The app each browser tab runs (started by the web server, not by people)."""
    from retro_tui.participant import main as run

    sys.exit(run())


def run_board(
    ctx: Context, *, session_id: str | None, host_options: HostOptions | None = None
) -> None:
    """Open the facilitator's board (the picker without a session) in this terminal."""
    from retro_tui.ui.entry import run_facilitator

    with contextlib.suppress(KeyboardInterrupt):
        run_facilitator(ctx.launcher(), session_id=session_id, host_options=host_options)


COMMANDS: tuple[click.Command, ...] = (
    list_sessions,
    new_session,
    open_session,
    export,
    host,
    serve,
    links,
    participant,
)

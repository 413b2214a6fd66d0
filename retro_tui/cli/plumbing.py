"""What every `retro-tui` command shares: the context, `--sessions-dir`, failing, finding
a session, and printing in 80 columns.

Declared once here so each command module holds only its noun. Every failure a user can
cause ends in `fail()`: one line on stderr and exit status 2, never a traceback. The
heavy modules (the store, the launcher, the reports) are imported where they are used, so
`retro-tui --help` stays quick.
"""

from __future__ import annotations

import functools
import sys
import textwrap
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from retro_tui.domain.text import shorten
from retro_tui.paths import default_sessions_dir

if TYPE_CHECKING:
    from retro_tui.domain.model import Session
    from retro_tui.launcher import LocalLauncher
    from retro_tui.store import SessionStore, StoreProblem

WIDTH = 80
P = ParamSpec("P")
R = TypeVar("R")


class Context:
    """What the main group hands its commands: the sessions folder and the facilitator."""

    def __init__(self, sessions_dir: Path | None, name: str | None = None) -> None:
        self.sessions_dir: Path = sessions_dir or default_sessions_dir()
        self.name = name

    def store(self) -> SessionStore:
        from retro_tui.store import SessionStore

        return SessionStore(self.sessions_dir)

    def launcher(self) -> LocalLauncher:
        from retro_tui.launcher import LocalLauncher

        if self.name:
            return LocalLauncher(self.store(), facilitator_name=self.name)
        return LocalLauncher(self.store())


def fail(message: object) -> NoReturn:
    """End the command with one line on stderr and exit status 2."""
    from retro_tui.domain.text import make_visible

    text = " ".join(make_visible(str(message), multiline=False).split())
    click.echo(f"retro-tui: {text}", err=True)
    sys.exit(2)


def sessions_dir_option(*, envvar: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The one `--sessions-dir` declaration. Only the main group reads the environment:
    an envvar on a subcommand would override a `--sessions-dir` given before it."""
    return click.option(
        "--sessions-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=envvar,
        default=None,
        help="Folder that holds the session files (default: ./sessions).",
    )


def with_context(fn: Callable[..., R]) -> Callable[..., R]:
    """Hand the command its `Context` first, and accept `--sessions-dir` after its name too.

    A group's subcommands inherit the folder given to the group (`actions --sessions-dir D
    done REF`).
    """

    @sessions_dir_option()
    @click.pass_context
    @functools.wraps(fn)
    def wrapper(click_ctx: click.Context, /, *args: object, **kwargs: object) -> R:
        given = kwargs.pop("sessions_dir", None)
        parent = click_ctx.find_object(Context) or Context(None)
        ctx = Context(given, parent.name) if isinstance(given, Path) else parent
        click_ctx.obj = ctx
        return fn(ctx, *args, **kwargs)

    return wrapper


def resolve_session(ctx: Context, name: str) -> str:
    """The id of the one session `name` names (a unique prefix is enough)."""
    from retro_tui.store import StoreError

    try:
        return ctx.store().resolve(name)
    except StoreError as error:
        fail(error)


def load_session(ctx: Context, name: str) -> Session:
    from retro_tui.store import StoreError

    session_id = resolve_session(ctx, name)
    try:
        return ctx.store().read(session_id)  # a reader: the file is never rewritten
    except StoreError as error:
        fail(error)


def report_skipped(problems: Iterable[StoreProblem]) -> None:
    """Name each unreadable session file on stderr; the command goes on without it."""
    for problem in problems:
        click.echo(f"retro-tui: skipped {problem}", err=True)


def load_every_session(ctx: Context) -> tuple[Session, ...]:
    """Every readable session of the folder; unreadable ones are named on stderr."""
    from retro_tui.reports.folder import load_sessions

    loaded = load_sessions(ctx.sessions_dir)
    report_skipped(loaded.problems)
    return loaded.sessions


# --- dates --------------------------------------------------------------------------------
def today_option(fn: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        hidden=True,
        help="Pretend today is this date (for tests and reports about the past).",
    )(fn)


def as_date(value: datetime | None) -> date:
    """The `--today` given, else the real date."""
    return value.date() if value is not None else date.today()


# --- 80 columns ---------------------------------------------------------------------------
def clip(text: str, limit: int) -> str:
    return shorten(" ".join(text.split()), limit)


def wrap(text: str, indent: str) -> list[str]:
    lines = textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )
    return lines or [indent.rstrip()]

"""The `retro-tui` command: the main group, and the commands of each noun added to it.

One module per noun (`sessions`, `formats`, `actions`, `insights`, `problems`,
`exchange`, `kpis`), each with a `COMMANDS` tuple, and one `plumbing` module they all
share. A new command goes into its noun's module and its `COMMANDS`; nothing here changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from retro_tui import __version__
from retro_tui.cli import actions, exchange, formats, insights, kpis, problems, sessions
from retro_tui.cli.plumbing import Context, sessions_dir_option
from retro_tui.paths import SESSIONS_DIR_ENV

__all__ = ["COMMANDS", "main", "register"]

COMMANDS: tuple[click.Command, ...] = (
    *sessions.COMMANDS,
    *formats.COMMANDS,
    *actions.COMMANDS,
    *insights.COMMANDS,
    *problems.COMMANDS,
    *exchange.COMMANDS,
    *kpis.COMMANDS,
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@sessions_dir_option(envvar=SESSIONS_DIR_ENV)
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
        sessions.require_terminal(
            "without one, use `retro-tui new --no-open` or `retro-tui serve`"
        )
        sessions.run_board(click_ctx.obj, session_id=None)


def register(group: click.Group, commands: Iterable[click.Command] = COMMANDS) -> None:
    """Add `commands` to `group` (again is harmless: a name is added once)."""
    for command in commands:
        if command.name is not None and command.name not in group.commands:
            group.add_command(command)


register(main)

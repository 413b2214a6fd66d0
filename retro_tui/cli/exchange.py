"""`retro-tui export-json`, `import-json` and `export-csv`: sessions in and out of the
sessions folder as files other tools read (`retro_tui.exchange` does the converting)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from retro_tui.cli.plumbing import Context, fail, load_session, with_context
from retro_tui.domain.text import visible_path

_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)


def _write(text: str, output: Path | None, what: str) -> None:
    """To stdout when no file (or `-`) is given, else to the file."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    click.echo(f"Wrote {what} to {visible_path(output)}", err=True)


@click.command("export-json")
@click.argument("session")
@_output_option
@with_context
def export_json(ctx: Context, session: str, output: Path | None) -> None:
    """Write a whole session as JSON; `retro-tui import-json` reads it back.

    It is a complete copy: it names who wrote each card and who voted for what, even in
    an anonymous retro. Share the Markdown notes or the CSV instead.
    """
    from retro_tui.exchange import session_to_json_bytes

    loaded = load_session(ctx, session)
    _write(session_to_json_bytes(loaded).decode("utf-8"), output, f"session {loaded.id}")


@click.command("import-json")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--new-id",
    is_flag=True,
    help="Give the session a fresh id (to import beside the original).",
)
@with_context
def import_json(ctx: Context, file: Path, new_id: bool) -> None:
    """Add a session exported with `retro-tui export-json` to the sessions folder."""
    from retro_tui.exchange import ImportRefused, import_session
    from retro_tui.store import SessionExists, StoreError

    folder = ctx.sessions_dir
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}")
    try:
        session = import_session(ctx.store(), data, new_id=new_id)
    except ImportRefused as error:
        fail(f"{file}: {error}")
    except SessionExists:
        fail(
            f"{folder} already holds a session with this id; import it with --new-id to keep both."
        )
    except StoreError as error:
        fail(error)
    click.echo(f"Imported {session.id} ({session.title}) into {visible_path(folder)}")


@click.command("export-csv")
@click.argument("session")
@click.option(
    "--what",
    type=click.Choice(["cards", "actions", "review", "numbers", "checklist"]),
    required=True,
    help=(
        "Which table to write: cards; actions (with baselines, targets, actuals, verdicts); "
        "review (last retro's actions as judged here); numbers (the Data step); checklist "
        "(readiness)."
    ),
)
@_output_option
@with_context
def export_csv(ctx: Context, session: str, what: str, output: Path | None) -> None:
    """Write one of a session's tables as CSV for a spreadsheet."""
    from retro_tui import exchange

    tables = {
        "cards": exchange.cards_csv,
        "actions": exchange.actions_csv,
        "review": exchange.review_csv,
        "numbers": exchange.numbers_csv,
        "checklist": exchange.checklist_csv,
    }
    loaded = load_session(ctx, session)
    _write(tables[what](loaded), output, f"{what} of {loaded.id}")


COMMANDS: tuple[click.Command, ...] = (export_json, import_json, export_csv)

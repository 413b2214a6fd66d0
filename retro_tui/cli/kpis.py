"""`retro-tui kpis import FILE.csv --team T`: the team's numbers from an analytics export,
into the team's newest retro (or `--session`), for its Data step."""

from __future__ import annotations

from pathlib import Path

import click

from retro_tui.cli.plumbing import Context, clip, fail, resolve_session, with_context
from retro_tui.domain.kpi_csv import HELP_COLUMNS, MAX_KPI_BYTES


@click.group("kpis")
def kpis() -> None:
    """The team's numbers (open rate, cost per lead…) shown in a retro's Data step."""


@kpis.command(
    "import",
    help=(
        "Import the team's numbers from a CSV file into the team's newest retro (or "
        f"--session). Columns, found by their header in any order: {HELP_COLUMNS}. Values "
        "use a decimal point (12.5, 21%); a decimal comma is refused, not guessed. The "
        f"file is at most {MAX_KPI_BYTES // 1024} KB. A bad row is reported with its "
        "line number and nothing is imported, unless --skip-bad-rows keeps the good ones."
    ),
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--team", required=True, help="The team whose retro gets the numbers.")
@click.option("--session", "session_name", default=None, help="This retro instead.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows, report the bad.")
@with_context
def import_command(
    ctx: Context, file: Path, team: str, session_name: str | None, skip_bad_rows: bool
) -> None:
    from retro_tui.domain.text import name_key
    from retro_tui.kpis import KpiImportRefused, import_kpis
    from retro_tui.store import StoreError

    store = ctx.store()
    if session_name is not None:
        session_id = resolve_session(ctx, session_name)
    else:
        newest = store.last_of_team(team)
        if newest is None:
            fail(f"no retro of team {clip(team, 40)!r} in {store.folder}; start one first.")
        session_id = newest.id
    try:
        loaded = store.load(session_id)
        if name_key(loaded.team.strip()) != name_key(team.strip()):
            fail(f"{session_id} is a retro of team {clip(loaded.team, 40)!r}, not {team!r}.")
        done = import_kpis(store, session_id, file, keep_good_rows=skip_bad_rows)
    except StoreError as error:
        fail(str(error))
    except KpiImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"{file.name}: {problem}", err=True)
        fail(str(refused))
    finally:
        store.close()
    for problem in done.skipped:
        click.echo(f"{file.name}: skipped {problem}", err=True)
    click.echo(f"Imported {len(done.rows)} number(s) into {session_id}.")


COMMANDS: tuple[click.Command, ...] = (kpis,)

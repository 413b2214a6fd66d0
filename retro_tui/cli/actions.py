"""`retro-tui actions`: action items across retros, and marking one done, open or dropped.

The rows come from `reports.followup`; a status change goes through
`reports.folder.set_status`, the same code the app's action items screen calls. User
text is printed with `click.echo` exactly as typed (Rich markup stays literal).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import click

from retro_tui.cli.plumbing import (
    Context,
    as_date,
    fail,
    load_every_session,
    report_skipped,
    today_option,
    with_context,
    wrap,
)

if TYPE_CHECKING:
    from retro_tui.reports.followup import ActionRow


def _action_lines(row: ActionRow, show_team: bool) -> list[str]:
    status = "OVERDUE" if row.overdue else row.status.value
    lines = wrap(row.text, " " * 17)
    lines[0] = f"{row.ref:<8}{status:<9}{lines[0][17:]}"
    details = [row.owner or "no owner"]
    if row.due:
        details.append(f"due {row.due}")
    details.append(f"{row.age_days} days old")
    details.append(f"from {row.retro_title}, {row.retro_date}")
    if row.carried:
        details.append(f"carried {row.carried}×")
    if row.missing:
        details.append("not SMART: no " + ", no ".join(row.missing))
    if show_team:
        details.append(f"team {row.team}")
    lines.extend(wrap(" · ".join(details), " " * 17))
    return lines


@click.group("actions", invoke_without_command=True)
@click.option("--open", "open_only", is_flag=True, help="Only items still open.")
@click.option("--owner", default=None, help="Only items owned by NAME (any case).")
@click.option("--overdue", is_flag=True, help="Only open items past their due date.")
@click.option("--team", default=None, help="Only this team's retros.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list (for scripts).")
@today_option
@with_context
def actions(
    ctx: Context,
    open_only: bool,
    owner: str | None,
    overdue: bool,
    team: str | None,
    as_json: bool,
    today: datetime | None,
) -> None:
    """List action items across retros, with their age and the retro they came from.

    \b
    Examples:
      retro-tui actions --open --team Marketing
      retro-tui actions --overdue --json
      retro-tui actions done 3f9a2c
    """
    if click.get_current_context().invoked_subcommand is not None:
        return  # the subcommand reads the folder given here from the context
    from retro_tui.reports.followup import collect, filter_rows

    rows = filter_rows(
        collect(load_every_session(ctx), as_date(today)),
        open_only=open_only,
        owner=owner,
        overdue=overdue,
        team=team,
    )
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"No action items match in {ctx.sessions_dir}.")
        return
    show_team = len({r.team for r in rows}) > 1
    for row in rows:
        click.echo("\n".join(_action_lines(row, show_team)))
    n_open = sum(r.is_open for r in rows)
    n_late = sum(r.overdue for r in rows)
    click.echo(f"\n{len(rows)} action items: {n_open} open, {n_late} overdue.")


def _set_status(ctx: Context, typed: str, status_name: str, today: datetime | None) -> None:
    """Write the new status into the newest session that mentions the item, under its lock."""
    from retro_tui.domain.model import ActionStatus
    from retro_tui.reports.folder import StatusRefused, set_status

    status = ActionStatus(status_name)
    try:
        change = set_status(ctx.sessions_dir, typed, status, as_date(today))
    except StatusRefused as refusal:
        report_skipped(refusal.problems)
        fail(refusal)
    report_skipped(change.problems)
    row = change.row
    if not change.changed:
        click.echo(f"{row.ref} is already {status.value}: {row.text}")
        return
    where = "review of " if change.in_review else ""
    click.echo(
        f"{row.ref} is now {status.value} (in the {where}{row.target.session_id}): {row.text}"
    )
    if change.note:
        click.echo(change.note)


@actions.command("done")
@click.argument("action_id")
@today_option
@with_context
def action_done(ctx: Context, action_id: str, today: datetime | None) -> None:
    """Mark an action item done (its ref from `retro-tui actions`, or the start of it)."""
    _set_status(ctx, action_id, "done", today)


@actions.command("reopen")
@click.argument("action_id")
@today_option
@with_context
def action_reopen(ctx: Context, action_id: str, today: datetime | None) -> None:
    """Open a done or dropped action item again."""
    _set_status(ctx, action_id, "open", today)


@actions.command("drop")
@click.argument("action_id")
@today_option
@with_context
def action_drop(ctx: Context, action_id: str, today: datetime | None) -> None:
    """Drop an action item the team no longer means to do."""
    _set_status(ctx, action_id, "dropped", today)


COMMANDS: tuple[click.Command, ...] = (actions,)

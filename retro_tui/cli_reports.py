"""The `retro-tui` commands for life after the meeting: follow action items, see what keeps
coming back, and move sessions in and out as JSON or CSV.

`register(main)` adds them to the main command group. User text is printed with
`click.echo` exactly as typed (Rich markup stays literal); every failure is one line on
stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from retro_tui.paths import default_sessions_dir

__all__ = ["register"]

WIDTH = 80
F = TypeVar("F", bound=Callable[..., Any])


# --- plumbing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Folder:
    """What a subcommand needs of the main group's context object."""

    sessions_dir: Path


def _fail(message: object) -> NoReturn:
    from retro_tui.domain.text import make_visible

    text = " ".join(make_visible(str(message), multiline=False).split())
    click.echo(f"retro-tui: {text}", err=True)
    sys.exit(2)


def _sessions_dir_option(fn: F) -> F:
    # No envvar here: the main group reads $RETRO_TUI_SESSIONS_DIR, and an envvar on the
    # subcommand would override a --sessions-dir given before it.
    return click.option(
        "--sessions-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder that holds the session files.",
    )(fn)


def _today_option(fn: F) -> F:
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        hidden=True,
        help="Pretend today is this date (for tests and reports about the past).",
    )(fn)


def _folder(click_ctx: click.Context, sessions_dir: Path | None) -> Path:
    if sessions_dir is not None:
        return sessions_dir
    folder = getattr(click_ctx.obj, "sessions_dir", None)
    return Path(folder) if folder is not None else default_sessions_dir()


def _today(value: Any) -> date:
    return value.date() if value is not None else date.today()


def _store(folder: Path) -> Any:
    from retro_tui.store import SessionStore

    return SessionStore(folder)


def _load_all(store: Any) -> list[Any]:
    """Every readable session; unreadable files are named on stderr and skipped."""
    from retro_tui.store import StoreError

    listing = store.list()
    sessions = []
    for problem in listing.problems:
        click.echo(f"retro-tui: skipped {problem}", err=True)
    for summary in listing.sessions:
        try:
            sessions.append(store.load(summary.id))
        except StoreError as error:
            click.echo(f"retro-tui: skipped {_shown(summary.path)}: {error.reason}", err=True)
    store.close()
    return sessions


def _clip(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _wrap(text: str, indent: str) -> list[str]:
    lines = textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )
    return lines or [indent.rstrip()]


def _write(text: str, output: Path | None, what: str) -> None:
    """To stdout when no file (or `-`) is given, else to the file."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    click.echo(f"Wrote {what} to {_shown(output)}", err=True)


def _shown(path: Path) -> str:
    from retro_tui.domain.text import visible_path

    return visible_path(path)


def _resolve(store: Any, name: str) -> str:
    from retro_tui.store import StoreError

    try:
        resolved: str = store.resolve(name)
    except StoreError as error:
        _fail(error)
    return resolved


def _load(store: Any, name: str) -> Any:
    from retro_tui.store import StoreError

    session_id = _resolve(store, name)
    try:
        return store.load(session_id)
    except StoreError as error:
        _fail(error)


# --- actions ----------------------------------------------------------------------------------
def _action_lines(row: Any, show_team: bool) -> list[str]:
    status = "OVERDUE" if row.overdue else row.status.value
    lines = _wrap(row.text, " " * 17)
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
    lines.extend(_wrap(" · ".join(details), " " * 17))
    return lines


@click.group("actions", invoke_without_command=True)
@click.option("--open", "open_only", is_flag=True, help="Only items still open.")
@click.option("--owner", default=None, help="Only items owned by NAME (any case).")
@click.option("--overdue", is_flag=True, help="Only open items past their due date.")
@click.option("--team", default=None, help="Only this team's retros.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list (for scripts).")
@_today_option
@_sessions_dir_option
@click.pass_context
def actions(
    click_ctx: click.Context,
    open_only: bool,
    owner: str | None,
    overdue: bool,
    team: str | None,
    as_json: bool,
    today: Any,
    sessions_dir: Path | None,
) -> None:
    """List action items across retros, with their age and the retro they came from.

    \b
    Examples:
      retro-tui actions --open --team Marketing
      retro-tui actions --overdue --json
      retro-tui actions done 3f9a2c
    """
    folder = _folder(click_ctx, sessions_dir)
    click_ctx.obj = _Folder(folder)
    if click_ctx.invoked_subcommand is not None:
        return
    from retro_tui.followup import collect, filter_rows

    rows = filter_rows(
        collect(_load_all(_store(folder)), _today(today)),
        open_only=open_only,
        owner=owner,
        overdue=overdue,
        team=team,
    )
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"No action items match in {folder}.")
        return
    show_team = len({r.team for r in rows}) > 1
    for row in rows:
        click.echo("\n".join(_action_lines(row, show_team)))
    n_open = sum(r.is_open for r in rows)
    n_late = sum(r.overdue for r in rows)
    click.echo(f"\n{len(rows)} action items: {n_open} open, {n_late} overdue.")


def _set_status(
    click_ctx: click.Context, typed: str, status_name: str, today: Any, sessions_dir: Path | None
) -> None:
    """Write the new status into the newest session that mentions the item, under its lock."""
    from retro_tui.domain.model import ActionStatus
    from retro_tui.followup import FollowupError, collect, find_row, with_status
    from retro_tui.store import SessionLocked, StoreError

    status = ActionStatus(status_name)
    folder = _folder(click_ctx, sessions_dir)
    store = _store(folder)
    try:
        row = find_row(collect(_load_all(store), _today(today)), typed)
    except FollowupError as error:
        _fail(error)
    if row.status is status:
        click.echo(f"{row.ref} is already {status.value}: {row.text}")
        return
    target = row.target
    try:
        lock = store.lock(target.session_id)
    except SessionLocked:
        _fail(
            f"the retro {target.session_id} holding {row.ref} is open in a live session; "
            "change the item there, or try again once that retro has ended."
        )
    except StoreError as error:
        _fail(error)
    try:
        session = store.load(target.session_id)
        store.save(with_status(session, target, status))
    except (StoreError, FollowupError) as error:
        _fail(error)
    finally:
        lock.release()
        store.close()
    where = "review of " if target.kind.value == "review" else ""
    click.echo(f"{row.ref} is now {status.value} (in the {where}{target.session_id}): {row.text}")


@actions.command("done")
@click.argument("action_id")
@_today_option
@_sessions_dir_option
@click.pass_context
def action_done(
    click_ctx: click.Context, action_id: str, today: Any, sessions_dir: Path | None
) -> None:
    """Mark an action item done (its ref from `retro-tui actions`, or the start of it)."""
    _set_status(click_ctx, action_id, "done", today, sessions_dir)


@actions.command("reopen")
@click.argument("action_id")
@_today_option
@_sessions_dir_option
@click.pass_context
def action_reopen(
    click_ctx: click.Context, action_id: str, today: Any, sessions_dir: Path | None
) -> None:
    """Open a done or dropped action item again."""
    _set_status(click_ctx, action_id, "open", today, sessions_dir)


@actions.command("drop")
@click.argument("action_id")
@_today_option
@_sessions_dir_option
@click.pass_context
def action_drop(
    click_ctx: click.Context, action_id: str, today: Any, sessions_dir: Path | None
) -> None:
    """Drop an action item the team no longer means to do."""
    _set_status(click_ctx, action_id, "dropped", today, sessions_dir)


# --- insights -----------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "  –" if value is None else f"{round(value * 100):3d}%"


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:g} days"


def _insight_lines(found: Any) -> list[str]:
    from retro_tui.insights import sparkline

    out = [f"{found.team} — {found.sessions} retros, {found.first} to {found.last}", ""]
    roti = [p.average for p in found.roti]
    rated = [v for v in roti if v is not None]
    if rated:
        out.append(
            f"ROTI        {sparkline(roti, low=1, high=5)}  "
            f"last {rated[-1]:.1f}, average {sum(rated) / len(rated):.1f} (1–5)"
        )
    rates = [c.rate for c in found.completion]
    known = [v for v in rates if v is not None]
    if known:
        out.append(
            f"Completion  {sparkline(rates, low=0, high=1)}  "
            f"share of each retro's actions done (average {_pct(sum(known) / len(known)).strip()})"
        )
    out += ["", f"{'Actions per retro':<46}raised  done  dropped  open"]
    for c in found.completion:
        out.append(
            f"  {c.date}  {_clip(c.title, 30):<30}{c.raised:>6}{c.done:>6}{c.dropped:>9}"
            f"{c.open:>6} {_pct(c.rate)}"
        )
    t = found.open_time
    out += ["", "How long items stay open"]
    if t.open_items:
        out.append(
            f"  {t.open_items} open: median age {_days(t.open_median_days)}, "
            f"oldest {_days(t.open_oldest_days)}"
        )
    else:
        out.append("  none open")
    if t.closed_items:
        out.append(
            f"  {t.closed_items} closed at a later retro: "
            f"median {_days(t.closed_median_days)} to close"
        )
    else:
        out.append("  none closed at a later retro yet")
    if t.carried_items:
        out.append(f"  {t.carried_items} carried over; the most-carried {t.carried_most} times")
    else:
        out.append("  none carried over")
    out += ["", "Problems that keep coming back"]
    if not found.problems:
        out.append("  none: no problem was raised in two different retros")
    for problem in found.problems:
        out.extend(_wrap(problem.headline, "  "))
        for card in problem.cards:
            lines = _wrap(f"{card.text} ({card.retro_title})", " " * 16)
            lines[0] = f"    {card.date}{lines[0][14:]}"
            out.extend(lines)
    return out


@click.command("insights")
@click.option("--team", default=None, help="Only this team (default: every team).")
@click.option(
    "--last",
    "window",
    default=10,
    show_default=True,
    type=click.IntRange(2, 200),
    help="Look for recurring problems in the last N retros.",
)
@click.option("--threshold", default=None, type=click.FloatRange(0.05, 1.0), hidden=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
@_today_option
@_sessions_dir_option
@click.pass_context
def insights_command(
    click_ctx: click.Context,
    team: str | None,
    window: int,
    threshold: float | None,
    as_json: bool,
    today: Any,
    sessions_dir: Path | None,
) -> None:
    """Completion of actions, ROTI over time and the problems that keep coming back.

    Computed on this machine from the session files; nothing goes over the network.
    """
    from retro_tui.domain.text import name_key
    from retro_tui.insights import insights
    from retro_tui.similarity import DEFAULT_THRESHOLD

    folder = _folder(click_ctx, sessions_dir)
    sessions = _load_all(_store(folder))
    teams: dict[str, str] = {}
    for s in sorted(sessions, key=lambda x: x.created_at):
        teams[name_key(s.team.strip())] = s.team
    if team is not None:
        key = name_key(team.strip())
        if key not in teams:
            known = ", ".join(sorted(teams.values())) or "none"
            _fail(f"no retros of team {_clip(team, 40)!r} in {folder} (teams: {known}).")
        teams = {key: teams[key]}
    if not teams:
        _fail(f"no sessions in {folder}.")
    found = [
        insights(
            sessions,
            name,
            _today(today),
            window=window,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        )
        for name in teams.values()
    ]
    if as_json:
        click.echo(json.dumps([f.to_json() for f in found], ensure_ascii=False, indent=2))
        return
    blocks = ["\n".join(_insight_lines(f)) for f in found]
    click.echo("\n\n".join(blocks))


# --- export and import -------------------------------------------------------------------------
_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)


@click.command("export-json")
@click.argument("session")
@_output_option
@_sessions_dir_option
@click.pass_context
def export_json(
    click_ctx: click.Context, session: str, output: Path | None, sessions_dir: Path | None
) -> None:
    """Write a whole session as JSON; `retro-tui import-json` reads it back.

    It is a complete copy: it names who wrote each card and who voted for what, even in
    an anonymous retro. Share the Markdown notes or the CSV instead.
    """
    from retro_tui.exchange import session_to_json_bytes

    loaded = _load(_store(_folder(click_ctx, sessions_dir)), session)
    _write(session_to_json_bytes(loaded).decode("utf-8"), output, f"session {loaded.id}")


@click.command("import-json")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--new-id",
    is_flag=True,
    help="Give the session a fresh id (to import beside the original).",
)
@_sessions_dir_option
@click.pass_context
def import_json(
    click_ctx: click.Context, file: Path, new_id: bool, sessions_dir: Path | None
) -> None:
    """Add a session exported with `retro-tui export-json` to the sessions folder."""
    from retro_tui.exchange import ImportRefused, import_session
    from retro_tui.store import SessionExists, StoreError

    folder = _folder(click_ctx, sessions_dir)
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as error:
        _fail(f"cannot read {file}: {error.strerror or error}")
    try:
        session = import_session(_store(folder), data, new_id=new_id)
    except ImportRefused as error:
        _fail(f"{file}: {error}")
    except SessionExists:
        _fail(
            f"{folder} already holds a session with this id; import it with --new-id to keep both."
        )
    except StoreError as error:
        _fail(error)
    click.echo(f"Imported {session.id} ({session.title}) into {_shown(folder)}")


@click.command("export-csv")
@click.argument("session")
@click.option(
    "--what",
    type=click.Choice(["cards", "actions"]),
    required=True,
    help="Which table to write.",
)
@_output_option
@_sessions_dir_option
@click.pass_context
def export_csv(
    click_ctx: click.Context,
    session: str,
    what: str,
    output: Path | None,
    sessions_dir: Path | None,
) -> None:
    """Write a session's cards or action items as CSV for a spreadsheet."""
    from retro_tui.exchange import actions_csv, cards_csv

    loaded = _load(_store(_folder(click_ctx, sessions_dir)), session)
    text = cards_csv(loaded) if what == "cards" else actions_csv(loaded)
    _write(text, output, f"{what} of {loaded.id}")


COMMANDS: Sequence[click.Command] = (
    actions,
    insights_command,
    export_json,
    import_json,
    export_csv,
)


def register(main: click.Group) -> None:
    """Add these commands to `main` (again is harmless: a name is added once)."""
    for command in COMMANDS:
        if command.name is not None and command.name not in main.commands:
            main.add_command(command)

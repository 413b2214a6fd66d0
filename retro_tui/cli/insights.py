"""`retro-tui insights`: completion of actions, ROTI over time and the problems that keep
coming back, per team, computed by `reports.insights` from the session files."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import click

from retro_tui.cli.plumbing import (
    Context,
    as_date,
    clip,
    fail,
    load_every_session,
    today_option,
    with_context,
    wrap,
)
from retro_tui.domain.measures import half_up

if TYPE_CHECKING:
    from retro_tui.reports.insights import Insights


def _pct(value: float | None) -> str:
    return "  –" if value is None else f"{round(value * 100):3d}%"


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:g} days"


def _insight_lines(found: Insights) -> list[str]:
    from retro_tui.reports.insights import sparkline
    from retro_tui.reports.recurring import action_line, nothing_recurring

    out = [f"{found.team} — {found.sessions} retros, {found.first} to {found.last}", ""]
    roti = [p.average for p in found.roti]
    rated = [v for v in roti if v is not None]
    if rated:
        out.append(
            f"ROTI        {sparkline(roti, low=1, high=5)}  "
            f"last {half_up(rated[-1], 1)}, average {half_up(sum(rated) / len(rated), 1)} (1–5)"
        )
    for trend in found.health:  # the health check, per dimension (issue 16)
        out.append(
            f"{clip('Health ' + trend.title, 11):<11} {sparkline(trend.averages, low=1, high=5)}  "
            + trend.last_words
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
            f"  {c.date}  {clip(c.title, 30):<30}{c.raised:>6}{c.done:>6}{c.dropped:>9}"
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
    if found.measures is not None:
        from retro_tui.reports.measure_insights import measure_lines

        out += ["", *measure_lines(found.measures)]
    out += ["", "Problems that keep coming back (confirmed links)"]
    if not found.problems:
        out.extend(wrap(nothing_recurring(found.problems_window, found.linked_retros), "  "))
    for problem in found.problems:
        out.extend(wrap(problem.headline, "  "))
        for card in problem.cards:
            lines = wrap(f"{card.text} ({card.retro_title})", " " * 16)
            lines[0] = f"    {card.date}{lines[0][14:]}"
            out.extend(lines)
        for action in problem.actions:
            out.extend(wrap(action_line(action), "    "))
    if found.possible:
        out += ["", "Possible recurrences (guesses by similarity of meaning, not confirmed)"]
        for guess in found.possible:
            out.extend(
                wrap(
                    f"{guess.date} {guess.text!r} ({guess.retro_title}) looks like "
                    f"{guess.problem_name!r}, similarity {guess.similarity:.2f}",
                    "  ",
                )
            )
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
@click.option(
    "--threshold",
    default=None,
    type=click.FloatRange(0.05, 1.0),
    help="How alike (0-1) an unlinked card must be to a known problem to be listed as a "
    "possible recurrence.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
@today_option
@with_context
def insights_command(
    ctx: Context,
    team: str | None,
    window: int,
    threshold: float | None,
    as_json: bool,
    today: datetime | None,
) -> None:
    """Completion of actions, ROTI over time and the problems that keep coming back.

    Computed on this machine from the session files; nothing goes over the network.
    """
    from retro_tui.domain.text import name_key
    from retro_tui.meaning import best_scores
    from retro_tui.reports.insights import DEFAULT_THRESHOLD, insights

    folder = ctx.sessions_dir
    sessions = load_every_session(ctx)
    teams: dict[str, str] = {}
    for s in sorted(sessions, key=lambda x: x.created_at):
        teams[name_key(s.team.strip())] = s.team
    if team is not None:
        key = name_key(team.strip())
        if key not in teams:
            known = ", ".join(sorted(teams.values())) or "none"
            fail(f"no retros of team {clip(team, 40)!r} in {folder} (teams: {known}).")
        teams = {key: teams[key]}
    if not teams:
        fail(f"no sessions in {folder}.")
    scores, note = best_scores()
    if note:
        click.echo(note, err=True)
    found = [
        insights(
            sessions,
            name,
            as_date(today),
            window=window,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            scores=scores,
        )
        for name in teams.values()
    ]
    if as_json:
        click.echo(json.dumps([f.to_json() for f in found], ensure_ascii=False, indent=2))
        return
    blocks = ["\n".join(_insight_lines(f)) for f in found]
    click.echo("\n\n".join(blocks))


COMMANDS: tuple[click.Command, ...] = (insights_command,)

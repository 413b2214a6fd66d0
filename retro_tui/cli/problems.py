"""`retro-tui problems`: a team's known problems, and linking a retro's cards and topics to
them after the meeting.

The same domain functions as the board (`domain.problems`) make the change, through
`reports.folder.change_session`: the session's lock first, so a live hub is never raced.
Suggestions come from `reports.problems`, ranked by `meaning` (the model ships in the
wordllama wheel; nothing goes over the network).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from retro_tui.cli.plumbing import (
    Context,
    clip,
    fail,
    load_every_session,
    load_session,
    resolve_session,
    with_context,
    wrap,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from retro_tui.domain.model import Session
    from retro_tui.reports.problems import KnownProblem


def _known(ctx: Context, session: Session) -> list[KnownProblem]:
    from retro_tui.reports.problems import known_problems

    return known_problems(load_every_session(ctx), session.team, leave_out=session.id)


def _pick_problem(problems: list[KnownProblem], typed: str) -> KnownProblem:
    """The one problem `typed` names: its id, the start of its id, or its name (any case)."""
    from retro_tui.domain.text import name_key

    wanted = name_key(" ".join(typed.split()))
    exact = [p for p in problems if p.id == typed or name_key(p.name) == wanted]
    found = exact or [p for p in problems if p.id.startswith(typed)]
    if len(found) == 1:
        return found[0]
    if not found:
        fail(
            f"no known problem of this team is called {clip(typed, 40)!r}; "
            "`retro-tui problems list` shows them, or name a new one with --new."
        )
    names = ", ".join(repr(p.name) for p in found[:5])
    fail(f"{clip(typed, 40)!r} matches several problems ({names}); give its full id.")


def _change(ctx: Context, session_id: str, change: Callable[[Session], Session]) -> Session:
    from retro_tui.reports.folder import StatusRefused, change_session

    try:
        return change_session(ctx.sessions_dir, session_id, change)
    except StatusRefused as refused:
        fail(refused)


def _with_target(ctx: Context, session_id: str, target: str) -> Session:
    """The session, once it is known to hold `target` (a typo is named, not "gone")."""
    loaded = load_session(ctx, session_id)
    if loaded.topic(target) is None and loaded.card(target) is None:
        fail(f"{loaded.id} has no card or topic {clip(target, 20)!r}; "
             f"`retro-tui problems suggest {loaded.id}` lists them.")  # fmt: skip
    return loaded


def _target_line(session: Session, target: str) -> str:
    topic = session.topic(target)
    if topic is not None:
        return f"topic {topic.title}"
    card = session.card(target)
    return card.text if card is not None else target


_TEAM = click.option("--team", default=None, help="Only this team (default: every team).")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")


@click.group("problems", invoke_without_command=True)
@_TEAM
@_JSON
@with_context
def problems(ctx: Context, team: str | None, as_json: bool) -> None:
    """A team's known problems: named in one retro, linked again in later ones.

    \b
    Examples:
      retro-tui problems list --team Marketing
      retro-tui problems suggest 2026-11-23-sprint-42
      retro-tui problems link 2026-11-23-sprint-42 t4 "Design assets arrive late"
      retro-tui problems link 2026-11-23-sprint-42 c12 --new "Legal review is slow"
      retro-tui problems unlink 2026-11-23-sprint-42 c12
    """
    if click.get_current_context().invoked_subcommand is None:
        _list(ctx, team, as_json)


@problems.command("list")
@_TEAM
@_JSON
@with_context
def problems_list(ctx: Context, team: str | None, as_json: bool) -> None:
    """Each team's known problems, most often seen first (the same as `retro-tui problems`)."""
    _list(ctx, team, as_json)


def _list(ctx: Context, team: str | None, as_json: bool) -> None:
    from retro_tui.domain.text import name_key
    from retro_tui.reports.problems import known_problems, seen_phrase

    sessions = load_every_session(ctx)
    teams: dict[str, str] = {}
    for s in sorted(sessions, key=lambda x: x.created_at):
        teams[name_key(s.team.strip())] = s.team
    if team is not None:
        key = name_key(team.strip())
        if key not in teams:
            fail(f"no retros of team {clip(team, 40)!r} in {ctx.sessions_dir}.")
        teams = {key: teams[key]}
    listing = {name: known_problems(sessions, name) for name in teams.values()}
    if as_json:
        data = [
            {
                "team": name,
                "problems": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "retros": p.retros,
                        "first": p.first,
                        "last": p.last,
                        "linked": [
                            {"session_id": s.session_id, "target": s.target, "text": s.text}
                            for s in p.sightings
                        ],
                    }
                    for p in found
                ],
            }
            for name, found in listing.items()
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not any(listing.values()):
        click.echo(
            f"No known problems in {ctx.sessions_dir}: link cards on the board (group or "
            "discuss) or with `retro-tui problems link`."
        )
        return
    for name, found in listing.items():
        if not found:
            continue
        click.echo(f"{name}")
        for p in found:
            click.echo("\n".join(wrap(f"{p.name} — {seen_phrase(p.retros, p.first)}, "
                                      f"last {p.last}  [{p.id}]", "  ")))  # fmt: skip


@problems.command("suggest")
@click.argument("session")
@click.argument("target", required=False)
@with_context
def problems_suggest(ctx: Context, session: str, target: str | None) -> None:
    """Up to three known problems each card or topic of SESSION looks like (or only
    TARGET's: a card or topic id such as c12 or t4)."""
    from retro_tui.meaning import best_scores
    from retro_tui.reports.insights import NON_PROBLEM_COLUMNS
    from retro_tui.reports.problems import rank_many, short_date, target_text

    loaded = load_session(ctx, session)
    known = _known(ctx, loaded)
    if target is not None:
        _with_target(ctx, loaded.id, target)
    if not known:
        click.echo(
            f"Team {loaded.team} has no known problems yet (outside this retro): name one "
            "with `retro-tui problems link SESSION TARGET --new NAME`."
        )
        return
    scores, note = best_scores()
    if note:
        click.echo(note, err=True)
    if target:
        targets = [target]
    else:  # praise and proposals are not problems (the insights' rule)
        targets = [
            t for t in loaded.vote_targets() if loaded.target_column(t) not in NON_PROBLEM_COLUMNS
        ]
    # One more than shown: a target's own problem is left out of its suggestions.
    found = rank_many([target_text(loaded, t) for t in targets], known, scores, limit=4)
    for t, suggestions in zip(targets, found, strict=True):
        linked = loaded.problem_of(t)
        head = f"{t}  {_target_line(loaded, t)}"
        if linked is not None:
            head += f"  (linked: {linked.name})"
        suggestions = [s for s in suggestions if linked is None or s.problem.id != linked.id][:3]
        lines = wrap(head, "    ")
        lines[0] = lines[0].lstrip()
        click.echo("\n".join(lines))
        for n, s in enumerate(suggestions, start=1):
            p = s.problem
            line = (
                f"{n}. looks like: {p.name} — {p.retros} retro{'s' if p.retros != 1 else ''}, "
                f"last on {short_date(p.last)} (similarity {s.similarity:.2f}) [{p.id}]"
            )
            lines = wrap(line, "     ")
            lines[0] = "  " + lines[0].lstrip()
            click.echo("\n".join(lines))


@problems.command("link")
@click.argument("session")
@click.argument("target")
@click.argument("problem", required=False)
@click.option("--new", "new_name", default=None, help="Name a new problem and link to it.")
@with_context
def problems_link(
    ctx: Context, session: str, target: str, problem: str | None, new_name: str | None
) -> None:
    """Link TARGET (a card or topic id of SESSION) to the known PROBLEM (its name or id),
    or to a new problem named with --new."""
    from retro_tui.domain import problems as pr
    from retro_tui.domain.errors import Refused

    if (problem is None) == (new_name is None):
        fail("give either a known PROBLEM (its name or id) or --new NAME, not both.")
    session_id = resolve_session(ctx, session)
    loaded = _with_target(ctx, session_id, target)
    if new_name is not None:
        try:
            clean = pr.clean_problem_name(new_name)
        except Refused as refused:
            fail(refused)
        twin = pr.same_name(_known(ctx, loaded), clean)
        if twin is not None:
            fail(
                f"team {loaded.team} already knows a problem called {twin.name!r} "
                f"[{twin.id}]: link to it by that name instead of naming it again."
            )
        changed = _change(ctx, session_id, lambda s: pr.link_new(s, target, new_name)[0])
    else:
        chosen = _pick_problem(_known(ctx, loaded), problem or "")
        changed = _change(ctx, session_id, lambda s: pr.link(s, target, chosen.id, chosen.name))
    linked = changed.problem_of(target)
    assert linked is not None
    click.echo(f"{target} ({clip(_target_line(changed, target), 50)}) is now linked to "
               f"{linked.name} [{linked.id}]")  # fmt: skip


@problems.command("unlink")
@click.argument("session")
@click.argument("target")
@with_context
def problems_unlink(ctx: Context, session: str, target: str) -> None:
    """Take TARGET's link to its problem away."""
    from retro_tui.domain import problems as pr

    session_id = resolve_session(ctx, session)
    _with_target(ctx, session_id, target)
    changed = _change(ctx, session_id, lambda s: pr.unlink(s, target))
    click.echo(f"{target} ({clip(_target_line(changed, target), 50)}) is no longer linked.")


COMMANDS: tuple[click.Command, ...] = (problems,)

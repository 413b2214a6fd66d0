"""Links from a retro's cards and topics to the team's named problems.

People decide what is the same problem; the tool only suggests. So a link is a fact the
facilitator confirmed, kept with the session: a card or topic points at a `Problem` (a
stable id and a name). A problem named in one retro keeps its id in every later retro
that links to it, which is how a team's list of known problems is the union over its
retros (`reports.problems.known_problems`).

The hub's rules (facilitator only, group and discuss) and the after-the-meeting CLI
both change links through these functions. Pure: no I/O, no clock.
"""

from __future__ import annotations

from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Problem, ProblemLink, Session

__all__ = [
    "PROBLEM_ID_MAX",
    "PROBLEM_NAME_MAX",
    "clean_problem_name",
    "link",
    "link_new",
    "linked",
    "unlink",
]

PROBLEM_NAME_MAX = 80
PROBLEM_ID_MAX = 200


def clean_problem_name(name: object) -> str:
    return " ".join(t.clean_text(name, "A problem's name", PROBLEM_NAME_MAX).split())


def _target_or_refuse(session: Session, target: str) -> str:
    if session.topic(target) is None and session.card(target) is None:
        raise Refused("That card or topic no longer exists.")
    return target


def link(session: Session, target: str, problem_id: object, name: object) -> Session:
    """Link `target` to the known problem `problem_id` (its name as the team last spelled
    it). A target has one problem at most: a new link replaces the old one."""
    _target_or_refuse(session, target)
    pid = t.clean_text(problem_id, "A problem's id", PROBLEM_ID_MAX)
    if any(ch.isspace() for ch in pid):
        raise Refused("A problem's id cannot hold spaces.")
    problem = Problem(id=pid, name=clean_problem_name(name))
    known = session.problem(pid)
    problems = (
        tuple(problem if p is known else p for p in session.problems)
        if known is not None
        else (*session.problems, problem)
    )
    links = tuple(k for k in session.problem_links if k.target != target)
    return session.with_changes(problems=problems, problem_links=(*links, ProblemLink(target, pid)))


def link_new(session: Session, target: str, name: object) -> tuple[Session, Problem]:
    """Name a new problem and link `target` to it. Its id is made from the session's id,
    so it is unique across the sessions folder."""
    _target_or_refuse(session, target)
    clean = clean_problem_name(name)
    pid = f"{session.id}#p{session.next_id}"
    session = session.with_changes(next_id=session.next_id + 1)
    return link(session, target, pid, clean), Problem(pid, clean)


def unlink(session: Session, target: str) -> Session:
    if not any(k.target == target for k in session.problem_links):
        raise Refused("That card or topic is not linked to a problem.")
    links = tuple(k for k in session.problem_links if k.target != target)
    used = {k.problem for k in links}
    return session.with_changes(
        problem_links=links, problems=tuple(p for p in session.problems if p.id in used)
    )


def linked(session: Session) -> tuple[tuple[str, Problem], ...]:
    """(target, problem) for each link whose card or topic still exists; a topic that
    was dissolved or a card that was deleted takes its link with it."""
    found = []
    for k in session.problem_links:
        problem = session.problem(k.problem)
        alive = session.topic(k.target) is not None or session.card(k.target) is not None
        if problem is not None and alive:
            found.append((k.target, problem))
    return tuple(found)

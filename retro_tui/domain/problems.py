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

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Problem, ProblemLink, Session
from retro_tui.domain.names import look_alike_key

__all__ = [
    "PROBLEM_ID_MAX",
    "PROBLEM_NAME_MAX",
    "clean_problem_name",
    "link",
    "link_new",
    "linked",
    "links_touched",
    "links_unchanged_since",
    "links_undone",
    "same_name",
    "undo_label",
    "unlink",
]

PROBLEM_NAME_MAX = 80
PROBLEM_ID_MAX = 200


def clean_problem_name(name: object) -> str:
    """One line, literal, without invisible characters: two names that look the same
    must be the same name, or a team's list would hold twins it cannot tell apart."""
    if isinstance(name, str) and len(name) <= PROBLEM_NAME_MAX * 4:
        name = t.without_invisible(name)
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


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def same_name(problems: Iterable[N], name: str) -> N | None:
    """The problem whose name a person would take for `name` (case, spacing, look-alike
    letters), if any: naming it again would split one problem in two."""
    # Folded first: the look-alike key maps a capital I to l before it folds case.
    key = look_alike_key(name.casefold())
    return next((p for p in problems if look_alike_key(p.name.casefold()) == key), None)


def link_new(session: Session, target: str, name: object) -> tuple[Session, Problem]:
    """Name a new problem and link `target` to it. Its id is made from the session's id,
    so it is unique across the sessions folder."""
    _target_or_refuse(session, target)
    clean = clean_problem_name(name)
    twin = same_name(session.problems, clean)
    if twin is not None:
        raise Refused(
            f"This retro already links a problem called {twin.name!r}: "
            "link to it instead of naming it again."
        )
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


# --- undo (domain/undo.py keeps these in its records) ----------------------------------
def undo_label(before: Session, after: Session, target: str) -> str | None:
    """What a link command did to `target`, when it took a link away (else None)."""
    old, new = before.problem_of(target), after.problem_of(target)
    if old is None or old == new:
        return None
    return "Link to a known problem taken away" if new is None else "Known problem replaced"


def _changed_targets(before: Session, after: Session) -> set[str]:
    return {k.target for k in set(before.problem_links) ^ set(after.problem_links)}


def links_touched(before: Session, after: Session) -> tuple[dict[str, Any], dict[str, Any]]:
    """The links a change touched and the problems they name, before and after it."""
    targets = _changed_targets(before, after)

    def part(s: Session) -> dict[str, Any]:
        links = tuple(k for k in s.problem_links if k.target in targets)
        used = {k.problem for k in links}
        return {"problem_links": links, "problems": tuple(p for p in s.problems if p.id in used)}

    return part(before), part(after)


def _link_of(links: tuple[ProblemLink, ...], target: str) -> ProblemLink | None:
    return next((k for k in links if k.target == target), None)


def links_unchanged_since(session: Session, before: Session, after: Session) -> bool:
    """Every link the change touched is still as it left it, on a card or topic that
    still exists."""
    for target in _changed_targets(before, after):
        if _link_of(session.problem_links, target) != _link_of(after.problem_links, target):
            return False
        if session.topic(target) is None and session.card(target) is None:
            return False
    return True


def links_undone(session: Session, before: Session, after: Session) -> dict[str, Any]:
    """`session`'s links and problems with the touched links as they were before."""
    targets = _changed_targets(before, after)
    kept = tuple(k for k in session.problem_links if k.target not in targets)
    links = (*kept, *(k for k in before.problem_links if k.target in targets))
    names = {p.id: p for p in before.problems} | {p.id: p for p in session.problems}
    used = dict.fromkeys(k.problem for k in links)
    return {"problem_links": links, "problems": tuple(names[i] for i in used if i in names)}

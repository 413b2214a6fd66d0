"""The facilitator's problem advisor: for the selected card or topic, which of the team's
known problems it looks like, and how often the one it is linked to has come back.

It reads the sessions folder once (the team's other retros do not change during a
meeting) and ranks by meaning with the model from the wordllama wheel. Only the
facilitator's side makes one (`LocalLauncher.advisor`): a participant's tab process never
imports this module or the model (tests/test_layers.py). The board calls it from a
worker thread; it touches no widget.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from retro_tui.domain.model import Problem, Session
from retro_tui.reports.insights import NON_PROBLEM_COLUMNS
from retro_tui.reports.problems import (
    KnownProblem,
    Scores,
    Suggestion,
    known_problems,
    seen_phrase,
    suggestions_for,
)

__all__ = ["Advice", "FolderAdvisor"]


@dataclass(frozen=True)
class Advice:
    target: str
    linked: Problem | None  # what the target is linked to now
    seen: str  # "seen in 4 retros since January" for the linked problem, or ""
    suggestions: tuple[Suggestion, ...]
    note: str = ""  # why suggestions are weaker than usual (the model is missing), or ""
    known: int = 0  # how many problems the team knows (0: nothing to say yet)
    praise: bool = False  # a card of a column for praise or proposals: nothing to suggest


class FolderAdvisor:
    """Suggestions for one sessions folder; safe to call from one worker at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._others: dict[str, tuple[Session, ...]] = {}  # session id -> the other retros
        self._scores: Scores | None = None
        self._known: tuple[tuple[str, int], list[KnownProblem]] | None = None
        self._note = ""
        self._lock = threading.Lock()

    def _other_retros(self, session: Session) -> tuple[Session, ...]:
        found = self._others.get(session.id)
        if found is None:
            from retro_tui.reports.folder import load_sessions

            everyone = load_sessions(self.folder).sessions
            found = tuple(s for s in everyone if s.id != session.id)
            self._others[session.id] = found
        return found

    def _known_now(self, session: Session) -> list[KnownProblem]:
        """The team's known problems, worked out once per revision of `session` (a
        selection that moves without a change to the retro reuses them)."""
        key = (session.id, session.revision)
        if self._known is None or self._known[0] != key:
            found = known_problems([*self._other_retros(session), session], session.team)
            self._known = (key, found)
        return self._known[1]

    def _scorer(self) -> Scores:
        if self._scores is None:
            from retro_tui.meaning import best_scores

            self._scores, self._note = best_scores()
        return self._scores

    def warm(self, session: Session) -> None:
        """Read the folder, load the model and embed the known problems ahead of the first
        selection, so moving through the board never waits on them."""
        with self._lock:
            known = self._known_now(session)
            texts = [text for problem in known for text in problem.texts()]
            self._scorer()(["warm-up"], texts)

    def known(self, session: Session) -> list[KnownProblem]:
        """The team's known problems, this retro's links included."""
        with self._lock:
            return list(self._known_now(session))

    def advise(self, session: Session, target: str) -> Advice:
        """What `target` of `session` looks like, and how often its problem was seen."""
        with self._lock:
            known = self._known_now(session)
            linked = session.problem_of(target)
            seen = ""
            if linked is not None:
                found = next((p for p in known if p.id == linked.id), None)
                if found is not None:
                    seen = seen_phrase(found.retros, found.first, session.created_at.year)
            praise = session.target_column(target) in NON_PROBLEM_COLUMNS  # or proposals
            suggestions: tuple[Suggestion, ...] = ()
            if not praise:
                suggestions = tuple(suggestions_for(session, target, known, self._scorer()))
            return Advice(target, linked, seen, suggestions, self._note, len(known), praise)

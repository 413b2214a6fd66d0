"""The one way the domain says no: a refusal carrying a sentence a person can read."""

from __future__ import annotations


class Refused(Exception):
    """A command that breaks a rule. `reason` is shown to the user as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class VoteBudgetExceeded(Refused):
    """A vote past the participant's budget or the per-topic cap."""


class NotAllowed(Refused):
    """A command the actor's role or the current phase does not permit."""

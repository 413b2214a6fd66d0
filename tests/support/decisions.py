"""A retro holding a decision waiting for data and a measured action, on a real sessions
folder: what the acted-early tests of every path (shell, review, Action items screen)
start from."""

from __future__ import annotations

from pathlib import Path

from retro_tui.domain import rules
from retro_tui.domain.measures import TeamNumber
from retro_tui.domain.model import ActionItem, Session
from retro_tui.store import SessionStore
from tests.support.domain import NOW, make_format

TEAM = "Growth"
DECISION = ActionItem(
    id="a1",
    text="Decide on the new ad copy",
    owner="Aiko",
    due="2026-12-21",
    metric="Ad impressions",
    target=1000.0,
    decision=True,
)
MEASURED = ActionItem(
    id="a2",
    text="Rewrite the subject lines",
    owner="Maya",
    due="2026-12-21",
    metric="Open rate",
    baseline=18.0,
    target=25.0,
)


def retro(
    session_id: str, impressions: float | None, previous: Session | None = None
) -> Session:
    """A retro of the team whose table holds `impressions`; after `previous`, it reviews
    that retro's open actions."""
    session = rules.new_session(
        make_format(),
        session_id=session_id,
        title=session_id,
        team=TEAM,
        now=NOW,
        previous_actions=previous.actions if previous else (),
        previous_numbers=previous.numbers if previous else (),
    )
    numbers = (TeamNumber("Ad impressions", value=impressions),)
    return session.with_changes(numbers=numbers, data_step=True)


def first_retro(folder: Path, impressions: float) -> Session:
    """The retro that raised the decision and the measured action, saved in `folder`."""
    session = retro("s1", impressions).with_changes(actions=(DECISION, MEASURED))
    SessionStore(folder).create(session)
    return session

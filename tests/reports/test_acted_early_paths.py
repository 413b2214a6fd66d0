"""A decision waiting for data that is marked done before its number reached the threshold
is *acted early* whichever path marks it: the review (tests/domain/test_domain_measures.py),
`retro-tui actions done` on an item in its retro's action list or under a later review,
and the app's Action items screen (tests/ui/test_ui_followup.py). One rule, `judging`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from retro_tui.cli import main
from retro_tui.domain.judging import with_status
from retro_tui.domain.model import ActionItem, ActionStatus, ReviewDecision
from retro_tui.reports.followup import collect
from retro_tui.store import SessionStore
from tests.support.decisions import DECISION, MEASURED, first_retro, retro
from tests.support.domain import NOW, later


def shell(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--sessions-dir", str(folder), *args, "--today", "2026-12-01"])


def ref_of(folder: Path, text: str) -> str:
    sessions = [SessionStore(folder).load(s.id) for s in SessionStore(folder).list().sessions]
    (row,) = [r for r in collect(sessions, NOW.date()) if r.text == text]
    return row.ref


def stored_action(folder: Path, session_id: str, action_id: str) -> ActionItem:
    item = SessionStore(folder).load(session_id).action(action_id)
    assert item is not None
    return item


def test_done_from_the_shell_before_the_threshold_is_acted_early_and_reopen_clears_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    first_retro(folder, impressions=640)
    ref = ref_of(folder, DECISION.text)
    done = shell(folder, "actions", "done", ref)
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[-1] == (
        "Recorded as acted early: Ad impressions is at 640, short of the threshold 1000."
    )
    item = stored_action(folder, "s1", "a1")
    assert item.status is ActionStatus.DONE and item.acted_early
    reopened = shell(folder, "actions", "reopen", ref)
    assert reopened.exit_code == 0, reopened.output
    assert not stored_action(folder, "s1", "a1").acted_early


def test_done_from_the_shell_once_the_number_reached_the_threshold_is_not_early(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    first_retro(folder, impressions=1400)
    done = shell(folder, "actions", "done", ref_of(folder, DECISION.text))
    assert done.exit_code == 0, done.output
    assert "acted early" not in done.stdout
    item = stored_action(folder, "s1", "a1")
    assert item.status is ActionStatus.DONE and not item.acted_early


def test_a_measured_action_done_from_the_shell_is_never_acted_early(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    first_retro(folder, impressions=640)
    done = shell(folder, "actions", "done", ref_of(folder, MEASURED.text))
    assert done.exit_code == 0, done.output
    assert not stored_action(folder, "s1", "a2").acted_early


def test_done_from_the_shell_on_a_decision_under_review_is_judged_as_the_review_would(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    first = first_retro(folder, impressions=250)
    store = SessionStore(folder)
    second = retro("s2", 640, previous=first)
    store.create(replace(second, created_at=later(86_400 * 28)))
    done = shell(folder, "actions", "done", ref_of(folder, DECISION.text))
    assert done.exit_code == 0, done.output
    assert "review of s2" in done.stdout and "acted early" in done.stdout
    (entry,) = [r for r in store.load("s2").review if r.action.id == "a1"]
    assert entry.decision is ReviewDecision.DONE and entry.action.acted_early
    # as at the review, this retro's value of the number joins the action's history
    assert [m.value for m in entry.action.actuals] == [640.0]


@pytest.mark.parametrize(
    ("impressions", "status", "early"),
    [
        (640, ActionStatus.DONE, True),
        (None, ActionStatus.DONE, True),  # no figure at all: not known to be ready
        (1000, ActionStatus.DONE, False),  # the threshold itself is reached
        (640, ActionStatus.DROPPED, False),
        (640, ActionStatus.OPEN, False),
    ],
)
def test_the_status_rule_matches_the_reviews(
    impressions: float | None, status: ActionStatus, early: bool
) -> None:
    session = retro("s1", impressions).with_changes(actions=(DECISION,))
    changed = with_status(session, replace(DECISION, acted_early=not early), status)
    assert changed.status is status and changed.acted_early is early

"""Action items followed across retros: one row per item however often it was carried,
its status from the newest retro that mentions it, and ids a person can type."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retro_tui.domain.model import ActionStatus, ReviewDecision, Session
from retro_tui.reports.followup import (
    ActionRow,
    AmbiguousAction,
    MentionKind,
    UnknownAction,
    base_id,
    collect,
    filter_rows,
    find_row,
    short_ref,
    with_status,
)
from tests.support.history import MARKETING, PLATFORM, TODAY, History, build_history


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(Path(tmp_path_factory.mktemp("history")))


@pytest.fixture(scope="module")
def sessions(history: History) -> list[Session]:
    return history.sessions(MARKETING) + history.sessions(PLATFORM)


@pytest.fixture(scope="module")
def rows(sessions: list[Session]) -> list[ActionRow]:
    return collect(sessions, TODAY)


def by_text(rows: list[ActionRow], text: str) -> ActionRow:
    (row,) = [r for r in rows if r.text == text]
    return row


def test_every_item_once_however_often_carried(rows: list[ActionRow]) -> None:
    assert len(rows) == 15
    assert len({r.key for r in rows}) == 15
    assert len({r.ref for r in rows}) == 15
    checklist = by_text(rows, "Write a release-day checklist")
    assert checklist.carried == 3
    assert checklist.id.count("~") == 3 and base_id(checklist.id) == "a11"
    assert checklist.session_id == "2026-07-27-sprint-15-retro"  # newest copy
    assert checklist.retro_title == "Spring campaign wrap-up"
    assert checklist.retro_date == "2026-06-15"


def test_status_comes_from_the_newest_review(rows: list[ActionRow]) -> None:
    assert by_text(rows, "Write a release-day checklist").status is ActionStatus.DONE
    assert by_text(rows, "Agree a 48-hour legal sign-off SLA").status is ActionStatus.DROPPED
    assert by_text(rows, "Map the approval chain for campaign copy").status is ActionStatus.DONE
    forgotten = by_text(rows, "Move problem solving out of the daily")
    assert forgotten.status is ActionStatus.OPEN  # left pending at the next retro
    assert forgotten.target.kind is MentionKind.REVIEW
    assert forgotten.target.session_id == "2026-08-24-sprint-17-retro"


def test_age_and_overdue_against_today(rows: list[ActionRow]) -> None:
    late = by_text(rows, "Set up approval reminders in the tracker")
    raised = date.fromisoformat(late.retro_date)
    assert late.is_open and late.overdue and late.age_days == (TODAY - raised).days == 91
    done = by_text(rows, "Share the holiday calendar")
    assert not done.overdue  # done items are never overdue
    undated = by_text(rows, "Ask finance for a monthly social budget view")
    assert not undated.overdue and undated.missing == ("due date", "metric")


def test_filters(rows: list[ActionRow]) -> None:
    open_rows = filter_rows(rows, open_only=True)
    assert {r.text for r in open_rows} == {
        "Move problem solving out of the daily",
        "Set up approval reminders in the tracker",
        "No releases after Thursday noon",
        "Kickoff template with acceptance criteria",
        "Add a deploy freeze on Fridays",
    }
    assert filter_rows(rows, overdue=True) == open_rows  # all of them are late by November
    assert {r.owner for r in filter_rows(rows, owner="  OMAR ")} == {"Omar"}
    assert {r.team for r in filter_rows(rows, team="platform")} == {PLATFORM}
    assert filter_rows(rows, team="nobody") == []


def test_refs_do_not_change_as_retros_are_added(sessions: list[Session]) -> None:
    marketing = [s for s in sessions if s.team == MARKETING]
    early = {r.key: r.ref for r in collect(marketing[:6], TODAY)}
    late = {r.key: r.ref for r in collect(marketing, TODAY)}
    assert early and all(late[key] == ref for key, ref in early.items())
    assert all(ref == short_ref(key) for key, ref in late.items())


def test_find_row_by_ref_key_id_or_prefix(rows: list[ActionRow]) -> None:
    checklist = by_text(rows, "Write a release-day checklist")
    assert find_row(rows, checklist.ref) is checklist
    assert find_row(rows, f" {checklist.ref[:5]} ") is checklist
    assert find_row(rows, checklist.key) is checklist
    assert find_row(rows, checklist.id) is checklist
    assert find_row(rows, "2026-06-29-sprint-13-retro:a11~2026-06-29-sprint-13-retro") is checklist


def test_find_row_refuses_with_a_sentence(rows: list[ActionRow]) -> None:
    with pytest.raises(AmbiguousAction, match=r"matches \d+ action items.*\.$"):
        find_row(rows, "a10")
    with pytest.raises(UnknownAction, match=r"^No action item 'zzz'.*\.$"):
        find_row(rows, "zzz")
    with pytest.raises(UnknownAction):
        find_row(rows, "   ")


def test_with_status_on_a_held_item(sessions: list[Session]) -> None:
    rows = collect(sessions, TODAY)
    row = by_text(rows, "Kickoff template with acceptance criteria")
    assert row.target.kind is MentionKind.ACTION
    holder = next(s for s in sessions if s.id == row.target.session_id)
    changed = with_status(holder, row.target, ActionStatus.DONE)
    assert changed.action(row.id) is not None
    assert changed.action(row.id).status is ActionStatus.DONE  # type: ignore[union-attr]
    assert changed.revision == holder.revision + 1
    after = collect([changed if s.id == holder.id else s for s in sessions], TODAY)
    assert by_text(after, row.text).status is ActionStatus.DONE


def test_with_status_on_a_reviewed_item_sets_the_decision(sessions: list[Session]) -> None:
    rows = collect(sessions, TODAY)
    row = by_text(rows, "Move problem solving out of the daily")
    reviewer = next(s for s in sessions if s.id == row.target.session_id)
    changed = with_status(reviewer, row.target, ActionStatus.DONE)
    entry = next(r for r in changed.review if r.action.id == row.target.action_id)
    assert entry.decision is ReviewDecision.DONE
    after = collect([changed if s.id == reviewer.id else s for s in sessions], TODAY)
    assert by_text(after, row.text).status is ActionStatus.DONE
    reopened = with_status(changed, row.target, ActionStatus.OPEN)
    entry = next(r for r in reopened.review if r.action.id == row.target.action_id)
    assert entry.decision is ReviewDecision.PENDING


def test_json_row_shape(rows: list[ActionRow]) -> None:
    data = by_text(rows, "Ask finance for a monthly social budget view").to_json()
    assert data["status"] == "dropped" and data["due"] is None and data["smart"] is False
    assert set(data) >= {"ref", "id", "text", "owner", "age_days", "overdue", "retro_title"}

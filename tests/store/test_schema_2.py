"""Schema 2: what was added since schema 1 (seats, undo records, measures, numbers, the
room, its rhythm) is only written under a version an older retro-tui refuses, so it can
never load such a file and drop them on its next save. On real files in tmp_path."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.domain import commands as c
from retro_tui.domain.measures import Direction, Measurement, ReadinessCheck, TeamNumber
from retro_tui.domain.model import (
    ActionItem,
    CheckinAnswer,
    HealthCheck,
    HealthDimension,
    ParkedItem,
    Problem,
    ProblemLink,
    Session,
)
from retro_tui.domain.phases import Phase
from retro_tui.domain.room import Comment, Hand, ReactionKind, ReadyCheck
from retro_tui.domain.room import Reaction as RoomReaction
from retro_tui.domain.serial import session_to_dict
from retro_tui.store import CorruptSession, NewerSchema, SessionStore, file_format
from tests.support.domain import later, make_retro

# What a schema-1 file held: these top-level fields, and inside them no more than these.
SCHEMA_1_FIELDS = {
    "id", "title", "team", "format_key", "format_name", "columns", "created_at",
    "durations", "settings", "phase", "participants", "cards", "topics", "votes",
    "current_topic", "notes", "actions", "review", "roti", "timer", "phase_log",
    "revision", "next_id", "redacted_for",
}  # fmt: skip
SCHEMA_2_PARTS = {
    "participants": ("seat",),
    "settings": ("joining_locked",),
    "actions": ("baseline", "target", "direction", "decision", "actuals", "acted_early"),
}


def as_schema_1(doc: dict[str, Any]) -> dict[str, Any]:
    """The session document as a schema-1 retro-tui wrote it."""
    old = {key: value for key, value in doc.items() if key in SCHEMA_1_FIELDS}
    for person in old["participants"]:
        person.pop("seat")
    old["settings"].pop("joining_locked")
    for item in [*old["actions"], *(r["action"] for r in old["review"])]:
        for key in SCHEMA_2_PARTS["actions"]:
            item.pop(key)
    return old


def write_file(folder: Path, session_id: str, schema: int, doc: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{session_id}.json"
    meta = {"app": "retro-tui", "schema": schema, "session_id": session_id}
    path.write_text(json.dumps({"meta": {"1": meta}, "session": {"1": doc}}), encoding="utf-8")
    return path


def board() -> Session:
    """A retro in discussion with cards, a topic, votes and an action: schema 1's world."""
    r = make_retro(2, Phase.WRITE)
    p1, p2 = r.people
    slow = r.card(p1, "Landing page was slow on phones", "bad")
    tracking = r.card(p2, "Tracking broke", "bad")
    r.card(p2, "The welcome email got replies", "good")
    r.move_to(Phase.GROUP)
    topic = r.merge(tracking, slow)
    r.move_to(Phase.VOTE)
    r.do(p1, c.CastVote(target=topic))
    r.move_to(Phase.ACTIONS)
    r.do(r.fac, c.AddAction(text="Test the page on a phone", owner="Maya", metric="Load time"))
    # what schema 2 added takes its default (no undo records, no health check)
    return r.session.with_changes(undoable=(), health=HealthCheck())


def everything_since_schema_1() -> Session:
    """A session using every field schema 2 added, each with a value that is not its
    default, so a reader that dropped any of them would not round-trip it."""
    r = make_retro(2, Phase.WRITE)
    p1, p2 = r.people
    doomed = r.card(p1, "A card to delete", "bad")
    kept = r.card(p2, "Landing page was slow on phones", "bad")
    r.do(p1, c.DeleteCard(card=doomed))  # leaves an undo record
    session = r.session
    assert session.undoable
    people = tuple(replace(p, seat=f"{i:064x}") for i, p in enumerate(session.participants))
    measured = ActionItem(
        id="a9",
        text="Cut cost per lead",
        owner="Tomás",
        due="2026-12-21",
        metric="Cost per lead",
        baseline=42.0,
        target=35.0,
        direction=Direction.DOWN,
        actuals=(Measurement(34.0, "2026-11-23", "s1", "Sprint 42"),),
    )
    decision = ActionItem(
        id="a10", text="Decide on the ad copy", metric="Ad impressions", target=1000.0,
        decision=True, acted_early=True, status=measured.status,
    )  # fmt: skip
    return session.with_changes(
        participants=people,
        settings=replace(session.settings, joining_locked=True),
        problems=(Problem("growth#p1", "Pages not tested on phones"),),
        problem_links=(ProblemLink(kept, "growth#p1"),),
        actions=(measured, decision),
        data_step=True,
        numbers=(TeamNumber("Cost per lead", 34.0, "€", "November", previous=42.0),),
        readiness=(ReadinessCheck("Creative tested", True), ReadinessCheck("Budget approved")),
        hands=(Hand("h1", p1, later(5)),),
        ready=ReadyCheck(Phase.WRITE, None, (p2,), requested=True),
        reactions=(RoomReaction(kept, ReactionKind.AGREE, "k" * 16),),
        comments=(Comment("m1", kept, p1, "Same on tablets", later(9)),),
        checkin_answers=(CheckinAnswer("sunny", 4),),
        parked=(ParkedItem(kept, "Landing page was slow on phones", "2026-11-23", "Sprint 42"),),
        parked_before=(ParkedItem("c3~s0", "Budget", "2026-10-26", "October", settled=True),),
        icebreaker="One word for the month?",
        icebreakers_next=("A song for the campaign?",),
        opened_early=True,
        health_step=True,
        health=HealthCheck(
            dimensions=(HealthDimension("pace", "Pace", "Sustainable?"),),
            scores={"pace": (3, 4)},
            rated=tuple(sorted((p1, p2))),
            revealed=True,
        ),
    )


def test_the_schema_is_2_and_migrates_from_1() -> None:
    assert file_format.SCHEMA_VERSION == 2
    assert 1 in file_format.MIGRATIONS


def test_a_schema_1_file_opens_and_is_saved_as_schema_2_with_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    session = board()
    path = write_file(folder, "s1", 1, as_schema_1(session_to_dict(session)))
    original = path.read_bytes()

    loaded = SessionStore(folder).load("s1")
    assert loaded == session  # nothing schema 1 held is lost, the rest takes its default
    assert (folder / "s1.schema1.bak").read_bytes() == original
    on_disk = json.loads(path.read_text("utf-8"))
    assert on_disk["meta"]["1"]["schema"] == 2
    assert on_disk["session"]["1"] == session_to_dict(session)

    store = SessionStore(folder)  # the hub's store: a change saves schema 2 again
    changed = store.load("s1").with_changes(title="Sprint 42, renamed")
    store.save(changed)
    assert json.loads(path.read_text("utf-8"))["meta"]["1"]["schema"] == 2
    assert (folder / "s1.schema1.bak").read_bytes() == original  # the backup is kept as is
    assert SessionStore(folder).load("s1") == changed


def test_a_schema_2_file_with_every_new_field_round_trips(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    session = everything_since_schema_1()
    doc = session_to_dict(session)
    for key, value in doc.items():
        if key not in SCHEMA_1_FIELDS and key != "redacted_for":
            assert value not in (None, False, "", [], {}), f"{key} is left at its default"
    SessionStore(folder).create(session)
    path = folder / "s1.json"
    assert json.loads(path.read_text("utf-8"))["meta"]["1"]["schema"] == 2
    before = path.read_bytes()

    loaded = SessionStore(folder).load("s1")
    assert loaded == session
    assert path.read_bytes() == before  # a current file is read, never rewritten
    store = SessionStore(folder)
    store.save(store.load("s1"))
    assert SessionStore(folder).load("s1") == session
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock")) == [
        "s1.json"
    ]


def test_a_file_saved_now_is_refused_by_a_retro_tui_that_reads_only_schema_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sessions"
    SessionStore(folder).create(everything_since_schema_1())
    before = (folder / "s1.json").read_bytes()
    monkeypatch.setattr(file_format, "SCHEMA_VERSION", 1)  # the build before this one
    with pytest.raises(NewerSchema, match=r"newer retro-tui \(schema 2\); this one reads up to 1"):
        SessionStore(folder).load("s1")
    assert (folder / "s1.json").read_bytes() == before


def test_a_schema_3_file_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    session = everything_since_schema_1()
    path = write_file(folder, "s1", 3, {**session_to_dict(session), "from_the_future": [1]})
    before = path.read_bytes()
    store = SessionStore(folder)
    with pytest.raises(NewerSchema) as caught:
        store.load("s1")
    assert str(caught.value) == (
        f"{path} was made by a newer retro-tui (schema 3); this one reads up to 2. "
        "Upgrade retro-tui to open it."
    )
    with pytest.raises(NewerSchema):
        store.save(session)
    listing = SessionStore(folder).list()
    assert listing.sessions == [] and "schema 3" in listing.problems[0].reason
    assert path.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["s1.json"]


def test_reading_a_folder_of_schema_1_files_writes_nothing(tmp_path: Path) -> None:
    """Reports and exports read after the meeting: the file may be in a read-only folder
    or owned by a live hub, so an older file is migrated in memory only."""
    folder = tmp_path / "sessions"
    session = board().with_changes(team="Growth")
    path = write_file(folder, "s1", 1, as_schema_1(session_to_dict(session)))
    before = path.read_bytes()
    shell = ["--sessions-dir", str(folder)]
    for args in (
        ["actions", "--today", "2026-11-30"],
        ["insights", "--team", "Growth", "--today", "2026-11-30"],
        ["export", "s1", "--output", str(tmp_path / "notes.md")],
        ["export-json", "s1", "--output", str(tmp_path / "s1-export.json")],
    ):
        result = CliRunner().invoke(main, [*shell, *args])
        assert result.exit_code == 0, (args, result.output)
    assert "Test the page on a phone" in (tmp_path / "notes.md").read_text("utf-8")
    assert path.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["s1.json"]
    assert SessionStore(folder).read("s1") == session


def test_a_schema_1_file_that_cannot_be_read_is_left_untouched_without_a_backup(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "sessions"
    doc = as_schema_1(session_to_dict(board()))
    doc["numbers"] = "lots"  # a field of schema 2 in a schema-1 file, and malformed
    path = write_file(folder, "s1", 1, doc)
    before = path.read_bytes()
    with pytest.raises(CorruptSession, match=r"session\.numbers"):
        SessionStore(folder).load("s1")
    assert path.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["s1.json"]

"""The session store on real files: round trips, atomic and durable writes, and every kind
of bad file reported by name and left exactly as it was."""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import ActionItem, Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_to_dict
from retro_tui.paths import default_sessions_dir
from retro_tui.store import (
    SCHEMA_VERSION,
    AmbiguousSession,
    CorruptSession,
    ForeignFile,
    InvalidSessionId,
    NewerSchema,
    SessionExists,
    SessionLocked,
    SessionNotFound,
    SessionStore,
    StoreError,
    StoreWriteError,
    check_session_id,
    file_format,
    files,
)
from tests.support.scenario import replay, scenario_path

HELPER = Path(__file__).with_name("helpers_kill_writer.py")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def small_session(
    session_id: str = "s1",
    *,
    title: str = "Sprint 42",
    team: str = "core",
    created: datetime = NOW,
    actions: tuple[ActionItem, ...] = (),
) -> Session:
    fmt = RetroFormat("three", "Three", "", (ColumnSpec("good", "Good"), ColumnSpec("bad", "Bad")))
    s = rules.new_session(fmt, session_id=session_id, title=title, team=team, now=created)
    s, _ = rules.join(s, "Fran", Role.FACILITATOR, created)
    return s.with_changes(actions=actions)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def store(folder: Path) -> Iterator[SessionStore]:
    s = SessionStore(folder)
    yield s
    s.close()


@pytest.fixture
def q3() -> Session:
    session, _ = replay(scenario_path(), session_id="2026-11-23-q3")
    return session


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- round trip and layout ---------------------------------------------------------------
def test_paths_come_from_the_environment_or_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETRO_TUI_SESSIONS_DIR", str(tmp_path / "x"))
    assert default_sessions_dir() == tmp_path / "x"
    monkeypatch.delenv("RETRO_TUI_SESSIONS_DIR")
    monkeypatch.chdir(tmp_path)
    assert default_sessions_dir() == tmp_path / "sessions"
    assert not (tmp_path / "sessions").exists()


def test_round_trip_of_a_whole_retro(store: SessionStore, folder: Path, q3: Session) -> None:
    assert not folder.exists(), "constructing a store must not create the folder"
    store.create(q3)
    assert SessionStore(folder).load(q3.id) == q3
    changed = q3.with_changes(title="Renamed", revision=q3.revision + 1)
    store.save(changed)
    assert SessionStore(folder).load(q3.id) == changed
    assert store.load(q3.id) == changed


def test_writes_leave_only_the_session_file(store: SessionStore, folder: Path, q3: Session) -> None:
    store.create(q3)
    for i in range(5):
        store.save(q3.with_changes(revision=q3.revision + i + 1))
    assert files_in(folder) == [f"{q3.id}.json"]


def test_file_is_tinydb_json_with_the_schema_version(
    store: SessionStore, folder: Path, q3: Session
) -> None:
    store.create(q3)
    path = folder / f"{q3.id}.json"
    raw = json.loads(path.read_text("utf-8"))
    assert set(raw) == {"meta", "session"}
    db = TinyDB(path)  # TinyDB's own JSON storage reads it as an ordinary database
    try:
        assert db.table("meta").get(doc_id=1) == {
            "app": "retro-tui",
            "schema": SCHEMA_VERSION,
            "session_id": q3.id,
        }
        assert db.table("session").get(doc_id=1) == session_to_dict(q3)
    finally:
        db.close()


def test_one_disk_write_per_save_and_no_reparse(
    store: SessionStore, q3: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[Path] = []
    parses: list[Path] = []
    real_write, real_parse = files.write_atomic, files._parse_file

    def counting_write(path: Path, payload: bytes, *, exclusive: bool = False) -> None:
        writes.append(path)
        real_write(path, payload, exclusive=exclusive)

    def counting_parse(path: Path) -> Any:
        parses.append(path)
        return real_parse(path)

    monkeypatch.setattr(files, "write_atomic", counting_write)
    monkeypatch.setattr(files, "_parse_file", counting_parse)
    store.create(q3)
    assert len(writes) == 1
    for i in range(3):
        store.save(q3.with_changes(revision=q3.revision + i + 1))
    assert len(writes) == 4
    assert parses == []


def test_text_that_is_not_valid_utf8_still_round_trips(store: SessionStore, folder: Path) -> None:
    session = small_session(title="lone \ud800 surrogate and ünïcode")
    store.create(session)
    assert SessionStore(folder).load(session.id) == session


def test_create_refuses_an_existing_session(store: SessionStore, folder: Path) -> None:
    session = small_session()
    store.create(session)
    before = (folder / "s1.json").read_bytes()
    with pytest.raises(SessionExists, match=r"s1\.json"):
        SessionStore(folder).create(session.with_changes(title="Other"))
    assert (folder / "s1.json").read_bytes() == before


def test_missing_and_invalid_ids(store: SessionStore, folder: Path) -> None:
    with pytest.raises(SessionNotFound, match="nope"):
        store.load("nope")
    for bad in ("../escape", "a/b", "", ".hidden", "x" * 200, "a\nb"):
        with pytest.raises(InvalidSessionId):
            store.load(bad)
        assert not store.exists(bad)
    assert not folder.exists()


# --- bad files ---------------------------------------------------------------------------
def _ours(session: Session, **session_changes: Any) -> bytes:
    doc = session_to_dict(session)
    doc.update(session_changes)
    data = {
        "meta": {"1": {"app": "retro-tui", "schema": SCHEMA_VERSION, "session_id": session.id}},
        "session": {"1": doc},
    }
    return json.dumps(data).encode()


def _cards_text_wrong_type(session: Session) -> bytes:
    doc = session_to_dict(session)
    doc["cards"][0]["text"] = 5
    return json.dumps(
        {"meta": {"1": {"app": "retro-tui", "schema": SCHEMA_VERSION}}, "session": {"1": doc}}
    ).encode()


BAD_FILES: dict[str, tuple[Any, type[StoreError], str]] = {
    "truncated": (lambda s: _ours(s)[:-200], CorruptSession, "not valid JSON"),
    "random bytes": (lambda s: random.Random(7).randbytes(3000), CorruptSession, "UTF-8"),
    "empty": (lambda s: b"", CorruptSession, "empty"),
    "a list": (lambda s: b"[]", CorruptSession, "not a TinyDB file"),
    "another app": (lambda s: b'{"name": "my-app", "version": 3}', ForeignFile, "not a retro-tui"),
    "another tinydb": (lambda s: b'{"_default": {"1": {"x": 1}}}', ForeignFile, "_default"),
    "wrong field type": (_cards_text_wrong_type, CorruptSession, "session.cards[0].text"),
    "bad phase": (lambda s: _ours(s, phase="party"), CorruptSession, "session.phase"),
    "no session table": (
        lambda s: b'{"meta": {"1": {"app": "retro-tui", "schema": 1}}}',
        CorruptSession,
        "'session' table",
    ),
    "schema as text": (
        lambda s: b'{"meta": {"1": {"app": "retro-tui", "schema": "1"}}, "session": {}}',
        CorruptSession,
        "meta.schema",
    ),
    "other id inside": (lambda s: _ours(s, id="someone-else"), CorruptSession, "session.id"),
    "NaN": (
        lambda s: re.sub(rb'"remaining": [0-9.]+', b'"remaining": NaN', _ours(s)),
        CorruptSession,
        "NaN is not a JSON number",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_named_left_alone_and_does_not_stop_the_listing(
    kind: str, store: SessionStore, folder: Path, q3: Session
) -> None:
    make, error, words = BAD_FILES[kind]
    good = small_session("2026-11-01-good")
    store.create(good)
    bad_session = q3.with_changes(id="2026-11-23-bad")
    path = folder / "2026-11-23-bad.json"
    payload = make(bad_session)
    path.write_bytes(payload)

    with pytest.raises(error) as caught:
        SessionStore(folder).load("2026-11-23-bad")
    message = str(caught.value)
    assert str(path) in message and words in message, message
    assert "\n" not in message
    with pytest.raises(StoreError):  # never overwritten by a save either
        SessionStore(folder).save(bad_session)
    assert path.read_bytes() == payload

    listing = SessionStore(folder).list()
    assert [s.id for s in listing.sessions] == ["2026-11-01-good"]
    assert [p.path for p in listing.problems] == [path]
    assert words in listing.problems[0].reason
    assert path.read_bytes() == payload
    assert files_in(folder) == ["2026-11-01-good.json", "2026-11-23-bad.json"]


def test_newer_schema_is_refused_untouched(store: SessionStore, folder: Path) -> None:
    session = small_session()
    path = folder / "s1.json"
    folder.mkdir()
    data = json.loads(_ours(session))
    newer = SCHEMA_VERSION + 1
    data["meta"]["1"]["schema"] = newer
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(NewerSchema) as caught:
        store.load("s1")
    reason = f"made by a newer retro-tui (schema {newer}); this one reads up to {SCHEMA_VERSION}"
    assert reason in str(caught.value)
    assert str(path) in str(caught.value)
    with pytest.raises(NewerSchema):
        store.save(session)
    assert path.read_bytes() == before


def test_older_schema_is_migrated_with_a_backup(
    store: SessionStore, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = small_session()
    store.create(session)
    path = folder / "s1.json"
    original = path.read_bytes()
    calls: list[int] = []

    def to_next(doc: dict[str, Any]) -> dict[str, Any]:
        calls.append(doc["revision"])
        return {**doc, "title": doc["title"] + " (migrated)"}

    now, after = SCHEMA_VERSION, SCHEMA_VERSION + 1
    monkeypatch.setattr(file_format, "SCHEMA_VERSION", after)
    monkeypatch.setattr(file_format, "MIGRATIONS", {**file_format.MIGRATIONS, now: to_next})
    loaded = SessionStore(folder).load("s1")
    assert calls == [session.revision]
    assert loaded.title == "Sprint 42 (migrated)"
    assert (folder / f"s1.schema{now}.bak").read_bytes() == original
    assert json.loads(path.read_text())["meta"]["1"]["schema"] == after
    assert SessionStore(folder).load("s1") == loaded
    assert calls == [session.revision], "a migrated file is not migrated again"


def test_missing_migration_leaves_the_file_alone(
    store: SessionStore, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create(small_session())
    before = (folder / "s1.json").read_bytes()
    monkeypatch.setattr(file_format, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(CorruptSession, match=f"no migration from schema {SCHEMA_VERSION}"):
        SessionStore(folder).load("s1")
    assert (folder / "s1.json").read_bytes() == before
    assert files_in(folder) == ["s1.json"]


# --- failed writes -------------------------------------------------------------------------
def _save_without_privileges(store: SessionStore, session: Session) -> str:
    """Save as someone chmod applies to: ourselves, or (as root, whom chmod does not stop)
    a forked child that drops to `nobody`. Returns the refusal's text, or "saved?!"."""
    if os.geteuid() != 0:
        try:
            store.save(session)
        except StoreWriteError as exc:
            return str(exc)
        return "saved?!"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            try:
                store.save(session)
                message = "saved?!"
            except StoreWriteError as exc:
                message = str(exc)
            os.write(write_end, message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


def test_read_only_folder() -> None:
    base = Path(tempfile.mkdtemp(prefix="retro-ro-"))  # in /tmp, reachable by nobody
    folder = base / "sessions"
    try:
        store = SessionStore(folder)
        session = small_session()
        store.create(session)
        path = folder / "s1.json"
        before = path.read_bytes()
        if os.geteuid() == 0:
            for item in (base, folder, path):
                os.chown(item, NOBODY, NOBODY)
        folder.chmod(0o500)
        message = _save_without_privileges(store, session.with_changes(title="New"))
        assert "read-only (permission denied)" in message and str(path) in message
        assert path.read_bytes() == before
        assert files_in(folder) == ["s1.json"]
        folder.chmod(0o700)
        assert SessionStore(folder).load("s1") == session
    finally:
        folder.chmod(0o700)
        shutil.rmtree(base)


NOBODY = 65534


@pytest.mark.parametrize("failing", ["replace", "fdatasync", "write"])
def test_disk_full_leaves_the_old_file_and_no_temp_file(
    failing: str, store: SessionStore, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = small_session()
    store.create(session)
    path = folder / "s1.json"
    before = path.read_bytes()

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        if failing == "write":
            m.setattr(os, "fdopen", disk_full)
        else:
            m.setattr(os, failing, disk_full)
        with pytest.raises(StoreWriteError) as caught:
            store.save(session.with_changes(title="Lost", revision=9))
    assert "disk is full" in str(caught.value) and str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert files_in(folder) == ["s1.json"]
    # The failed save must not linger in memory: the next save and load are exact.
    assert store.load("s1") == session
    store.save(session.with_changes(title="Kept", revision=10))
    assert SessionStore(folder).load("s1").title == "Kept"


def test_a_folder_that_cannot_be_synced_is_reported_after_the_rename(
    store: SessionStore, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = small_session()
    store.create(session)

    def io_error(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", io_error)  # only the folder is synced with fsync
        with pytest.raises(StoreWriteError, match="could not be synced"):
            store.save(session.with_changes(title="Renamed"))
    assert files_in(folder) == ["s1.json"]
    assert store.load("s1").title == "Renamed"


def test_sessions_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreWriteError, match="sessions folder"):
        SessionStore(blocker / "sessions").create(small_session())


# --- crashes -------------------------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_during_saves_never_loses_an_acknowledged_revision(folder: Path) -> None:
    rng = random.Random(20261123)
    last_acked = 0
    for _round in range(8):
        proc = subprocess.Popen(
            [sys.executable, str(HELPER), str(folder), "kill-me"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the writer is in its loop
        assert first.strip().isdigit(), proc.stderr.read() if proc.stderr else first
        # Let it run a random while (a few to many saves), then kill it mid-flight.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=10)
        acked = [int(x) for x in (first + rest).split()]
        assert acked == sorted(acked) and acked[0] > last_acked
        last_acked = acked[-1]

        session = SessionStore(folder).load("kill-me")
        # Either the last acknowledged save, or the one after it that finished unacked.
        assert session.revision in (last_acked, last_acked + 1), (session.revision, last_acked)
        last_acked = session.revision
    listing = SessionStore(folder).list()
    assert [s.id for s in listing.sessions] == ["kill-me"] and not listing.problems
    SessionStore(folder).lock("kill-me").release()  # the lock holder clears crash leftovers
    assert not [n for n in files_in(folder) if n.endswith(".tmp")]


# --- the lock ----------------------------------------------------------------------------
@pytest.mark.slow
def test_lock_held_by_another_process_is_refused(store: SessionStore, folder: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), "--hold-lock", str(folder), "s1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        assert proc.stdout.readline().strip() == f"locked {proc.pid}"
        with pytest.raises(SessionLocked) as caught:
            store.lock("s1")
        assert str(caught.value) == (
            f"session s1 is already open in another retro-tui (pid {proc.pid})"
        )
    finally:
        proc.kill()  # a dead holder never leaves the session locked
        proc.wait()
    with store.lock("s1") as lock:
        assert lock.held
    assert not lock.held


def test_lock_is_exclusive_and_released(store: SessionStore) -> None:
    lock = store.lock("s1")
    with pytest.raises(SessionLocked, match=f"pid {os.getpid()}"):
        SessionStore(store.folder).lock("s1")
    lock.release()
    lock.release()  # harmless twice
    SessionStore(store.folder).lock("s1").release()


# --- names, listing, teams -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Q3 spring campaign retro", "2026-11-23-q3-spring-campaign-retro"),
        ("🎉🎉🎉", "2026-11-23-retro"),
        ("[bold red]Hot[/] take", "2026-11-23-bold-red-hot-take"),
        ("\x1b[31mred\x1b[0m", "2026-11-23-31mred-0m"),
        ("../../etc/passwd", "2026-11-23-etc-passwd"),
        ("Ünïcödé Çafé — Straße", "2026-11-23-unicode-cafe-strae"),
        ("CON", "2026-11-23-con"),
        ("   ", "2026-11-23-retro"),
    ],
)
def test_session_ids_from_hostile_titles(store: SessionStore, title: str, expected: str) -> None:
    assert store.new_session_id(title, NOW) == expected


@given(title=st.text(max_size=300))
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_title_gives_a_safe_id(title: str, store: SessionStore) -> None:
    sid = store.new_session_id(title, NOW)
    assert sid.isascii() and len(sid) <= 80
    assert check_session_id(sid) == sid
    assert store.path_for(sid).parent == store.folder


def test_ids_are_unique_in_the_folder(store: SessionStore) -> None:
    first = store.new_session_id("Retro", NOW)
    store.create(small_session(first))
    second = store.new_session_id("Retro", NOW)
    store.create(small_session(second))
    assert (first, second) == ("2026-11-23-retro", "2026-11-23-retro-2")
    assert store.new_session_id("Retro", NOW) == "2026-11-23-retro-3"
    long_id = store.new_session_id("word " * 100, NOW)
    assert len(long_id) <= 80 and not long_id.endswith("-")


def test_resolve_exact_prefix_ambiguous_and_unknown(store: SessionStore) -> None:
    for sid in ("2026-10-01-sprint-40", "2026-10-15-sprint-41", "2026-11-23-q3-campaign"):
        store.create(small_session(sid))
    assert store.resolve("2026-10-01-sprint-40") == "2026-10-01-sprint-40"
    assert store.resolve("2026-11") == "2026-11-23-q3-campaign"
    assert store.resolve("q3") == "2026-11-23-q3-campaign"  # a unique part also works
    assert store.resolve("2026-10-15-sprint-41.json") == "2026-10-15-sprint-41"
    with pytest.raises(AmbiguousSession) as caught:
        store.resolve("2026-10")
    assert "2026-10-01-sprint-40" in str(caught.value) and "2026-10-15-sprint-41" in str(
        caught.value
    )
    with pytest.raises(SessionNotFound) as missing:
        store.resolve("2026-10-01-sprint-04")
    assert "Did you mean 2026-10-01-sprint-40" in str(missing.value)


def test_listing_is_newest_first_with_summaries(store: SessionStore, folder: Path) -> None:
    assert store.list().sessions == [] and not folder.exists()
    for day, sid in ((1, "a-old"), (20, "c-new"), (10, "b-mid")):
        store.create(small_session(sid, created=NOW.replace(day=day)))
    (folder / "notes.txt").write_text("ignored")
    (folder / "bad name.json").write_text("{}")
    listing = store.list()
    assert [s.id for s in listing.sessions] == ["c-new", "b-mid", "a-old"]
    top = listing.sessions[0]
    assert (top.title, top.team, top.format_key, top.phase) == (
        "Sprint 42",
        "core",
        "three",
        Phase.CHECKIN,
    )
    assert (top.n_cards, top.n_participants, top.path) == (0, 1, folder / "c-new.json")
    assert [p.path.name for p in listing.problems] == ["bad name.json"]


def test_last_of_team(store: SessionStore) -> None:
    open_item = ActionItem(id="a1", text="Fix the build")
    store.create(small_session("s-40", team="Core", created=NOW - timedelta(days=14)))
    store.create(
        small_session("s-41", team="core", created=NOW - timedelta(days=7), actions=(open_item,))
    )
    store.create(small_session("other-team", team="web", created=NOW - timedelta(days=1)))
    store.create(small_session("s-42", team="core", created=NOW))
    previous = store.last_of_team("core", before_id="s-42")
    assert previous is not None and previous.id == "s-41" and previous.actions == (open_item,)
    found = store.last_of_team("CORE", before_id="s-41")
    assert found is not None and found.id == "s-40"
    assert store.last_of_team("core", before_id="s-40") is None
    newest = store.last_of_team("core", before_id="not-created-yet")
    assert newest is not None and newest.id == "s-42"
    assert store.last_of_team("nobody") is None


# --- malformed documents never escape as anything but a StoreError -------------------------
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@functools.cache
def _fuzz_base() -> str:
    session, _ = replay(scenario_path(), session_id="fuzz", stop_after=Phase.DISCUSS)
    return json.dumps(session_to_dict(session))


@given(data=st.data())
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_damaged_field_is_reported_not_crashed(data: st.DataObject, tmp_path: Path) -> None:
    doc = json.loads(_fuzz_base())
    # Pick a path into the document and replace what is there with any JSON value.
    node: Any = doc
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans()):
            node = child
            continue
        node[key] = data.draw(_json_values)
        break
    folder = tmp_path / "fuzz-sessions"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzz.json"
    payload = json.dumps(
        {"meta": {"1": {"app": "retro-tui", "schema": SCHEMA_VERSION}}, "session": {"1": doc}}
    ).encode()
    path.write_bytes(payload)
    try:
        SessionStore(folder).load("fuzz")
    except StoreError as exc:
        assert str(path) in str(exc)
    assert path.read_bytes() == payload

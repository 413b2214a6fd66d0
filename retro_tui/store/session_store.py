"""The sessions folder as a store: create, save, load, list, resolve and lock sessions.

Only the hub writes through a store (one process per session, see `lock`); each file is
one TinyDB database written atomically by `files.AtomicJSONStorage`.
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document

from retro_tui.domain.model import Session
from retro_tui.domain.serial import session_to_dict
from retro_tui.domain.text import name_key
from retro_tui.store import file_format
from retro_tui.store.errors import (
    AmbiguousSession,
    InvalidSessionId,
    SessionExists,
    SessionNotFound,
    StoreError,
    StoreReadError,
    _one_line,
)
from retro_tui.store.file_format import DOC_ID, META_TABLE, SESSION_TABLE
from retro_tui.store.files import AtomicJSONStorage, _parse_file, _remove_quietly, write_atomic
from retro_tui.store.ids import _ID_RE, MAX_ID_CHARS, check_session_id, slugify
from retro_tui.store.layout import (
    _document,
    _has_current_meta,
    _meta_doc,
    _migrate,
    _parse_session,
)
from retro_tui.store.listing import SessionSummary, StoreListing, StoreProblem, _utc
from retro_tui.store.lock import SessionLock


@dataclass
class _Handle:
    db: TinyDB
    storage: AtomicJSONStorage


class SessionStore:
    """The sessions folder: one TinyDB file per session, `<folder>/<session id>.json`.

    Only the hub writes through a store (one process per session, see `lock`). The folder
    is created on the first write, never by constructing the store.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._handles: dict[str, _Handle] = {}

    # --- paths ----------------------------------------------------------------------------
    def path_for(self, session_id: str) -> Path:
        return self.folder / f"{check_session_id(session_id)}.json"

    def exists(self, session_id: str) -> bool:
        try:
            return self.path_for(session_id).is_file()
        except InvalidSessionId:
            return False

    def _ids(self) -> builtins.list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(
            p.stem
            for p in self.folder.glob("*.json")
            if not p.name.startswith(".") and _ID_RE.fullmatch(p.stem) and ".." not in p.stem
        )

    def _open(self, session_id: str, *, exclusive: bool = False) -> _Handle:
        path = self.path_for(session_id)
        db = TinyDB(path, storage=AtomicJSONStorage, exclusive=exclusive)
        storage = db.storage
        assert isinstance(storage, AtomicJSONStorage)
        return _Handle(db, storage)

    # --- writing ----------------------------------------------------------------------------
    def create(self, session: Session) -> None:
        """Write a new session file; refuse (`SessionExists`) if the id is taken."""
        path = self.path_for(session.id)
        if path.exists():
            raise SessionExists(f"A session file {path} already exists; choose another id.", path)
        handle = self._open(session.id, exclusive=True)
        with handle.storage.batch():
            handle.db.table(META_TABLE).insert(Document(_meta_doc(session.id), doc_id=DOC_ID))
            handle.db.table(SESSION_TABLE).insert(Document(session_to_dict(session), doc_id=DOC_ID))
        self._handles[session.id] = handle

    def save(self, session: Session) -> None:
        """Replace the stored session; durable on return (one atomic write).

        A file that is corrupt, foreign or newer is refused, never overwritten.
        """
        handle = self._handles.get(session.id)
        if handle is None:
            if self.path_for(session.id).exists():
                self.load(session.id)  # validates (and migrates) what is there first
                handle = self._handles[session.id]
            else:
                handle = self._open(session.id)
        current = handle.storage.read()
        with handle.storage.batch():
            if current is None or not _has_current_meta(current, session.id):
                handle.db.table(META_TABLE).upsert(Document(_meta_doc(session.id), doc_id=DOC_ID))
            handle.db.table(SESSION_TABLE).upsert(Document(session_to_dict(session), doc_id=DOC_ID))
        self._handles[session.id] = handle

    # --- reading ----------------------------------------------------------------------------
    def load(self, session_id: str) -> Session:
        """Read a session from disk, migrating (with a backup) a file of an older schema."""
        handle = self._open(session_id)
        path = handle.storage.path
        data = handle.storage.read()
        if data is None:
            raise SessionNotFound(self._not_found_message(session_id), path)
        schema, doc = _document(path, data)
        if schema < file_format.SCHEMA_VERSION:
            session = _parse_session(path, _migrate(path, schema, doc), session_id)
            self._backup(path, schema)
            # Whole documents replaced (not merged), in one disk write.
            with handle.storage.batch():
                for name, doc_now in (
                    (META_TABLE, _meta_doc(session_id)),
                    (SESSION_TABLE, session_to_dict(session)),
                ):
                    table = handle.db.table(name)
                    table.truncate()
                    table.insert(Document(doc_now, doc_id=DOC_ID))
        else:
            session = _parse_session(path, doc, session_id)
        self._handles[session_id] = handle
        return session

    def _backup(self, path: Path, schema: int) -> None:
        """Keep the pre-migration file; an existing backup is the older original, kept."""
        backup = path.with_name(f"{path.stem}.schema{schema}.bak")
        if backup.exists():
            return
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise StoreReadError(f"Could not read {path}: {exc.strerror}.", path) from exc
        write_atomic(backup, payload, exclusive=True)

    def read(self, session_id: str) -> Session:
        """A session as a reader after the meeting sees it (reports, exports): a file of
        an older schema is migrated in memory only. Reading a folder never writes to it:
        it may be read-only, or a live hub may own the file; `load` does the rewrite."""
        path = self.path_for(session_id)
        if not path.exists():
            raise SessionNotFound(self._not_found_message(session_id), path)
        return self._read_only(path)

    def _read_only(self, path: Path) -> Session:
        """A session for listing: parsed and migrated in memory, the file never written."""
        data = _parse_file(path)
        if data is None:
            raise SessionNotFound(f"{path} has disappeared.", path)
        schema, doc = _document(path, data)
        if schema < file_format.SCHEMA_VERSION:
            doc = _migrate(path, schema, doc)
        return _parse_session(path, doc, path.stem)

    def list(self) -> StoreListing:
        """Every session in the folder, newest first; unreadable files as problems."""
        listing = StoreListing()
        if not self.folder.is_dir():
            return listing
        for path in sorted(self.folder.glob("*.json")):
            if path.name.startswith("."):
                continue
            if not _ID_RE.fullmatch(path.stem) or ".." in path.stem:
                listing.problems.append(
                    StoreProblem(path, "the file name is not a valid session id")
                )
                continue
            try:
                session = self._read_only(path)
            except StoreError as exc:
                listing.problems.append(StoreProblem(path, exc.reason))
                continue
            listing.sessions.append(SessionSummary.of(session, path))
        listing.sessions.sort(key=lambda s: (_utc(s.created_at), s.id), reverse=True)
        return listing

    def last_of_team(self, team: str, before_id: str | None = None) -> Session | None:
        """The newest other session of `team` (older than `before_id` if that exists).

        Used to carry last retro's open action items into the next one.
        """
        key = name_key(team.strip())
        sessions = self.list().sessions
        reference = next((s for s in sessions if s.id == before_id), None)
        for summary in sessions:
            if summary.id == before_id or name_key(summary.team.strip()) != key:
                continue
            if reference is not None and (_utc(summary.created_at), summary.id) > (
                _utc(reference.created_at),
                reference.id,
            ):
                continue
            try:
                return self._read_only(summary.path)
            except StoreError:
                continue
        return None

    def team_sessions(self, team: str) -> tuple[Session, ...]:
        """Every readable session of `team`, newest first (a broken file is skipped: the
        picker names it). The check-in questions a team was asked come from these."""
        key = name_key(team.strip())
        found: tuple[Session, ...] = ()
        for summary in self.list().sessions:
            if name_key(summary.team.strip()) != key:
                continue
            with contextlib.suppress(StoreError):
                found = (*found, self._read_only(summary.path))
        return found

    # --- names ------------------------------------------------------------------------------
    def resolve(self, name_or_prefix: str) -> str:
        """The id a user means: the exact id, else a unique prefix, else a unique part."""
        name = name_or_prefix.strip()
        if name.endswith(".json"):
            name = name[: -len(".json")]
        name = Path(name).name if name else name
        if not name:
            raise SessionNotFound("Give a session id (or the start of one).")
        ids = self._ids()
        if name in ids:
            return name
        for matches in (
            [i for i in ids if i.startswith(name)],
            [i for i in ids if name.lower() in i.lower()],
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
                raise AmbiguousSession(
                    f"{_one_line(name)!r} matches {len(matches)} sessions in {self.folder}: "
                    f"{shown}. Type more of the id."
                )
        raise SessionNotFound(self._not_found_message(name, ids))

    def _not_found_message(self, name: str, ids: builtins.list[str] | None = None) -> str:
        ids = self._ids() if ids is None else ids
        close = difflib.get_close_matches(name, ids, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        return f"No session {_one_line(name)[:80]!r} in {self.folder}.{hint}"

    def new_session_id(self, title: str, created_at: datetime) -> str:
        """A readable, unique, file-safe id such as `2026-11-23-q3-spring-campaign-retro`."""
        prefix = created_at.strftime("%Y-%m-%d")
        slug = slugify(title, MAX_ID_CHARS - len(prefix) - 1 - 4) or "retro"
        base = f"{prefix}-{slug}"
        candidate, n = base, 2
        while self.exists(candidate) or (self.folder / f"{candidate}.lock").exists():
            candidate = f"{base}-{n}"
            n += 1
        return candidate

    # --- locking --------------------------------------------------------------------------
    def lock(self, session_id: str) -> SessionLock:
        """Take the session's lock (`SessionLocked` if another process holds it).

        Holding it makes this process the only writer, so leftover temp files of an
        earlier crash are removed here.
        """
        path = self.folder / f"{check_session_id(session_id)}.lock"
        lock = SessionLock(path, session_id)
        lock.acquire()
        for stale in self.folder.glob(f".{session_id}.json.*.tmp"):
            _remove_quietly(stale)
        return lock

    def close(self) -> None:
        """Forget cached file contents (the files are always complete on disk)."""
        for handle in self._handles.values():
            handle.db.close()
        self._handles.clear()

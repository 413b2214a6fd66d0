"""TinyDB persistence: one JSON file per session, written atomically, with a schema version.

The hub is the only writer of a session file (DESIGN.md), so each file's storage keeps the
last data it read or wrote in memory instead of re-parsing it. Every write goes to a temp
file in the same folder, is fsynced, renamed over the old file, and the folder is fsynced:
a crash at any moment leaves the old file or the new one, never a torn one. A file that
cannot be read is reported by name and never modified, renamed or deleted.
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import errno
import fcntl
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.domain.text import make_visible, name_key, visible_path

__all__ = [
    "APP_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AmbiguousSession",
    "AtomicJSONStorage",
    "CorruptSession",
    "ForeignFile",
    "InvalidSessionId",
    "NewerSchema",
    "SessionExists",
    "SessionLock",
    "SessionLocked",
    "SessionNotFound",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "StoreListing",
    "StoreProblem",
    "StoreReadError",
    "StoreWriteError",
]

APP_NAME = "retro-tui"
SCHEMA_VERSION = 1
META_TABLE = "meta"
SESSION_TABLE = "session"
DOC_ID = 1
MAX_ID_CHARS = 80
# A 5,000-card session is about 2 MB; anything far larger is not a session file.
MAX_FILE_BYTES = 64 * 1024 * 1024

Json = dict[str, Any]

# Migrations of the session document, keyed by the schema they upgrade *from*:
# MIGRATIONS[1] turns a schema-1 session dict into a schema-2 one. The load path applies
# them in order and keeps the original file as `<id>.schema<N>.bak` before rewriting it.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {}

_ID_RE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_ID_CHARS - 1}}}")


# --- errors ------------------------------------------------------------------------------
def _one_line(text: str) -> str:
    """Messages name files and quote their contents: both go through the one cleaning rule."""
    return make_visible(text, multiline=False)


class StoreError(Exception):
    """A store failure with a sentence a person can act on; `path` is the file concerned."""

    def __init__(self, message: str, path: Path | None = None, reason: str = "") -> None:
        super().__init__(_one_line(message))
        self.path = path
        self.reason = _one_line(reason or message)


class SessionNotFound(StoreError):
    """No session file with that id (or name) in the sessions folder."""


class InvalidSessionId(SessionNotFound):
    """An id that cannot name a file safely (it could escape the folder, or is empty)."""


class AmbiguousSession(StoreError):
    """A prefix that matches more than one session."""


class CorruptSession(StoreError):
    """A session file that cannot be read back: bad JSON, bad layout or a malformed field."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"Session file {path} cannot be read: {reason}. It was left untouched.", path, reason
        )


class ForeignFile(StoreError):
    """Valid JSON that another program wrote; retro-tui leaves it alone."""

    def __init__(self, path: Path, detail: str) -> None:
        reason = f"not a retro-tui session file ({detail})"
        super().__init__(f"{path} is {reason}. It was left untouched.", path, reason)


class NewerSchema(StoreError):
    """A file written by a newer retro-tui: reading it could lose what this one ignores."""

    def __init__(self, path: Path, schema: int) -> None:
        reason = (
            f"made by a newer retro-tui (schema {schema}); this one reads up to {SCHEMA_VERSION}"
        )
        super().__init__(f"{path} was {reason}. Upgrade retro-tui to open it.", path, reason)


class SessionExists(StoreError):
    """`create` refuses to overwrite a session that is already on disk."""


class StoreReadError(StoreError):
    """The file exists but the system would not let us read it (permissions, I/O error)."""


class StoreWriteError(StoreError):
    """Writing failed (read-only folder, disk full…); the previous file is unchanged."""


class SessionLocked(StoreError):
    """Another retro-tui process has this session open."""


_WRITE_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "the folder is read-only (permission denied)",
    errno.EPERM: "the folder is read-only (operation not permitted)",
    errno.EIO: "the disk reported an input/output error",
    errno.ENAMETOOLONG: "the file name is too long",
}


def _write_reason(exc: OSError) -> str:
    if exc.errno in _WRITE_REASONS:
        return _WRITE_REASONS[exc.errno]
    return exc.strerror or str(exc) or type(exc).__name__


# --- atomic file writing ------------------------------------------------------------------
def _sync_data(fd: int) -> None:
    """fdatasync where there is one: the data and its size, not the access times."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - macOS
        os.fsync(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable: the directory entry lives in the folder, not in the file."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a directory; nothing to do there
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreWriteError(
            f"Could not create the sessions folder {folder}: {_write_reason(exc)}.",
            folder,
            _write_reason(exc),
        ) from exc


def write_atomic(path: Path, payload: bytes, *, exclusive: bool = False) -> None:
    """Write `payload` to `path` so that a crash leaves the old or the new file, whole.

    With `exclusive`, an existing file is never replaced (`SessionExists`): the temp file
    is hard-linked into place, which fails atomically if the name is taken.
    """
    folder = path.parent
    _ensure_folder(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        reason = _write_reason(exc)
        raise StoreWriteError(
            f"Could not save {path}: {reason}. The file on disk was left as it was.", path, reason
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            _sync_data(handle.fileno())
        if exclusive:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
    except SessionExists:
        _remove_quietly(tmp)
        raise
    except OSError as exc:
        _remove_quietly(tmp)
        reason = _write_reason(exc)
        raise StoreWriteError(
            f"Could not save {path}: {reason}. The file on disk was left as it was.", path, reason
        ) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise
    try:
        _fsync_dir(folder)
    except OSError as exc:
        reason = _write_reason(exc)
        raise StoreWriteError(
            f"Saved {path}, but the folder could not be synced to disk: {reason}.", path, reason
        ) from exc


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise SessionExists(f"A session file {path} already exists.", path) from None
    except OSError as exc:
        # File systems without hard links: check, then rename (a tiny race, no data loss
        # beyond what `create` on such a system can promise).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists():
            raise SessionExists(f"A session file {path} already exists.", path) from None
        os.replace(tmp, path)
        return
    _remove_quietly(tmp)  # the data is in place under its real name


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _encode(data: object) -> bytes:
    """Compact UTF-8 JSON: the C encoder, no indentation, which keeps a save in a few ms."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates cannot be UTF-8; \u escapes keep them and keep the file valid.
        return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _parse_file(path: Path) -> Json | None:
    """The file's top-level object, None if there is no file; typed errors otherwise."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise CorruptSession(path, f"the file is too large ({size:,} bytes)")
            raw = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorruptSession(path, "a folder, not a file") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreReadError(f"Could not read {path}: {reason}.", path, reason) from exc
    if not raw.strip():
        raise CorruptSession(path, "the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptSession(path, f"not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise CorruptSession(
            path, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise CorruptSession(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("NoneType", "null")
        raise CorruptSession(path, f"not a TinyDB file (the top level is a {kind})")
    return data


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and durably, and reads a file only once.

    The data last read or written stays in memory: the hub is the only writer, so the file
    cannot change under us. Inside `batch()`, TinyDB's table writes are collected and hit
    the disk once when the block ends, so a save that touches two tables is one write.
    """

    def __init__(self, path: str | os.PathLike[str], *, exclusive: bool = False) -> None:
        self.path = Path(path)
        self.exclusive = exclusive  # the next disk write must not replace an existing file
        self._data: Json | None = None
        self._loaded = exclusive  # a file being created starts empty: nothing to read
        self._batch_depth = 0
        self._pending = False

    def read(self) -> Json | None:
        if not self._loaded:
            self._data = _parse_file(self.path)
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._loaded = True
        if self._batch_depth:
            self._pending = True
        else:
            self._commit()

    def close(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Drop the in-memory copy, so the next read goes back to the file on disk."""
        self._data = None
        self._loaded = False
        self._pending = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Collect writes and make them durable as one; on an error nothing is written."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self.forget()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._pending:
            self._pending = False
            self._commit()

    def _commit(self) -> None:
        try:
            payload = _encode(self._data)
        except (TypeError, ValueError) as exc:
            self.forget()
            raise StoreWriteError(
                f"Could not save {self.path}: the session cannot be written as JSON ({exc}).",
                self.path,
                str(exc),
            ) from exc
        try:
            write_atomic(self.path, payload, exclusive=self.exclusive)
        except BaseException:
            self.forget()  # memory must not claim what the disk does not hold
            raise
        self.exclusive = False


# --- reading our layout -------------------------------------------------------------------
def _describe_keys(data: Json) -> str:
    keys = [_one_line(str(k))[:20] for k in builtins.list(data)[:3]]
    if not keys:
        return "it is an empty object"
    more = ", …" if len(data) > 3 else ""
    return "its top-level keys are " + ", ".join(repr(k) for k in keys) + more


def _document(path: Path, data: Json) -> tuple[int, Json]:
    """Check the TinyDB layout and our marker; return (schema, raw session document)."""
    meta_table = data.get(META_TABLE)
    meta = meta_table.get(str(DOC_ID)) if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != APP_NAME:
        raise ForeignFile(
            path, f"no retro-tui marker in a {META_TABLE!r} table; {_describe_keys(data)}"
        )
    schema = meta.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise CorruptSession(path, "field meta.schema: expected a whole number from 1 up")
    if schema > SCHEMA_VERSION:
        raise NewerSchema(path, schema)
    table = data.get(SESSION_TABLE)
    if not isinstance(table, dict):
        raise CorruptSession(path, f"the {SESSION_TABLE!r} table is missing or not an object")
    doc = table.get(str(DOC_ID))
    if not isinstance(doc, dict):
        raise CorruptSession(path, f"the {SESSION_TABLE!r} table has no session document")
    return schema, doc


def _migrate(path: Path, schema: int, doc: Json) -> Json:
    for version in range(schema, SCHEMA_VERSION):
        step = MIGRATIONS.get(version)
        if step is None:
            raise CorruptSession(path, f"no migration from schema {version} to {version + 1}")
        try:
            doc = step(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptSession(
                path, f"migrating from schema {version} failed ({_one_line(str(exc))[:80]})"
            ) from exc
    return doc


def _parse_session(path: Path, doc: Json, expected_id: str) -> Session:
    try:
        session = session_from_dict(doc)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        # MalformedSession (a ValueError) names the field, e.g. "session.cards[3].text".
        raise CorruptSession(path, f"field {_one_line(str(exc))[:160]}") from None
    if session.id != expected_id:
        raise CorruptSession(
            path, f"field session.id is {session.id[:40]!r} but the file is named {path.name!r}"
        )
    return session


def _meta_doc(session_id: str) -> Json:
    return {"app": APP_NAME, "schema": SCHEMA_VERSION, "session_id": session_id}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- listing --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionSummary:
    """What a session picker shows, without keeping the whole session around."""

    id: str
    title: str
    team: str
    format_key: str
    phase: Phase
    created_at: datetime
    n_cards: int
    n_participants: int
    path: Path

    @classmethod
    def of(cls, session: Session, path: Path) -> SessionSummary:
        return cls(
            id=session.id,
            title=session.title,
            team=session.team,
            format_key=session.format_key,
            phase=session.phase,
            created_at=session.created_at,
            n_cards=len(session.cards),
            n_participants=len(session.participants),
            path=path,
        )


@dataclass(frozen=True)
class StoreProblem:
    """A file in the sessions folder that could not be listed, and why (one line)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{visible_path(self.path)}: {_one_line(self.reason)}"


@dataclass(frozen=True)
class StoreListing:
    sessions: list[SessionSummary] = field(default_factory=list)  # newest first
    problems: list[StoreProblem] = field(default_factory=list)


# --- the lock ---------------------------------------------------------------------------
class SessionLock:
    """An exclusive `flock` on `<id>.lock`: one retro-tui process per session at a time.

    The kernel drops the lock when the process dies, so a crash never leaves a session
    locked. The file is left in place (removing it would race with the next locker).
    """

    def __init__(self, path: Path, session_id: str) -> None:
        self.path = path
        self.session_id = session_id
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        _ensure_folder(self.path.parent)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            reason = _write_reason(exc)
            raise StoreWriteError(
                f"Could not lock {self.path}: {reason}.", self.path, reason
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreWriteError(
                    f"Could not lock {self.path}: {_write_reason(exc)}.", self.path
                ) from exc
            raise SessionLocked(
                f"session {self.session_id} is already open in another retro-tui ({holder})",
                self.path,
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> SessionLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release()


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"pid {text}" if text.isdigit() else "pid unknown"


# --- ids --------------------------------------------------------------------------------
def slugify(text: str, limit: int = MAX_ID_CHARS) -> str:
    """ASCII words joined by '-', at most `limit` characters; '' if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        # End on a whole word when that does not throw away most of the text.
        if "-" in cut[limit // 2 :]:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug


def check_session_id(session_id: str) -> str:
    """Refuse ids that could not safely name a file inside the sessions folder."""
    if not isinstance(session_id, str) or not _ID_RE.fullmatch(session_id) or ".." in session_id:
        shown = _one_line(str(session_id))[:40]
        raise InvalidSessionId(
            f"{shown!r} is not a session id (letters, digits, '.', '_' and '-', "
            f"at most {MAX_ID_CHARS} characters)."
        )
    return session_id


# --- the store ------------------------------------------------------------------------------
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
        if schema < SCHEMA_VERSION:
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

    def _read_only(self, path: Path) -> Session:
        """A session for listing: parsed and migrated in memory, the file never written."""
        data = _parse_file(path)
        if data is None:
            raise SessionNotFound(f"{path} has disappeared.", path)
        schema, doc = _document(path, data)
        if schema < SCHEMA_VERSION:
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


def _has_current_meta(data: Json, session_id: str) -> bool:
    meta_table = data.get(META_TABLE)
    meta = meta_table.get(str(DOC_ID)) if isinstance(meta_table, dict) else None
    return meta == _meta_doc(session_id)

"""TinyDB persistence: one JSON file per session, written atomically, with a schema version.

The hub is the only writer of a session file (DESIGN.md). A crash at any moment leaves
the old file or the new one, never a torn one; a file that cannot be read is reported by
name and never modified, renamed or deleted. The modules, from the bottom up:
`file_format` (marker, schema version, migrations), `errors`, `files` (atomic writes, the
TinyDB storage), `layout` (checking and migrating what a file holds), `listing`, `lock`,
`ids`, and `session_store` (the `SessionStore` everyone else uses). Import from here.
"""

from __future__ import annotations

from retro_tui.store.errors import (
    AmbiguousSession,
    CorruptSession,
    ForeignFile,
    InvalidSessionId,
    NewerSchema,
    SessionExists,
    SessionLocked,
    SessionNotFound,
    StoreError,
    StoreReadError,
    StoreWriteError,
)
from retro_tui.store.file_format import APP_NAME, MIGRATIONS, SCHEMA_VERSION
from retro_tui.store.files import AtomicJSONStorage, write_atomic
from retro_tui.store.ids import MAX_ID_CHARS, check_session_id, slugify
from retro_tui.store.listing import SessionSummary, StoreListing, StoreProblem
from retro_tui.store.lock import SessionLock
from retro_tui.store.session_store import SessionStore

__all__ = [
    "APP_NAME",
    "MAX_ID_CHARS",
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
    "check_session_id",
    "slugify",
    "write_atomic",
]

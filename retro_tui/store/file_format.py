"""What a session file is: the app's marker, the schema version, the tables, and migrations.

Every module reads the version and the migrations through this module
(`file_format.SCHEMA_VERSION`, `file_format.MIGRATIONS`), never a copy of its own, so one
value (or one patch of it in a test) holds for the errors, the layout checks and the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

APP_NAME = "retro-tui"
SCHEMA_VERSION = 1
META_TABLE = "meta"
SESSION_TABLE = "session"
DOC_ID = 1

Json = dict[str, Any]

# Migrations of the session document, keyed by the schema they upgrade *from*:
# MIGRATIONS[1] turns a schema-1 session dict into a schema-2 one. The load path applies
# them in order and keeps the original file as `<id>.schema<N>.bak` before rewriting it.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {}

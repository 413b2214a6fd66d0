"""What a session file is: the app's marker, the schema version, the tables, and migrations.

Every module reads the version and the migrations through this module
(`file_format.SCHEMA_VERSION`, `file_format.MIGRATIONS`), never a copy of its own, so one
value (or one patch of it in a test) holds for the errors, the layout checks and the store.

Schema history:

1. The board: columns, cards, topics, votes, discussion notes, action items and their
   review, ROTI, the timer and the phase log.
2. Optional fields a schema-1 reader would load and then drop on its next save: seats
   (a participant's browser), joining locked, known problems and their links, undo
   records, measured actions (baseline, target, direction, decisions, actuals, acted
   early), the team's numbers and the readiness checklist, the live room (hands, the
   ready check, reactions, comments) and the room's rhythm (check-in questions,
   health check, parking lot, early writing). The version moved so that an older
   retro-tui refuses such a file ("made by a newer retro-tui") instead of losing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

APP_NAME = "retro-tui"
SCHEMA_VERSION = 2
META_TABLE = "meta"
SESSION_TABLE = "session"
DOC_ID = 1

Json = dict[str, Any]


def _from_schema_1(doc: Json) -> Json:
    """Schema 2 only adds fields, each with a default meaning "not used": a schema-1
    document is already a valid schema-2 one. The step exists for the rewrite it causes
    (the new marker, the original kept as a backup)."""
    return dict(doc)


# Migrations of the session document, keyed by the schema they upgrade *from*:
# MIGRATIONS[1] turns a schema-1 session dict into a schema-2 one. The load path applies
# them in order and keeps the original file as `<id>.schema<N>.bak` before rewriting it.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {1: _from_schema_1}

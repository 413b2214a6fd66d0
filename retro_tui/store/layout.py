"""Reading our layout: the TinyDB tables, our marker, the schema, and the session in them.

A file that is not ours, newer than us, or malformed is refused here with the field at
fault, before anything could write over it.
"""

from __future__ import annotations

import builtins
from pathlib import Path

from retro_tui.domain.model import Session
from retro_tui.domain.serial import session_from_dict
from retro_tui.store import file_format
from retro_tui.store.errors import CorruptSession, ForeignFile, NewerSchema, _one_line
from retro_tui.store.file_format import APP_NAME, DOC_ID, META_TABLE, SESSION_TABLE, Json


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
    if schema > file_format.SCHEMA_VERSION:
        raise NewerSchema(path, schema)
    table = data.get(SESSION_TABLE)
    if not isinstance(table, dict):
        raise CorruptSession(path, f"the {SESSION_TABLE!r} table is missing or not an object")
    doc = table.get(str(DOC_ID))
    if not isinstance(doc, dict):
        raise CorruptSession(path, f"the {SESSION_TABLE!r} table has no session document")
    return schema, doc


def _migrate(path: Path, schema: int, doc: Json) -> Json:
    for version in range(schema, file_format.SCHEMA_VERSION):
        step = file_format.MIGRATIONS.get(version)
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
    return {"app": APP_NAME, "schema": file_format.SCHEMA_VERSION, "session_id": session_id}


def _has_current_meta(data: Json, session_id: str) -> bool:
    meta_table = data.get(META_TABLE)
    meta = meta_table.get(str(DOC_ID)) if isinstance(meta_table, dict) else None
    return meta == _meta_doc(session_id)

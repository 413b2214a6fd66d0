"""Sessions in and out of retro-tui: a complete JSON export that imports back into the same
session, and CSV for spreadsheets: the cards, the action items, the review of the last
retro's actions (figures and verdicts), the team's numbers and the readiness checklist.

The JSON carries a format marker and a version so that a file from another program, or
from a newer retro-tui, is refused with a sentence instead of half-read. CSV cells that a
spreadsheet would run as a formula are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from typing import Any

from retro_tui.domain.judging import MEASURE_COLUMNS, judgement, measure_cells
from retro_tui.domain.measures import format_change, format_number
from retro_tui.domain.model import Session
from retro_tui.domain.serial import MalformedSession, session_from_dict, session_to_dict
from retro_tui.domain.text import make_visible
from retro_tui.store import SessionStore, StoreError, check_session_id

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_IMPORT_BYTES",
    "ImportRefused",
    "actions_csv",
    "cards_csv",
    "checklist_csv",
    "import_session",
    "neutralise",
    "numbers_csv",
    "review_csv",
    "session_from_json_bytes",
    "session_to_json_bytes",
]

EXPORT_FORMAT = "retro-tui-session"
# 2: the session fields of the store's schema 2 (measures, numbers, the room, its rhythm);
# a version-1 export is a valid version-2 one, and a version-1 reader refuses version 2
# instead of importing the retro without them.
EXPORT_VERSION = 2
MAX_IMPORT_BYTES = 64 * 1024 * 1024  # the store's own limit for a session file

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


class ImportRefused(ValueError):
    """Input that is not a retro-tui session export, with the reason in one sentence."""


# --- JSON -------------------------------------------------------------------------------------
def session_to_json_bytes(session: Session) -> bytes:
    """The whole session (people, cards, votes, notes, actions, review, timings) as UTF-8
    JSON, as `shareable` leaves it. A viewer's redacted copy is refused: it would import
    as a board with blanks."""
    if session.redacted_for is not None:
        raise ValueError("A viewer's copy of a session cannot be exported; load it from the store.")
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "session": session_to_dict(shareable(session)),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def shareable(session: Session) -> Session:
    """The session as it may leave the live retro: no browser seats (which browser sat
    where stays with the live session; an imported retro's people take their seats back by
    name) and no undo records (what someone deleted does not travel with the notes)."""
    return session.with_changes(
        participants=tuple(replace(p, seat="") for p in session.participants), undoable=()
    )


def _one_line(text: str, limit: int = 160) -> str:
    return make_visible(text, multiline=False)[:limit]


def session_from_json_bytes(data: bytes) -> Session:
    """Read an export back; anything else is refused with `ImportRefused`."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; "
            "it is not a session export."
        )
    try:
        document: Any = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text; it is not a session export.") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ImportRefused(f"The file is not valid JSON{where}.") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ImportRefused(
            f'This JSON is not a retro-tui session export (no "format": "{EXPORT_FORMAT}" marker).'
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportRefused("The export has no valid version number.")
    if version > EXPORT_VERSION:
        raise ImportRefused(
            f"The export was made by a newer retro-tui (version {version}); "
            f"this one reads up to version {EXPORT_VERSION}. Upgrade retro-tui to import it."
        )
    try:
        session = session_from_dict(document.get("session"))
    except (MalformedSession, TypeError, ValueError, AttributeError) as exc:
        raise ImportRefused(
            f"The session in the export is damaged: {_one_line(str(exc))}."
        ) from None
    if session.redacted_for is not None:
        raise ImportRefused("The export is a participant's partial view, not a whole session.")
    try:
        check_session_id(session.id)
    except StoreError:
        raise ImportRefused("The session id in the export cannot name a file.") from None
    return session


def _renamed(session: Session, new_id: str) -> Session:
    """`session` under another id. Carried action items name the session that carried
    them (`a3~<id>`), so their suffix follows the rename."""
    old_suffix = f"~{session.id}"

    def rename(action_id: str) -> str:
        if action_id.endswith(old_suffix):
            return action_id[: -len(old_suffix)] + f"~{new_id}"
        return action_id

    actions = tuple(replace(a, id=rename(a.id)) for a in session.actions)
    return session.with_changes(id=new_id, actions=actions)


def import_session(store: SessionStore, data: bytes, *, new_id: bool) -> Session:
    """Write the exported session as a new file in `store`, and return it.

    With `new_id` the session gets a fresh id from its title and date (an import next to
    the original); otherwise it keeps its id and an existing session of that id is never
    overwritten (the store's `SessionExists`).
    """
    session = session_from_json_bytes(data)
    if new_id:
        session = _renamed(session, store.new_session_id(session.title, session.created_at))
    store.create(session)
    return session


# --- CSV -----------------------------------------------------------------------------------
def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading `= + - @`, tab or CR gets a `'`.

    A plain signed number (`-1`, `+4.5`, a baseline or a change) is left as it is: a
    spreadsheet reads it as the number, and nothing in it can run."""
    text = "" if value is None else str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def cards_csv(session: Session) -> str:
    """One row per card: column, topic, text, votes; the author only when not anonymous.

    Votes go to a topic, not to its cards: its total is on the topic's first card and the
    others are blank, so summing the column counts every vote once.
    """
    totals = session.totals() if session.votes_revealed else {}
    names = {p.id: p.name for p in session.participants}
    rows: list[list[object]] = []
    counted: set[str] = set()
    for card in session.cards:
        target = card.topic or card.id
        votes: object = "" if target in counted else totals.get(target, 0)
        counted.add(target)
        topic = session.topic(card.topic) if card.topic else None
        author = "" if session.settings.anonymous else names.get(card.author, "")
        rows.append(
            [
                session.id,
                session.title,
                card.id,
                session.column_title(card.column),
                topic.title if topic else "",
                card.text,
                author,
                votes,
                card.created_at.isoformat(),
            ]
        )
    header = ["session", "retro", "card", "column", "topic", "text", "author", "votes", "created"]
    return _csv(header, rows)


def actions_csv(session: Session) -> str:
    """One row per action item, with what it lacks to be SMART."""
    rows: list[list[object]] = [
        [
            session.id,
            session.title,
            a.id,
            a.text,
            a.owner,
            a.due,
            a.metric,
            a.status.value,
            a.raised_on,
            a.raised_in,
            a.carried,
            ", ".join(a.missing),
            *measure_cells(a),
        ]
        for a in session.actions
    ]
    header = [
        "session",
        "retro",
        "action",
        "text",
        "owner",
        "due",
        "metric",
        "status",
        "raised_on",
        "raised_in",
        "carried",
        "missing",
        *MEASURE_COLUMNS,
    ]
    return _csv(header, rows)


def _cell(value: float | None) -> str:
    return "" if value is None else format_number(value)


def review_csv(session: Session) -> str:
    """One row per action of the last retro reviewed in this one: its decision, the figure
    this retro judged it by (entered, or this retro's value of its number), the verdict
    (or a decision's readiness) and whether a decision was acted early."""
    rows: list[list[object]] = []
    for entry in session.review:
        a = entry.action
        found = judgement(session, a)
        state = found.readiness.value if found.readiness is not None else found.verdict.value
        change = found.number.change if found.number is not None else None
        rows.append(
            [
                session.id,
                session.title,
                a.id,
                a.text,
                a.owner,
                a.metric,
                entry.decision.value,
                "decision" if a.decision else ("measured" if a.target is not None else ""),
                _cell(a.baseline),
                _cell(a.target),
                a.direction.value if a.target is not None else "",
                _cell(found.actual),
                state if a.target is not None else "",
                "yes" if a.acted_early else "",
                "" if change is None else format_change(change),
            ]
        )
    header = [
        "session",
        "retro",
        "action",
        "text",
        "owner",
        "metric",
        "decision",
        "kind",
        "baseline",
        "target",
        "direction",
        "actual",
        "verdict",
        "acted_early",
        "number_change",
    ]
    return _csv(header, rows)


def numbers_csv(session: Session) -> str:
    """The Data step's table: each of the team's numbers with its value at the last retro."""
    rows: list[list[object]] = [
        [
            session.id,
            session.title,
            n.name,
            _cell(n.value),
            n.unit,
            n.period,
            _cell(n.previous),
            "" if n.change is None else format_change(n.change),
        ]
        for n in session.numbers
    ]
    header = ["session", "retro", "number", "value", "unit", "period", "last_retro", "change"]
    return _csv(header, rows)


def checklist_csv(session: Session) -> str:
    """The readiness checklist: whether each check was true before the work started."""
    answers = {True: "yes", False: "no", None: ""}
    rows: list[list[object]] = [
        [session.id, session.title, i + 1, check.text, answers[check.ready]]
        for i, check in enumerate(session.readiness)
    ]
    return _csv(["session", "retro", "check", "text", "ready"], rows)

"""JSON export and import give back the identical session; anything else is refused with a
sentence; CSV parses back with the `csv` module and never runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from retro_tui.domain.model import Session
from retro_tui.domain.serial import session_to_dict
from retro_tui.exchange import (
    EXPORT_FORMAT,
    ImportRefused,
    actions_csv,
    cards_csv,
    import_session,
    neutralise,
    session_from_json_bytes,
    session_to_json_bytes,
    shareable,
)
from retro_tui.store import SessionExists, SessionStore
from tests.support.history import (
    MARKETING,
    PLATFORM,
    ActionSpec,
    History,
    build_history,
    make_session,
)

ODD_CARDS = (
    '=HYPERLINK("http://evil.example","click")',
    "+1 more sign-off",
    "-2 people this sprint",
    "@SUM(A1:A9)",
    "[bold red]Markup[/] stays [link=x]literal[/link]",
    'Café ☕ — 日本語, «quotes» and "double" quotes',
    "first line\nsecond line, with a comma",
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(Path(tmp_path_factory.mktemp("history")))


@pytest.fixture
def odd() -> Session:
    return make_session(
        ODD_CARDS,
        actions=(
            ActionSpec("=cmd|' /C calc'!A0", owner="@dana", due="2026-12-01", metric="-10%"),
            ActionSpec('Plain action, "quoted"', owner="Zoë"),
        ),
    )


# --- JSON ---------------------------------------------------------------------------------------
def test_round_trip_is_identical(history: History, odd: Session) -> None:
    sessions = history.sessions(MARKETING) + history.sessions(PLATFORM) + [odd]
    for session in sessions:
        data = session_to_json_bytes(session)
        assert session_from_json_bytes(data) == shareable(session)
        assert json.loads(data)["format"] == EXPORT_FORMAT


def test_an_export_carries_no_browser_seat(odd: Session) -> None:
    seated = odd.with_changes(
        participants=tuple(replace(p, seat=f"{n:064x}") for n, p in enumerate(odd.participants))
    )
    data = session_to_json_bytes(seated)
    assert b"0000000000000000000000000000000000000000000000000000000000000001" not in data
    assert session_from_json_bytes(data) == odd.with_changes(
        participants=tuple(replace(p, seat="") for p in odd.participants)
    )


def test_import_into_a_store_then_load_is_identical(history: History, tmp_path: Path) -> None:
    original = history.sessions(MARKETING)[4]  # holds a carried item and a review
    store = SessionStore(tmp_path)
    imported = import_session(store, session_to_json_bytes(original), new_id=False)
    assert imported == original
    store.close()
    assert SessionStore(tmp_path).load(original.id) == original
    assert session_to_dict(SessionStore(tmp_path).load(original.id)) == session_to_dict(original)
    again = SessionStore(tmp_path)
    again.save(session_from_json_bytes(session_to_json_bytes(again.load(original.id))))
    assert SessionStore(tmp_path).load(original.id) == original


def test_import_refuses_to_overwrite(history: History, tmp_path: Path) -> None:
    original = history.sessions(MARKETING)[0]
    store = SessionStore(tmp_path)
    import_session(store, session_to_json_bytes(original), new_id=False)
    before = store.path_for(original.id).read_bytes()
    with pytest.raises(SessionExists):
        import_session(store, session_to_json_bytes(original), new_id=False)
    assert store.path_for(original.id).read_bytes() == before


def test_import_with_a_new_id_renames_carried_items(history: History, tmp_path: Path) -> None:
    original = history.sessions(MARKETING)[2]  # carries an item: id ends in ~<its id>
    store = SessionStore(tmp_path)
    import_session(store, session_to_json_bytes(original), new_id=False)
    copy = import_session(store, session_to_json_bytes(original), new_id=True)
    assert copy.id != original.id and copy.id.startswith(original.id)
    carried = [a for a in copy.actions if "~" in a.id]
    assert carried and all(a.id.endswith(f"~{copy.id}") for a in carried)
    assert replace(copy, id=original.id, actions=original.actions) == original
    assert SessionStore(tmp_path).load(copy.id) == copy


def _export(session: Session) -> dict[str, object]:
    data: dict[str, object] = json.loads(session_to_json_bytes(session))
    return data


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json at all", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "not a retro-tui session export"),
        (b'{"format": "trello-board", "version": 1}', "not a retro-tui session export"),
        (b'{"format": "retro-tui-session"}', "no valid version"),
        (b'{"format": "retro-tui-session", "version": 99, "session": {}}', "newer retro-tui"),
        (b'{"format": "retro-tui-session", "version": 1, "session": []}', "damaged"),
        (b'{"format": "retro-tui-session", "version": 1, "session": {"id": "x"}}', "damaged"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_malformed_or_foreign_input_is_refused(payload: bytes, reason: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        session_from_json_bytes(payload)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message and message[0].isupper() and message.endswith(".")


def test_damaged_field_is_named(odd: Session) -> None:
    data = _export(odd)
    session = data["session"]
    assert isinstance(session, dict)
    session["cards"][0]["created_at"] = "yesterday"
    with pytest.raises(ImportRefused, match=r"session\.cards\[0\]\.created_at"):
        session_from_json_bytes(json.dumps(data).encode())


def test_unsafe_session_id_is_refused(odd: Session) -> None:
    data = _export(odd)
    session = data["session"]
    assert isinstance(session, dict)
    session["id"] = "../../etc/passwd"
    with pytest.raises(ImportRefused, match="cannot name a file"):
        session_from_json_bytes(json.dumps(data).encode())


def test_a_viewers_copy_is_neither_exported_nor_imported(odd: Session) -> None:
    redacted = replace(odd, redacted_for="p2")
    with pytest.raises(ValueError, match="viewer's copy"):
        session_to_json_bytes(redacted)
    data = _export(odd)
    session = data["session"]
    assert isinstance(session, dict)
    session["redacted_for"] = "p2"
    with pytest.raises(ImportRefused, match="partial view"):
        session_from_json_bytes(json.dumps(data).encode())


# --- CSV ------------------------------------------------------------------------------------------
def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_cards_csv_parses_back(odd: Session) -> None:
    rows = _rows(cards_csv(odd))
    assert len(rows) == len(ODD_CARDS)
    texts = [r["text"] for r in rows]
    assert texts[0] == "'" + ODD_CARDS[0]
    assert texts[1] == "'+1 more sign-off"
    assert texts[2] == "'-2 people this sprint"
    assert texts[3] == "'@SUM(A1:A9)"
    assert texts[4:] == list(ODD_CARDS[4:])  # markup, unicode and newlines kept as typed
    assert {r["column"] for r in rows} == {"To improve"}
    assert {r["author"] for r in rows} == {"Zoë"}
    assert rows[0]["votes"] == "1" and rows[1]["votes"] == "0"


def test_cards_csv_hides_authors_of_an_anonymous_retro() -> None:
    session = make_session(("Something went wrong",), anonymous=True)
    (row,) = _rows(cards_csv(session))
    assert row["author"] == ""


def test_actions_csv_parses_back(odd: Session) -> None:
    first, second = _rows(actions_csv(odd))
    assert first["text"] == "'=cmd|' /C calc'!A0"
    assert first["owner"] == "'@dana" and first["metric"] == "'-10%"
    assert first["due"] == "2026-12-01" and first["status"] == "open"
    assert first["missing"] == "target"  # a metric without a target is not measurable
    assert second["text"] == 'Plain action, "quoted"' and second["owner"] == "Zoë"
    assert second["missing"] == "due date, metric, target"


def test_history_csv_has_a_row_per_card_and_action(history: History) -> None:
    for session in history.sessions(MARKETING):
        assert len(_rows(cards_csv(session))) == len(session.cards)
        assert len(_rows(actions_csv(session))) == len(session.actions)


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),  # a plain number stays a number (a change, a negative baseline)
        ("-1.5", "-1.5"),
        ("-1+1", "'-1+1"),
        ("+1 ", "'+1 "),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (3, "3"),
        (None, ""),
    ],
)
def test_neutralise(cell: object, shown: str) -> None:
    assert neutralise(cell) == shown

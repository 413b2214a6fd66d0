"""One cleaning rule at every boundary: text from a session file, an import, the hub's wire,
a format file or a file name is checked like typed text.

What people wrote is made visible (as a typed card is); ids and keys are refused with the
field named; a format file is refused with its name and field; file names are printed with
their escapes shown. The end-to-end proof, through every channel, is in
test_hostile_session.py; these are the rules one by one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from retro_tui.domain import rules
from retro_tui.domain.model import Role
from retro_tui.domain.serial import MalformedSession, session_from_dict, session_to_dict
from retro_tui.domain.text import clean_text, first_unsafe, make_visible, visible_path
from retro_tui.exchange import ImportRefused, session_from_json_bytes, session_to_json_bytes
from retro_tui.hub.protocol import view_from_wire
from retro_tui.store import CorruptSession, SessionStore
from retro_tui.themes import FormatError, load_formats, parse_format
from tests.support.hub import NOW, make_session

ESCAPES = "\x1b]0;owned\x07\x1b]52;c;eA==\x07\x9b2J\x9d0;x\x9c\x7f\u202e"
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined by ZWJs


def _card_session_dict(text: str) -> dict[str, object]:
    session, fac = rules.join(make_session(), "Fay", Role.FACILITATOR, NOW)
    data = session_to_dict(session)
    data["phase"] = "write"
    data["cards"] = [
        {"id": "c1", "column": "good", "author": fac, "text": text, "created_at": NOW.isoformat()}
    ]
    return data


# --- the rule itself ----------------------------------------------------------------------------
def test_text_made_visible_once_is_not_changed_again() -> None:
    once = make_visible(ESCAPES + "\t\r\n\u2028", multiline=True)
    assert make_visible(once, multiline=True) == once
    assert first_unsafe(once, multiline=True) is None


def test_line_and_paragraph_separators_are_line_breaks() -> None:
    assert make_visible("a\u2028b\u2029c", multiline=True) == "a\nb\nc"
    assert make_visible("a\u2028b", multiline=False) == "a b"


def test_emoji_joined_by_zero_width_joiners_survive() -> None:
    assert make_visible(f"{FAMILY} team", multiline=True) == f"{FAMILY} team"
    assert first_unsafe(FAMILY) is None


def test_first_unsafe_names_the_character_and_allows_line_breaks_where_asked() -> None:
    assert first_unsafe("ok\u202eevil") == "U+202E"
    assert first_unsafe("two\nlines") == "U+000A"
    assert first_unsafe("two\nlines", multiline=True) is None


def test_a_file_name_with_escapes_and_undecodable_bytes_is_printable() -> None:
    name = os.fsdecode(b"/tmp/\x1b]0;x\x07\x9b.json")
    shown = visible_path(Path(name))
    assert first_unsafe(shown) is None
    assert "\\udc9b" in shown


# --- session documents: files, imports, the wire -------------------------------------------------
def test_a_loaded_card_is_cleaned_exactly_as_a_typed_one() -> None:
    text = f"hi {ESCAPES} {FAMILY}\r\nnext"
    loaded = session_from_dict(_card_session_dict(text))
    typed = clean_text(text, "A card", 500, multiline=True)
    assert loaded.cards[0].text == typed
    assert FAMILY in loaded.cards[0].text
    assert first_unsafe(loaded.cards[0].text, multiline=True) is None


def test_every_text_field_of_a_session_document_is_cleaned() -> None:
    data = _card_session_dict("card")
    data.update(title=f"t{ESCAPES}", team=f"team{ESCAPES}", format_name=f"f{ESCAPES}")
    data["participants"][0]["name"] = f"Fay{ESCAPES}"  # type: ignore[index]
    data["participants"][0]["checkin_word"] = f"w{ESCAPES}"  # type: ignore[index]
    data["columns"][0]["title"] = f"c{ESCAPES}"  # type: ignore[index]
    data["columns"][0]["prompt"] = f"p{ESCAPES}\nline"  # type: ignore[index]
    loaded = session_from_dict(data)
    texts = json.dumps(session_to_dict(loaded), ensure_ascii=False)
    for ch in "\x1b\x07\x7f\x9b\x9c\x9d\u202e":
        assert ch not in texts


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["cards"][0].update(id="c\x1b1"), "session.cards[0].id"),
        (lambda d: d["cards"][0].update(column="good\u202e"), "session.cards[0].column"),
        (lambda d: d.update(format_key="k\x9b"), "session.format_key"),
        (lambda d: d.update(notes={"t\x07": "n"}), "session.notes"),
        (lambda d: d.update(votes=[["p\x1b", "c1"]]), "session.votes[0]"),
    ],
)
def test_an_id_with_a_control_character_is_refused_naming_the_field(
    change: object, field: str
) -> None:
    data = _card_session_dict("card")
    change(data)  # type: ignore[operator]
    with pytest.raises(MalformedSession) as refused:
        session_from_dict(data)
    assert str(refused.value).startswith(field)
    assert "control character" in str(refused.value)


def test_an_import_is_cleaned_and_an_export_writes_what_was_loaded() -> None:
    session = session_from_dict(_card_session_dict("ok"))
    document = json.loads(session_to_json_bytes(session))
    document["session"]["cards"][0]["text"] = f"x{ESCAPES}"
    imported = session_from_json_bytes(json.dumps(document).encode())
    exported = session_to_json_bytes(imported)
    assert b"\x1b" not in exported and b"\x07" not in exported
    assert "\x9b" not in exported.decode("utf-8")
    assert "␛]0;owned␇" in exported.decode("utf-8")


def test_an_import_with_an_escape_in_an_id_is_refused_with_a_clean_sentence() -> None:
    session = session_from_dict(_card_session_dict("ok"))
    document = json.loads(session_to_json_bytes(session))
    document["session"]["cards"][0]["id"] = "c\x1b]0;x\x07"
    with pytest.raises(ImportRefused) as refused:
        session_from_json_bytes(json.dumps(document).encode())
    assert "session.cards[0].id" in str(refused.value)
    assert first_unsafe(str(refused.value)) is None


def test_a_view_from_the_wire_is_cleaned() -> None:
    wire = {"session": _card_session_dict(f"x{ESCAPES}"), "problem": f"gone{ESCAPES}"}
    view = view_from_wire(wire)
    assert first_unsafe(view.problem) is None
    assert first_unsafe(view.session.cards[0].text, multiline=True) is None


# --- session files on disk -----------------------------------------------------------------------
def _stored(folder: Path, session_id: str, text: str) -> Path:
    store = SessionStore(folder)
    store.create(session_from_dict(_card_session_dict("plain")).with_changes(id=session_id))
    store.close()
    path = folder / f"{session_id}.json"
    data = json.loads(path.read_text("utf-8"))
    data["session"]["1"]["cards"][0]["text"] = text
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_session_file_with_escapes_in_a_card_loads_with_them_made_visible(tmp_path: Path) -> None:
    _stored(tmp_path, "s1", f"card {ESCAPES}")
    loaded = SessionStore(tmp_path).load("s1")
    assert loaded.cards[0].text.startswith("card ␛]0;owned␇")
    assert first_unsafe(loaded.cards[0].text) is None


def test_a_session_file_with_an_escape_in_an_id_is_named_and_the_others_listed(
    tmp_path: Path,
) -> None:
    _stored(tmp_path, "good", "fine")
    path = _stored(tmp_path, "bad", "fine")
    data = json.loads(path.read_text("utf-8"))
    data["session"]["1"]["cards"][0]["id"] = "c\x1b]0;x\x07"
    path.write_text(json.dumps(data), encoding="utf-8")
    listing = SessionStore(tmp_path).list()
    assert [s.id for s in listing.sessions] == ["good"]
    (problem,) = listing.problems
    assert problem.path == path
    assert "session.cards[0].id" in problem.reason
    with pytest.raises(CorruptSession) as refused:
        SessionStore(tmp_path).load("bad")
    assert "bad.json" in str(refused.value) and first_unsafe(str(refused.value)) is None


def test_an_unreadable_file_name_is_listed_with_its_escapes_shown(tmp_path: Path) -> None:
    _stored(tmp_path, "good", "fine")
    raw = os.fsencode(tmp_path) + b"/\x1b]0;x\x07\x9b.json"
    with open(raw, "wb") as handle:
        handle.write(b"{}")
    listing = SessionStore(tmp_path).list()
    assert [s.id for s in listing.sessions] == ["good"]
    shown = str(listing.problems[0])
    assert "␛]0;x␇" in shown and first_unsafe(shown) is None


# --- format files ------------------------------------------------------------------------------
def test_a_format_with_a_bidi_override_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bidi.toml"
    path.write_text('name = "a\u202eb"\n[[columns]]\nkey = "a"\ntitle = "A"\n', "utf-8")
    with pytest.raises(FormatError) as refused:
        parse_format(path)
    assert (
        str(refused.value) == "bidi.toml: name: must not contain control characters (found U+202E)"
    )


def test_a_format_file_named_with_escapes_is_reported_visibly_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "\x1b]0;x\x07.toml").write_text('name = "x"\n', "utf-8")
    (tmp_path / "fine.toml").write_text('name = "Fine"\n[[columns]]\nkey = "a"\ntitle = "A"\n')
    monkeypatch.setenv("RETRO_TUI_FORMATS_DIR", str(tmp_path))
    catalog = load_formats()
    assert "fine" in catalog.formats
    (error,) = catalog.errors
    assert str(error).startswith("␛]0;x␇.toml: file name:")
    assert first_unsafe(str(error)) is None


@pytest.mark.parametrize(
    ("key", "value"), [("key", "went well"), ("key", "a.b"), ("colour", "red;blink"), ("key", "")]
)
def test_a_column_key_or_colour_no_screen_can_take_is_refused(key: str, value: str) -> None:
    data = _card_session_dict("card")
    data["columns"][0][key] = value  # type: ignore[index]
    with pytest.raises(MalformedSession) as refused:
        session_from_dict(data)
    assert str(refused.value).startswith(f"session.columns[0].{key}: must be 1-64 letters")

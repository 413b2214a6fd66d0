"""User text: limits stated and enforced, and nothing that can restyle, move or reorder a
screen survives; Rich markup stays literal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.domain.phases import Phase
from tests.support.domain import make_retro

BIDI_CONTROLS = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
BIDI_MARKS = {"\u200e", "\u200f", "\u061c"}


def unsafe(value: str, *, multiline: bool) -> list[str]:
    """Characters that could move the cursor, restyle or reorder a screen."""
    return [
        ch
        for ch in value
        if (unicodedata.category(ch) == "Cc" and not (multiline and ch == "\n"))
        or unicodedata.bidirectional(ch) in BIDI_CONTROLS
        or ch in BIDI_MARKS
    ]


HOSTILE = {
    "ansi colour": "before \x1b[31mred\x1b[0m after",
    "osc 52 clipboard": "copy \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 me",
    "title setting": "title \x1b]0;x\x07 here",
    "c1 csi": "c1 \x9b31m here",
    "nul": "nul \x00 here",
    "bidi override": "abc \u202eevil\u202c def",
    "bidi isolate": "abc \u2066x\u2069 def",
    "bidi marks": "a\u200eb\u200fc\u061cd",
    "delete": "del \x7f here",
    "next line": "nel \x85 here",
    "bell and backspace": "bell\x07 back\x08space",
    "carriage return": "over\rwrite",
    "cursor movement": "\x1b[2J\x1b[H\x1b[10A",
}


# --- empty, wrong type, limits --------------------------------------------------------------
@pytest.mark.parametrize("value", ["", " ", "\n\t  \r\n", "\u3000"])
def test_empty_or_whitespace_is_refused(value: str) -> None:
    with pytest.raises(Refused, match=r"^A card cannot be empty\.$"):
        t.clean_text(value, "A card", t.CARD_MAX, multiline=True)


def test_empty_is_allowed_where_asked() -> None:
    assert t.clean_text("   ", "Notes", t.NOTES_MAX, allow_empty=True) == ""


@pytest.mark.parametrize("value", [None, 5, b"bytes", ["x"], {"text": "x"}])
def test_text_must_be_text(value: object) -> None:
    with pytest.raises(Refused) as caught:
        t.clean_text(value, "A card", t.CARD_MAX)
    assert caught.value.reason == "A card must be text."


def test_over_the_limit_is_refused_with_limit_and_length_not_cut() -> None:
    with pytest.raises(Refused) as caught:
        t.clean_text("x" * 501, "A card", t.CARD_MAX)
    assert caught.value.reason == "A card can be at most 500 characters; this has 501."
    assert t.clean_text("x" * 500, "A card", t.CARD_MAX) == "x" * 500


def test_the_limit_counts_after_trimming_and_normalising() -> None:
    assert t.clean_text("  " + "x" * 500 + "\n", "A card", t.CARD_MAX) == "x" * 500
    decomposed = "e\u0301" * 300  # 600 code points, 300 once composed
    assert t.clean_text(decomposed, "A card", t.CARD_MAX) == "\u00e9" * 300


def test_an_over_long_card_is_refused_by_the_rules_and_nothing_is_added() -> None:
    r = make_retro(1, Phase.WRITE)
    err = r.refused(r.people[0], c.AddCard(column="good", text="y" * 1000))
    assert err.reason == "A card can be at most 500 characters; this has 1000."
    assert r.session.cards == ()


@pytest.mark.parametrize(
    ("what", "limit"),
    [
        ("A name", t.NAME_MAX),
        ("A topic title", t.TITLE_MAX),
        ("An action item", t.ACTION_MAX),
        ("Notes", t.NOTES_MAX),
    ],
)
def test_each_limit_is_stated(what: str, limit: int) -> None:
    with pytest.raises(Refused) as caught:
        t.clean_text("a" * (limit + 7), what, limit)
    assert caught.value.reason == (
        f"{what} can be at most {limit} characters; this has {limit + 7}."
    )


# --- hostile characters -----------------------------------------------------------------------
@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("multiline", [False, True])
def test_hostile_characters_come_out_harmless(value: str, multiline: bool) -> None:
    clean = t.clean_text(value, "A card", t.CARD_MAX, multiline=multiline)
    assert unsafe(clean, multiline=multiline) == []
    assert clean  # replaced by visible stand-ins, not silently dropped


def test_escape_is_shown_as_a_visible_symbol() -> None:
    assert t.clean_text("\x1b[31mred", "A card", t.CARD_MAX) == "␛[31mred"
    assert t.clean_text("a\x00b", "A card", t.CARD_MAX) == "a␀b"
    assert t.clean_text("a\x7fb", "A card", t.CARD_MAX) == "a\u2421b"
    assert t.clean_text("a\x9bb", "A card", t.CARD_MAX) == "a\\u009bb"
    assert t.clean_text("a\u202eb", "A card", t.CARD_MAX) == "a\\u202eb"


def test_hostile_card_text_is_stored_harmless() -> None:
    r = make_retro(1, Phase.WRITE)
    for value in HOSTILE.values():
        r.card(r.people[0], value)
    for card in r.session.cards:
        assert unsafe(card.text, multiline=True) == []


def test_newlines_stay_in_cards_and_become_spaces_in_single_lines() -> None:
    assert t.clean_text("a\r\nb\n\tc", "A card", t.CARD_MAX, multiline=True) == "a\nb\n    c"
    assert t.clean_text("a\r\nb\nc", "A topic title", t.TITLE_MAX) == "a b c"


@pytest.mark.parametrize(
    "markup", ["[bold]x[/]", "[red on white]hi[/red on white]", "[/]", "[@click=quit]q[/]"]
)
def test_rich_markup_is_kept_literally(markup: str) -> None:
    assert t.clean_text(markup, "A card", t.CARD_MAX) == markup
    r = make_retro(1, Phase.WRITE)
    cid = r.card(r.people[0], markup)
    assert r.session.card(cid).text == markup  # type: ignore[union-attr]


def test_emoji_and_accents_survive() -> None:
    value = "Café 👩‍💻 ✓ — 日本語"
    assert t.clean_text(value, "A card", t.CARD_MAX) == value


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=60), multiline=st.booleans())
def test_any_text_is_refused_or_comes_out_harmless(value: str, multiline: bool) -> None:
    try:
        clean = t.clean_text(value, "A card", t.CARD_MAX, multiline=multiline)
    except Refused as err:
        assert err.reason == "A card cannot be empty."
        assert not value.strip()
        return
    assert clean
    assert unsafe(clean, multiline=multiline) == []


# --- names ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ana", "Ana"),
        ("  Ana   Lopez ", "Ana Lopez"),
        ("A\u200bn\u200ca\u200d", "Ana"),
        ("\ufeffAna\u2060", "Ana"),
        ("Ana\u202e", "Ana"),
        ("\u2066Ana\u2069", "Ana"),
        ("Ana\nLopez", "Ana Lopez"),
        ("Ana\x1b[31m", "Ana␛[31m"),
        ("[bold]Ana[/]", "[bold]Ana[/]"),
    ],
)
def test_names_are_one_clean_line(raw: str, clean: str) -> None:
    assert t.clean_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\u200b\u200d", "\u202e", None, 7])
def test_names_must_have_visible_text(raw: object) -> None:
    with pytest.raises(Refused, match=r"^A name (cannot be empty|must be text)\.$"):
        t.clean_name(raw)


def test_name_limit() -> None:
    assert t.clean_name("n" * 40) == "n" * 40
    with pytest.raises(Refused, match=r"^A name can be at most 40 characters; this has 41\.$"):
        t.clean_name("n" * 41)


def test_zero_width_characters_do_not_count_towards_the_name_limit() -> None:
    assert t.clean_name("n" * 40 + "\u200b" * 10) == "n" * 40


@pytest.mark.parametrize(
    ("a", "b"), [("Ana", "ANA"), ("Straße", "STRASSE"), ("Ana", "Ａｎａ"), ("ﬁona", "Fiona")]
)
def test_name_keys_ignore_case_and_width(a: str, b: str) -> None:
    assert t.name_key(a) == t.name_key(b)


def test_name_keys_tell_different_names_apart() -> None:
    assert t.name_key("Ana") != t.name_key("Anna")


def test_a_zero_width_twin_reclaims_the_same_person() -> None:
    r = make_retro(1)
    session, pid = rules.join(r.session, "P\u200b1", Role.PARTICIPANT, r.session.created_at)
    assert pid == r.people[0]
    assert session == r.session


@pytest.mark.parametrize("invisible", ["\u2063", "\u00ad", "\U000e0041", "\u180e", "\u2064"])
def test_names_drop_every_invisible_format_character(invisible: str) -> None:
    assert t.clean_name(f"Ana{invisible}") == "Ana"


# --- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [("2026-12-31", "2026-12-31"), (" 2027-01-10 ", "2027-01-10"), ("", ""), (None, "")],
)
def test_dates(raw: object, clean: str) -> None:
    assert t.clean_date(raw) == clean


@pytest.mark.parametrize("raw", ["2026-02-30", "31/12/2026", "tomorrow", "2026-13-01"])
def test_bad_dates_are_refused_with_the_form_to_use(raw: str) -> None:
    with pytest.raises(Refused) as caught:
        t.clean_date(raw)
    assert caught.value.reason == f"'{raw}' is not a date; use the form 2026-12-31."


def test_a_bad_date_message_is_harmless_and_short() -> None:
    with pytest.raises(Refused) as caught:
        t.clean_date("\x1b]0;pwned\x07" + "9" * 100)
    assert unsafe(caught.value.reason, multiline=False) == []
    assert len(caught.value.reason) < 120


@pytest.mark.parametrize("raw", [20261231, 2026.12, ["2026-12-31"], True])
def test_dates_must_be_text(raw: object) -> None:
    with pytest.raises(Refused, match=r"^A due date must be text like 2026-12-31\.$"):
        t.clean_date(raw)

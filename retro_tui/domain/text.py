"""Validation of user text: limits stated up front, and nothing that can restyle a screen.

Control characters (including the ESC that starts ANSI/OSC sequences) and bidi overrides
are replaced by visible stand-ins, so text is always shown literally; Rich markup is left
as typed and the UI renders it as plain text.

This is the one cleaning rule for every boundary: typed text, session files, imports, the
hub's wire, theme files and file names all go through `make_visible` (text people wrote:
shown, never lost) or `first_unsafe` (names a program relies on, such as ids and keys:
refused, because changing one would break what refers to it). Zero-width joiners and
other format characters that build emoji are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from retro_tui.domain.errors import Refused

CARD_MAX = 500
NAME_MAX = 40
TITLE_MAX = 120
NOTES_MAX = 4000
ACTION_MAX = 300
OWNER_MAX = 60
METRIC_MAX = 300
WORD_MAX = 40
TEAM_MAX = 60

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": ␛ ␀ …
    if code == 0x7F:
        return "\u2421"
    return f"\\u{code:04x}"


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + _BIDI + "]")
# Anything `make_visible` would change; most text has none, and is returned as it is.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + _BIDI + "]")
_SUSPECT_IN_BLOCK = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + _BIDI + "]"
)
_LINE_BREAKS = re.compile("\r\n|[\u2028\u2029]")


def make_visible(value: str, *, multiline: bool) -> str:
    """Replace characters that could move the cursor, restyle or reorder a screen.

    Idempotent: text already made visible comes back unchanged.
    """
    if not (_SUSPECT_IN_BLOCK if multiline else _SUSPECT).search(value):
        return value
    value = _LINE_BREAKS.sub("\n", value).replace("\t", "    ")
    if not multiline:
        value = value.replace("\n", " ")
    return _UNSAFE.sub(lambda m: _visible(m.group()), value)


def first_unsafe(value: str, *, multiline: bool = False) -> str | None:
    """The first character `make_visible` would change, as U+XXXX; None if there is none.

    For text that must be refused rather than changed (ids, keys, a format file a person
    will fix): the refusal can say which character it was.
    """
    if not _SUSPECT.search(value):
        return None
    allowed = "\n\t" if multiline else ""
    for match in _SUSPECT.finditer(value):
        if match.group() not in allowed:
            return f"U+{ord(match.group()):04X}"
    return None


def visible_path(path: object) -> str:
    """A file name fit to print: escapes and undecodable bytes shown, never sent raw."""
    return make_visible(str(path), multiline=False)


def clean_text(
    value: object, what: str, limit: int, *, multiline: bool = False, allow_empty: bool = False
) -> str:
    """Return `value` checked and made safe, or refuse with a sentence naming `what`."""
    if not isinstance(value, str):
        raise Refused(f"{what} must be text.")
    if len(value) > limit * 4:  # refuse a huge string before any work on it
        raise Refused(f"{what} can be at most {limit} characters; this has {len(value)}.")
    value = unicodedata.normalize("NFC", value).strip()
    if not value and not allow_empty:
        raise Refused(f"{what} cannot be empty.")
    if len(value) > limit:
        raise Refused(f"{what} can be at most {limit} characters; this has {len(value)}.")
    return make_visible(value, multiline=multiline)


def _invisible(value: str, index: int) -> bool:
    """Format characters (zero-width, bidi, soft hyphen, tags…) hide inside a name; a
    zero-width joiner is kept only where it joins two emoji (👩‍💻)."""
    ch = value[index]
    if unicodedata.category(ch) != "Cf":
        return False
    if ch != "\u200d" or index == 0 or index == len(value) - 1:
        return True
    return not (
        unicodedata.category(value[index - 1]) == "So"
        and unicodedata.category(value[index + 1]) == "So"
    )


def without_invisible(value: str) -> str:
    """`value` without the characters that hide inside a name (see `_invisible`)."""
    return "".join(ch for i, ch in enumerate(value) if not _invisible(value, i))


def clean_name(value: object) -> str:
    """A display name: one line, no invisible or direction-changing characters."""
    if isinstance(value, str) and len(value) <= NAME_MAX * 4:
        value = " ".join(without_invisible(value).split())
    return clean_text(value, "A name", NAME_MAX)


def name_key(name: str) -> str:
    """What makes two names the same person: case and width differences ignored."""
    return unicodedata.normalize("NFKC", name).casefold()


def clean_date(value: object) -> str:
    """An ISO date (YYYY-MM-DD) or the empty string."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise Refused("A due date must be text like 2026-12-31.")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise Refused(
            f"'{make_visible(value[:40], multiline=False)}' is not a date; use the form 2026-12-31."
        ) from None


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when anything was cut.

    The one way the app shortens text for a line, a dialog or an error message; callers
    pick the line (the first, or all on one) before shortening it.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"

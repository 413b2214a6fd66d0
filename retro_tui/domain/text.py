"""Validation of user text: limits stated up front, and nothing that can restyle a screen.

Control characters (including the ESC that starts ANSI/OSC sequences) and bidi overrides
are replaced by visible stand-ins, so text is always shown literally; Rich markup is left
as typed and the UI renders it as plain text.
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


def make_visible(value: str, *, multiline: bool) -> str:
    """Replace characters that could move the cursor, restyle or reorder a screen."""
    value = value.replace("\r\n", "\n").replace("\t", "    ")
    if not multiline:
        value = value.replace("\n", " ")
    return _UNSAFE.sub(lambda m: _visible(m.group()), value)


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


def clean_name(value: object) -> str:
    """A display name: one line, no invisible or direction-changing characters."""
    if isinstance(value, str) and len(value) <= NAME_MAX * 4:
        value = "".join(ch for i, ch in enumerate(value) if not _invisible(value, i))
        value = " ".join(value.split())
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

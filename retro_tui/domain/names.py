"""Names as people read them: two names that look alike on a screen are one name.

A name belongs to one seat. Letter case alone, a Cyrillic "о" for a Latin "o", or a
mathematical bold "𝐁" must not let someone pass as a person already in the retro, so
names are compared by a *skeleton* in the spirit of Unicode TR39: every character is
replaced by the prototype of its confusable class, taken from the Unicode confusables
table as packaged by `confusable-homoglyphs` (a maintained library, not a hand-made
table), and case is folded. Role words in brackets ("Fran (facilitator)", "[host]")
are refused: on a board they read as a claim of power that only the facilitator link
gives.

The table (about 10,000 entries) is loaded on first use, so a browser tab's process,
which never compares names, does not pay for it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from retro_tui.domain.errors import Refused

ROLE_WORDS = (
    "facilitator",
    "facilitation",
    "host",
    "admin",
    "administrator",
    "moderator",
    "mod",
    "organiser",
    "organizer",
    "owner",
    "lead",
    "scrum master",
    "coach",
)
"""Words that, in brackets after or in a name, would read as a role on the board."""

_BRACKETED = re.compile(r"[(\[{<]([^)\]}>]*)[)\]}>]?")


@cache
def _table() -> dict[str, Any]:
    from confusable_homoglyphs import confusables

    data: dict[str, Any] = confusables.confusables_data
    return data


def _prototype(ch: str) -> str:
    """The character (or short sequence) that stands for `ch`'s confusable class.

    The table lists, for a prototype, all its look-alikes, and for a look-alike only its
    prototype; a pair that lists only each other is resolved to the smaller of the two.
    """
    entries = _table().get(ch)
    if not entries or len(entries) != 1:
        return ch
    other: str = entries[0]["c"]
    back = _table().get(other)
    if back is not None and len(back) == 1 and back[0]["c"] == ch:
        return min(ch, other)
    return other


def _skeleton(text: str) -> str:
    return "".join(_prototype(ch) for ch in unicodedata.normalize("NFD", text))


@lru_cache(maxsize=4096)
def look_alike_key(name: str) -> str:
    """What two names share when people would take one for the other (cached: every
    join compares the new name with every seat's)."""
    text = unicodedata.normalize("NFKC", name)
    text = _skeleton(text).casefold()
    text = _skeleton(text)
    return " ".join(text.split())


def refuse_role_words(name: str) -> None:
    """Refuse a name with a role word in brackets, such as "Fran (facilitator)"."""
    roles = _role_keys()
    for inside in _BRACKETED.findall(unicodedata.normalize("NFKC", name)):
        words = look_alike_key(re.sub(r"[^\w]", " ", inside))
        if words in roles or any(word in roles for word in words.split()):
            raise Refused(
                f"A name cannot say who runs the retro ('{inside.strip()}' in brackets). "
                "Pick a name without it."
            )


@cache
def _role_keys() -> frozenset[str]:
    return frozenset(look_alike_key(role) for role in ROLE_WORDS)

"""Session ids: readable, made from a title, and safe to use as a file name in the folder."""

from __future__ import annotations

import re
import unicodedata

from retro_tui.store.errors import InvalidSessionId, _one_line

MAX_ID_CHARS = 80

_ID_RE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_ID_CHARS - 1}}}")


def slugify(text: str, limit: int = MAX_ID_CHARS) -> str:
    """ASCII words joined by '-', at most `limit` characters; '' if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        # End on a whole word when that does not throw away most of the text.
        if "-" in cut[limit // 2 :]:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug


def check_session_id(session_id: str) -> str:
    """Refuse ids that could not safely name a file inside the sessions folder."""
    if not isinstance(session_id, str) or not _ID_RE.fullmatch(session_id) or ".." in session_id:
        shown = _one_line(str(session_id))[:40]
        raise InvalidSessionId(
            f"{shown!r} is not a session id (letters, digits, '.', '_' and '-', "
            f"at most {MAX_ID_CHARS} characters)."
        )
    return session_id

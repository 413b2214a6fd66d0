"""The store's errors: each carries a sentence a person can act on and the file concerned.

Every message goes through one cleaning rule (`_one_line`): messages name files and quote
their contents, which may hold control characters or escapes.
"""

from __future__ import annotations

import errno
from pathlib import Path

from retro_tui.domain.text import make_visible
from retro_tui.store import file_format


def _one_line(text: str) -> str:
    """Messages name files and quote their contents: both go through the one cleaning rule."""
    return make_visible(text, multiline=False)


class StoreError(Exception):
    """A store failure with a sentence a person can act on; `path` is the file concerned."""

    def __init__(self, message: str, path: Path | None = None, reason: str = "") -> None:
        super().__init__(_one_line(message))
        self.path = path
        self.reason = _one_line(reason or message)


class SessionNotFound(StoreError):
    """No session file with that id (or name) in the sessions folder."""


class InvalidSessionId(SessionNotFound):
    """An id that cannot name a file safely (it could escape the folder, or is empty)."""


class AmbiguousSession(StoreError):
    """A prefix that matches more than one session."""


class CorruptSession(StoreError):
    """A session file that cannot be read back: bad JSON, bad layout or a malformed field."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"Session file {path} cannot be read: {reason}. It was left untouched.", path, reason
        )


class ForeignFile(StoreError):
    """Valid JSON that another program wrote; retro-tui leaves it alone."""

    def __init__(self, path: Path, detail: str) -> None:
        reason = f"not a retro-tui session file ({detail})"
        super().__init__(f"{path} is {reason}. It was left untouched.", path, reason)


class NewerSchema(StoreError):
    """A file written by a newer retro-tui: reading it could lose what this one ignores."""

    def __init__(self, path: Path, schema: int) -> None:
        newest = file_format.SCHEMA_VERSION
        reason = f"made by a newer retro-tui (schema {schema}); this one reads up to {newest}"
        super().__init__(f"{path} was {reason}. Upgrade retro-tui to open it.", path, reason)


class SessionExists(StoreError):
    """`create` refuses to overwrite a session that is already on disk."""


class StoreReadError(StoreError):
    """The file exists but the system would not let us read it (permissions, I/O error)."""


class StoreWriteError(StoreError):
    """Writing failed (read-only folder, disk full…); the previous file is unchanged."""


class SessionLocked(StoreError):
    """Another retro-tui process has this session open."""


_WRITE_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "the folder is read-only (permission denied)",
    errno.EPERM: "the folder is read-only (operation not permitted)",
    errno.EIO: "the disk reported an input/output error",
    errno.ENAMETOOLONG: "the file name is too long",
}


def _write_reason(exc: OSError) -> str:
    if exc.errno in _WRITE_REASONS:
        return _WRITE_REASONS[exc.errno]
    return exc.strerror or str(exc) or type(exc).__name__

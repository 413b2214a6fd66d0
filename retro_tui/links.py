"""A session's join tokens, kept so its links survive a restart of the host.

After a crash or a restart, people reload their tabs: with the same tokens their
cookies still prove who they are, and they are back in their seats with no typing.
The tokens are secrets, so they live in their own file beside the session file,
`<id>.links`, readable by this user only (0600) and written atomically; never in the
session file, which is exported and shared. New tokens (`--new-links`, or the
facilitator's key on the board) invalidate every cookie made from the old ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from retro_tui.web.tokens import new_token, tokens_equal

LINKS_SUFFIX = ".links"


class LinksError(Exception):
    """The links file cannot be read or written; the message says which and why."""


@dataclass(frozen=True)
class JoinTokens:
    """The two secrets that open a session in a browser, and where it was last served."""

    participant: str
    facilitator: str
    public_url: str = ""

    @classmethod
    def fresh(cls, public_url: str = "") -> JoinTokens:
        return cls(new_token(), new_token(), public_url)


def links_path(sessions_dir: Path, session_id: str) -> Path:
    return sessions_dir / f"{session_id}{LINKS_SUFFIX}"


def read_links(path: Path) -> JoinTokens | None:
    """The tokens kept in `path`; None when there is no file or it holds no valid tokens
    (a broken file is replaced by new links, since its old ones cannot be trusted)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        if isinstance(error, PermissionError):
            raise LinksError(f"cannot read the links file {path}: permission denied") from None
        return None
    if not isinstance(data, dict):
        return None
    participant, facilitator, public_url = (
        data.get(key) for key in ("participant", "facilitator", "public_url")
    )
    if not (
        isinstance(participant, str)
        and isinstance(facilitator, str)
        and isinstance(public_url, str)
    ):
        return None
    tokens = JoinTokens(participant, facilitator, public_url)
    if len(tokens.participant) < 16 or tokens_equal(tokens.participant, tokens.facilitator):
        return None
    return tokens


def write_links(path: Path, tokens: JoinTokens) -> None:
    """Write the tokens atomically to a file only this user can read."""
    text = json.dumps(asdict(tokens), indent=1) + "\n"
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise LinksError(f"cannot write the links file {path}: {error.strerror}") from None
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise LinksError(f"cannot write the links file {path}: {error.strerror}") from None


def session_links(path: Path, *, renew: bool = False, public_url: str = "") -> JoinTokens:
    """The session's tokens: the kept ones, or new ones (`renew`, or none kept yet),
    recorded with the address they are served at."""
    kept = None if renew else read_links(path)
    tokens = kept or JoinTokens.fresh()
    tokens = JoinTokens(tokens.participant, tokens.facilitator, public_url or tokens.public_url)
    if tokens != kept:
        write_links(path, tokens)
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)  # someone widened it: the secrets are this user's only
    return tokens

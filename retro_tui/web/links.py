"""Join links and the cookies they are swapped for: roles, names, and URLs."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, urlsplit

from retro_tui.domain.model import Role

GRANT_COOKIE: Final = "retro_tui_grant"
IDENTITY_COOKIE: Final = "retro_tui_identity"
JOIN_PARAMETER: Final = "join"

COOKIE_MAX_AGE: Final = 24 * 60 * 60
"""A day: long enough to rejoin after a closed tab or a crashed browser."""


def join_url(public_url: str, token: str) -> str:
    """The link that swaps `token` for cookies on the server at `public_url`."""
    return f"{public_url.rstrip('/')}/?{JOIN_PARAMETER}={quote(token, safe='')}"


def _as_role(text: str) -> Role | None:
    """Return `text` as a Role if it names one."""
    return next((role for role in Role if role == text), None)


def _authority(url: str) -> tuple[str, int] | None:
    """Return (host, port) of an http(s) URL, default port filled in; None if malformed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _url_for(host: str, port: int) -> str:
    """Return the http URL of a listening address (IPv6 literals in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}" if port == 80 else f"http://{shown}:{port}"

"""Secrets for the web face: join tokens, browser identities and role grants.

A join token travels in a link once; the browser then holds a *grant* (an HMAC of
its role and identity keyed by the token) in an HttpOnly cookie. The cookie never
contains the token, and changing the token invalidates every grant made from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

IDENTITY_BYTES = 16
"""128 bits: a browser identity cannot be guessed by another participant."""

_IDENTITY_SHAPE = re.compile(r"[A-Za-z0-9_-]{22}")
_GRANT_LABEL = "retro-tui grant v1"


def new_token() -> str:
    """Return a fresh join token (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def tokens_equal(a: str, b: str) -> bool:
    """Compare two secrets in constant time; any text, even non-ASCII garbage, is fine.

    `hmac.compare_digest` refuses non-ASCII `str`, so both sides are compared as
    UTF-8 bytes (lone surrogates included, so nothing a URL decoder yields raises).
    """
    return hmac.compare_digest(_as_bytes(a), _as_bytes(b))


def new_identity() -> str:
    """Return a fresh browser identity (128 random bits, 22 URL-safe characters)."""
    return secrets.token_urlsafe(IDENTITY_BYTES)


def is_identity(value: str) -> bool:
    """Tell whether a cookie value has the shape `new_identity` produces."""
    return _IDENTITY_SHAPE.fullmatch(value) is not None


def make_grant(token: str, role: str, identity: str) -> str:
    """Return the cookie value proving that `identity` joined as `role` with `token`."""
    message = f"{_GRANT_LABEL}\n{role}\n{identity}".encode()
    digest = hmac.new(_as_bytes(token), message, hashlib.sha256).digest()
    return f"{role}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode('ascii')}"


def grant_role(grant: str) -> str:
    """Return the role a grant claims (unverified: check it with `make_grant`)."""
    return grant.partition(".")[0]


def _as_bytes(text: str) -> bytes:
    """Encode any `str` (even with lone surrogates) without raising."""
    return text.encode("utf-8", "surrogatepass")

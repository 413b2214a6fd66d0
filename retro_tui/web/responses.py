"""The HTTP responses the web server builds: never cached, framed or given a referrer.

Pages get a Content-Security-Policy that allows only this server's own resources.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Final

from aiohttp import web

_PAGE_POLICY: Final = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_NOTICE_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
)


def _read_template(path: Path) -> string.Template:
    """Load one page template (plain `$name` substitution; values escaped by callers)."""
    return string.Template(path.read_text(encoding="utf-8"))


def _see_other_here() -> web.Response:
    """Redirect to the page itself, without query: relative, so proxies with a prefix work."""
    return web.Response(status=303, headers={"Location": "./", "Cache-Control": "no-store"})


def _html(body: str, *, status: int, policy: str) -> web.Response:
    """An HTML response that is never cached, framed or given a referrer."""
    response = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    response.headers.update(
        {
            "Cache-Control": "no-store",
            "Content-Security-Policy": policy,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        }
    )
    return response


def _plain(text: str, *, status: int) -> web.Response:
    """A short text response for non-page routes (the websocket, downloads)."""
    return web.Response(text=text, status=status, headers={"Cache-Control": "no-store"})

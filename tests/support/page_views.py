"""The views a simple page holds, from the frames it received: its first view line, then
each patch merged in key by key, as app.js does (page_client.py sends them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def page_views(frames: Iterable[str]) -> list[dict[str, Any]]:
    """Every view the page held, in order: one per view or patch frame (a terminal tab's
    frames, which are not objects, are passed over)."""
    views: list[dict[str, Any]] = []
    for frame in frames:
        message = json.loads(frame)
        if not isinstance(message, dict):
            continue
        if message.get("t") == "view":
            views.append(message["view"])
        elif message.get("t") == "patch" and views:
            held = views[-1]
            session = {**held["session"], **message["session"]}
            views.append({**held, **message["view"], "session": session})
    return views

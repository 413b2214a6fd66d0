"""The hub wire protocol: one JSON object per line over a private Unix socket.

client -> hub: {"t": "hello", "identity", "role"} · {"t": "join", "name"} ·
               {"t": "cmd", "id": int, "cmd": {"name": ..., ...}} · {"t": "bye"}
hub -> client: {"t": "welcome", "you": pid | null} · {"t": "joined", "you"} ·
               {"t": "ack", "id"} · {"t": "nack", "id", "reason"} ·
               {"t": "view", "view": {...}} · {"t": "error", "reason"} (then the hub hangs up)
"""

from __future__ import annotations

import json
from typing import Any

from retro_tui.domain.serial import MalformedSession, session_from_dict, session_to_dict
from retro_tui.domain.views import BoardView

MAX_LINE = 256 * 1024  # a client line; views from the hub may be larger
MAX_VIEW_LINE = 64 * 1024 * 1024


class ProtocolError(ValueError):
    """A message that breaks the protocol; the sender is disconnected with this reason."""


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("a message was not valid JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ProtocolError("a message must be an object with a type 't'")
    return message


def view_to_wire(view: BoardView) -> dict[str, Any]:
    return {
        "session": session_to_dict(view.session),
        "you": view.you,
        "online": sorted(view.online),
        "problem": view.problem,
        "presenting": view.presenting,
    }


def view_from_wire(data: Any) -> BoardView:
    if not isinstance(data, dict):
        raise ProtocolError("a view must be an object")
    try:
        session = session_from_dict(data.get("session"))
    except MalformedSession as error:
        raise ProtocolError(f"bad view: {error}") from None
    online = data.get("online", [])
    if not isinstance(online, list) or not all(isinstance(x, str) for x in online):
        raise ProtocolError("bad view: online")
    you = data.get("you", "")
    problem = data.get("problem", "")
    if not isinstance(you, str) or not isinstance(problem, str):
        raise ProtocolError("bad view: you/problem")
    presenting = data.get("presenting", False)
    if not isinstance(presenting, bool):
        raise ProtocolError("bad view: presenting")
    return BoardView(
        session=session, you=you, online=frozenset(online), problem=problem, presenting=presenting
    )

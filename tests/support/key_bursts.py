"""Keys as the world delivers them: several in one read, and texts made of board keys.

A fast typist, a paste without bracketed paste or a lagging browser tab hands the app
many keys at once. `burst` decodes the bytes with the parser Textual's own drivers use
and posts every event before the app handles any, as one read of the terminal does.
"""

from __future__ import annotations

import random
from typing import Any

from textual._xterm_parser import XTermParser
from textual.app import App

DOWN = "\x1b[B"
ENTER = "\r"

# The board's own key letters and symbols, so that a misrouted key runs a command.
BOARD_KEYS = "cadegtuvDnAexsTRbPm[]<>?+-0123 "


def burst(app: App[Any], data: str) -> None:
    """Deliver `data` to `app` as one read of its terminal: all events queued at once."""
    parser = XTermParser()
    events = [*parser.feed(data), *parser.tick()]
    for event in events:
        app.post_message(event)


def random_texts(count: int, seed: int = 11) -> list[str]:
    """`count` different card texts built mostly from board keys, each with a letter."""
    rng = random.Random(seed)
    texts: list[str] = []
    while len(texts) < count:
        size = rng.randint(1, 30)
        text = "".join(rng.choice(BOARD_KEYS + "lowrk!%") for _ in range(size)).strip()
        if text and any(ch.isalpha() for ch in text) and text not in texts:
            texts.append(text)
    return texts

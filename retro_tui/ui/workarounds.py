"""Work-arounds for the pinned Textual version, each with the upstream issue it answers.

Remove one when the Textual pin moves past its fix (each has a test that fails when the
problem comes back).
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual._styles_cache import StylesCache
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.worker import Worker


def release_closed_widgets_styles() -> None:
    """Let the line caches of widgets that are gone be freed.

    `StylesCache.get_inner_outer` is an `lru_cache` on a method, so its key holds the
    `StylesCache` itself: up to 1,024 of them, each with the rendered lines of a widget
    that no longer exists (Textualize/textual#6665). Every closed dialog left its
    widgets' lines there: a participant who wrote 40 cards grew by 26 MB. The cache only
    saves building two styles, so emptying it when a dialog closes costs nothing.
    """
    StylesCache.get_inner_outer.cache_clear()


def forget_watches_of(node: DOMNode) -> None:
    """Drop the watches `node` put on the app, so a closed widget can be freed.

    `DOMNode.watch(self.app, "theme", …)` (TextArea does it) keeps `(node, callback)` in
    the app's watcher list until the theme next changes, so every closed text dialog's
    editor stayed in memory (~0.5 MB each). Call from the widget's `on_unmount`.
    """
    watchers: dict[str, list[tuple[object, object]]] = getattr(node.app, "__watchers", {})
    for name, entries in watchers.items():
        watchers[name] = [(owner, callback) for owner, callback in entries if owner is not node]


def forget_closed_watchers(node: DOMNode) -> None:
    """Drop the watches that closed widgets put on `node`, so those widgets can be freed.

    `child.data_bind(x=Parent.x)` keeps `(child, callback)` in the parent's watcher list
    until `x` next changes (Textual prunes closed watchers only then). The footer binds
    every key it draws that way and draws them all again whenever the keys on offer
    change, so each change left the old keys, with their styles and rendered lines, on
    the footer: ~15 per card a person wrote, ~0.3 MB, and hundreds more in Discuss,
    where every move of the cursor offers other keys (issue 17).
    """
    watchers: dict[str, list[tuple[MessagePump, object]]] = getattr(node, "__watchers", {})
    for name, entries in watchers.items():
        watchers[name] = [(owner, callback) for owner, callback in entries if not owner._closing]


async def drained(pump: MessagePump) -> None:
    """Return once `pump` has handled every message queued before the call (or closed).

    Textual has no public "wait until this node caught up": `call_later` queues a
    callback behind the messages already there, but a node that closes meanwhile drops
    it, so this also returns when the node's own task (`MessagePump._task`) ends.
    """
    done = asyncio.Event()
    if not pump.call_later(done.set):
        return  # closed or closing: nothing more will be handled there
    task: asyncio.Task[Any] | None = pump._task
    waiter = asyncio.ensure_future(done.wait())
    try:
        await asyncio.wait(
            [waiter] if task is None else [waiter, task], return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        waiter.cancel()


async def drained_upwards(node: MessagePump) -> None:
    """`drained` on `node`, then each parent in turn: a key or message posted to `node`
    bubbles up through each of them (`Message._bubble_to`), ending at the app."""
    current: MessagePump | None = node
    while current is not None:
        await drained(current)
        current = current._parent


async def finished(worker: Worker[Any]) -> None:
    """Return when `worker` ends, however it ends (its errors are the app's to report).

    Not `Worker.wait()`: it awaits the worker's task itself, so cancelling the waiter
    (as `asyncio.wait(..., FIRST_COMPLETED)` callers do with the losers) would cancel
    the worker too; `asyncio.wait` on `Worker._task` never does.
    """
    task: asyncio.Task[Any] | None = worker._task
    if task is not None:
        await asyncio.wait([task])

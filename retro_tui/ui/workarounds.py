"""Work-arounds for the pinned Textual version, each with the upstream issue it answers.

Remove one when the Textual pin moves past its fix (each has a test that fails when the
problem comes back).
"""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.dom import DOMNode


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

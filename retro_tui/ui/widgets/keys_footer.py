"""The footer, without keeping the keys it no longer shows, and never left behind.

Textual's `Footer` draws its keys again (a recompose) each time the keys on offer
change, and every key it drew stays bound to it (`data_bind`) after it is removed, until
the footer's `compact` changes — which on a board is never. On a participant's tab that
was most of the memory a long retro added (issue 17). This footer lets them go.

It also skips a redraw while the app has no focus, and nothing redraws it when the focus
comes back. A browser tab whose terminal had lost focus when the board's keys changed —
a page reloaded after a host restart, a tab in the background — showed only "? Keys"
until some later change. This footer draws what is on offer whatever the focus.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

from retro_tui.ui.workarounds import forget_closed_watchers, release_closed_widgets_styles


class KeysFooter(Footer):
    """A `Footer` that frees the keys each redraw replaces and follows every change."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        await super().recompose()
        forget_closed_watchers(self)
        release_closed_widgets_styles()  # the old keys' lines are cached there too

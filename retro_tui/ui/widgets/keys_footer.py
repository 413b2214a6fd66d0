"""The footer, without keeping the keys it no longer shows.

Textual's `Footer` draws its keys again (a recompose) each time the keys on offer
change, and every key it drew stays bound to it (`data_bind`) after it is removed, until
the footer's `compact` changes — which on a board is never. On a participant's tab that
was most of the memory a long retro added (issue 17). This footer lets them go.
"""

from __future__ import annotations

from textual.widgets import Footer

from retro_tui.ui.workarounds import forget_closed_watchers, release_closed_widgets_styles


class KeysFooter(Footer):
    """A `Footer` that frees the keys each redraw replaces."""

    async def recompose(self) -> None:
        await super().recompose()
        forget_closed_watchers(self)
        release_closed_widgets_styles()  # the old keys' lines are cached there too

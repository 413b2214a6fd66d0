"""A one-line field for people's words (action items, check-in words, titles) that keeps
the characters holding an emoji together.

Textual counts the zero-width joiner unprintable (`Key.is_printable`), so a plain
`Input` drops it and a family emoji typed in a browser (👨‍👩‍👧, sent as separate keys)
was saved as three people. Names use the plain `Input` and drop them on purpose.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


def joins_characters(character: str | None) -> bool:
    """Whether a typed character is one that holds an emoji sequence together: the
    zero-width (non-)joiner and the tag characters of flags like 🏴󠁧󠁢󠁳󠁣󠁴󠁿."""
    if character is None or len(character) != 1:
        return False
    return character in "\u200c\u200d" or 0xE0020 <= ord(character) <= 0xE007F


class TextInput(Input):
    """An `Input` that keeps joiners typed into it (see the module docstring)."""

    async def _on_key(self, event: events.Key) -> None:
        if joins_characters(event.character) and not self.disabled:
            event.stop()
            event.prevent_default()
            assert event.character is not None
            if self.selection.is_empty:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *self.selection)
            return
        await super()._on_key(event)

"""A dialog for one piece of text: a card, a topic title or discussion notes.

It shows the limit as it is typed ("240/500"); the hub still has the last word.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from retro_tui.domain import text as limits
from retro_tui.domain.problems import PROBLEM_NAME_MAX
from retro_tui.ui.screens.save_cancel import SaveCancelDialog
from retro_tui.ui.widgets.text_input import joins_characters
from retro_tui.ui.workarounds import forget_watches_of


class PlainEditor(TextArea):
    """A TextArea where ctrl+j adds a line, since enter saves the dialog; ctrl+a selects all.

    It also keeps joiners: Textual counts U+200D unprintable (`Key.is_printable`), so
    TextArea dropped it and a family emoji typed in a browser (👨‍👩‍👧, sent as
    separate keys) was saved as three people. Card text keeps them; names drop them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j", "newline", "New line", id="editor-newline"),
        Binding("ctrl+a", "select_all", "Select all", show=False, id="editor-select-all"),
    ]

    def action_newline(self) -> None:
        self.insert("\n")

    def on_key(self, event: events.Key) -> None:
        if joins_characters(event.character) and not self.read_only:
            event.stop()
            event.prevent_default()
            assert event.character is not None
            self.replace(event.character, *self.selection)

    def on_unmount(self) -> None:
        forget_watches_of(self)


class TextDialog(SaveCancelDialog[str]):
    """Edit one text; dismisses with the text, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save", priority=True, id="dialog-save"),
        Binding("ctrl+s", "save", "Save", show=False, id="dialog-save-alt"),
        Binding("escape", "cancel", "Cancel", id="dialog-cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        initial: str = "",
        limit: int,
        multiline: bool = False,
        hint: str = "",
        select_all: bool = False,
    ) -> None:
        super().__init__()
        self.heading = title
        self.initial = initial
        self.limit = limit
        self.multiline = multiline
        self.hint = hint
        self.select_all = select_all

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            editor = PlainEditor(
                self.initial, soft_wrap=True, show_line_numbers=False, id="dialog-text"
            )
            editor.show_cursor = True
            yield editor
            with Horizontal(classes="dialog-status"):
                yield Static(self._hint_text(), classes="dialog-hint", markup=False)
                yield Static("", id="dialog-count", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _hint_text(self) -> str:
        parts = [self.hint] if self.hint else []
        parts.append("enter saves" + (" · ctrl+j new line" if self.multiline else ""))
        parts.append("esc cancels")
        return " · ".join(parts)

    def on_mount(self) -> None:
        editor = self.query_one(PlainEditor)
        if self.select_all:
            editor.select_all()
        else:
            editor.move_cursor(editor.document.end)
        editor.focus()
        self._count(editor.text)

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        self._count(event.text_area.text)

    def _count(self, value: str) -> None:
        used = len(value.strip())
        counter = self.query_one("#dialog-count", Static)
        counter.update(f"{used}/{self.limit}")
        counter.set_class(used > self.limit, "-over")

    def action_save(self) -> None:
        if self.focused is not None and self.focused.id == "cancel":
            self.dismiss(None)
            return
        self.dismiss(self.query_one(PlainEditor).text.strip())


def card_dialog(column_title: str, initial: str = "") -> TextDialog:
    verb = "Edit card" if initial else "New card"
    return TextDialog(
        f"{verb} — {column_title}", initial=initial, limit=limits.CARD_MAX, multiline=True
    )


def topic_dialog(initial: str) -> TextDialog:
    return TextDialog(
        "Topic title",
        initial=initial,
        limit=limits.TITLE_MAX,
        select_all=True,
        hint="typing replaces",
    )


def notes_dialog(topic_title: str, initial: str) -> TextDialog:
    return TextDialog(
        f"Notes — {topic_title}",
        initial=initial,
        limit=limits.NOTES_MAX,
        multiline=True,
        hint="empty clears",
    )


def problem_dialog(initial: str) -> TextDialog:
    """Name a new problem the team can link later retros to."""
    return TextDialog(
        "Name a new problem",
        initial=initial,
        limit=PROBLEM_NAME_MAX,
        select_all=True,
        hint="typing replaces",
    )

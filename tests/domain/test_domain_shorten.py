"""One way to shorten text for a line, a dialog or an error message."""

from __future__ import annotations

from retro_tui.domain.text import shorten


def test_shortened_text_ends_in_one_ellipsis_only_when_something_was_cut() -> None:
    assert shorten("abcdef", 6) == "abcdef"
    assert shorten("abcdefg", 6) == "abcde…"
    assert len(shorten("x" * 100, 40)) == 40

"""The bank of check-in questions: the shipped list plus the user's own file.

The shipped questions live in `retro_tui/icebreakers.toml`; a user adds more in
`icebreakers.toml` beside their formats folder (`$RETRO_TUI_ICEBREAKERS`, else
`$XDG_CONFIG_HOME/retro-tui/icebreakers.toml`, else `~/.config/retro-tui/...`), a file
with a `questions` list of strings. Loading never raises: a broken user file is
reported with its name and the field at fault, and the shipped questions still load,
as a broken format file leaves the other formats in place.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.icebreakers import QUESTION_MAX

ICEBREAKERS_ENV = "RETRO_TUI_ICEBREAKERS"
MAX_FILE_BYTES = 256 * 1024
MAX_QUESTIONS = 1000


@dataclass(frozen=True)
class IcebreakerBank:
    questions: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default_factory=tuple)  # one sentence per broken file


def shipped_file() -> Path:
    return Path(__file__).resolve().parent / "icebreakers.toml"


def user_file() -> Path:
    """Where a user keeps their own questions; it need not exist."""
    explicit = os.environ.get(ICEBREAKERS_ENV, "")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    config = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return config / "retro-tui" / "icebreakers.toml"


class BankError(ValueError):
    """A question file that cannot be used; the message names the file and the field."""


def read_questions(path: Path) -> tuple[str, ...]:
    """The questions of one file; raises `BankError` with the file and field at fault."""
    name = t.make_visible(path.name, multiline=False)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BankError(f"{name}: cannot read the file: {exc.strerror or exc}.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise BankError(f"{name}: the file is larger than {MAX_FILE_BYTES // 1024} KiB.")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BankError(f"{name}: not valid TOML ({exc}).") from None
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        raise BankError(f"{name}: questions must be a list of at least one question.")
    if len(items) > MAX_QUESTIONS:
        raise BankError(f"{name}: questions holds at most {MAX_QUESTIONS} questions.")
    questions = []
    for i, item in enumerate(items, start=1):
        try:
            questions.append(t.clean_text(item, "A question", QUESTION_MAX))
        except Refused as refused:
            raise BankError(f"{name}: questions[{i}]: {refused.reason}") from None
    return tuple(questions)


def load_bank() -> IcebreakerBank:
    """The shipped questions, then the user's; never raises."""
    questions: list[str] = []
    errors: list[str] = []
    mine = user_file()
    for path, must_exist in ((shipped_file(), True), (mine, False)):
        if not must_exist and not path.exists():
            continue
        try:
            questions.extend(read_questions(path))
        except BankError as error:
            errors.append(str(error))
    return IcebreakerBank(tuple(dict.fromkeys(questions)), tuple(errors))

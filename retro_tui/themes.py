"""Retro formats: load and validate the TOML files in `themes/` and the user's formats folder.

Formats are data rather than code so that teams can add their own without a release. That
makes every file untrusted input: each one is checked field by field, and a broken file is
reported by its name and the field at fault while the other files still load.

Pure Python (no Textual): the UI, the CLI and the hub all use it.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.health import DIMENSIONS_MAX
from retro_tui.domain.measures import READINESS_MAX
from retro_tui.domain.phases import DEFAULT_DURATIONS, PHASE_ORDER, Phase
from retro_tui.domain.text import first_unsafe, shorten, visible_path

__all__ = [
    "COLOURS",
    "DEFAULT_FORMAT_KEY",
    "MAX_FILE_BYTES",
    "FormatCatalog",
    "FormatError",
    "UnknownFormat",
    "builtin_formats_dir",
    "load_formats",
    "parse_format",
    "user_formats_dir",
]

DEFAULT_FORMAT_KEY = "went-well"

# Limits. A format file is a few hundred bytes; anything near these is a mistake or hostile.
MAX_FILE_BYTES = 64 * 1024
MAX_KEY_CHARS = 32
MAX_NAME_CHARS = 80
MAX_DESCRIPTION_CHARS = 500
MAX_TITLE_CHARS = 40
MAX_PROMPT_CHARS = 300
MIN_COLUMNS, MAX_COLUMNS = 1, 6
MIN_VOTES, MAX_VOTES = 1, 50
DEFAULT_VOTES = 5
MAX_DURATION_MINUTES = 240

# Colour names a column may use. The UI maps each to a concrete style, so the set is closed.
COLOURS: tuple[str, ...] = (
    "red",
    "orange",
    "yellow",
    "green",
    "cyan",
    "blue",
    "purple",
    "magenta",
    "grey",
)
# Given in board order to columns that name no colour, so neighbours still look different.
_AUTO_COLOURS: tuple[str, ...] = ("green", "red", "blue", "yellow", "purple", "cyan")

_KEY_RE = re.compile(r"[a-z0-9-]{1,32}")
_KEY_RULE = "must be 1-32 characters of a-z, 0-9 or '-'"

_TOP_LEVEL_KEYS = (
    "name",
    "description",
    "votes_per_person",
    "max_votes_per_topic",
    "durations",
    "columns",
    "data_step",
    "readiness",
    "health",
)
_HEALTH_KEYS = ("key", "title", "prompt")
_COLUMN_KEYS = ("key", "title", "prompt", "colour")
_PHASE_KEYS = tuple(phase.value for phase in PHASE_ORDER)


class FormatError(Exception):
    """A format file that cannot be used, with the file and field to fix.

    `field` is a path into the file such as `columns[2].key` (columns counted from 1, as a
    person counts `[[columns]]` blocks), or "" when the whole file is at fault.
    """

    def __init__(self, path: Path, field: str, reason: str) -> None:
        super().__init__(path, field, reason)
        self.path = path
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        # Files are named by file name, as people see them in their folder; folders in full.
        where = visible_path(self.path.name if self.path.suffix == ".toml" else self.path)
        if self.field:
            return f"{where}: {self.field}: {self.reason}"
        return f"{where}: {self.reason}"


class UnknownFormat(KeyError):
    """Asked for a format key that no loaded file provides; the message lists those that do."""

    def __init__(self, key: str, known: Sequence[str]) -> None:
        super().__init__(key, tuple(known))
        self.key = key
        self.known = tuple(known)

    def __str__(self) -> str:
        known = ", ".join(self.known) if self.known else "none were loaded"
        hint = _did_you_mean(self.key, self.known)
        return f"unknown format {self.key!r}{hint}; known formats: {known}"


@dataclass
class FormatCatalog:
    """Every format that loaded, plus the files that did not, so the UI can report them.

    `formats` is in display order: the default format first, then by name.
    """

    formats: dict[str, RetroFormat] = field(default_factory=dict)
    errors: list[FormatError] = field(default_factory=list)

    def get(self, key: str) -> RetroFormat:
        """The format for `key`; raises `UnknownFormat` (a `KeyError`) naming the known keys."""
        try:
            return self.formats[key]
        except KeyError:
            raise UnknownFormat(key, list(self.formats)) from None


def builtin_formats_dir() -> Path:
    """The shipped formats: `retro_tui/_themes` in a wheel, else `themes/` in a checkout."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_themes"
    if installed.is_dir():
        return installed
    return package_dir.parent / "themes"


def user_formats_dir() -> Path:
    """Where a user adds or overrides formats; it need not exist.

    `$RETRO_TUI_FORMATS_DIR`, else `$XDG_CONFIG_HOME/retro-tui/formats`, else
    `~/.config/retro-tui/formats`. A relative `XDG_CONFIG_HOME` is ignored, as the XDG
    spec says.
    """
    explicit = os.environ.get("RETRO_TUI_FORMATS_DIR", "")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    config = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return config / "retro-tui" / "formats"


def load_formats(extra_dirs: Sequence[Path] = ()) -> FormatCatalog:
    """Load the shipped formats, then the user's, then `extra_dirs`; later ones win a key.

    Never raises for a bad file: it goes into `errors` and the rest still load. A broken
    override leaves the earlier format of that key in place. A missing user folder is
    normal; a missing shipped or extra folder is reported. An entry of `extra_dirs` may
    also be a single `.toml` file.
    """
    catalog = FormatCatalog()
    _load_into(catalog, builtin_formats_dir(), must_exist=True)
    _load_into(catalog, user_formats_dir(), must_exist=False)
    for extra in extra_dirs:
        _load_into(catalog, extra, must_exist=True)
    catalog.formats = _display_order(catalog.formats)
    return catalog


def parse_format(path: Path) -> RetroFormat:
    """Read and validate one format file; raises `FormatError` naming the file and field."""
    data = _read_toml(path)
    try:
        return _build(path, data)
    except _Invalid as exc:
        raise FormatError(path, exc.where, exc.reason) from None


# --- loading -------------------------------------------------------------------------------


def _load_into(catalog: FormatCatalog, location: Path, *, must_exist: bool) -> None:
    if location.suffix == ".toml" and not location.is_dir():
        files = [location]
    else:
        try:
            if not location.exists():
                if must_exist:
                    catalog.errors.append(FormatError(location, "", "formats folder not found"))
                return
            files = sorted(
                entry
                for entry in location.iterdir()
                # Hidden files are editor backups and lock files, not formats.
                if entry.suffix == ".toml" and not entry.name.startswith(".")
            )
        except OSError as exc:
            reason = f"cannot list the formats folder: {exc.strerror or exc}"
            catalog.errors.append(FormatError(location, "", reason))
            return
    for path in files:
        try:
            retro_format = parse_format(path)
        except FormatError as exc:
            catalog.errors.append(exc)
        else:
            catalog.formats[retro_format.key] = retro_format


def _display_order(formats: dict[str, RetroFormat]) -> dict[str, RetroFormat]:
    ordered = sorted(
        formats.values(),
        key=lambda f: (f.key != DEFAULT_FORMAT_KEY, f.name.casefold(), f.key),
    )
    return {f.key: f for f in ordered}


def _read_toml(path: Path) -> dict[str, object]:
    try:
        # O_NONBLOCK: opening a FIFO named *.toml must not hang; fstat then rejects it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise FormatError(path, "", "not a regular file")
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise FormatError(path, "", f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise FormatError(path, "", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
    if raw.startswith(codecs.BOM_UTF8):  # Some Windows editors add one; TOML forbids it.
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        reason = f"not valid UTF-8 (bad byte at line {line}); save the file as UTF-8"
        raise FormatError(path, "", reason) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(path, "", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise FormatError(path, "", "not valid TOML: values nested too deeply") from None


# --- validation ----------------------------------------------------------------------------


class _Invalid(Exception):
    """Raised inside validation; `parse_format` adds the path to make a `FormatError`."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where, reason)
        self.where = where
        self.reason = reason


def _build(path: Path, data: dict[str, object]) -> RetroFormat:
    key = path.stem
    if not _KEY_RE.fullmatch(key):
        raise _Invalid(
            "file name", f"the name before .toml is the format key and {_KEY_RULE} (got {key!r})"
        )
    _reject_unknown(data, _TOP_LEVEL_KEYS, "", "setting")

    name = _text(data, "name", "name", max_chars=MAX_NAME_CHARS, required=True, one_line=True)
    description = _text(data, "description", "description", max_chars=MAX_DESCRIPTION_CHARS)
    votes = _whole(data, "votes_per_person", "votes_per_person", MIN_VOTES, MAX_VOTES)
    votes_per_person = DEFAULT_VOTES if votes is None else votes
    budget = "votes_per_person" if votes is not None else "the default votes_per_person"
    max_per_topic = _whole(
        data, "max_votes_per_topic", "max_votes_per_topic", 1, votes_per_person, upper_name=budget
    )
    return RetroFormat(
        key=key,
        name=name,
        description=description,
        columns=_columns(data),
        durations=_durations(data),
        votes_per_person=votes_per_person,
        max_votes_per_topic=max_per_topic,
        source=str(path),
        data_step=_flag(data, "data_step"),
        readiness=_checklist(data),
        health=_health(data),
    )


def _flag(table: dict[str, object], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise _Invalid(key, f"must be true or false, not {_describe(value)}")
    return value


def _checklist(data: dict[str, object]) -> tuple[str, ...]:
    """`readiness = ["Creative tested", …]`: checks that should hold before work starts."""
    items = data.get("readiness", [])
    if not isinstance(items, list):
        raise _Invalid("readiness", f"must be a list of texts, not {_describe(items)}")
    if len(items) > READINESS_MAX:
        raise _Invalid("readiness", f"must hold at most {READINESS_MAX} checks")
    checks = []
    for i, _ in enumerate(items, start=1):
        where = f"readiness[{i}]"
        checks.append(
            _text({where: items[i - 1]}, where, where, max_chars=120, required=True, one_line=True)
        )
    return tuple(checks)


def _health(data: dict[str, object]) -> tuple[tuple[str, str, str], ...]:
    """`[[health]]` blocks (key, title, prompt): the format's own health check dimensions,
    which also turn the health check on for its retros."""
    raw = data.get("health", [])
    if not isinstance(raw, list):
        raise _Invalid("health", f"must be [[health]] blocks, not {_describe(raw)}")
    if len(raw) > DIMENSIONS_MAX:
        raise _Invalid("health", f"must hold at most {DIMENSIONS_MAX} dimensions")
    dimensions: list[tuple[str, str, str]] = []
    for number, item in enumerate(raw, start=1):
        where = f"health[{number}]"
        if not isinstance(item, dict):
            raise _Invalid(where, f"must be a [[health]] block, not {_describe(item)}")
        _reject_unknown(item, _HEALTH_KEYS, f"{where}.", "health setting")
        key = item.get("key")
        if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
            raise _Invalid(f"{where}.key", f"{_KEY_RULE} (got {_describe(key)})")
        if any(key == d[0] for d in dimensions):
            raise _Invalid(f"{where}.key", f"{key!r} is used by another dimension")
        title = _text(
            item, "title", f"{where}.title", max_chars=MAX_TITLE_CHARS, required=True, one_line=True
        )
        prompt = _text(item, "prompt", f"{where}.prompt", max_chars=MAX_PROMPT_CHARS)
        dimensions.append((key, title, prompt))
    return tuple(dimensions)


def _durations(data: dict[str, object]) -> dict[Phase, int]:
    durations = dict(DEFAULT_DURATIONS)
    table = data.get("durations")
    if table is None:
        return {phase: durations[phase] for phase in PHASE_ORDER}
    if not isinstance(table, dict):
        raise _Invalid("durations", f"must be a [durations] table, not {_describe(table)}")
    _reject_unknown(table, _PHASE_KEYS, "durations.", "phase")
    for phase in PHASE_ORDER:
        minutes = _whole(table, phase.value, f"durations.{phase.value}", 0, MAX_DURATION_MINUTES)
        if minutes is not None:
            durations[phase] = minutes
    return {phase: durations[phase] for phase in PHASE_ORDER}


def _columns(data: dict[str, object]) -> tuple[ColumnSpec, ...]:
    raw = data.get("columns")
    if raw is None:
        raise _Invalid("columns", "missing; add at least one [[columns]] block")
    if isinstance(raw, dict):
        raise _Invalid("columns", "write each column as a [[columns]] block (double brackets)")
    if not isinstance(raw, list):
        raise _Invalid("columns", f"must be [[columns]] blocks, not {_describe(raw)}")
    if not MIN_COLUMNS <= len(raw) <= MAX_COLUMNS:
        raise _Invalid(
            "columns", f"must have {MIN_COLUMNS} to {MAX_COLUMNS} columns (found {len(raw)})"
        )
    columns: list[ColumnSpec] = []
    first_use: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        where = f"columns[{number}]"
        if not isinstance(item, dict):
            raise _Invalid(where, f"must be a [[columns]] block, not {_describe(item)}")
        _reject_unknown(item, _COLUMN_KEYS, f"{where}.", "column setting")
        key = item.get("key")
        if key is None:
            raise _Invalid(f"{where}.key", "missing; every column needs a key")
        if not isinstance(key, str):
            raise _Invalid(f"{where}.key", f"{_KEY_RULE}, not {_describe(key)}")
        if not _KEY_RE.fullmatch(key):
            raise _Invalid(f"{where}.key", f"{_KEY_RULE} (got {_quote(key)})")
        if key in first_use:
            raise _Invalid(f"{where}.key", f"{key!r} is already used by columns[{first_use[key]}]")
        first_use[key] = number
        title = _text(
            item, "title", f"{where}.title", max_chars=MAX_TITLE_CHARS, required=True, one_line=True
        )
        prompt = _text(item, "prompt", f"{where}.prompt", max_chars=MAX_PROMPT_CHARS)
        colour = _colour(item, f"{where}.colour", default=_AUTO_COLOURS[number - 1])
        columns.append(ColumnSpec(key=key, title=title, prompt=prompt, colour=colour))
    return tuple(columns)


def _colour(table: dict[str, object], where: str, *, default: str) -> str:
    value = table.get("colour")
    if value is None:
        return default
    allowed = ", ".join(COLOURS)
    if not isinstance(value, str):
        raise _Invalid(where, f"must be one of {allowed}, not {_describe(value)}")
    if value not in COLOURS:
        hint = _did_you_mean(value.lower(), COLOURS)
        raise _Invalid(where, f"unknown colour {_quote(value)}{hint}; use one of {allowed}")
    return value


def _text(
    table: dict[str, object],
    key: str,
    where: str,
    *,
    max_chars: int,
    required: bool = False,
    one_line: bool = False,
) -> str:
    """Text is kept exactly as written (markup included: the UI escapes it on display).

    No field may hold control characters (an escape sequence in a prompt would reach
    every screen); one-line fields (names, titles) refuse line breaks too.
    """
    value = table.get(key)
    if value is None:
        if required:
            raise _Invalid(where, "missing; it is required")
        return ""
    if not isinstance(value, str):
        raise _Invalid(where, f"must be text in quotes, not {_describe(value)}")
    if required and not value.strip():
        raise _Invalid(where, "must not be empty")
    if len(value) > max_chars:
        raise _Invalid(where, f"must be at most {max_chars} characters (it has {len(value)})")
    # Escape sequences in a prompt would reach every participant's terminal. A format file
    # is refused rather than cleaned: the person who wrote it fixes it, the others load.
    bad = first_unsafe(value, multiline=not one_line)
    if bad is not None:
        raise _Invalid(where, f"must not contain control characters (found {bad})")
    return value


def _whole(
    table: dict[str, object],
    key: str,
    where: str,
    low: int,
    high: int,
    *,
    upper_name: str | None = None,
) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    bounds = f"a whole number from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(where, f"must be {bounds}, not {_describe(value)}")
    if not low <= value <= high:
        limit = f" (no more than {upper_name})" if upper_name and value > high else ""
        raise _Invalid(where, f"must be {bounds}{limit}, not {value}")
    return value


def _reject_unknown(
    table: dict[str, object], allowed: Sequence[str], prefix: str, noun: str
) -> None:
    """Unknown keys are errors, not ignored: a typo like `colour` -> `color` must show."""
    for key in table:
        if key not in allowed:
            hint = _did_you_mean(key, allowed)
            known = ", ".join(allowed)
            raise _Invalid(f"{prefix}{_field_name(key)}", f"unknown {noun}{hint}; known: {known}")


# --- wording -------------------------------------------------------------------------------


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _field_name(key: str) -> str:
    """A key as it would appear in the file: bare if TOML allows it, else quoted."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", key):
        return key
    return _quote(key)


def _quote(text: str, limit: int = 40) -> str:
    """Quote user text for an error message, short and with control characters escaped."""
    return repr(shorten(text, limit))


def _describe(value: object) -> str:
    """Name a TOML value's type the way a person editing the file would."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a decimal number ({value})"
    if isinstance(value, str):
        return f"text ({_quote(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"

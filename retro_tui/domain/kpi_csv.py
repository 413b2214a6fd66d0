"""The team's numbers from the CSV an analytics tool exports: read, checked, never guessed.

Columns are found by their header (any order, any case): `name` and `value` are needed,
`unit` and `period` are optional, other columns are ignored (analytics exports carry
many). Every problem names its line as a spreadsheet shows it (the header is line 1).

What "nothing half-imported" means here: a file that is not a table of numbers at all
(no header, missing columns, no rows, too many rows) is refused outright; a file whose
rows are fine except some is refused too, listing every bad line, and nothing is
written — unless the person asks to keep the good rows (`--skip-bad-rows`), in which
case the bad lines are reported and the rest kept. Either way a session is written
once, whole, or not at all.

Pure: it reads a string, not a file (the size limit is checked before reading, by the
caller).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.measures import (
    NUMBERS_MAX,
    PERIOD_MAX,
    UNIT_MAX,
    clean_number_name,
    number_key,
    parse_number,
)

MAX_KPI_BYTES = 256 * 1024  # a table of at most 60 numbers is a few KB; 50 MB is not one
REQUIRED = ("name", "value")
OPTIONAL = ("unit", "period")
HELP_COLUMNS = "name, value (required), unit, period (optional); other columns are ignored"


class KpiFileRefused(ValueError):
    """A file that is not a table of the team's numbers, with the reason in a sentence."""


@dataclass(frozen=True)
class KpiRow:
    line: int
    name: str
    value: float
    unit: str = ""
    period: str = ""


@dataclass(frozen=True)
class KpiProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class KpiTable:
    rows: tuple[KpiRow, ...]
    problems: tuple[KpiProblem, ...]


def _header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = cell.strip().lstrip("\ufeff").casefold()
        if key in (*REQUIRED, *OPTIONAL) and key not in found:
            found[key] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        shown = ", ".join(repr(c.strip()[:30]) for c in cells[:8]) or "nothing"
        raise KpiFileRefused(
            f"line 1: the header needs the columns {' and '.join(REQUIRED)} "
            f"(missing: {', '.join(missing)}); it has {shown}. Columns: {HELP_COLUMNS}."
        )
    return found


def parse_kpi_csv(text: str) -> KpiTable:
    """Rows and line-numbered problems; `KpiFileRefused` when it is no table of numbers."""
    if "\x00" in text:
        raise KpiFileRefused("The file holds NUL bytes; it is not a CSV text file.")
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    records: list[list[str]] = []
    starts: list[int] = []  # the line each record starts on (quoted cells may span lines)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise KpiFileRefused(f"line {start}: not valid CSV ({error}).") from None
        records.append(record)
        starts.append(start)
    if not records:
        raise KpiFileRefused(f"The file is empty. Columns: {HELP_COLUMNS}.")
    columns = _header(records[0])
    rows: list[KpiRow] = []
    problems: list[KpiProblem] = []
    seen: dict[str, int] = {}
    for record, line in zip(records[1:], starts[1:], strict=True):
        if not any(cell.strip() for cell in record):
            continue  # a blank line
        try:
            row = _row(record, columns, line)
        except Refused as refusal:
            problems.append(KpiProblem(line, refusal.reason))
            continue
        key = number_key(row.name)
        if key in seen:
            problems.append(
                KpiProblem(line, f"{row.name!r} is already on line {seen[key]}; one row per name.")
            )
            continue
        seen[key] = line
        rows.append(row)
    if len(rows) > NUMBERS_MAX:
        raise KpiFileRefused(
            f"The file has {len(rows)} numbers; a retro holds at most {NUMBERS_MAX}."
        )
    if not rows and not problems:
        raise KpiFileRefused("The file has a header but no rows of numbers.")
    return KpiTable(tuple(rows), tuple(problems))


def _cell(record: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return record[index] if index is not None and index < len(record) else ""


def _row(record: list[str], columns: dict[str, int], line: int) -> KpiRow:
    name = clean_number_name(_cell(record, columns, "name"), "The name")
    value = parse_number(_cell(record, columns, "value"), "The value")
    unit = t.clean_text(_cell(record, columns, "unit"), "The unit", UNIT_MAX, allow_empty=True)
    period = t.clean_text(
        _cell(record, columns, "period"), "The period", PERIOD_MAX, allow_empty=True
    )
    return KpiRow(line, name, value, unit, period)

"""Importing the team's numbers from a CSV file into a session file.

The file is refused by its size before a byte is parsed, decoded as UTF-8, parsed by the
pure `domain.kpi_csv`, and written into the session under the session's lock with the
store's atomic write: a session holds all of the import or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from retro_tui.domain.errors import Refused
from retro_tui.domain.kpi_csv import (
    MAX_KPI_BYTES,
    KpiFileRefused,
    KpiProblem,
    KpiRow,
    parse_kpi_csv,
)
from retro_tui.domain.measure_rules import put_number
from retro_tui.domain.model import Session
from retro_tui.store import SessionLocked, SessionStore, StoreError

__all__ = ["KpiImport", "KpiImportRefused", "import_kpis", "read_kpi_file"]


class KpiImportRefused(ValueError):
    """Nothing was imported; the message says why (and `problems` which lines)."""

    def __init__(self, message: str, problems: tuple[KpiProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class KpiImport:
    session: Session
    rows: tuple[KpiRow, ...]
    skipped: tuple[KpiProblem, ...]


def read_kpi_file(path: Path) -> str:
    """The file's text, refused by size first (a 50 MB file is never read into memory)."""
    try:
        size = path.stat().st_size
        if size > MAX_KPI_BYTES:
            raise KpiFileRefused(
                f"{path.name} is {size / 1_048_576:.1f} MB; a file of the team's numbers is "
                f"at most {MAX_KPI_BYTES // 1024} KB. Export only the summary rows."
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_KPI_BYTES + 1)  # a file that grows meanwhile stays bounded
    except OSError as error:
        raise KpiFileRefused(f"Cannot read {path}: {error.strerror or error}.") from None
    if len(raw) > MAX_KPI_BYTES:
        raise KpiFileRefused(f"{path.name} is larger than {MAX_KPI_BYTES // 1024} KB.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise KpiFileRefused(f"line {line}: not UTF-8 text; save the file as CSV UTF-8.") from None


def import_kpis(
    store: SessionStore, session_id: str, path: Path, *, keep_good_rows: bool = False
) -> KpiImport:
    """Put the file's numbers into the session's table (an existing name gets the new
    value; its last-retro value stays). Refused as a whole unless `keep_good_rows`."""
    try:
        table = parse_kpi_csv(read_kpi_file(path))
    except KpiFileRefused as error:
        raise KpiImportRefused(str(error)) from None
    if table.problems and not keep_good_rows:
        raise KpiImportRefused(
            f"Nothing imported: {len(table.problems)} bad row(s) in {path.name}. Fix them, or "
            "import the good rows with --skip-bad-rows.",
            table.problems,
        )
    if not table.rows:
        raise KpiImportRefused(f"Nothing imported: no good rows in {path.name}.", table.problems)
    try:
        lock = store.lock(session_id)
    except SessionLocked:
        raise KpiImportRefused(
            f"The retro {session_id} is open in a live session; type the numbers in its "
            "Data step, or import before opening it."
        ) from None
    except StoreError as error:
        raise KpiImportRefused(str(error)) from None
    try:
        session = store.load(session_id)
        numbers = session.numbers
        for row in table.rows:
            numbers = put_number(numbers, row.name, row.value, row.unit, row.period)
        session = session.with_changes(
            numbers=numbers, data_step=True, revision=session.revision + 1
        )
        store.save(session)
    except Refused as refusal:
        raise KpiImportRefused(f"Nothing imported: {refusal.reason}") from None
    except StoreError as error:
        raise KpiImportRefused(str(error)) from None
    finally:
        lock.release()
    return KpiImport(session, table.rows, table.problems)

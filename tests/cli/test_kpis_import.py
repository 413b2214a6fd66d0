"""`retro-tui kpis import`: the team's numbers from a CSV file into its newest retro, with
every bad input refused by line and the session file left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.domain.kpi_csv import MAX_KPI_BYTES
from retro_tui.exchange import session_to_json_bytes
from retro_tui.store import SessionStore


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    sessions = tmp_path / "sessions"
    code, out, err = run(
        "--sessions-dir",
        str(sessions),
        "new",
        "--theme",
        "went-well",
        "--title",
        "November retro",
        "--team",
        "Growth",
        "--no-open",
    )
    assert code == 0, out + err
    return sessions


def _session_bytes(folder: Path) -> bytes:
    store = SessionStore(folder)
    (summary,) = store.list().sessions
    return session_to_json_bytes(store.load(summary.id))


def _import(folder: Path, csv_file: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        "--sessions-dir", str(folder), "kpis", "import", str(csv_file), "--team", "growth", *extra
    )


def test_a_good_file_fills_the_data_step_of_the_teams_newest_retro(
    folder: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "numbers.csv"
    csv_file.write_text(
        "\ufeffSource,Name,Value,Unit,Period\n"
        "mailchimp,Open rate,21.5,%,November\n"
        'ads,"Cost per lead","41",€,November\n'
        "\n"
        "shop,Repeat usage,18%,,\n",
        encoding="utf-8",
    )
    code, out, err = _import(folder, csv_file)
    assert code == 0, err
    assert "Imported 3 number(s)" in out
    store = SessionStore(folder)
    session = store.load(store.list().sessions[0].id)
    assert session.data_step
    assert [(n.name, n.value, n.unit) for n in session.numbers] == [
        ("Open rate", 21.5, "%"),
        ("Cost per lead", 41.0, "€"),
        ("Repeat usage", 18.0, ""),
    ]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("metric,amount\nOpen rate,21\n", "line 1: the header needs the columns name and value"),
        ("name,value\nOpen rate,twenty\n", "line 2: The value 'twenty' is not a number."),
        ('name,value\nOpen rate,"21,5"\n', "line 2: The value '21,5' has a comma"),
        ("name,value\nOpen rate,21\nopen  RATE,22\n", "line 3: 'open  RATE' is already on line 2"),
        (
            'name,value\nOpen rate,"=HYPERLINK(""http://x"",""y"")"\n',
            'line 2: The value \'=HYPERLINK("http://x","y")\' is not a number.',
        ),
        ("name,value\nA,1\nB,\x1b[31m\n", "line 3: The value"),
        ("", "The file is empty."),
        ("name,value\n", "no rows of numbers"),
        ('name,value\n"Open rate,21\n', "not valid CSV"),
    ],
)
def test_a_bad_file_is_refused_by_line_and_nothing_is_imported(
    folder: Path, tmp_path: Path, content: str, said: str
) -> None:
    before = _session_bytes(folder)
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(content, encoding="utf-8")
    code, out, err = _import(folder, csv_file)
    assert code == 2
    assert said in err
    assert "Imported" not in out
    assert _session_bytes(folder) == before


def test_a_50_mb_file_is_refused_by_its_size_before_parsing(folder: Path, tmp_path: Path) -> None:
    before = _session_bytes(folder)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.write(b"name,value\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: the size is what counts
    code, _, err = _import(folder, huge)
    assert code == 2 and "huge.csv is 50.0 MB" in err
    assert f"at most {MAX_KPI_BYTES // 1024} KB" in err
    assert _session_bytes(folder) == before


def test_text_that_is_not_utf8_is_refused_with_its_line(folder: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "latin1.csv"
    csv_file.write_bytes("name,value\nCaf\u00e9 visits,3\n".encode("latin-1"))
    code, _, err = _import(folder, csv_file)
    assert code == 2 and "line 2: not UTF-8 text" in err


def test_skip_bad_rows_keeps_the_good_ones_and_names_the_bad(folder: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "mixed.csv"
    csv_file.write_text(
        'name,value,unit\nOpen rate,21.5,%\nCPL,"1,234",€\n=HYPERLINK("x"),7,\n',
        encoding="utf-8",
    )
    code, out, err = _import(folder, csv_file, "--skip-bad-rows")
    assert code == 0, err
    assert "mixed.csv: skipped line 3: The value '1,234' has a comma" in err
    assert "Imported 2 number(s)" in out
    store = SessionStore(folder)
    session = store.load(store.list().sessions[0].id)
    # A formula is a name like any other: kept literally, neutralised when written to CSV.
    assert [n.name for n in session.numbers] == ["Open rate", '=HYPERLINK("x")']


def test_a_retro_open_in_a_host_is_not_written_behind_its_back(
    folder: Path, tmp_path: Path
) -> None:
    store = SessionStore(folder)
    session_id = store.list().sessions[0].id
    lock = store.lock(session_id)
    try:
        csv_file = tmp_path / "numbers.csv"
        csv_file.write_text("name,value\nOpen rate,21\n", encoding="utf-8")
        code, _, err = _import(folder, csv_file)
    finally:
        lock.release()
    assert code == 2 and "open in a live session" in err


def test_an_unknown_team_is_named(folder: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "numbers.csv"
    csv_file.write_text("name,value\nOpen rate,21\n", encoding="utf-8")
    code, _, err = run(
        "--sessions-dir", str(folder), "kpis", "import", str(csv_file), "--team", "Ops"
    )
    assert code == 2 and "no retro of team 'Ops'" in err

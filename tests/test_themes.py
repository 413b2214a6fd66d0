"""Retro formats: the shipped files load, and every kind of broken file is named, not fatal."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from retro_tui.domain.phases import DEFAULT_DURATIONS, PHASE_ORDER, Phase
from retro_tui.themes import (
    COLOURS,
    DEFAULT_FORMAT_KEY,
    MAX_FILE_BYTES,
    FormatCatalog,
    FormatError,
    UnknownFormat,
    builtin_formats_dir,
    load_formats,
    parse_format,
    user_formats_dir,
)

SHIPPED = {
    "went-well",
    "start-stop-continue",
    "mad-sad-glad",
    "4ls",
    "sailboat",
    "starfish",
    "marketing-campaign",
}

GOOD = """\
name = "Tiny"
description = "A small test format."

[[columns]]
key = "one"
title = "One"
prompt = "First?"
colour = "green"

[[columns]]
key = "two"
title = "Two"
"""


@pytest.fixture(autouse=True)
def _isolated_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the real ~/.config: every test gets an empty user formats folder."""
    user = tmp_path / "user-formats"
    monkeypatch.setenv("RETRO_TUI_FORMATS_DIR", str(user))
    return user


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(text: str, tmp_path: Path, name: str = "broken.toml") -> FormatError:
    path = write(tmp_path / "formats", name, text)
    with pytest.raises(FormatError) as caught:
        parse_format(path)
    assert caught.value.path == path
    return caught.value


# --- shipped formats ---------------------------------------------------------------------


def test_all_shipped_formats_load_without_errors() -> None:
    catalog = load_formats()
    assert catalog.errors == []
    assert set(catalog.formats) == SHIPPED
    assert next(iter(catalog.formats)) == DEFAULT_FORMAT_KEY


def test_every_shipped_format_is_complete() -> None:
    for retro_format in load_formats().formats.values():
        assert retro_format.name and retro_format.description
        assert 1 <= len(retro_format.columns) <= 6
        assert list(retro_format.durations) == list(PHASE_ORDER)
        for column in retro_format.columns:
            assert column.prompt, f"{retro_format.key}/{column.key} has no prompt"
            assert column.colour in COLOURS


def test_default_format_columns() -> None:
    default = load_formats().get(DEFAULT_FORMAT_KEY)
    assert default.name == "Went well / To improve / Action items"
    assert [c.key for c in default.columns] == ["went-well", "to-improve", "action-items"]


def test_marketing_format_has_exact_column_keys() -> None:
    marketing = load_formats().get("marketing-campaign")
    assert [c.key for c in marketing.columns] == [
        "worked",
        "didnt",
        "signals",
        "bottlenecks",
        "ideas",
    ]
    assert marketing.column("signals") is not None
    assert marketing.column("signals").title == "Customer signals"  # type: ignore[union-attr]


def test_other_shipped_column_keys() -> None:
    catalog = load_formats()
    keys = {key: [c.key for c in f.columns] for key, f in catalog.formats.items()}
    assert keys["4ls"] == ["liked", "learned", "lacked", "longed-for"]
    assert keys["sailboat"] == ["wind", "anchors", "rocks", "island"]
    assert keys["starfish"] == ["keep", "less", "more", "stop", "start"]
    assert keys["start-stop-continue"] == ["start", "stop", "continue"]
    assert keys["mad-sad-glad"] == ["mad", "sad", "glad"]


def test_builtin_dir_is_the_checkout_themes_folder() -> None:
    folder = builtin_formats_dir()
    assert (folder / "went-well.toml").is_file()


# --- a good file -------------------------------------------------------------------------


def test_parse_good_file_fills_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "tiny.toml", GOOD)
    tiny = parse_format(path)
    assert tiny.key == "tiny"
    assert tiny.name == "Tiny"
    assert tiny.votes_per_person == 5
    assert tiny.max_votes_per_topic is None
    assert tiny.durations == DEFAULT_DURATIONS
    assert tiny.source == str(path)
    assert tiny.columns[0].prompt == "First?"
    assert tiny.columns[1].prompt == ""
    # A column without a colour still gets one, different from its neighbour.
    assert tiny.columns[1].colour in COLOURS
    assert tiny.columns[1].colour != tiny.columns[0].colour


def test_durations_and_votes(tmp_path: Path) -> None:
    text = GOOD.replace(
        'description = "A small test format."',
        'description = ""\nvotes_per_person = 8\nmax_votes_per_topic = 8\n'
        "[durations]\nwrite = 12\ncheckin = 0\n",
    )
    parsed = parse_format(write(tmp_path, "timed.toml", text))
    assert parsed.votes_per_person == 8
    assert parsed.max_votes_per_topic == 8
    assert parsed.durations[Phase.WRITE] == 12
    assert parsed.durations[Phase.CHECKIN] == 0
    assert parsed.durations[Phase.DISCUSS] == DEFAULT_DURATIONS[Phase.DISCUSS]


def test_markup_and_odd_text_kept_literally(tmp_path: Path) -> None:
    text = (
        'name = "[red]Team[/] retro"\n'
        "[[columns]]\n"
        'key = "x"\n'
        'title = "[bold]Wins[/bold] [/]"\n'
        'prompt = "Line one\\nline two [link=http://x]click[/link]"\n'
    )
    parsed = parse_format(write(tmp_path, "markup.toml", text))
    assert parsed.name == "[red]Team[/] retro"
    assert parsed.columns[0].title == "[bold]Wins[/bold] [/]"
    assert parsed.columns[0].prompt == "Line one\nline two [link=http://x]click[/link]"


def test_escape_sequences_in_free_text_are_refused(tmp_path: Path) -> None:
    text = 'name = "n"\n[[columns]]\nkey = "x"\ntitle = "X"\nprompt = "red \\u001b[31m"\n'
    with pytest.raises(FormatError, match="control characters"):
        parse_format(write(tmp_path, "escape.toml", text))


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert parse_format(path).name == "Tiny"


# --- broken files: each names the file and the field -------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        pytest.param(
            'colour = "red"\n' + GOOD, "colour", "unknown setting", id="unknown-top-level-key"
        ),
        pytest.param(
            GOOD.replace("description", "descripton"),
            "descripton",
            "did you mean 'description'",
            id="typo-suggests",
        ),
        pytest.param(GOOD.replace('name = "Tiny"', ""), "name", "missing", id="missing-name"),
        pytest.param(
            GOOD.replace('name = "Tiny"', "name = 3"), "name", "must be text", id="name-number"
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "   "'), "name", "empty", id="name-blank"
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', f'name = "{"n" * 81}"'),
            "name",
            "at most 80",
            id="name-too-long",
        ),
        pytest.param('name = "x"\ndescription = "y"\n', "columns", "missing", id="missing-columns"),
        pytest.param(
            'name = "x"\n[columns]\nkey = "a"\ntitle = "A"\n',
            "columns",
            "[[columns]]",
            id="columns-single-brackets",
        ),
        pytest.param('name = "x"\ncolumns = []\n', "columns", "1 to 6", id="no-columns"),
        pytest.param(
            'name = "x"\n' + "".join(f'[[columns]]\nkey = "c{i}"\ntitle = "C"\n' for i in range(7)),
            "columns",
            "1 to 6",
            id="too-many-columns",
        ),
        pytest.param(
            'name = "x"\ncolumns = ["a"]\n', "columns[1]", "[[columns]] block", id="column-text"
        ),
        pytest.param(
            GOOD.replace('key = "two"', 'key = "Two Words"'),
            "columns[2].key",
            "1-32 characters of a-z, 0-9 or '-'",
            id="bad-column-key",
        ),
        pytest.param(
            GOOD.replace('key = "two"', f'key = "{"k" * 33}"'),
            "columns[2].key",
            "1-32 characters",
            id="long-column-key",
        ),
        pytest.param(
            GOOD.replace('key = "two"', "key = 2"),
            "columns[2].key",
            "not a number (2)",
            id="column-key-number",
        ),
        pytest.param(
            GOOD.replace('key = "two"', ""), "columns[2].key", "missing", id="missing-column-key"
        ),
        pytest.param(
            GOOD.replace('key = "two"', 'key = "one"'),
            "columns[2].key",
            "already used by columns[1]",
            id="duplicate-column-key",
        ),
        pytest.param(
            GOOD.replace('title = "Two"', ""),
            "columns[2].title",
            "missing",
            id="missing-title",
        ),
        pytest.param(
            GOOD.replace('title = "Two"', 'title = ""'),
            "columns[2].title",
            "empty",
            id="empty-title",
        ),
        pytest.param(
            GOOD.replace('title = "Two"', f'title = "{"t" * 41}"'),
            "columns[2].title",
            "at most 40",
            id="long-title",
        ),
        pytest.param(
            GOOD.replace('title = "Two"', 'title = "Two\\u001b[2J"'),
            "columns[2].title",
            "control characters (found U+001B)",
            id="title-escape",
        ),
        pytest.param(
            GOOD.replace('title = "Two"', 'title = "Two\\nlines"'),
            "columns[2].title",
            "control characters (found U+000A)",
            id="title-newline",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Ti\\u0085ny"'),
            "name",
            "control characters",
            id="name-c1-control",
        ),
        pytest.param(
            GOOD.replace('prompt = "First?"', "prompt = true"),
            "columns[1].prompt",
            "must be text",
            id="prompt-bool",
        ),
        pytest.param(
            GOOD.replace('prompt = "First?"', f'prompt = "{"p" * 301}"'),
            "columns[1].prompt",
            "at most 300",
            id="long-prompt",
        ),
        pytest.param(
            GOOD.replace('colour = "green"', 'colour = "chartreuse"'),
            "columns[1].colour",
            "unknown colour 'chartreuse'",
            id="bad-colour",
        ),
        pytest.param(
            GOOD.replace('colour = "green"', 'colour = "gray"'),
            "columns[1].colour",
            "did you mean 'grey'",
            id="colour-near-miss",
        ),
        pytest.param(
            GOOD.replace('colour = "green"', 'color = "green"'),
            "columns[1].color",
            "did you mean 'colour'",
            id="column-unknown-key",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nvotes_per_person = 0'),
            "votes_per_person",
            "from 1 to 50, not 0",
            id="votes-zero",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nvotes_per_person = 51'),
            "votes_per_person",
            "from 1 to 50",
            id="votes-too-many",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nvotes_per_person = 5.0'),
            "votes_per_person",
            "decimal number",
            id="votes-float",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nvotes_per_person = true'),
            "votes_per_person",
            "true/false",
            id="votes-bool",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nvotes_per_person = "five"'),
            "votes_per_person",
            "text ('five')",
            id="votes-text",
        ),
        pytest.param(
            GOOD.replace(
                'name = "Tiny"', 'name = "Tiny"\nvotes_per_person = 3\nmax_votes_per_topic = 4'
            ),
            "max_votes_per_topic",
            "no more than votes_per_person",
            id="cap-over-budget",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nmax_votes_per_topic = 6'),
            "max_votes_per_topic",
            "from 1 to 5",
            id="cap-over-default-budget",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\nmax_votes_per_topic = 0'),
            "max_votes_per_topic",
            "from 1 to 5",
            id="cap-zero",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\ndurations = 5'),
            "durations",
            "[durations] table",
            id="durations-not-table",
        ),
        pytest.param(
            GOOD + "\n[durations]\nwriting = 5\n",
            "durations.writing",
            "did you mean 'write'",
            id="durations-unknown-phase",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\ndurations = {write = 241}'),
            "durations.write",
            "from 0 to 240",
            id="duration-too-long",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\ndurations = {vote = -1}'),
            "durations.vote",
            "from 0 to 240",
            id="duration-negative",
        ),
        pytest.param(
            GOOD.replace('name = "Tiny"', 'name = "Tiny"\ndurations = {vote = 1979-05-27}'),
            "durations.vote",
            "a date or time",
            id="duration-date",
        ),
        pytest.param(
            '"weird key\\u0007" = 1\n' + GOOD,
            "'weird key\\x07'",
            "unknown setting",
            id="unknown-key-quoted-and-escaped",
        ),
    ],
)
def test_broken_file_names_file_and_field(
    text: str, field: str, reason: str, tmp_path: Path
) -> None:
    error = error_for(text, tmp_path)
    assert error.field == field
    assert reason in error.reason
    message = str(error)
    assert message.startswith(f"broken.toml: {field}: ")
    assert "\n" not in message
    assert "\x1b" not in message and "\x07" not in message


def test_error_message_example_shape(tmp_path: Path) -> None:
    text = (
        'name = "Sailboat"\n'
        '[[columns]]\nkey = "wind"\ntitle = "Wind"\n'
        '[[columns]]\nkey = "Anchors!"\ntitle = "Anchors"\n'
    )
    error = error_for(text, tmp_path, name="sailboat.toml")
    assert str(error) == (
        "sailboat.toml: columns[2].key: must be 1-32 characters of a-z, 0-9 or '-' (got 'Anchors!')"
    )


def test_invalid_toml_gives_line(tmp_path: Path) -> None:
    error = error_for('name = "x"\n[[columns]]\nkey = \n', tmp_path)
    assert error.field == ""
    assert "not valid TOML" in error.reason
    assert "line 3" in error.reason
    assert str(error).startswith("broken.toml: not valid TOML")


def test_deeply_nested_toml_is_an_error_not_a_crash(tmp_path: Path) -> None:
    error = error_for("x = " + "[" * 30_000, tmp_path)
    assert "not valid TOML" in error.reason


def test_file_name_must_be_a_valid_key(tmp_path: Path) -> None:
    error = error_for(GOOD, tmp_path, name="My Format.toml")
    assert error.field == "file name"
    assert "format key" in error.reason
    assert str(error).startswith("My Format.toml: file name: ")


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "x"\n# caf\xe9\n'.encode("latin-1"))
    with pytest.raises(FormatError) as caught:
        parse_format(path)
    assert caught.value.field == ""
    assert "not valid UTF-8" in caught.value.reason
    assert "line 2" in caught.value.reason
    assert str(caught.value).startswith("latin1.toml: ")


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(GOOD + "#" * (MAX_FILE_BYTES + 10) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        parse_format(path)
    assert "larger than 64 KiB" in str(caught.value)


def test_file_of_exactly_the_limit_loads(tmp_path: Path) -> None:
    body = GOOD + "#"
    padding = MAX_FILE_BYTES - len(body.encode()) - 1
    path = tmp_path / "edge.toml"
    path.write_text(body + "x" * padding + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert parse_format(path).name == "Tiny"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as caught:
        parse_format(tmp_path / "nope.toml")
    assert "cannot read the file" in caught.value.reason


def test_directory_is_not_a_format(tmp_path: Path) -> None:
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    with pytest.raises(FormatError) as caught:
        parse_format(folder)
    assert "cannot read" in caught.value.reason or "not a regular file" in caught.value.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(FormatError) as caught:
        parse_format(fifo)
    assert "not a regular file" in caught.value.reason


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.toml", GOOD)
    path.chmod(0)
    real_open = os.open

    def refuse(name: object, *args: Any, **kwargs: Any) -> int:
        # chmod does not stop root, so refuse the way the kernel would for anyone else
        if Path(str(name)) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(FormatError) as caught:
        parse_format(path)
    assert "cannot read the file" in caught.value.reason


def test_format_error_pickles() -> None:
    error = FormatError(Path("/x/a.toml"), "name", "missing; it is required")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) == "a.toml: name: missing; it is required"


# --- the catalog -------------------------------------------------------------------------


def test_broken_files_reported_while_others_load(tmp_path: Path, _isolated_user_dir: Path) -> None:
    user = _isolated_user_dir
    write(user, "tiny.toml", GOOD)
    write(user, "bad-colour.toml", GOOD.replace('"green"', '"plaid"'))
    write(user, "bad-syntax.toml", "name = \n")
    (user / "latin.toml").write_bytes(b'name = "caf\xe9"\n')
    write(user, ".hidden.toml", "not even toml")  # editor leftovers are ignored
    write(user, "notes.txt", "not a format")

    catalog = load_formats()

    assert "tiny" in catalog.formats
    assert set(catalog.formats) >= SHIPPED
    messages = sorted(str(e) for e in catalog.errors)
    assert len(messages) == 3
    assert messages[0].startswith("bad-colour.toml: columns[1].colour: unknown colour 'plaid'")
    assert messages[1].startswith("bad-syntax.toml: not valid TOML")
    assert messages[2].startswith("latin.toml: not valid UTF-8")


def test_user_dir_overrides_builtin(_isolated_user_dir: Path) -> None:
    write(_isolated_user_dir, "sailboat.toml", GOOD.replace("Tiny", "Our boat"))
    catalog = load_formats()
    assert catalog.errors == []
    assert catalog.get("sailboat").name == "Our boat"
    assert catalog.get("sailboat").source == str(_isolated_user_dir / "sailboat.toml")


def test_broken_override_keeps_builtin(_isolated_user_dir: Path) -> None:
    write(_isolated_user_dir, "sailboat.toml", "name = 1\n")
    catalog = load_formats()
    assert catalog.get("sailboat").name == "Sailboat"
    assert [str(e) for e in catalog.errors] == [
        "sailboat.toml: name: must be text in quotes, not a number (1)"
    ]


def test_extra_dirs_override_user_dir(tmp_path: Path, _isolated_user_dir: Path) -> None:
    write(_isolated_user_dir, "tiny.toml", GOOD.replace("Tiny", "From user"))
    extra = tmp_path / "extra"
    write(extra, "tiny.toml", GOOD.replace("Tiny", "From extra"))
    single = write(tmp_path / "single", "solo.toml", GOOD.replace("Tiny", "Solo"))
    catalog = load_formats([extra, single])
    assert catalog.errors == []
    assert catalog.get("tiny").name == "From extra"
    assert catalog.get("solo").name == "Solo"


def test_missing_extra_dir_is_reported_but_missing_user_dir_is_not(tmp_path: Path) -> None:
    catalog = load_formats([tmp_path / "nowhere"])
    assert len(catalog.errors) == 1
    assert "formats folder not found" in str(catalog.errors[0])
    assert str(tmp_path / "nowhere") in str(catalog.errors[0])
    assert set(catalog.formats) == SHIPPED


def test_unknown_format_lists_known_keys() -> None:
    catalog = load_formats()
    with pytest.raises(KeyError) as caught:
        catalog.get("sailbot")
    error = caught.value
    assert isinstance(error, UnknownFormat)
    message = str(error)
    assert message.startswith("unknown format 'sailbot' (did you mean 'sailboat'?)")
    for key in SHIPPED:
        assert key in message
    assert set(error.known) == SHIPPED


def test_unknown_format_in_empty_catalog() -> None:
    with pytest.raises(UnknownFormat, match="none were loaded"):
        FormatCatalog().get("went-well")


# --- where formats live ------------------------------------------------------------------


def test_user_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETRO_TUI_FORMATS_DIR", str(tmp_path / "mine"))
    assert user_formats_dir() == tmp_path / "mine"


def test_user_dir_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETRO_TUI_FORMATS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert user_formats_dir() == tmp_path / "cfg" / "retro-tui" / "formats"


def test_user_dir_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETRO_TUI_FORMATS_DIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_formats_dir() == tmp_path / ".config" / "retro-tui" / "formats"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")  # ignored, per the XDG spec
    assert user_formats_dir() == tmp_path / ".config" / "retro-tui" / "formats"

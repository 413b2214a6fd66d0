"""`retro-tui problems` from the shell, on a real sessions folder: list a team's known
problems, suggest for a retro's cards, link and unlink under the session's lock; and the
notes and insights that show the confirmed links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from retro_tui.store import SessionStore
from tests.cli.test_cli_reports import TODAY, app, one_line_error
from tests.support.history import MARKETING, History, build_history, make_session


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path / "sessions")


def run(history: History, *args: str) -> Result:
    return CliRunner().invoke(app, ["--sessions-dir", str(history.folder), *args])


def _new_retro(history: History) -> tuple[str, str, str]:
    """A later Marketing retro, nothing linked, with a card in words the history never used:
    its id and its two cards' ids."""
    session = make_session(
        ("The VP's sign-off on the launch copy took nine days", "Parking garage was closed"),
        session_id="2026-11-21-marketing-extra",
        title="Sprint 21 retro",
        team=MARKETING,
    )
    history.store.create(session)
    return session.id, session.cards[0].id, session.cards[1].id


def test_the_list_shows_each_teams_known_problems_with_how_often_they_came_back(
    history: History,
) -> None:
    result = run(history, "problems", "--team", "marketing")
    assert result.exit_code == 0, result.output
    assert "Approval bottleneck — seen in 5 retros since June" in result.stdout
    data = json.loads(run(history, "problems", "--json").stdout)
    names = {p["name"]: p["retros"] for team in data for p in team["problems"]}
    assert names["Friday deploys break"] == 2


def test_suggest_puts_the_known_problem_first_for_a_card_in_new_words(history: History) -> None:
    sid, c1, _ = _new_retro(history)
    result = run(history, "problems", "suggest", sid, c1)
    assert result.exit_code == 0, result.output
    first = next(line for line in result.stdout.splitlines() if "looks like" in line)
    assert "looks like: Approval bottleneck — 5 retros, last on" in first


def test_link_unlink_and_new_go_into_the_session_file(history: History) -> None:
    sid, c1, c2 = _new_retro(history)
    result = run(history, "problems", "link", sid, c1, "approval BOTTLENECK")
    assert result.exit_code == 0, result.output
    problem = SessionStore(history.folder).load(sid).problem_of(c1)
    assert problem is not None and problem.id == "marketing#approvals"
    result = run(history, "problems", "link", sid, c2, "--new", "Parking")
    assert result.exit_code == 0, result.output
    assert SessionStore(history.folder).load(sid).problem_of(c2) is not None
    result = run(history, "problems", "unlink", sid, c1)
    assert result.exit_code == 0 and "no longer linked" in result.stdout
    assert SessionStore(history.folder).load(sid).problem_of(c1) is None


def test_a_link_is_refused_with_one_line_while_a_live_retro_holds_the_lock(
    history: History,
) -> None:
    sid, c1, _ = _new_retro(history)
    lock = SessionStore(history.folder).lock(sid)
    try:
        error = one_line_error(run(history, "problems", "link", sid, c1, "--new", "X"))
    finally:
        lock.release()
    assert "open in a live session" in error
    assert history.store.load(sid).problem_links == ()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("c99", "--new", "X"), "has no card or topic 'c99'"),
        (("c1", "no such problem"), "no known problem"),
        (("c1",), "either a known PROBLEM"),
        (("c1", "--new", "x" * 200), "at most 80"),
        (("c1", "--new", "x" * 10_240), "this has 10240"),
        (("c1", "--new", " \t "), "cannot be empty"),
        (("c1", "--new", "APPROVAL  bottleneck"), "already knows a problem called"),
        (("c1", "--new", "Аpproval bottleneck"), "'Approval bottleneck' [marketing#approvals]"),
    ],
    ids=[
        "no-target", "no-problem", "nothing", "long-name", "10-kb", "blank",
        "same-name", "look-alike-letters",
    ],
)
def test_a_bad_link_is_one_line_and_changes_nothing(
    history: History, args: tuple[str, ...], words: str
) -> None:
    sid, c1, _ = _new_retro(history)
    typed = [c1 if a == "c1" else a for a in args]
    assert words in one_line_error(run(history, "problems", "link", sid, *typed))
    assert history.store.load(sid).problem_links == ()


def test_list_is_the_same_listing_as_the_bare_command(history: History) -> None:
    listed = run(history, "problems", "list", "--team", "marketing")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout == run(history, "problems", "--team", "marketing").stdout


def test_unlinking_a_card_the_retro_does_not_have_names_the_retro(history: History) -> None:
    sid, _, _ = _new_retro(history)
    error = one_line_error(run(history, "problems", "unlink", sid, "c99"))
    assert f"{sid} has no card or topic 'c99'" in error


def test_a_name_with_invisible_characters_is_stored_without_them(history: History) -> None:
    sid, c1, _ = _new_retro(history)
    result = run(history, "problems", "link", sid, c1, "--new", "Park\u200bing\u202e full")
    assert result.exit_code == 0, result.output
    problem = SessionStore(history.folder).load(sid).problem_of(c1)
    assert problem is not None and problem.name == "Parking full"


def test_the_notes_say_how_often_a_linked_problem_was_seen(history: History) -> None:
    sid = history.session_ids[MARKETING][-1]
    out = history.folder / "notes.md"
    assert run(history, "export", sid, "-o", str(out)).exit_code == 0
    tokens = MarkdownIt().parse(out.read_text(encoding="utf-8"))
    headings = [t.content for i, t in enumerate(tokens) if tokens[i - 1].type == "heading_open"]
    assert "Known problems" in headings
    items = [t.content for t in tokens if t.type == "inline"]
    assert any("**Stand-ups run long** — seen in 4 retros since June" in item for item in items), (
        items
    )


def test_insights_rank_confirmed_problems_and_label_look_alikes_as_guesses(
    history: History,
) -> None:
    _new_retro(history)
    result = run(history, "insights", "--team", MARKETING, "--json", *TODAY)
    assert result.exit_code == 0, result.output
    (found,) = json.loads(result.stdout)
    first = found["recurring_problems"][0]
    assert (first["label"], first["confirmed"]) == ("Approval bottleneck", True)
    guesses = {g["text"]: g for g in found["possible_recurrences"]}
    sign_off = guesses["The VP's sign-off on the launch copy took nine days"]
    assert sign_off["guess"] is True and sign_off["problem"] == "Approval bottleneck"
    text = run(history, "insights", "--team", MARKETING, *TODAY).stdout
    assert "Possible recurrences (guesses by similarity of meaning, not confirmed)" in text


def test_with_nothing_linked_insights_say_what_none_rests_on(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    store.create(make_session(("Approvals take forever",)))
    result = CliRunner().invoke(
        app, ["--sessions-dir", str(tmp_path / "sessions"), "insights", *TODAY]
    )
    assert "None: no problem was linked in two different retros" in result.stdout
    assert "of the last 1 retros, 0 have linked problems" in " ".join(result.stdout.split())


def test_a_hostile_problem_name_stays_literal_in_the_notes(history: History) -> None:
    sid, c1, _ = _new_retro(history)
    hostile = "**Sign-off** [x](javascript:alert(1)) <b>\x1b[2J# late"
    assert run(history, "problems", "link", sid, c1, "--new", hostile).exit_code == 0
    out = history.folder / "notes.md"
    assert run(history, "export", sid, "-o", str(out)).exit_code == 0
    notes = out.read_text(encoding="utf-8")
    assert "\x1b" not in notes
    tokens = MarkdownIt().parse(notes)
    item = next(t for t in tokens if t.type == "inline" and "Sign-off" in t.content)
    kinds = [child.type for child in item.children or []]
    assert "link_open" not in kinds and "html_inline" not in kinds
    assert kinds.count("strong_open") == 1  # the notes' own bold around the name, no more

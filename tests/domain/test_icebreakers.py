"""Icebreakers: a team meets every question of the bank once before any comes back,
the facilitator may skip to another, and a broken user file loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain import icebreakers
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.export import session_markdown
from retro_tui.icebreaker_bank import ICEBREAKERS_ENV, load_bank, read_questions
from tests.support.domain import Retro, make_retro

BANK = ("How was the week?", "Best snack?", "One word for the sprint?", "Who helped you?")


def test_no_question_comes_back_before_the_bank_is_used_up() -> None:
    asked: list[str] = []
    for seed in range(3 * len(BANK)):
        question, _ = icebreakers.opening(BANK, asked, seed)
        asked.append(question)
    for start in range(0, len(asked), len(BANK)):
        assert sorted(asked[start : start + len(BANK)]) == sorted(BANK)


def test_the_seed_changes_the_order_but_the_choice_is_pure() -> None:
    orders = {icebreakers.upcoming(BANK, (), seed) for seed in range(20)}
    assert len(orders) > 1
    assert icebreakers.upcoming(BANK, ("Best snack?",), 7) == icebreakers.upcoming(
        BANK, ("Best snack?",), 7
    )
    assert icebreakers.upcoming(BANK, ("Best snack?",), 7)[-1] == "Best snack?"


def test_an_empty_bank_gives_no_question() -> None:
    assert icebreakers.opening((), (), 1) == ("", ())


def with_question() -> Retro:
    r = make_retro(2, Phase.CHECKIN)
    question, following = icebreakers.opening(BANK, (), 3)
    r.session = r.session.with_changes(icebreaker=question, icebreakers_next=following)
    return r


def test_the_facilitator_skips_to_another_question_and_round_to_the_first() -> None:
    r = with_question()
    first = r.session.icebreaker
    seen = [first]
    for _ in range(len(BANK) - 1):
        r.do(r.fac, c.SkipIcebreaker())
        seen.append(r.session.icebreaker)
    assert sorted(seen) == sorted(BANK)
    r.do(r.fac, c.SkipIcebreaker())
    assert r.session.icebreaker == first


def test_only_the_facilitator_skips_and_only_in_check_in() -> None:
    r = with_question()
    r.refused(r.people[0], c.SkipIcebreaker(), kind=NotAllowed)
    r.move_to(Phase.WRITE)
    r.refused(r.fac, c.SkipIcebreaker(), kind=NotAllowed)


def test_a_session_without_a_bank_refuses_a_skip_with_a_sentence() -> None:
    r = make_retro(1, Phase.CHECKIN)
    assert "no other" in r.refused(r.fac, c.SkipIcebreaker()).reason


def test_the_question_is_kept_in_the_file_and_the_notes() -> None:
    r = with_question()
    s = r.session
    assert session_from_dict(session_to_dict(s)) == s
    assert f"- **Check-in question:** {s.icebreaker}" in session_markdown(s).replace("\\", "")


def test_the_shipped_bank_holds_at_least_thirty_distinct_questions() -> None:
    bank = load_bank()
    assert bank.errors == ()
    assert len(set(bank.questions)) >= 30


def test_a_user_file_adds_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "icebreakers.toml"
    mine.write_text('questions = ["What did the [bold]team[/] ship?"]\n', encoding="utf-8")
    monkeypatch.setenv(ICEBREAKERS_ENV, str(mine))
    bank = load_bank()
    assert bank.errors == () and bank.questions[-1] == "What did the [bold]team[/] ship?"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("questions = [", "not valid TOML"),
        ("questions = 3", "questions must be a list"),
        ('questions = ["ok", 4]', "questions[2]: A question must be text."),
        ('questions = ["ok", ""]', "questions[2]: A question cannot be empty."),
        (f'questions = ["{"x" * 300}"]', "at most 200 characters"),
    ],
)
def test_a_broken_user_file_is_named_and_the_shipped_questions_still_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, says: str
) -> None:
    mine = tmp_path / "icebreakers.toml"
    mine.write_text(content, encoding="utf-8")
    monkeypatch.setenv(ICEBREAKERS_ENV, str(mine))
    bank = load_bank()
    assert len(bank.questions) >= 30
    assert len(bank.errors) == 1
    assert bank.errors[0].startswith("icebreakers.toml: ") and says in bank.errors[0]
    assert mine.read_text(encoding="utf-8") == content  # left as it was
    with pytest.raises(ValueError, match=r"icebreakers\.toml"):
        read_questions(mine)

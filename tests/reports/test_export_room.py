"""The notes carry the live room: reaction counts beside cards and topics, and each
topic's comments, parsed as CommonMark; an anonymous retro's notes name nobody."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from retro_tui.domain import commands as c
from retro_tui.domain.phases import Phase
from retro_tui.domain.reactions import reactor_of
from retro_tui.export import session_markdown
from tests.support.domain import Retro, make_retro


def _discussed(anonymous: bool) -> tuple[Retro, str]:
    r = make_retro(2, Phase.WRITE, anonymous=anonymous)
    p1, p2 = r.people
    a = r.card(p1, "Assets came late")
    b = r.card(p2, "Legal review slow")
    r.move_to(Phase.GROUP)
    topic = r.merge(b, a)
    r.do(r.fac, c.TitleTopic(topic=topic, title="Slow approvals"))
    r.move_to(Phase.DISCUSS)
    for who, kind in ((p1, "agree"), (p2, "agree"), (p2, "question")):
        r.do(who, c.React(target=topic, kind=kind, reactor=reactor_of(f"b-{who}")))
    r.do(p1, c.React(target=a, kind="love", reactor=reactor_of(f"b-{p1}")))
    r.do(p1, c.AddComment(target=topic, text="[bold]legal[/] <b>needs</b> # a slot"))
    r.do(p2, c.AddComment(target=topic, text="- agreed\x1b[2J"))
    return r, topic


def _parse(notes: str) -> list[Token]:
    return MarkdownIt("commonmark").parse(notes)


def _inline(tokens: list[Token]) -> list[str]:
    return [t.content for t in tokens if t.type == "inline"]


def test_the_notes_count_reactions_and_list_comments_under_their_topic() -> None:
    r, _ = _discussed(anonymous=False)
    notes = session_markdown(r.session)
    tokens = _parse(notes)
    assert not [t for t in tokens if t.type.startswith("html")]
    lines = _inline(tokens)
    topic_line = next(line for line in lines if "Slow approvals" in line and "reactions" in line)
    assert "✓ agree 2 · ? question 1" in topic_line
    assert any("Assets came late" in line and "♥ love 1" in line for line in lines)
    headings = [
        t.content for t, h in zip(tokens[1:], tokens, strict=False) if h.type == "heading_open"
    ]
    assert "Comments" in headings
    comment = next(line for line in lines if "legal" in line)
    assert "P1" in comment
    # Literal, never markup: the parser sees the brackets and tags as text.
    text = "".join(child.content for t in tokens if t.children for child in t.children)
    assert "[bold]legal[/] <b>needs</b> # a slot" in text
    assert "- agreed␛[2J" in text
    assert "\x1b" not in notes


def test_an_anonymous_retros_notes_name_no_reactor_and_no_commenter() -> None:
    r, _ = _discussed(anonymous=True)
    notes = session_markdown(r.session)
    assert "P1" not in notes and "P2" not in notes
    assert "✓ agree 2" in notes and "agreed" in notes
    for person in r.session.participants:
        assert person.id not in notes.replace("Sprint 42", "")

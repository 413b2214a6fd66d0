"""User text is shown as typed: Rich markup, escapes and odd unicode never style or crash."""

from __future__ import annotations

from pathlib import Path

from retro_tui.domain import commands as c
from retro_tui.domain.phases import Phase
from retro_tui.ui.app import make_app
from retro_tui.ui.shaping import BoardItem
from retro_tui.ui.widgets.card import item_text
from tests.support.ui import (
    join_participant,
    make_launcher,
    open_board,
    screen_text,
    wait_until,
)

NASTY = [
    "[bold]x[/]",
    "[/]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "e\u0301 \u202eevil\u202c 🎉 漢字",
    "[red on white]",
]


def test_item_text_keeps_markup_literal() -> None:
    from datetime import UTC, datetime

    from retro_tui.domain.model import Card

    card = Card(
        id="c1", column="a", author="p1", text="[bold]x[/] [/]", created_at=datetime.now(UTC)
    )
    text = item_text(BoardItem(id="c1", column="a", cards=(card,), authors=("[i]Eve[/i]",)))
    assert "[bold]x[/] [/]" in text.plain
    assert "[i]Eve[/i]" in text.plain
    assert not any("bold" in str(span.style) for span in text.spans if span.start < 10)


async def test_markup_and_escapes_render_literally_everywhere(quiet_env: Path) -> None:
    launcher = make_launcher(quiet_env)
    session = launcher.create_session(
        format_key="went-well", title="[bold]Sprint[/] 11", team="[/]"
    )
    app = make_app(launcher=launcher, session_id=session.id)
    async with app.run_test(size=(160, 48)) as pilot:
        board, hub = await open_board(pilot)
        eve = await join_participant(hub, "[b]Eve[/b]")
        send = board.client.send
        await send(c.GoToPhase(phase="write"))
        for text in NASTY:
            await eve.send(c.AddCard(column="went-well", text=text))
        await send(c.NextPhase())
        for literal in (
            "[bold]Sprint[/] 11",
            "[b]Eve[/b]",
            "[/]",
            "[link=https://evil.example]click[/link]",
            "␛[31mred␛[0m",
            "[red on white]",
        ):
            await wait_until(pilot, lambda: literal in screen_text(app), repr(literal))  # noqa: B023
        assert "\x1b" not in screen_text(app)

        cards = hub.session.cards
        await send(c.Merge(source=cards[1].id, target=cards[0].id))
        topic = hub.session.topics[0]
        await send(c.TitleTopic(topic=topic.id, title="[blink]Topic[/blink]"))
        await wait_until(pilot, lambda: "[blink]Topic[/blink]" in screen_text(app), "topic title")
        await send(c.NextPhase())
        await send(c.NextPhase())
        await wait_until(
            pilot,
            lambda: board.view is not None and board.view.session.phase is Phase.DISCUSS,
            "discuss",
        )
        await send(c.SetNotes(target=topic.id, text="[italic]note[/]"))
        await send(c.AddAction(text="[u]act[/u]", owner="[b]", metric="50%[/]"))
        await wait_until(pilot, lambda: "[italic]note[/]" in screen_text(app), "notes")
        await send(c.NextPhase())
        await wait_until(pilot, lambda: "[u]act[/u]" in screen_text(app), "action")
        assert "50%[/]" in screen_text(app)

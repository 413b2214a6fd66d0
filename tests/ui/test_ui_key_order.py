"""Keys that arrive together are handled in order: every dialog and list, in process.

Each burst is posted whole before the app handles its first key, as one read of a
terminal or one packet of a browser tab delivers it. Afterwards the hub holds exactly
what was typed, and nothing else moved: the phase, the timer, the other cards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from retro_tui.domain import commands as c
from retro_tui.domain.model import Session
from retro_tui.domain.phases import Phase
from retro_tui.ui.app import RetroApp, make_app
from retro_tui.ui.board.screen import BoardScreen
from retro_tui.ui.shaping import ranked_items
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from tests.support.key_bursts import DOWN, ENTER, burst, random_texts
from tests.support.ui import make_launcher, open_board, wait_until


def _unmoved(before: Session, after: Session) -> None:
    assert after.phase is before.phase
    assert after.timer == before.timer
    assert after.votes == before.votes


async def _at_rest(pilot: Pilot[None], app: RetroApp) -> None:
    """Every key handled, the board back on top and showing the hub's latest change
    (a test that ends sooner races its own board's last update)."""
    await wait_until(pilot, lambda: app.key_gate.idle, "every key handled")
    await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board on top")
    hub = app.launcher.hub  # type: ignore[union-attr]
    board = app.screen
    assert isinstance(board, BoardScreen)
    await wait_until(
        pilot,
        lambda: board.view is not None and board.view.session.revision == hub.session.revision,
        "the board up to date",
    )


def _app(folder: Path) -> tuple[RetroApp, str]:
    launcher = make_launcher(folder)
    session = launcher.create_session(format_key="went-well", title="Keys", team="Web")
    return make_app(launcher=launcher, session_id=session.id), session.id


async def test_a_card_typed_in_one_burst_with_the_key_that_opens_its_dialog_is_saved_whole(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        await wait_until(pilot, lambda: board.columns_board.focused_column() is not None, "focus")
        before = hub.session
        texts = ["adeploys were slow", *random_texts(50)]

        def cards_at_least(n: int) -> Callable[[], bool]:
            return lambda: len(hub.session.cards) >= n

        for count, text in enumerate(texts, start=1):
            burst(app, "a" + text + ENTER)
            await wait_until(pilot, cards_at_least(count), f"card {count}")
            await _at_rest(pilot, app)
        assert [card.text for card in hub.session.cards] == texts
        _unmoved(before, hub.session)


async def test_enter_in_an_open_card_dialog_saves_every_letter_typed_before_it(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        await wait_until(pilot, lambda: board.columns_board.focused_column() is not None, "focus")
        before = hub.session
        await pilot.press("a")
        await wait_until(pilot, lambda: not isinstance(app.screen, BoardScreen), "the dialog")
        burst(app, "Launch email hit 42% open rate" + ENTER)
        await wait_until(pilot, lambda: len(hub.session.cards) == 1, "the card")
        await _at_rest(pilot, app)
        assert hub.session.cards[0].text == "Launch email hit 42% open rate"
        _unmoved(before, hub.session)


async def _discuss_three_topics(pilot: Pilot[None], app: RetroApp) -> BoardScreen:
    board, _hub = await open_board(pilot)
    await board.client.send(c.GoToPhase(phase="write"))
    for text in ("Slow deploys", "Flaky tests", "Late reviews"):
        await board.client.send(c.AddCard(column="to-improve", text=text))
    for _ in range(3):  # group, vote, discuss
        await board.client.send(c.NextPhase())
    await wait_until(pilot, lambda: board.selected_target() is not None, "the topic list")
    topics = board.query_one(DiscussPane).table
    await wait_until(pilot, lambda: app.focused is topics, "the topic list focused")
    return board


async def test_down_down_enter_in_one_burst_discusses_the_topic_the_arrows_reached(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await _discuss_three_topics(pilot, app)
        assert board.view is not None
        order = [item.id for item in ranked_items(board.view)]
        assert board.selected_target() == order[0]
        hub = app.launcher.hub  # type: ignore[union-attr]
        before = hub.session
        assert before.current_topic == order[0]  # the discussion starts at the top
        burst(app, DOWN + DOWN + ENTER)
        await wait_until(pilot, lambda: hub.session.revision > before.revision, "a change")
        await _at_rest(pilot, app)
        assert hub.session.current_topic == order[2]


async def test_next_phase_then_arrows_and_enter_in_one_burst_discuss_the_row_the_arrows_reached(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        for text in ("Slow deploys", "Flaky tests", "Late reviews"):
            await board.client.send(c.AddCard(column="to-improve", text=text))
        for _ in range(2):  # group, vote
            await board.client.send(c.NextPhase())
        await wait_until(pilot, lambda: hub.session.phase is Phase.VOTE, "the vote")
        await _at_rest(pilot, app)
        burst(app, ">" + DOWN + DOWN + ENTER)
        await wait_until(pilot, lambda: hub.session.phase is Phase.DISCUSS, "the discussion")
        await _at_rest(pilot, app)
        assert board.view is not None
        order = [item.id for item in ranked_items(board.view)]
        assert hub.session.current_topic == order[2]


async def test_notes_typed_in_one_burst_after_n_are_saved_whole(quiet_env: Path) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await _discuss_three_topics(pilot, app)
        hub = app.launcher.hub  # type: ignore[union-attr]
        target = board.selected_target()
        before = hub.session
        burst(app, "nowner: sam, d-day > t+3 [a]" + ENTER)
        await wait_until(pilot, lambda: bool(hub.session.notes), "the notes")
        await _at_rest(pilot, app)
        assert hub.session.notes == {target: "owner: sam, d-day > t+3 [a]"}
        assert hub.session.current_topic == before.current_topic
        _unmoved(before, hub.session)


async def test_a_topic_title_typed_in_one_burst_after_t_replaces_the_title(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        await board.client.send(c.AddCard(column="to-improve", text="Slow deploys"))
        await board.client.send(c.AddCard(column="to-improve", text="Slow builds"))
        await board.client.send(c.NextPhase())
        first, second = (card.id for card in hub.session.cards)
        await board.client.send(c.Merge(source=second, target=first))
        await wait_until(pilot, lambda: bool(hub.session.topics), "the topic")
        topic = hub.session.topics[0].id

        def topic_selected() -> bool:
            """Select the topic once the board draws it (it may not have arrived yet)."""
            if board.selected_target() != topic:
                board.columns_board.focus_item(topic)
            return board.selected_target() == topic

        await wait_until(pilot, topic_selected, "the topic selected")
        before = hub.session
        burst(app, "tdeploys & builds: > 10 min" + ENTER)
        await wait_until(pilot, lambda: hub.session.topics[0].title != before.topics[0].title, "t")
        await _at_rest(pilot, app)
        assert hub.session.topics[0].title == "deploys & builds: > 10 min"
        assert [card.text for card in hub.session.cards] == ["Slow deploys", "Slow builds"]
        _unmoved(before, hub.session)


async def test_an_action_typed_in_one_burst_after_a_fills_every_field(quiet_env: Path) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        for _ in range(4):  # group, vote, discuss, actions
            await board.client.send(c.NextPhase())
        await wait_until(pilot, lambda: board.visible_pane() == "pane-actions", "actions pane")
        before = hub.session
        fields = ["Automate release notes", "Sam", "2026-12-31", "Release notes take < 5 min"]
        # Enter moves on through baseline, target and direction (left empty), then saves.
        burst(app, "a" + ENTER.join(fields) + ENTER * 4)
        await wait_until(pilot, lambda: bool(hub.session.actions), "the action")
        await _at_rest(pilot, app)
        (action,) = hub.session.actions
        assert [action.text, action.owner, action.due, action.metric] == fields
        _unmoved(before, hub.session)


async def test_a_check_in_typed_in_one_burst_after_c_keeps_the_word_and_the_mood(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        assert hub.session.phase is Phase.CHECKIN
        before = hub.session
        burst(app, "cadventurous" + ENTER + "4" + ENTER)
        await wait_until(pilot, lambda: hub.session.participants[0].mood is not None, "mood")
        await _at_rest(pilot, app)
        me = hub.session.participants[0]
        assert (me.checkin_word, me.mood) == ("adventurous", 4)
        _unmoved(before, hub.session)


async def test_a_family_emoji_typed_into_a_card_keeps_its_joiners(quiet_env: Path) -> None:
    family = "Team dinner \U0001f468\u200d\U0001f469\u200d\U0001f467"
    scotland = "\U0001f3f4" + "".join(chr(0xE0000 + ord(ch)) for ch in "gbsct") + "\U000e007f"
    family += " " + scotland
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        await wait_until(pilot, lambda: board.columns_board.focused_column() is not None, "focus")
        burst(app, "a" + family + ENTER)
        await wait_until(pilot, lambda: bool(hub.session.cards), "the card")
        await _at_rest(pilot, app)
        assert hub.session.cards[0].text == family


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, held by two joiners


async def test_an_action_item_and_its_metric_keep_the_joiners_of_an_emoji(
    quiet_env: Path,
) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        board, hub = await open_board(pilot)
        await board.client.send(c.GoToPhase(phase="write"))
        for _ in range(4):  # group, vote, discuss, actions
            await board.client.send(c.NextPhase())
        await wait_until(pilot, lambda: board.visible_pane() == "pane-actions", "actions pane")
        fields = [f"Book the {FAMILY} offsite", "Sam", "", f"{FAMILY} smiles"]
        burst(app, "a" + ENTER.join(fields) + ENTER * 4)
        await wait_until(pilot, lambda: bool(hub.session.actions), "the action")
        await _at_rest(pilot, app)
        (action,) = hub.session.actions
        assert (action.text, action.metric) == (fields[0], fields[3])


async def test_a_check_in_word_keeps_the_joiners_of_an_emoji(quiet_env: Path) -> None:
    app, _ = _app(quiet_env)
    async with app.run_test(size=(120, 40)) as pilot:
        _board, hub = await open_board(pilot)
        burst(app, "c" + FAMILY + ENTER + "4" + ENTER)
        await wait_until(pilot, lambda: hub.session.participants[0].mood is not None, "mood")
        await _at_rest(pilot, app)
        assert hub.session.participants[0].checkin_word == FAMILY

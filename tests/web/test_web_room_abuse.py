"""The live room against a hostile link holder, through the real web server and hub.

A participant's simple-page socket is a script's easiest way in: it sends any command
the wire knows. What one person can do to everybody else is bounded: comments and
reactions have a per-person quota stated in the refusal (the session's own caps are
never reached by one person), and every facilitator command is refused to a
participant, whatever the page sends.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from itertools import count
from typing import Any

import aiohttp
import pytest

from retro_tui import export, page_client
from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hub import quotas
from retro_tui.hub.hub import Hub
from retro_tui.page_client import HubPages
from retro_tui.web import RetroWebServer
from tests.support import serving
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session
from tests.support.page_views import page_views
from tests.web.test_web_simple import answer, answer_of, browser, joined, open_page

_ids = count(1)


class Room:
    """A retro in discuss: one topic (two cards merged) and one card on its own."""

    def __init__(self, hub: Hub, fac: LocalClient, topic: str, card: str) -> None:
        self.hub, self.fac, self.topic, self.card = hub, fac, topic, card


@pytest.fixture
async def room() -> AsyncIterator[Room]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac = LocalClient(hub, "terminal-facilitator", Role.FACILITATOR)
    await fac.join("Fran")
    await fac.send(c.GoToPhase(phase="write"))
    for text in ("zqone", "zqtwo", "zqthree"):
        await fac.send(c.AddCard(column="good", text=text))
    await fac.send(c.NextPhase())
    first, second, third = (card.id for card in hub.session.cards)
    await fac.send(c.Merge(source=second, target=first))
    await fac.send(c.NextPhase())  # vote
    await fac.send(c.NextPhase())  # discuss
    topic = hub.session.topics[0].id
    yield Room(hub, fac, topic, third)
    await hub.close()


@pytest.fixture
async def server(room: Room) -> AsyncIterator[RetroWebServer]:
    async with serving(seats=room.hub, pages=HubPages(room.hub), default_page="simple") as srv:
        yield srv


class Page:
    """One person's simple page, seated under a name."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self.session, self.ws = session, ws

    async def send(self, name: str, **fields: Any) -> dict[str, Any]:
        """Send one command as the page's script would; return the ack or nack."""
        message = {"t": "cmd", "id": next(_ids), "cmd": {"name": name, **fields}}
        await self.ws.send_str(json.dumps(message))
        return await answer_of(self.ws)


@pytest.fixture
async def pages(server: RetroWebServer) -> AsyncIterator[dict[str, Page]]:
    opened: dict[str, Page] = {}
    for name in ("Mallory", "Ann"):
        session = browser()
        await joined(session, server.participant_url)
        ws = await open_page(session, server)
        await ws.send_str(json.dumps({"t": "join", "name": name}))
        await answer(ws, "joined")
        opened[name] = Page(session, ws)
    yield opened
    for page in opened.values():
        await page.ws.close()
        await page.session.close()


async def test_one_person_cannot_fill_a_topic_with_comments_and_everyone_else_still_can(
    room: Room, pages: dict[str, Page]
) -> None:
    mallory, ann = pages["Mallory"], pages["Ann"]
    per_topic = quotas.COMMENTS_PER_PERSON_PER_TOPIC
    for n in range(per_topic):
        assert (await mallory.send("add_comment", target=room.topic, text=f"zq{n}"))["t"] == "ack"
    refused = await mallory.send("add_comment", target=room.topic, text="one more")
    assert refused["t"] == "nack"
    assert refused["reason"] == f"You can add at most {per_topic} comments per topic."
    assert (await ann.send("add_comment", target=room.topic, text="mine"))["t"] == "ack"
    assert len(room.hub.session.comments) == per_topic + 1


async def test_one_persons_comments_in_the_whole_retro_are_bounded_too(
    room: Room, pages: dict[str, Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quotas, "COMMENTS_PER_PERSON", quotas.COMMENTS_PER_PERSON_PER_TOPIC + 1)
    mallory = pages["Mallory"]
    for n in range(quotas.COMMENTS_PER_PERSON_PER_TOPIC):
        await mallory.send("add_comment", target=room.topic, text=f"zq{n}")
    assert (await mallory.send("add_comment", target=room.card, text="on the card"))["t"] == "ack"
    refused = await mallory.send("add_comment", target=room.card, text="and again")
    cap = quotas.COMMENTS_PER_PERSON
    assert refused["reason"] == f"You can add at most {cap} comments in a retro."


async def test_ones_reactions_are_bounded_a_forged_reactor_changes_nothing_a_take_back_works(
    room: Room, pages: dict[str, Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quotas, "REACTIONS_PER_PERSON", 3)
    mallory, ann = pages["Mallory"], pages["Ann"]
    for kind in ("agree", "love", "idea"):
        assert (await mallory.send("react", target=room.topic, kind=kind))["t"] == "ack"
    over = await mallory.send("react", target=room.card, kind="agree")
    assert over["reason"] == "You can give at most 3 reactions; take one back to give another."
    forged = await mallory.send("react", target=room.card, kind="agree", reactor="someone-new")
    assert forged["t"] == "nack"
    assert (await mallory.send("react", target=room.topic, kind="agree"))["t"] == "ack"  # back
    assert (await mallory.send("react", target=room.card, kind="agree"))["t"] == "ack"
    assert (await ann.send("react", target=room.card, kind="agree"))["t"] == "ack"
    assert len(room.hub.session.reactions) == 4


async def test_reactions_given_before_a_hub_restart_still_count() -> None:
    store = MemoryStore()
    hub = Hub(store, make_session(), clock=FakeClock())
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fran")
    mallory = LocalClient(hub, "mallory-browser", Role.PARTICIPANT)
    await mallory.join("Mallory")
    await fac.send(c.GoToPhase(phase="write"))
    await fac.send(c.AddCard(column="good", text="zqcard"))
    await fac.send(c.NextPhase())
    card = hub.session.cards[0].id
    for kind in ("agree", "love", "idea"):
        await mallory.send(c.React(target=card, kind=kind))
    session = hub.session
    await hub.close()

    again = Hub(store, session, clock=FakeClock())
    back = LocalClient(again, "mallory-browser", Role.PARTICIPANT)
    await back.join("Mallory")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quotas, "REACTIONS_PER_PERSON", 3)
        with pytest.raises(Refused, match="at most 3 reactions"):
            await back.send(c.React(target=card, kind="question"))
    await again.close()


FACILITATOR_ONLY: list[tuple[str, dict[str, Any]]] = [
    ("lower_all_hands", {}),
    ("ask_ready", {}),
    ("park", {"target": "TOPIC"}),
    ("skip_icebreaker", {}),
    ("open_early", {}),
    ("reveal_health", {}),
    ("settings", {"votes_per_person": 99}),
    ("settings", {"anonymous": False}),
    ("next_phase", {}),
    ("go_to_phase", {"phase": "close"}),
    ("discuss", {"target": "CARD"}),
    ("notes", {"target": "TOPIC", "text": "forged"}),
    ("timer_start", {"minutes": 1}),
    ("lock_joining", {"locked": True}),
    ("release_seat", {"participant": "ANN"}),
    ("remove_participant", {"participant": "ANN"}),
    ("add_action", {"text": "forged"}),
]


@pytest.mark.parametrize(("name", "fields"), FACILITATOR_ONLY, ids=[n for n, _ in FACILITATOR_ONLY])
async def test_a_participants_page_cannot_run_any_facilitator_command(
    room: Room, pages: dict[str, Page], name: str, fields: dict[str, Any]
) -> None:
    ann = next(p.id for p in room.hub.session.participants if p.name == "Ann")
    stand_in = {"TOPIC": room.topic, "CARD": room.card, "ANN": ann}
    fields = {key: stand_in.get(value, value) for key, value in fields.items()}
    before = room.hub.session
    refused = await pages["Mallory"].send(name, **fields)
    assert refused["t"] == "nack", refused
    assert room.hub.session is before


async def test_a_participant_cannot_lower_another_persons_hand_from_the_page(
    room: Room, pages: dict[str, Page]
) -> None:
    assert (await pages["Ann"].send("raise_hand"))["t"] == "ack"
    hand = room.hub.session.hands[0].id
    refused = await pages["Mallory"].send("lower_hand", hand=hand)
    assert refused["reason"] == "Only the facilitator can lower someone else's hand."
    assert (await pages["Mallory"].send("raise_hand", raised=False))["t"] == "ack"
    assert [h.id for h in room.hub.session.hands] == [hand]


async def test_a_hand_raised_and_lowered_in_a_loop_redraws_the_room_only_a_few_times(
    room: Room, server: RetroWebServer, pages: dict[str, Page]
) -> None:
    mallory = pages["Mallory"]
    session = browser()
    await joined(session, server.participant_url)
    bystander = await open_page(session, server)
    frames = [json.dumps(await answer(bystander, "view"))]
    views = 0
    replies = []
    for n in range(40):
        replies.append(await mallory.send("raise_hand", raised=n % 2 == 0))
    done = [r for r in replies if r["t"] == "ack"]
    assert len(done) == quotas.SIGNAL_BURST
    assert quotas.TOO_MANY_SIGNALS in {r["reason"] for r in replies if r["t"] == "nack"}
    await room.fac.send(c.RaiseHand())  # the facilitator is never paced; a last change
    async with asyncio.timeout(10):
        while True:  # the page's first view, then patches of what changed
            frames.append((await bystander.receive()).data)
            views += json.loads(frames[-1])["t"] in ("view", "patch")
            if page_views(frames)[-1]["session"]["hands"]:
                break
    assert views <= quotas.SIGNAL_BURST + 1
    await bystander.close()
    await session.close()


async def test_signals_are_paced_per_person_not_per_room() -> None:
    clock = FakeClock()
    hub = Hub(MemoryStore(), make_session(), clock=clock)
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fran")
    ann = LocalClient(hub, "ann-browser", Role.PARTICIPANT)
    await ann.join("Ann")
    ann_tab = LocalClient(hub, "ann-browser", Role.PARTICIPANT)  # her second tab
    bob = LocalClient(hub, "bob-browser", Role.PARTICIPANT)
    await bob.join("Bob")
    for n in range(int(quotas.SIGNAL_BURST)):
        await (ann if n % 2 else ann_tab).send(c.SetReady(ready=n % 2 == 0))
    with pytest.raises(Refused, match="Wait a moment"):
        await ann.send(c.RaiseHand())
    await bob.send(c.RaiseHand())
    for _ in range(20):
        await fac.send(c.SetReady(ready=True))
    clock.advance(1)
    for _ in range(int(quotas.SIGNALS_PER_SECOND)):
        await ann.send(c.RaiseHand())
    with pytest.raises(Refused, match="Wait a moment"):
        await ann.send(c.RaiseHand())
    await hub.close()


@pytest.mark.parametrize("name", ["Fran", "fran", "FRAN", "Frаn", "Ann", "ann", "Аnn"])
async def test_no_page_takes_the_facilitators_or_an_absent_persons_seat_by_typing_a_name(
    room: Room, server: RetroWebServer, pages: dict[str, Page], name: str
) -> None:
    await pages["Ann"].ws.close()  # Ann's tab is closed: her seat is offline
    people = len(room.hub.session.participants)
    async with browser() as session:
        await joined(session, server.participant_url)
        ws = await open_page(session, server)
        await ws.send_str(json.dumps({"t": "join", "name": name}))
        refused = await answer(ws, "join_refused")
        assert refused["reason"].endswith("."), refused  # a sentence that says what to do
        await ws.close()
    assert len(room.hub.session.participants) == people


async def test_a_page_asking_for_the_notes_in_a_loop_gets_a_few_copies_and_a_reason(
    room: Room, pages: dict[str, Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each copy is the whole session rendered on the loop the hub shares (14 ms at
    1,000 cards): a notes loop used to stall every screen of the retro."""
    rendered = 0
    real = export.session_markdown

    def counting(session: Any) -> str:
        nonlocal rendered
        rendered += 1
        return real(session)

    monkeypatch.setattr(page_client, "session_markdown", counting)
    ws = pages["Mallory"].ws
    for _ in range(50):
        await ws.send_str(json.dumps({"t": "notes"}))
    kinds: list[tuple[str, str]] = []
    async with asyncio.timeout(10):
        while len(kinds) < 50:
            data = json.loads((await ws.receive()).data)
            if data["t"] in ("notes", "refused"):
                kinds.append((data["t"], data.get("reason", "")))
    assert rendered == kinds.count(("notes", "")) == page_client.NOTES_BURST
    assert set(kinds) == {("notes", ""), ("refused", page_client.NOTES_TOO_OFTEN)}
    assert (await pages["Ann"].send("raise_hand"))["t"] == "ack"  # the room goes on

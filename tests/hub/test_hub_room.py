"""The live room through the hub: hands kept across a restart, reactions whose author
only the hub can tell apart, and anonymous retros whose wire views and logs name nobody."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import NotAllowed
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import decode, view_to_wire
from retro_tui.store import SessionStore
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session


async def _room(hub: Hub, n: int) -> tuple[LocalClient, list[LocalClient]]:
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    people = []
    for i in range(n):
        client = LocalClient(hub, f"browser-{i}", Role.PARTICIPANT)
        await client.join(f"P{i}")
        people.append(client)
    return fac, people


async def _to_discuss(hub: Hub, fac: LocalClient, people: list[LocalClient]) -> str:
    """Two cards grouped into a topic, discussed; returns the topic id."""
    await fac.send(c.GoToPhase(phase="write"))
    await people[0].send(c.AddCard(column="good", text="zqone"))
    await people[1].send(c.AddCard(column="good", text="zqtwo"))
    await fac.send(c.NextPhase())
    first, second = (card.id for card in hub.session.cards)
    await fac.send(c.Merge(source=second, target=first))
    await fac.send(c.NextPhase())
    await fac.send(c.NextPhase())
    topic = hub.session.topics[0].id
    assert hub.session.current_topic == topic
    return topic


async def test_the_hand_queue_survives_a_hub_restart(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    store.create(make_session())
    hub = Hub(store, store.load("s1"), clock=FakeClock())
    fac, people = await _room(hub, 2)
    await people[1].send(c.RaiseHand())
    await people[0].send(c.RaiseHand())
    queue = hub.session.hands
    await hub.close()

    again = Hub(store, store.load("s1"), clock=FakeClock())
    fac, _ = await _room(again, 2)
    assert again.session.hands == queue
    seen = fac.conn.current_view().session.hands
    assert [h.participant for h in seen] == [people[1].you, people[0].you]


async def test_a_participant_cannot_lower_another_hand_through_the_hub() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac, (ann, bob) = await _room(hub, 2)
    await ann.send(c.RaiseHand())
    with pytest.raises(NotAllowed):
        await bob.send(c.LowerHand(hand=hub.session.hands[0].id))
    await fac.send(c.LowerHand(hand=hub.session.hands[0].id))
    assert hub.session.hands == ()


async def test_the_hub_says_whose_reaction_it_is_never_the_client() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac, people = await _room(hub, 2)
    topic = await _to_discuss(hub, fac, people)
    forged = c.React(target=topic, kind="agree", reactor="same-for-everyone")
    await people[0].send(forged)
    await people[1].send(forged)  # another person: a reaction of its own, not a toggle
    assert len(hub.session.reactions) == 2
    await people[0].send(replace(forged, reactor="something-else"))  # the same person
    assert len(hub.session.reactions) == 1


async def test_an_anonymous_retro_names_nobody_in_any_wire_view_or_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    fac, people = await _room(hub, 2)
    await fac.send(c.ChangeSettings(anonymous=True))
    topic = await _to_discuss(hub, fac, people)
    for person in people:
        await person.send(c.RaiseHand())
        await person.send(c.React(target=topic, kind="love"))
        await person.send(c.AddComment(target=topic, text="zqcomment"))
    presenting = LocalClient(hub, "fac", Role.FACILITATOR, presenting=True)
    pids = [p.you or "" for p in people]
    for conn in hub.connections:
        line, _ = hub.wire_view(conn)
        session = decode(line)["view"]["session"]
        room = {key: session[key] for key in ("hands", "reactions", "comments")}
        dumped = json.dumps(room)
        assert not any(pid in dumped for pid in pids if pid != conn.pid), conn.pid
        assert all(key == "" for _, _, key in session["reactions"])
        assert len(session["hands"]) == 2 and len(session["reactions"]) == 2
        # The shared encoding says what the straightforward view says.
        plain = json.loads(json.dumps(view_to_wire(hub.view_for(conn))))["session"]
        for key in ("hands", "ready", "reactions", "comments"):
            assert session[key] == plain[key], key
    assert presenting.conn.presenting
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not any(pid in logged for pid in pids)

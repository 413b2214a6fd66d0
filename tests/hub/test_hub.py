"""The hub as the one authority: permissions, durability, concurrency, convergence."""

from __future__ import annotations

import asyncio

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session


async def _hub_with(
    n: int, *, votes: int = 5
) -> tuple[Hub, MemoryStore, LocalClient, list[LocalClient]]:
    store = MemoryStore()
    hub = Hub(store, make_session(votes=votes), clock=FakeClock())
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    people = []
    for i in range(n):
        client = LocalClient(hub, f"id-{i}", Role.PARTICIPANT)
        await client.join(f"P{i}")
        people.append(client)
    return hub, store, fac, people


async def test_ack_only_after_durable() -> None:
    hub, store, fac, _ = await _hub_with(0)
    await fac.send(c.GoToPhase(phase="write"))
    assert store.saved[-1].phase.value == "write"
    assert hub.saved_revision == hub.session.revision


async def test_burst_is_committed_in_fewer_writes_than_commands() -> None:
    hub, store, fac, people = await _hub_with(20)
    await fac.send(c.GoToPhase(phase="write"))
    before = len(store.saved)
    await asyncio.gather(
        *(p.send(c.AddCard(column="good", text=f"card {i}")) for i, p in enumerate(people))
    )
    assert len(hub.session.cards) == 20
    assert store.saved[-1].revision == hub.session.revision
    assert len(store.saved) - before < 20


async def test_concurrent_vote_storm_respects_budget() -> None:
    hub, _, fac, people = await _hub_with(30, votes=3)
    await fac.send(c.GoToPhase(phase="write"))
    await people[0].send(c.AddCard(column="good", text="one"))
    await people[1].send(c.AddCard(column="bad", text="two"))
    await fac.send(c.NextPhase())
    await fac.send(c.NextPhase())
    targets = [card.id for card in hub.session.cards]
    attempts = [p.send(c.CastVote(target=targets[i % 2])) for p in people for i in range(5)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(refused) == 30 * 2
    assert len(hub.session.votes) == 30 * 3
    for p in people:
        assert len(hub.session.votes_of(p.you or "")) == 3


@pytest.mark.parametrize(
    "command",
    [
        c.NextPhase(),
        c.GoToPhase(phase="vote"),
        c.TimerStart(minutes=5),
        c.TimerExtend(seconds=60),
        c.ChangeSettings(votes_per_person=50),
        c.Discuss(target="c1"),
    ],
)
async def test_participant_cannot_steer(command: c.Command) -> None:
    hub, _, fac, people = await _hub_with(1)
    await fac.send(c.GoToPhase(phase="write"))
    before = hub.session
    with pytest.raises(Refused):
        await people[0].send(command)
    assert hub.session == before


async def test_participant_cannot_touch_others_cards_or_read_them_early() -> None:
    hub, _, fac, (ann, bob) = await _hub_with(2)
    await fac.send(c.GoToPhase(phase="write"))
    await ann.send(c.AddCard(column="good", text="secret of ann"))
    card = hub.session.cards[0].id
    for command in (
        c.EditCard(card=card, text="x"),
        c.DeleteCard(card=card),
        c.MoveCard(card=card, column="bad"),
    ):
        with pytest.raises(Refused):
            await bob.send(command)
    view = bob.current_view()
    assert view.session.cards[0].hidden
    assert "secret" not in repr(view)


async def test_vote_totals_hidden_from_others_until_vote_ends() -> None:
    hub, _, fac, (ann, bob) = await _hub_with(2)
    await fac.send(c.GoToPhase(phase="write"))
    await ann.send(c.AddCard(column="good", text="x"))
    await fac.send(c.NextPhase())
    await fac.send(c.NextPhase())
    await ann.send(c.CastVote(target=hub.session.cards[0].id))
    assert bob.current_view().session.votes == ()
    await fac.send(c.NextPhase())
    assert len(bob.current_view().session.votes) == 1


async def test_a_name_held_by_another_browser_is_refused_online_or_not() -> None:
    hub, _, _, (ann, _) = await _hub_with(2)
    intruder = LocalClient(hub, "other-browser", Role.PARTICIPANT)
    with pytest.raises(Refused, match="already in this retro on another browser"):
        await intruder.join("p0")
    await ann.close()
    with pytest.raises(Refused, match="ask the facilitator to release P0's seat"):
        await intruder.join("P0")
    assert intruder.conn.pid is None


async def test_reconnect_with_same_identity_gets_same_participant() -> None:
    hub, _, fac, (ann, _) = await _hub_with(2)
    await fac.send(c.GoToPhase(phase="write"))
    await ann.send(c.AddCard(column="good", text="mine"))
    pid = ann.you
    await ann.close()
    assert pid not in hub.online()
    again = LocalClient(hub, "id-0", Role.PARTICIPANT)
    assert again.you == pid
    assert pid in hub.online()
    assert again.current_view().session.cards[0].text == "mine"


async def test_failed_save_keeps_state_and_retries() -> None:
    hub, store, fac, _ = await _hub_with(0)
    store.fail_with = OSError(28, "No space left on device")
    task = asyncio.create_task(fac.send(c.GoToPhase(phase="write")))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if hub.problem:
            break
    assert "No space left" in hub.problem
    assert not task.done()
    assert "No space left" in fac.current_view().problem
    store.fail_with = None
    await asyncio.wait_for(task, timeout=5)
    assert store.saved[-1].phase.value == "write"
    assert hub.problem == ""


async def test_every_client_converges() -> None:
    hub, _, fac, people = await _hub_with(10)
    await fac.send(c.GoToPhase(phase="write"))
    await asyncio.gather(
        *(p.send(c.AddCard(column="good", text=str(i))) for i, p in enumerate(people))
    )
    await fac.send(c.NextPhase())
    for p in people:
        view = p.current_view()
        assert [card.text for card in view.session.cards] == [
            card.text for card in hub.session.cards
        ]
        assert view.session.revision == hub.session.revision

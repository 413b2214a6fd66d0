"""A held key never disconnects anyone: the client paces its sends under the hub's rate,
and the hub refuses a command over the rate politely, cutting off only a flood far beyond
any person. Through a real SocketClient and a real HubServer saving to a real file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from retro_tui import client as client_module
from retro_tui.client import LocalClient, SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.hub import server as hub_server
from retro_tui.hub.hub import Hub
from retro_tui.hub.server import HubServer
from retro_tui.pacing import TokenBucket
from retro_tui.store import SessionStore
from tests.support.clock import FakeClock
from tests.support.hub import make_session


@pytest.fixture
async def voting(tmp_path: Path) -> AsyncIterator[tuple[Hub, HubServer, str]]:
    """A hub in the vote phase with one card, served on its socket; yields the card id."""
    hub = Hub(SessionStore(tmp_path), make_session(votes=5), clock=FakeClock())
    server = HubServer(hub)
    await server.start()
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    await fac.send(c.GoToPhase(phase="write"))
    await fac.send(c.AddCard(column="good", text="pairing"))
    await fac.send(c.NextPhase())  # group
    await fac.send(c.NextPhase())  # vote
    yield hub, server, hub.session.cards[0].id
    await server.stop()


async def test_two_hundred_votes_and_unvotes_at_once_disconnect_nobody(
    voting: tuple[Hub, HubServer, str],
) -> None:
    hub, server, card = voting
    ann = await SocketClient.connect(server.path, "browser-ann", Role.PARTICIPANT)
    await ann.join("Ann")
    held = [
        c.CastVote(target=card) if i % 2 == 0 else c.RetractVote(target=card) for i in range(200)
    ]
    results = await asyncio.gather(*(ann.send(command) for command in held), return_exceptions=True)
    assert [r for r in results if r is not None] == [], "every command was done, none refused"
    assert hub.session.votes_of(ann.you or "") == ()
    await ann.send(c.CastVote(target=card))
    assert len(hub.session.votes_of(ann.you or "")) == 1, "still connected, votes consistent"
    assert any(conn.identity == "browser-ann" for conn in hub.connections)
    await ann.close()


async def _answers(reader: asyncio.StreamReader, count: int) -> list[dict[str, object]]:
    answers: list[dict[str, object]] = []
    async with asyncio.timeout(10):
        while len(answers) < count:
            line = await reader.readline()
            assert line, f"the hub hung up after {answers[-1:]}"
            message = json.loads(line)
            if message["t"] != "view":
                answers.append(message)
    return answers


async def test_a_client_a_little_over_the_rate_is_refused_politely_and_stays(
    voting: tuple[Hub, HubServer, str],
) -> None:
    hub, server, card = voting
    reader, writer = await asyncio.open_unix_connection(str(server.path), limit=2**26)
    writer.write(b'{"t":"hello","identity":"unpaced","role":"participant"}\n')
    writer.write(b'{"t":"join","name":"Uma"}\n')
    for i in range(80):  # twice the hub's burst, far under a flood
        name = "vote" if i % 2 == 0 else "unvote"
        writer.write(
            json.dumps({"t": "cmd", "id": i, "cmd": {"name": name, "target": card}}).encode()
            + b"\n"
        )
    await writer.drain()
    answers = await _answers(reader, 82)
    refused = [a for a in answers if a["t"] == "nack"]
    assert refused, "some were over the rate"
    assert {a["reason"] for a in refused} == {
        "That was more than 20 actions a second, so it was not done. Try it again."
    }
    assert not [a for a in answers if a["t"] == "error"]
    assert any(conn.identity == "unpaced" for conn in hub.connections), "not disconnected"
    writer.close()


def test_the_clients_pace_stays_under_the_hubs_limit() -> None:
    """However a client's sends bunch up, what it sends passes the hub's polite bucket."""
    now = [0.0]
    client = TokenBucket(client_module.SEND_RATE, client_module.SEND_BURST, clock=lambda: now[0])
    hub = TokenBucket(hub_server.RATE_PER_SECOND, hub_server.RATE_BURST, clock=lambda: now[0])
    for _ in range(1000):
        now[0] += client.take()
        assert hub.allow(), f"refused at t={now[0]:.2f}"

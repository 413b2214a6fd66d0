"""The hub's Unix socket: private, strict about messages, and fair to everyone else."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator

import pytest

from retro_tui.client import LocalClient, SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.domain.views import BoardView
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import MAX_LINE, view_from_wire
from retro_tui.hub.server import HubServer
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session


@pytest.fixture
async def served() -> AsyncIterator[tuple[Hub, HubServer, LocalClient]]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    server = HubServer(hub)
    await server.start()
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    yield hub, server, fac
    await server.stop()


async def _raw(server: HubServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_unix_connection(str(server.path), limit=64 * 1024 * 1024)


async def _last_message(reader: asyncio.StreamReader) -> dict[str, object]:
    """Read until the hub hangs up; return the last message it sent."""
    last: dict[str, object] = {}
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout=5)
        if not line:
            return last
        last = json.loads(line)


async def test_socket_is_private(served: tuple[Hub, HubServer, LocalClient]) -> None:
    _, server, _ = served
    assert stat.S_IMODE(server.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(server.path.parent.stat().st_mode) == 0o700


async def test_socket_client_round_trip(served: tuple[Hub, HubServer, LocalClient]) -> None:
    hub, server, fac = served
    client = await SocketClient.connect(server.path, "browser-1", Role.PARTICIPANT)
    assert client.you is None
    await client.join("Ann")
    await fac.send(c.GoToPhase(phase="write"))
    await client.send(c.AddCard(column="good", text="[bold]hi[/] \x1b[31m"))
    assert hub.session.cards[0].text.startswith("[bold]hi[/]")
    with pytest.raises(Refused, match="facilitator"):
        await client.send(c.NextPhase())
    view = await asyncio.wait_for(client.next_view(), timeout=5)
    while view.session.revision < hub.session.revision:
        view = await asyncio.wait_for(client.next_view(), timeout=5)
    assert view.session.cards[0].author == client.you
    await client.close()


@pytest.mark.parametrize(
    "payload",
    [
        b"not json\n",
        b"[1,2,3]\n",
        b'{"no_type": 1}\n',
        b'{"t": "cmd", "id": 1, "cmd": {"name": "add_card"}}\n',  # before hello
        b'{"t": "hello", "identity": "", "role": "participant"}\n',
        b'{"t": "hello", "identity": "x", "role": "god"}\n',
        b"\xff\xfe\xfd\n",
        b"x" * (MAX_LINE + 10) + b"\n",
    ],
)
async def test_bad_first_messages_get_a_reason_and_a_hang_up(
    served: tuple[Hub, HubServer, LocalClient], payload: bytes
) -> None:
    hub, server, _ = served
    reader, writer = await _raw(server)
    writer.write(payload)
    await writer.drain()
    last = await _last_message(reader)
    assert last.get("t") == "error" and last.get("reason")
    assert len(hub.connections) == 1  # only the facilitator is still seated
    writer.close()


@pytest.mark.parametrize(
    "message",
    [
        {"t": "cmd", "id": "one", "cmd": {"name": "add_card"}},
        {"t": "launch_missiles"},
        {"t": "cmd", "id": 1, "cmd": {"name": "add_card", "column": 5, "text": "x"}},
        {"t": "cmd", "id": 2, "cmd": {"name": "rm -rf"}},
        {"t": "join", "name": "\x1b]52;c;aGk=\x07"},
    ],
)
async def test_bad_later_messages_do_not_disturb_others(
    served: tuple[Hub, HubServer, LocalClient], message: dict[str, object]
) -> None:
    hub, server, fac = served
    bystander = await SocketClient.connect(server.path, "bystander", Role.PARTICIPANT)
    await bystander.join("Bea")
    _reader, writer = await _raw(server)
    writer.write(b'{"t":"hello","identity":"rogue","role":"participant"}\n')
    writer.write(json.dumps(message).encode() + b"\n")
    await writer.drain()
    await asyncio.sleep(0.1)
    await fac.send(c.GoToPhase(phase="write"))
    await bystander.send(c.AddCard(column="good", text="still fine"))
    assert [card.text for card in hub.session.cards] == ["still fine"]
    assert all(p.name != "\x1b]52;c;aGk=\x07" for p in hub.session.participants)
    writer.close()
    await bystander.close()


async def test_flooding_client_is_cut_off(served: tuple[Hub, HubServer, LocalClient]) -> None:
    hub, server, _ = served
    reader, writer = await _raw(server)
    writer.write(b'{"t":"hello","identity":"flood","role":"participant"}\n')
    writer.write(b'{"t":"join","name":"Flo"}\n')
    for i in range(1000):  # far past FLOOD_FACTOR times the rate: a machine, not a person
        writer.write(
            json.dumps({"t": "cmd", "id": i, "cmd": {"name": "mark_done"}}).encode() + b"\n"
        )
    await writer.drain()
    last = await _last_message(reader)
    assert last == {"t": "error", "reason": "too many messages; slow down"}
    assert all(conn.identity != "flood" for conn in hub.connections)


async def test_frozen_reader_does_not_block_the_hub(
    served: tuple[Hub, HubServer, LocalClient],
) -> None:
    hub, server, fac = served
    _reader, writer = await _raw(server)  # says hello, then never reads again
    writer.write(
        b'{"t":"hello","identity":"frozen","role":"participant"}\n{"t":"join","name":"Frozen"}\n'
    )
    await writer.drain()
    await fac.send(c.GoToPhase(phase="write"))
    for i in range(300):
        await asyncio.wait_for(
            fac.send(c.AddCard(column="good", text="x" * 400 + str(i))), timeout=2
        )
    assert len(hub.session.cards) == 300
    writer.close()


async def _fake_hub(lines: list[bytes]) -> tuple[asyncio.AbstractServer, str]:
    """A socket that greets a client, then sends `lines` (a hub that misbehaves)."""
    from tests.support.faults import short_socket_dir

    path = str(short_socket_dir() / "hub.sock")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\n")
        writer.write(b'{"t": "welcome", "you": null}\n' + b"".join(lines))
        await writer.drain()
        await reader.read()  # keep the connection until the client goes

    return await asyncio.start_unix_server(serve, path), path


async def test_a_client_decodes_only_the_newest_of_several_views(
    served: tuple[Hub, HubServer, LocalClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Views that arrive while the app is busy replace each other unread (decoding a
    view is most of a client's cost per change; a vote storm's clients never ask)."""
    import retro_tui.client as client_module

    decoded: list[object] = []

    def recording(wire: str | bytes) -> BoardView:
        decoded.append(wire)
        return view_from_wire(wire)

    monkeypatch.setattr(client_module, "view_from_wire", recording)
    hub, server, fac = served
    maya = await SocketClient.connect(server.path, "maya", Role.PARTICIPANT)
    await maya.join("Maya")
    await fac.send(c.GoToPhase(phase="write"))
    for n in range(5):
        await fac.send(c.AddCard(column="good", text=f"Card {n}"))
    await asyncio.sleep(0.2)  # all five views are on maya's side, none asked for yet
    assert decoded == []
    view = await maya.next_view()
    assert view.session.revision == hub.session.revision
    assert len(view.session.cards) == 5 and len(decoded) == 1
    await maya.close()


async def test_a_malformed_view_from_the_hub_ends_the_connection_with_the_reason() -> None:
    bad = b'{"t": "view", "view": {"session": {"cards": "not a list"}}}\n'
    fake, path = await _fake_hub([bad])
    try:
        client = await SocketClient.connect(path, "maya", Role.PARTICIPANT)
        with pytest.raises(ConnectionError, match="bad view"):
            await asyncio.wait_for(client.next_view(), 5)
        with pytest.raises(ConnectionError):
            await client.send(c.AddCard(column="good", text="after the bad view"))
    finally:
        fake.close()

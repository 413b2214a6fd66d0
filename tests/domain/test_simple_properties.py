"""For random sessions and seats, the simple page receives what that seat's terminal board
receives: the same first view line, byte for byte, from the hub; after it patches which,
merged into the view the page holds, give the seat's next view exactly — and it holds
nothing the seat may not know. A patch carries only members of that view, whole.

A terminal tab's process reads its view over the hub socket (`HubServer`); the simple
page gets it from a `PageClient` inside the web server. Hypothesis drives a retro with a
facilitator and three participants (each bound to a browser identity) through random
commands, then opens both kinds of client for one seat and compares what they are sent,
before and after one more change.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.domain.room_views import live_hands
from retro_tui.domain.views import CHECKED_IN, BoardView
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import decode, encode, view_from_wire, view_to_wire
from retro_tui.hub.server import HubServer
from retro_tui.page_client import HubPages
from tests.hub.test_hub_properties import PEOPLE, commands, leaks, starts
from tests.support.clock import FakeClock
from tests.support.faults import fault_format, short_socket_dir
from tests.support.hub import NOW, MemoryStore


def private_left(view: BoardView) -> list[str]:
    """What else a seat's copy holds that is not the seat's to know (see domain/views.py)."""
    session, me = view.session, view.you
    chair = view.is_facilitator and not session.settings.anonymous
    found = [
        f"{me} reads the check-in of {p.id}"
        for p in session.participants
        if p.id != me and not chair and (p.checkin_word not in ("", CHECKED_IN) or p.mood)
    ]
    if session.settings.anonymous:
        others = [score for key, score in session.roti.items() if key != me]
        if others != sorted(others):
            found.append(f"{me} can tell ratings apart by their order")
    return found


plans = st.lists(st.tuples(st.integers(0, PEOPLE), commands), max_size=30)


async def _retro(anonymous: bool, start: str) -> tuple[Hub, list[LocalClient]]:
    """Everyone has joined with a browser identity and written two cards; at `start`."""
    session = rules.new_session(
        fault_format(votes=3, cap=2),
        session_id="page",
        title="Page retro",
        team="core",
        now=NOW,
        anonymous=anonymous,
    )
    hub = Hub(MemoryStore(), session, clock=FakeClock())
    clients = []
    for i in range(PEOPLE + 1):
        role = Role.FACILITATOR if i == 0 else Role.PARTICIPANT
        client = LocalClient(hub, f"id-{i}", role)
        await client.join("Fay" if i == 0 else f"P{i}")
        clients.append(client)
    await clients[0].send(c.GoToPhase(phase="write"))
    for client in clients[1:]:
        for column in ("good", "bad"):
            await client.send(c.AddCard(column=column, text=f"{client.you} {column}"))
    if start == "checkin":
        await clients[0].send(c.GoToPhase(phase=start))
    while hub.session.phase.value != start:
        await clients[0].send(c.NextPhase())
    return hub, clients


async def _socket_lines(
    server: HubServer, identity: str, role: Role
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect as a terminal tab's process does; its views arrive on the reader."""
    reader, writer = await asyncio.open_unix_connection(str(server.path), limit=64 * 1024 * 1024)
    writer.write(encode({"t": "hello", "identity": identity, "role": role.value}))
    await writer.drain()
    assert decode(await reader.readuntil(b"\n"))["t"] == "welcome"
    return reader, writer


async def _compare(
    plan: list[tuple[int, c.Command]], anonymous: bool, start: str, seat: int
) -> None:
    hub, clients = await _retro(anonymous, start)
    for actor, command in plan:
        with contextlib.suppress(Refused):
            await clients[actor].send(command)
    folder = short_socket_dir()
    server = HubServer(hub, folder / "hub.sock")
    await server.start()
    role = Role.FACILITATOR if seat == 0 else Role.PARTICIPANT
    page = HubPages(hub).open_page(f"id-{seat}", role)
    try:
        terminal, writer = await _socket_lines(server, f"id-{seat}", role)
        held: dict[str, Any] = {}
        for change in range(4):
            async with asyncio.timeout(10):
                on_page = await page.next_line()
                on_terminal = await terminal.readuntil(b"\n")
            if change == 0:
                assert on_page == on_terminal
                held = json.loads(on_page)["view"]
            else:
                held = merged(held, json.loads(on_page), json.loads(on_terminal)["view"])
            assert held == json.loads(on_terminal)["view"]
            # ...and it is that seat's view, as the reference encoding spells it.
            reference = view_to_wire(hub.view_for(page.conn))
            assert held == reference
            view = view_from_wire(held)
            assert view.you == clients[seat].you
            assert not leaks(view), leaks(view)
            assert not private_left(view), private_left(view)
            if change == 0:  # one more change everyone sees
                minutes = hub.session.settings.topic_minutes % 9 + 1
                await clients[0].send(c.ChangeSettings(topic_minutes=minutes))
            elif change == 1:  # and one of the seat's own, or a refusal and a shared one
                try:
                    up = _hand_up(hub, clients[seat].you or "")
                    await clients[seat].send(c.RaiseHand(raised=not up))
                except Refused:
                    await clients[0].send(c.ChangeSettings(topic_minutes=minutes + 1))
            elif change == 2:  # one that changes the seat's own members (votes, undo, ROTI)
                await _own_change(hub, clients[seat], fallback=clients[0], minutes=minutes + 2)
        writer.close()
    finally:
        await page.close()
        for client in clients:
            await client.close()
        await server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def merged(held: dict[str, Any], patch: dict[str, Any], whole: dict[str, Any]) -> dict[str, Any]:
    """The page's view after a patch (as app.js merges it): its members replace the held
    ones, key by key. Each is a member of the seat's whole view, with its value."""
    assert patch["t"] == "patch", patch
    assert patch["session"], "a patch always says its revision"
    for key, value in patch["view"].items():
        assert whole[key] == value, key
    for key, value in patch["session"].items():
        assert whole["session"][key] == value, key
    return {**held, **patch["view"], "session": {**held["session"], **patch["session"]}}


async def _own_change(hub: Hub, client: LocalClient, fallback: LocalClient, minutes: int) -> None:
    """A vote, a ROTI or a deleted card of the seat's own, as the phase allows; else a
    setting everyone sees."""
    targets = [t.id for t in hub.session.topics] + [k.id for k in hub.session.cards]
    own = [k.id for k in hub.session.cards if k.author == client.you]
    tries: list[c.Command] = [c.Roti(score=4)]
    tries += [c.CastVote(target=target) for target in targets[:1]]
    tries += [c.DeleteCard(card=card) for card in own[:1]]
    for command in tries:
        with contextlib.suppress(Refused):
            await client.send(command)
            return
    await fallback.send(c.ChangeSettings(topic_minutes=minutes))


def _hand_up(hub: Hub, pid: str) -> bool:
    return any(hand.participant == pid for hand in live_hands(hub.session))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans, anonymous=st.booleans(), start=starts, seat=st.integers(0, PEOPLE))
def test_the_simple_page_receives_exactly_what_the_seats_terminal_board_receives(
    plan: list[tuple[int, c.Command]], anonymous: bool, start: str, seat: int
) -> None:
    asyncio.run(_compare(plan, anonymous, start, seat))

"""A person is a seat bound to a browser, never a name (issue 10: items 1, 2, 4, 9, 13).

Driven through the hub's real Unix socket, each browser a `SocketClient` with its own
identity, and, where a restart matters, the real store on files in tmp_path.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from retro_tui.client import LocalClient, SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.domain.phases import Phase
from retro_tui.domain.serial import session_from_dict, session_to_dict
from retro_tui.hub.hub import Hub, seat_of
from retro_tui.hub.server import HubServer
from retro_tui.store import SessionStore
from tests.support.clock import FakeClock
from tests.support.hub import MemoryStore, make_session

FACILITATOR_IDENTITY = "terminal-facilitator"


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


class Room:
    """A hub with its socket, the terminal facilitator, and browsers to open."""

    def __init__(self, hub: Hub, server: HubServer, fac: LocalClient) -> None:
        self.hub, self.server, self.fac = hub, server, fac
        self.browsers: list[SocketClient] = []

    async def browser(self, identity: str, role: Role = Role.PARTICIPANT) -> SocketClient:
        client = await SocketClient.connect(self.server.path, identity, role)
        self.browsers.append(client)
        return client

    async def close(self) -> None:
        for client in self.browsers:
            await client.close()
        await self.server.stop()
        await self.hub.close()


async def open_room(hub: Hub) -> Room:
    server = HubServer(hub)
    await server.start()
    fac = LocalClient(hub, FACILITATOR_IDENTITY, Role.FACILITATOR)
    await fac.join("Fran")
    return Room(hub, server, fac)


@pytest.fixture
async def room() -> AsyncIterator[Room]:
    opened = await open_room(Hub(MemoryStore(), make_session(), clock=FakeClock()))
    yield opened
    await opened.close()


# --- item 1: facilitator power only from the facilitator grant --------------------------
@pytest.mark.parametrize("name", ["Fran", "fran", "FRAN", "Frаn", "𝐅ran", "Fran (facilitator)"])
async def test_typing_the_facilitators_name_on_the_participant_link_gives_no_power(
    room: Room, name: str
) -> None:
    await room.fac.close()  # the facilitator's seat is offline
    intruder = await room.browser("intruder-browser")
    with pytest.raises(Refused):
        await intruder.join(name)
    with pytest.raises(Refused):
        await intruder.send(c.NextPhase())
    assert room.hub.session.phase is Phase.CHECKIN


async def test_a_facilitator_tab_sits_in_the_facilitators_seat_without_a_name(room: Room) -> None:
    tab = await room.browser("fac-browser", Role.FACILITATOR)
    assert tab.you == room.fac.you
    await tab.send(c.GoToPhase(phase="write"))
    assert room.hub.session.phase is Phase.WRITE


# --- item 2: an absent person's seat is not taken by typing their name -------------------
async def test_an_offline_persons_name_is_refused_with_what_to_do(room: Room) -> None:
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    await room.fac.send(c.GoToPhase(phase="write"))
    await bob.send(c.AddCard(column="good", text="only Bob knows"))
    await bob.close()
    await wait_until(lambda: len(room.hub.online()) == 1)
    thief = await room.browser("thief-browser")
    with pytest.raises(Refused) as refused:
        await thief.join("bob")
    assert refused.value.reason == (
        "Bob is already in this retro on another browser. Pick another name, "
        "or ask the facilitator to release Bob's seat."
    )
    assert thief.you is None


# --- item 4: the same browser comes back to the same seat after a restart ---------------
async def test_after_a_restart_each_browser_is_back_in_its_seat_and_names_stay_taken(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    store.create(make_session())
    first = await open_room(Hub(store, store.load("s1"), clock=FakeClock()))
    bob = await first.browser("bob-browser")
    await bob.join("Bob")
    await first.fac.send(c.GoToPhase(phase="write"))
    await bob.send(c.AddCard(column="good", text="mine"))
    pid = bob.you
    await first.close()

    again = await open_room(Hub(store, store.load("s1"), clock=FakeClock()))
    try:
        back = await again.browser("bob-browser")
        assert back.you == pid
        view = await back.next_view()
        assert view.you == pid and view.session.cards[0].text == "mine"
        stranger = await again.browser("fresh-browser")
        with pytest.raises(Refused, match="already in this retro on another browser"):
            await stranger.join("Bob")
    finally:
        await again.close()


def test_the_file_keeps_a_hash_of_the_browser_never_the_identity(tmp_path: Path) -> None:
    session, pid = rules.join(
        make_session(), "Bob", Role.PARTICIPANT, make_session().created_at, seat=seat_of("x" * 22)
    )
    data = session_to_dict(session)
    assert "x" * 22 not in json.dumps(data)
    assert session_from_dict(data).participant(pid).seat == seat_of("x" * 22)  # type: ignore[union-attr]


def test_an_older_file_without_seats_loads_with_no_browser_bound() -> None:
    session, pid = rules.join(make_session(), "Bob", Role.PARTICIPANT, make_session().created_at)
    data = session_to_dict(session)
    del data["participants"][0]["seat"]
    del data["settings"]["joining_locked"]
    loaded = session_from_dict(data)
    assert loaded.participant(pid).seat == ""  # type: ignore[union-attr]
    assert not loaded.settings.joining_locked


async def test_no_view_carries_a_seats_hash(room: Room) -> None:
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    other = await room.browser("ann-browser")
    await other.join("Ann")
    line, _ = room.hub.wire_view(next(iter(room.hub.connections)))
    assert seat_of("bob-browser").encode() not in line
    assert seat_of("bob-browser") not in repr(room.fac.current_view())


# --- release, remove, lock --------------------------------------------------------------
async def test_a_released_seat_goes_to_the_next_browser_that_types_the_name(room: Room) -> None:
    old = await room.browser("old-laptop")
    await old.join("Bob")
    pid = old.you
    await room.fac.send(c.ReleaseSeat(participant=pid or ""))
    view = await old.next_view()
    while view.you:
        view = await old.next_view()
    new = await room.browser("new-laptop")
    assert await new.join("bob") == pid
    again = await room.browser("old-laptop")
    assert again.you is None


async def test_a_removed_person_loses_seat_and_votes_keeps_cards_and_goes_back_to_join(
    room: Room,
) -> None:
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    await room.fac.send(c.GoToPhase(phase="write"))
    await bob.send(c.AddCard(column="good", text="a card"))
    await room.fac.send(c.NextPhase())
    await room.fac.send(c.NextPhase())
    await bob.send(c.CastVote(target=room.hub.session.cards[0].id))
    await room.fac.send(c.RemoveParticipant(participant=bob.you or ""))
    session = room.hub.session
    assert [p.name for p in session.participants] == ["Fran"]
    assert session.votes == ()
    assert [card.text for card in session.cards] == ["a card"]
    await wait_until(
        lambda: all(
            conn.pid is None for conn in room.hub.connections if conn.identity == "bob-browser"
        )
    )
    with pytest.raises(Refused, match="Join the session"):
        await bob.send(c.MarkDone())


async def test_participants_cannot_release_remove_or_lock(room: Room) -> None:
    ann = await room.browser("ann-browser")
    await ann.join("Ann")
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    for command in (
        c.ReleaseSeat(participant=bob.you or ""),
        c.RemoveParticipant(participant=bob.you or ""),
        c.RemoveParticipants(participants=bob.you or ""),
        c.LockJoining(locked=True),
    ):
        with pytest.raises(Refused, match="Only the facilitator"):
            await ann.send(command)


async def test_many_seats_go_in_one_change_and_the_facilitators_seat_never(room: Room) -> None:
    people = []
    for name in ("Ann", "Bob", "Cid"):
        person = await room.browser(f"{name}-browser")
        await person.join(name)
        people.append(person.you or "")
    chair = room.fac.you or ""
    with pytest.raises(Refused, match="facilitator link"):
        await room.fac.send(c.RemoveParticipants(participants=f"{people[0]},{chair}"))
    revision = room.hub.session.revision
    await room.fac.send(c.RemoveParticipants(participants=f"{people[0]},{people[1]},gone,"))
    assert room.hub.session.revision == revision + 1
    assert [p.name for p in room.hub.session.participants] == ["Fran", "Cid"]


async def test_locked_joining_refuses_new_seats_but_lets_seats_come_back(room: Room) -> None:
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    await room.fac.send(c.LockJoining(locked=True))
    newcomer = await room.browser("new-browser")
    with pytest.raises(Refused, match="locked joining"):
        await newcomer.join("Zoe")
    await bob.close()
    back = await room.browser("bob-browser")
    assert back.you is not None
    await room.fac.send(c.LockJoining(locked=False))
    assert await newcomer.join("Zoe")


# --- item 13: ghost seats and look-alike names -----------------------------------------
@pytest.mark.parametrize("name", ["Воb", "𝐁ob", "BOB", "B\u200bob", "Ｂｏｂ"])
async def test_look_alikes_of_a_present_name_are_refused(room: Room, name: str) -> None:
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    twin = await room.browser("twin-browser")
    with pytest.raises(Refused, match="Bob is already in this retro"):
        await twin.join(name)


@pytest.mark.parametrize("name", ["Fran (facilitator)", "Zed [host]", "(admin)", "Ann (Moderator)"])
async def test_role_words_in_brackets_are_refused(room: Room, name: str) -> None:
    someone = await room.browser("some-browser")
    with pytest.raises(Refused, match="cannot say who runs the retro"):
        await someone.join(name)


async def test_seats_are_bounded_and_the_refusal_says_what_to_do() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock(), max_online=3)
    opened = await open_room(hub)
    try:
        for i in range(6):  # two seats per place online: people who left can come back
            ghost = await opened.browser(f"ghost-{i}")
            await ghost.join(f"Ghost {i}")
            await ghost.close()
        late = await opened.browser("late-browser")
        with pytest.raises(Refused, match=r"no more seats \(6\)\. Ask the facilitator to remove"):
            await late.join("Late")
        await opened.fac.send(c.RemoveParticipant(participant=hub.session.participants[1].id))
        assert await late.join("Late")
    finally:
        await opened.close()


# --- item 9: a card quota per person ----------------------------------------------------
async def test_one_person_cannot_write_more_than_the_quota_and_is_told_the_number(
    room: Room,
) -> None:
    ann = LocalClient(room.hub, "ann-browser", Role.PARTICIPANT)  # no socket rate limit
    await ann.join("Ann")
    await room.fac.send(c.GoToPhase(phase="write"))
    for i in range(rules.CARDS_PER_PERSON):
        await ann.send(c.AddCard(column="good", text=f"card {i}"))
    with pytest.raises(Refused) as refused:
        await ann.send(c.AddCard(column="good", text="one more"))
    assert refused.value.reason == (
        f"You have written {rules.CARDS_PER_PERSON} cards, "
        "the most one person can add in this retro."
    )
    bob = await room.browser("bob-browser")
    await bob.join("Bob")
    await bob.send(c.AddCard(column="good", text="Bob can still write"))

"""Faults: a host killed mid-storm, participants that vanish or stop reading, a disk that
fails, a second host, old and new session files. Nothing acknowledged is ever lost.

Acknowledgements are recorded on the client side: an `ack` means "durable", so every
acknowledged change must be in the file after a SIGKILL, whatever the timing.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from retro_tui.client import LocalClient, SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.model import Card, Role, Session
from retro_tui.domain.views import BoardView, view_for
from retro_tui.export import session_markdown
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import encode
from retro_tui.hub.server import HubServer
from retro_tui.store import SessionStore, file_format, files
from tests.support.clock import FakeClock
from tests.support.faults import (
    FAULT_SUPPORT,
    NOW,
    Host,
    RawClient,
    build_session,
    short_socket_dir,
    wait_until,
)
from tests.support.hub import MemoryStore, make_session

SEED = int(os.environ.get("RETRO_FAULT_SEED", random.randrange(2**32)))


def host_for(tmp_path: Path, session: Session) -> Host:
    sessions = tmp_path / "sessions"
    SessionStore(sessions).create(session)
    return Host(sessions, session.id, short_socket_dir() / "hub.sock", tmp_path / "host.log")


def on_disk(host: Host) -> Session:
    """The session as the file holds it; loading it proves the file is whole."""
    return SessionStore(host.sessions).load(host.session_id)


def temp_files(host: Host) -> list[str]:
    return sorted(p.name for p in host.sessions.iterdir() if p.name.endswith(".tmp"))


# --- 1. SIGKILL the host in the middle of a storm ------------------------------------------
@pytest.mark.slow
async def test_sigkill_in_a_vote_storm_loses_no_acknowledged_vote(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    budget, cap = 5, 2
    built = build_session("storm", people=3, cards_each=2, phase="vote", votes=budget, cap=cap)
    targets = [card.id for card in built.session.cards]
    host = host_for(tmp_path, built.session)
    acked: Counter[tuple[str, str]] = Counter()
    joined: dict[str, str] = {}
    for round_no in range(4):
        await host.start()
        clients = [await RawClient.connect(host.socket, f"r{round_no}-id-{i}") for i in range(12)]
        for i, client in enumerate(clients):
            joined[await client.join(f"R{round_no}-{i}")] = f"R{round_no}-{i}"

        async def vote(client: RawClient, target: str) -> None:
            if await client.send(c.CastVote(target=target)) is None:
                assert client.you is not None
                acked[client.you, target] += 1

        storm = [
            asyncio.ensure_future(vote(client, rng.choice(targets)))
            for client in clients
            for _ in range(8)
        ]
        await asyncio.sleep(rng.uniform(0.0, 0.25))  # fault injection, not synchronisation
        await host.kill()
        await asyncio.gather(*storm, return_exceptions=True)
        for client in clients:
            await client.close()

        disk = on_disk(host)
        where = f"(round {round_no}, RETRO_FAULT_SEED={SEED})"
        names = {p.id: p.name for p in disk.participants}
        assert all(names.get(pid) == name for pid, name in joined.items()), where
        counted = Counter((v.voter, v.target) for v in disk.votes)
        for key, n in acked.items():
            assert counted[key] >= n, f"acknowledged vote {key} lost {where}"
        per_voter = Counter(v.voter for v in disk.votes)
        assert max(per_voter.values(), default=0) <= budget, where
        assert max(counted.values(), default=0) <= cap, where
    assert sum(acked.values()) > 0
    await host.start()  # the next host takes the lock and clears a killed write's temp file
    assert temp_files(host) == []
    assert await host.stop() == 0


def _edit_mark(text: str) -> tuple[int, int]:
    """(round, n) of an edit written by the burst; the seed text is (-1, -1)."""
    found = re.match(r"r(\d+) P\d+ edit (\d+)", text)
    return (int(found[1]), int(found[2])) if found else (-1, -1)


@pytest.mark.slow
async def test_sigkill_in_a_burst_of_card_adds_and_edits_loses_nothing_acknowledged(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED + 1)
    built = build_session("burst", people=10, cards_each=1, phase="write")
    host = host_for(tmp_path, built.session)
    added: dict[str, str] = {}  # acknowledged card text -> author
    last_edit: dict[str, tuple[int, int]] = {}  # seed card id -> newest acknowledged edit
    for round_no in range(3):
        await host.start()
        clients = {}
        for name in built.people:
            client = await RawClient.connect(host.socket, f"{name}-browser")
            # Round 0 binds the seat to the browser; after each kill, that browser is back.
            assert await client.join(name) == built.people[name]
            clients[name] = client

        async def burst(name: str, client: RawClient, round_no: int = round_no) -> None:
            seed = built.seeds[name]
            for n in range(19):  # 39 messages with the join: within the hub's burst allowance
                text = f"r{round_no} {name} add {n}"
                if await client.send(c.AddCard(column="good", text=text)) is None:
                    added[text] = built.people[name]
                edit = f"r{round_no} {name} edit {n:03d}"
                if await client.send(c.EditCard(card=seed, text=edit)) is None:
                    last_edit[seed] = (round_no, n)

        storm = [asyncio.ensure_future(burst(n, cl)) for n, cl in clients.items()]
        await asyncio.sleep(rng.uniform(0.02, 0.4))  # fault injection, not synchronisation
        await host.kill()
        await asyncio.gather(*storm, return_exceptions=True)
        for client in clients.values():
            await client.close()

        disk = on_disk(host)
        where = f"(round {round_no}, RETRO_FAULT_SEED={SEED})"
        authors = {card.text: card.author for card in disk.cards}
        for text, author in added.items():
            assert authors.get(text) == author, f"acknowledged card {text!r} lost {where}"
        for seed, mark in last_edit.items():
            card = disk.card(seed)
            assert card is not None and _edit_mark(card.text) >= mark, where
        ids = [card.id for card in disk.cards]
        assert len(ids) == len(set(ids)), where
        assert {card.author for card in disk.cards} <= {p.id for p in disk.participants}
    assert added and last_edit
    await host.start()
    assert temp_files(host) == []
    assert await host.stop() == 0


# --- 2. a participant process killed ---------------------------------------------------------
async def _ask(process: asyncio.subprocess.Process, command: c.Command) -> str:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(command.to_wire()).encode() + b"\n")
    await process.stdin.drain()
    async with asyncio.timeout(10):
        return (await process.stdout.readline()).decode().strip()


async def _view_at(client: SocketClient, hub: Hub) -> BoardView:
    """Follow the client's views until it has caught up with the hub."""
    async with asyncio.timeout(10):
        while True:
            view = await client.next_view()
            truth = view_for(hub.session, client.you)
            same = view.session.with_changes(revision=0) == truth.with_changes(revision=0)
            if same and view.online == hub.online():
                return view


async def test_a_killed_participant_goes_offline_and_comes_back_as_itself() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    server = HubServer(hub, short_socket_dir() / "hub.sock")
    await server.start()
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    bea = await SocketClient.connect(server.path, "bea-browser", Role.PARTICIPANT)
    await bea.join("Bea")
    await fac.send(c.GoToPhase(phase="write"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(FAULT_SUPPORT),
        "participant",
        str(server.path),
        "ann-browser",
        "Ann",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            ann = (await process.stdout.readline()).decode().split()[1]
        assert await _ask(process, c.AddCard(column="good", text="Ann's card")) == "ack"
        card = hub.session.cards[0].id
        await fac.send(c.NextPhase())
        await fac.send(c.NextPhase())
        assert await _ask(process, c.CastVote(target=card)) == "ack"
        assert ann in hub.online()
    finally:
        process.kill()  # no goodbye
        await process.wait()

    await wait_until(lambda: ann not in hub.online())
    await bea.send(c.CastVote(target=card))  # the others carry on
    assert ann not in (await _view_at(bea, hub)).online
    assert ann not in fac.current_view().online

    again = await SocketClient.connect(server.path, "ann-browser", Role.PARTICIPANT)
    assert again.you == ann  # the same browser identity gets the same participant
    assert ann in hub.online()
    mine = (await _view_at(again, hub)).session
    assert [(x.text, x.author) for x in mine.cards] == [("Ann's card", ann)]
    assert [v.target for v in mine.votes if v.voter == ann] == [card]
    await again.send(c.RetractVote(target=card))  # and acts as Ann
    assert hub.session.votes_of(ann) == ()
    assert [p.name for p in hub.session.participants].count("Ann") == 1
    await again.close()
    await bea.close()
    await server.stop()


async def test_a_connection_cut_mid_command_leaves_the_others_unharmed() -> None:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    server = HubServer(hub, short_socket_dir() / "hub.sock")
    await server.start()
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    await fac.send(c.GoToPhase(phase="write"))
    _reader, writer = await asyncio.open_unix_connection(str(server.path))
    writer.write(encode({"t": "hello", "identity": "cut", "role": "participant"}))
    writer.write(encode({"t": "join", "name": "Cut"}))
    for i in range(20):
        wire = c.AddCard(column="good", text=f"cut {i}").to_wire()
        writer.write(encode({"t": "cmd", "id": i, "cmd": wire}))
    await writer.drain()
    await wait_until(lambda: len(hub.session.cards) > 0)
    writer.transport.abort()  # gone mid-stream, without "bye"
    cut = next(p.id for p in hub.session.participants if p.name == "Cut")
    await wait_until(lambda: cut not in hub.online())
    await fac.send(c.AddCard(column="bad", text="still here"))
    assert hub.session.cards[-1].text == "still here"
    assert {x.author for x in hub.session.cards} <= {cut, fac.you}
    await server.stop()


# --- 3. a frozen reader ----------------------------------------------------------------------
@pytest.mark.slow
async def test_a_frozen_reader_neither_slows_the_others_nor_grows_the_hub(
    tmp_path: Path,
) -> None:
    """1,152 changes, each seen by everyone, in two lanes of one change at a time (so
    nearly every change is its own save and its own view), while a participant whose
    own view is ~100 KB (its private cards) has stopped reading."""
    editors_n, lanes, each = 16, 2, 72
    built = build_session("frozen", people=editors_n)
    session, frozen_id = rules.join(built.session, "Frozen", Role.PARTICIPANT, NOW)
    # More cards than one person may now add: a session file from before the card quota.
    for n in range(170):
        text = f"frozen card {n} ".ljust(500, "z")
        card = Card(id=f"f{n}", column="good", author=frozen_id, text=text, created_at=NOW)
        session = session.with_changes(cards=(*session.cards, card))
    host = host_for(tmp_path, session)
    await host.start()
    try:
        _reader, frozen = await asyncio.open_unix_connection(str(host.socket))
        frozen.write(encode({"t": "hello", "identity": "frozen", "role": "participant"}))
        frozen.write(encode({"t": "join", "name": "Frozen"}))
        await frozen.drain()  # and it never reads again
        editors = {}
        for name in built.people:
            editors[name] = await RawClient.connect(host.socket, f"{name}-browser")
            await editors[name].join(name)
        names = list(editors)

        async def lane(mine: list[str], start: int, stop: int) -> None:
            for n in range(start, stop):
                for name in mine:  # a name, changed and changed back: every screen shows it
                    new_name = f"{name}+" if n % 2 == 0 else name
                    assert await editors[name].send(c.Rename(new_name=new_name)) is None

        async def changes(start: int, stop: int) -> None:
            async with asyncio.timeout(120):
                await asyncio.gather(*(lane(names[i::lanes], start, stop) for i in range(lanes)))

        await changes(0, 8)  # warm up: caches, buffers, the frozen socket filled
        before = psutil.Process(host.pid).memory_info().rss
        await changes(8, each)
        after = psutil.Process(host.pid).memory_info().rss
        grown = (after - before) >> 20
        assert after - before < 25 * 1024 * 1024, f"the hub grew by {grown} MB"

        def sees_the_newest_board(editor: RawClient) -> Callable[[], bool]:
            return lambda: b'+"' not in editor.last_view

        for editor in editors.values():  # everyone else sees the newest board
            await wait_until(sees_the_newest_board(editor))
        assert not any(p.name.endswith("+") for p in on_disk(host).participants)
        for editor in editors.values():
            await editor.close()
        frozen.close()
    finally:
        await host.kill()


# --- 4. the disk fails under the hub -----------------------------------------------------------
@pytest.mark.parametrize(
    ("where", "code", "words"),
    [
        ("_sync_data", errno.ENOSPC, "the disk is full"),
        ("replace", errno.EROFS, "the file system is read-only"),
    ],
    ids=["disk-full", "read-only"],
)
async def test_a_failing_disk_keeps_changes_in_memory_and_acks_wait_until_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: int, words: str
) -> None:
    folder = tmp_path / "sessions"
    built = build_session("disk", people=1, phase="group")  # cards show in the notes
    SessionStore(folder).create(built.session)
    store = SessionStore(folder)
    hub = Hub(store, store.load("disk"), clock=FakeClock())
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    ann = LocalClient(hub, "ann", Role.PARTICIPANT)
    await ann.join("P0")

    failing = True
    target = files if where == "_sync_data" else os
    real = getattr(target, where)

    def broken(*args: object) -> object:
        if failing:
            raise OSError(code, os.strerror(code))
        return real(*args)

    monkeypatch.setattr(target, where, broken)
    texts = ["written while the disk fails", "and another one"]
    sends = [
        asyncio.ensure_future(ann.send(c.Rename(new_name="Ann Renamed"))),
        asyncio.ensure_future(fac.send(c.AddCard(column="good", text=texts[0]))),
        asyncio.ensure_future(fac.send(c.AddCard(column="bad", text=texts[1]))),
    ]
    await wait_until(lambda: bool(hub.problem))
    problem = fac.current_view().problem
    assert words in problem and "disk.json" in problem and "kept in memory" in problem
    assert "\n" not in problem
    assert ann.current_view().problem == ""  # participants are not alarmed
    await asyncio.sleep(0.3)  # let the hub retry a few times while the disk still fails
    assert not any(send.done() for send in sends), "acknowledged before it was durable"
    assert [x.text for x in hub.session.cards][-2:] == texts  # kept in memory
    assert SessionStore(folder).load("disk").revision < hub.session.revision

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.md").write_text(session_markdown(hub.session), encoding="utf-8")
    notes = (elsewhere / "notes.md").read_text()
    assert all(text in notes for text in [*texts, "Ann Renamed"])

    failing = False
    await asyncio.wait_for(asyncio.gather(*sends), timeout=15)
    assert hub.problem == "" and fac.current_view().problem == ""
    reloaded = SessionStore(folder).load("disk")
    assert reloaded.revision == hub.session.revision
    assert [x.text for x in reloaded.cards][-2:] == texts
    assert reloaded.participant(ann.you or "").name == "Ann Renamed"  # type: ignore[union-attr]


# --- 5. two hosts on one session ---------------------------------------------------------------
@pytest.mark.slow
async def test_a_second_host_on_the_same_session_is_refused_in_one_line(tmp_path: Path) -> None:
    first = host_for(tmp_path, build_session("twice").session)
    await first.start()
    try:
        before = (first.sessions / "twice.json").read_bytes()
        second = await asyncio.create_subprocess_exec(
            *first.command,  # same session, same folder, even the same socket path
            env=first.env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(30):
            out, err = await second.communicate()
        assert second.returncode not in (0, None)
        assert out == b""
        lines = err.decode().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("retro-tui: session twice is already open")
        assert f"pid {first.pid}" in lines[0]
        assert (first.sessions / "twice.json").read_bytes() == before
        client = await RawClient.connect(first.socket, "still-served")  # the first carries on
        await client.join("Sam")
        await client.close()
    finally:
        await first.kill()


# --- 6. session files from older and newer versions -------------------------------------------
async def test_an_older_session_file_is_migrated_under_the_hub_and_the_original_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sessions"
    SessionStore(folder).create(build_session("old").session)
    original = (folder / "old.json").read_bytes()

    def to_next(doc: dict[str, object]) -> dict[str, object]:
        return {**doc, "title": f"{doc['title']} (v2)"}

    now, after = file_format.SCHEMA_VERSION, file_format.SCHEMA_VERSION + 1
    monkeypatch.setattr(file_format, "SCHEMA_VERSION", after)
    monkeypatch.setattr(file_format, "MIGRATIONS", {**file_format.MIGRATIONS, now: to_next})
    store = SessionStore(folder)
    hub = Hub(store, store.load("old"), clock=FakeClock())
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    await fac.send(c.AddCard(column="good", text="after the migration"))
    assert (folder / f"old.schema{now}.bak").read_bytes() == original
    assert json.loads((folder / "old.json").read_text())["meta"]["1"]["schema"] == after
    again = SessionStore(folder).load("old")
    assert again.title == "Fault drill (v2)"
    assert again.cards[-1].text == "after the migration"


@pytest.mark.slow
async def test_a_newer_session_file_is_refused_by_the_host_and_left_alone(tmp_path: Path) -> None:
    host = host_for(tmp_path, build_session("future").session)
    path = host.sessions / "future.json"
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = 99
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    process = await asyncio.create_subprocess_exec(
        *host.command,
        env=host.env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(30):
        _, err = await process.communicate()
    assert process.returncode not in (0, None)
    lines = err.decode().splitlines()
    assert len(lines) == 1, err
    assert "made by a newer retro-tui (schema 99)" in lines[0] and "Upgrade" in lines[0]
    assert path.read_bytes() == before
    assert not [p.name for p in host.sessions.iterdir() if p.suffix in (".bak", ".tmp")]

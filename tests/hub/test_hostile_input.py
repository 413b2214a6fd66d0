"""Hostile input at the hub: fuzzed protocol bytes, and text built to attack a terminal.

The protocol: whatever a client sends, it is answered or told why and disconnected, and a
bystander keeps working. (Bad first messages, bad later messages and flooding are in
test_hub_socket.py; this file adds fuzzing and the cases those do not cover.)

Text: every field a person can type goes through the hub's wire; no view any client
receives may hold an ESC, C0 (but newline) or C1 character, a lone surrogate or a bidi
override, and the Markdown export shows it all literally.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retro_tui.client import LocalClient, SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role, Session
from retro_tui.domain.serial import session_to_dict
from retro_tui.domain.views import BoardView, view_for
from retro_tui.export import session_markdown
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import MAX_LINE
from retro_tui.hub.server import HubServer
from retro_tui.themes import FormatError, parse_format
from tests.support.clock import FakeClock
from tests.support.faults import CONTROL, short_socket_dir, wait_until
from tests.support.hub import NOW, MemoryStore, make_session

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
FORBIDDEN = set(CONTROL) | set(BIDI)


@dataclass
class Served:
    hub: Hub
    server: HubServer
    fac: LocalClient


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    server = HubServer(hub, short_socket_dir() / "hub.sock")
    await server.start()
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    yield Served(hub, server, fac)
    await server.stop()


async def _hang_up_reason(reader: asyncio.StreamReader) -> tuple[list[dict[str, Any]], str]:
    """Read until the hub hangs up: every message it sent, and its error reason (or '')."""
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        while line := await reader.readline():
            messages.append(json.loads(line))  # the hub only ever sends JSON lines
    errors = [m for m in messages if m.get("t") == "error"]
    assert errors in ([], messages[-1:]), "an error is the hub's last word"
    return messages, str(errors[0]["reason"]) if errors else ""


async def _bystander_still_served(served: Served, name: str) -> None:
    """A well-behaved client joins, writes and is acknowledged; the offender is gone."""
    bystander = await SocketClient.connect(served.server.path, f"{name}-browser", Role.PARTICIPANT)
    await bystander.join(name)
    await bystander.send(c.Rename(new_name=f"{name} still here"))
    await bystander.close()
    await wait_until(lambda: len(served.hub.connections) == 1)  # only the facilitator


# --- protocol fuzzing --------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
hello = b'{"t":"hello","identity":"fuzz","role":"participant"}\n'
messages = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode() + b"\n"),
    st.fixed_dictionaries(
        {"t": st.sampled_from(["hello", "join", "cmd", "bye", "view", "ack"]) | st.text()},
        optional={"id": json_values, "name": json_values, "cmd": json_values},
    ).map(lambda v: json.dumps(v).encode() + b"\n"),
)
streams = st.tuples(st.booleans(), st.lists(messages, max_size=6)).map(
    lambda t: (hello if t[0] else b"") + b"".join(t[1])
)


@pytest.mark.slow
def test_fuzzed_byte_streams_end_in_an_answer_and_never_hurt_a_bystander() -> None:
    loop = asyncio.new_event_loop()
    # Every example seats a new bystander: room for all of them.
    hub = Hub(MemoryStore(), make_session(), clock=FakeClock(), max_online=200)
    server = HubServer(hub, short_socket_dir() / "hub.sock")

    async def setup() -> Served:
        await server.start()
        fac = LocalClient(hub, "fac", Role.FACILITATOR)
        await fac.join("Fay")
        await fac.send(c.GoToPhase(phase="write"))
        return Served(hub, server, fac)

    served = loop.run_until_complete(setup())
    counter = iter(range(10**6))

    async def offend(stream: bytes) -> None:
        reader, writer = await asyncio.open_unix_connection(str(server.path), limit=2**26)
        writer.write(stream)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
            writer.write_eof()  # then the hub must finish with this client
        await _hang_up_reason(reader)
        writer.close()
        await _bystander_still_served(served, f"B{next(counter)}")

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(stream=streams)
    def check(stream: bytes) -> None:
        loop.run_until_complete(offend(stream))

    try:
        check()
        # Whatever was sent, every participant's name is clean text.
        names = "".join(p.name for p in hub.session.participants)
        assert not set(names) & FORBIDDEN
    finally:
        loop.run_until_complete(server.stop())
        loop.close()


DEEP = 100_000
OFFENDERS = {
    "truncated-json": (hello + b'{"t":"join","na\n', "not valid JSON"),
    "cut-off-at-eof": (hello + b'{"t":"join","name":"Cu', "cut off"),
    "oversized-after-hello": (
        hello + b'{"t":"join","name":"' + b"x" * MAX_LINE,
        "longer than",
    ),
    "id-is-bool": (hello + b'{"t":"cmd","id":true,"cmd":{"name":"mark_done"}}\n', "integer id"),
    "id-is-float": (hello + b'{"t":"cmd","id":1.5,"cmd":{"name":"mark_done"}}\n', "integer id"),
    "id-is-null": (hello + b'{"t":"cmd","id":null,"cmd":{}}\n', "integer id"),
    "id-is-list": (hello + b'{"t":"cmd","id":[1],"cmd":{}}\n', "integer id"),
    "hello-twice": (hello + hello, "unknown message type 'hello'"),
    "type-not-text": (hello + b'{"t":5}\n', "type 't'"),
    "nul-line": (hello + b"\x00\n", "not valid JSON"),
    "deep-nesting": (
        hello + b'{"t":"cmd","id":1,"cmd":' + b"[" * DEEP + b"]" * DEEP + b"}\n",
        "not valid JSON",
    ),
    "huge-number": (hello + b'{"t":"cmd","id":' + b"9" * 5000 + b',"cmd":{}}\n', "not valid JSON"),
    "identity-not-text": (b'{"t":"hello","identity":["x"],"role":"participant"}\n', "identity"),
    "identity-too-long": (
        b'{"t":"hello","identity":"' + b"i" * 129 + b'","role":"participant"}\n',
        "identity",
    ),
    "invalid-utf8-name": (hello + b'{"t":"join","name":"\xff\xfe\xc3"}\n', "not valid JSON"),
}


@pytest.mark.parametrize("case", OFFENDERS, ids=list(OFFENDERS))
async def test_an_offender_is_told_why_and_disconnected(served: Served, case: str) -> None:
    stream, reason = OFFENDERS[case]
    await served.fac.send(c.GoToPhase(phase="write"))
    reader, writer = await asyncio.open_unix_connection(str(served.server.path), limit=2**26)
    writer.write(stream)
    with contextlib.suppress(ConnectionError):
        await writer.drain()
        writer.write_eof()
    _, said = await _hang_up_reason(reader)
    assert reason in said
    writer.close()
    await _bystander_still_served(served, "Bea")
    assert [p.name for p in served.hub.session.participants] == ["Fay", "Bea still here"]


async def test_out_of_order_and_repeated_messages_are_answered_not_fatal(served: Served) -> None:
    reader, writer = await asyncio.open_unix_connection(str(served.server.path))

    async def say(message: dict[str, Any]) -> dict[str, Any]:
        writer.write(json.dumps(message).encode() + b"\n")
        await writer.drain()
        async with asyncio.timeout(5):
            while True:
                answer = json.loads(await reader.readline())
                if answer["t"] != "view":
                    return dict(answer)

    writer.write(hello)
    assert json.loads(await reader.readline()) == {"t": "welcome", "you": None}
    early = await say({"t": "cmd", "id": 1, "cmd": {"name": "mark_done"}})
    assert early == {"t": "nack", "id": 1, "reason": "Join the session with a name first."}
    first = await say({"t": "join", "name": "Twice"})
    second = await say({"t": "join", "name": "Someone Else"})
    assert first["t"] == second["t"] == "joined" and first["you"] == second["you"]
    assert [p.name for p in served.hub.session.participants] == ["Fay", "Twice"]
    nan = await say({"t": "cmd", "id": 2, "cmd": {"name": "timer_start", "minutes": float("nan")}})
    assert nan["t"] == "nack"
    assert (await say({"t": "cmd", "id": 3, "cmd": None}))["t"] == "nack"
    writer.close()
    await _bystander_still_served(served, "Bea")


# --- text attacks ------------------------------------------------------------------------
ATTACKS = {
    "rich-markup": "[bold red]boom[/] [link=https://evil.example]x[/link] [/]",
    "ansi-csi": "\x1b[31mred\x1b[0m\x1b[2J\x1b[H\x1b[6n",
    "osc-52-clipboard": "copy \x1b]52;c;cm0gLXJmIH4=\x07 me",
    "osc-0-title": "\x1b]0;you have been pwned\x1b\\ title",
    "c0-controls": "bell\x07 back\x08space nul\x00 del\x7f",
    "c1-controls": "csi\x9b31m osc\x9d0;t\x9c nel\x85",
    "zero-width": "zero\u200bwidth\u200d joiner\ufeff",
    "right-to-left": "invoice \u202egnp.exe\u202c and \u2066isolate\u2069",
    "line-breaks": "one\r\ntwo\rthree\u2028four",
    "lone-surrogate": "broken \ud800 half",
}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _unsafe_in(session: Session) -> list[str]:
    """Every string of the session that holds a character a terminal could obey."""
    return [
        text
        for text in _strings(session_to_dict(session))
        if set(text) & FORBIDDEN or any("\ud800" <= ch <= "\udfff" for ch in text)
    ]


class Wire:
    """A raw client that sends JSON with \\u escapes (so lone surrogates travel too)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.ids = iter(range(1, 10**6))
        self.raw = bytearray()

    @classmethod
    async def connect(cls, path: Path, identity: str, role: str, name: str) -> Wire:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=2**26)
        wire = cls(reader, writer)
        await wire.say({"t": "hello", "identity": identity, "role": role}, until="welcome")
        joined = await wire.say({"t": "join", "name": name}, until="joined")
        assert joined["t"] == "joined", joined
        return wire

    async def say(self, message: dict[str, Any], until: str) -> dict[str, Any]:
        self.writer.write(json.dumps(message).encode() + b"\n")
        await self.writer.drain()
        async with asyncio.timeout(10):
            while True:
                line = await self.reader.readline()
                self.raw += line
                answer = json.loads(line)
                if answer["t"] in (until, "nack", "join_refused", "error"):
                    return dict(answer)

    async def command(self, command: c.Command) -> str:
        """Send a command; return '' when acknowledged, else the refusal."""
        answer = await self.say({"t": "cmd", "id": next(self.ids), "cmd": command.to_wire()}, "ack")
        assert answer["t"] in ("ack", "nack"), answer
        return "" if answer["t"] == "ack" else str(answer["reason"])


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
async def test_attack_text_in_every_field_never_reaches_a_screen(
    served: Served, attack: str
) -> None:
    text = ATTACKS[attack]
    hub, fac = served.hub, served.fac
    path = served.server.path
    victim = await SocketClient.connect(path, "victim-browser", Role.PARTICIPANT)
    await victim.join("Victim")
    received: list[BoardView] = []

    async def watch() -> None:
        with contextlib.suppress(ConnectionError):
            while True:
                received.append(await victim.next_view())

    watching = asyncio.ensure_future(watch())
    mallory = await Wire.connect(path, "mallory-browser", "participant", text[:30] + "M")
    boss = await Wire.connect(path, "boss-browser", "facilitator", "Boss " + text[:30])
    refusals = [await mallory.command(c.CheckIn(word=text[:40], mood=3))]
    await fac.send(c.GoToPhase(phase="write"))
    refusals.append(await mallory.command(c.AddCard(column="good", text=text)))
    refusals.append(await mallory.command(c.AddCard(column="bad", text="plain " + text)))
    first = hub.session.cards[0].id
    refusals.append(await mallory.command(c.EditCard(card=first, text=text + " edited")))
    await victim.send(c.AddCard(column="good", text="the victim's card"))
    await fac.send(c.NextPhase())
    cards = [card.id for card in hub.session.cards]
    assert not await boss.command(c.Merge(source=cards[1], target=cards[2]))
    topic = hub.session.topics[0].id
    refusals.append(await boss.command(c.TitleTopic(topic=topic, title=text)))
    await fac.send(c.NextPhase())
    await fac.send(c.NextPhase())
    refusals.append(await boss.command(c.SetNotes(target=topic, text=text + "\n" + text)))
    refusals.append(
        await boss.command(
            c.AddAction(text=text, owner=text[:60], due="2026-12-01", metric=text, source=topic)
        )
    )
    action = hub.session.actions[0].id
    refusals.append(await boss.command(c.EditAction(action=action, owner=text[:50], metric=text)))
    refusals.append(await mallory.command(c.Rename(new_name=text[:35] + "R")))
    await wait_until(
        lambda: bool(received) and received[-1].session == view_for(hub.session, victim.you)
    )
    watching.cancel()

    assert all(reason == "" or reason.endswith(".") for reason in refusals), refusals
    assert any(card.text.startswith("plain") for card in hub.session.cards)
    for view in received:
        assert not _unsafe_in(view.session), _unsafe_in(view.session)
    for viewer in (mallory, boss):
        assert b"\x1b" not in viewer.raw and b"\\u001b" not in viewer.raw
    assert not _unsafe_in(hub.session)  # the stored truth, so every later view too
    notes = session_markdown(hub.session)
    assert not set(notes) & (FORBIDDEN - {"\n"})
    if attack == "rich-markup":
        assert "\\[bold red\\]boom\\[/\\]" in notes
    await victim.close()


TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("field", "command", "phase"),
    [
        ("A card", c.AddCard(column="good", text=TEN_MB), "write"),
        ("A check-in word", c.CheckIn(word=TEN_MB), "checkin"),
        ("A name", c.Rename(new_name=TEN_MB), "checkin"),
        ("Notes", c.SetNotes(target="c2", text=TEN_MB), "discuss"),
        ("An owner", c.AddAction(text="act", owner=TEN_MB), "actions"),
    ],
    ids=["card", "word", "name", "notes", "owner"],
)
async def test_a_ten_megabyte_field_is_refused_with_its_limit(
    served: Served, field: str, command: c.Command, phase: str
) -> None:
    hub, fac = served.hub, served.fac
    await fac.send(c.GoToPhase(phase="write"))
    await fac.send(c.AddCard(column="good", text="a lone card"))  # c2 (Fay is p1)
    for _ in range(20):
        if hub.session.phase.value == phase:
            break
        await fac.send(c.GoToPhase(phase=phase) if phase == "checkin" else c.NextPhase())
    before = hub.session
    with pytest.raises(
        Refused, match=rf"^{field} can be at most \d+ characters; this has 10485760\.$"
    ):
        await fac.send(command)
    assert hub.session == before
    await _bystander_still_served(served, "Bea")


async def test_a_ten_megabyte_line_is_cut_off_at_the_wire(served: Served) -> None:
    reader, writer = await asyncio.open_unix_connection(str(served.server.path))
    writer.write(hello + b'{"t":"join","name":"' + TEN_MB.encode() + b'"}\n')
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    _, said = await _hang_up_reason(reader)
    assert said == f"a message was longer than {MAX_LINE} bytes"
    writer.close()
    await _bystander_still_served(served, "Bea")


def test_session_title_and_team_are_made_safe() -> None:
    from tests.support.faults import fault_format

    for text in ATTACKS.values():
        session = rules.new_session(
            fault_format(), session_id="x", title=text[:100], team=text[:50], now=NOW
        )
        assert not _unsafe_in(session)


@pytest.mark.parametrize("attack", ["ansi-csi", "osc-52-clipboard", "c1-controls"])
def test_a_theme_file_cannot_smuggle_escapes_into_a_session(tmp_path: Path, attack: str) -> None:
    payload = json.dumps(ATTACKS[attack])  # a TOML basic string accepts JSON's escapes
    theme = tmp_path / "evil.toml"
    theme.write_text(
        f'name = "Evil"\ndescription = {payload}\n'
        f'[[columns]]\nkey = "a"\ntitle = "A"\nprompt = {payload}\n'
        f'[[columns]]\nkey = "b"\ntitle = "B"\nprompt = {payload}\n',
        encoding="utf-8",
    )
    try:
        fmt = parse_format(theme)
    except FormatError as error:
        assert not set(str(error)) & FORBIDDEN  # refused, and the message is one clean line
        return
    assert not set(fmt.name + fmt.description) & FORBIDDEN
    session = rules.new_session(fmt, session_id="x", title="t", team="t", now=NOW)
    assert not _unsafe_in(session)


# --- through real participant processes ---------------------------------------------------
class Recording:
    """A pyte byte stream that also keeps every byte the terminal received."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.raw = stream, bytearray()

    def feed(self, data: bytes) -> None:
        self.raw += data
        self.stream.feed(data)


@pytest.mark.slow
async def test_an_escape_sequence_in_a_card_never_reaches_another_terminal() -> None:
    from retro_tui.hosting import participant_command
    from retro_tui.tab_env import HUB_ENV
    from tests.support import serving
    from tests.support.termclient import TermClient

    hub = Hub(MemoryStore(), make_session(), clock=FakeClock())
    server = HubServer(hub, short_socket_dir() / "hub.sock")
    await server.start()
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    await fac.send(c.GoToPhase(phase="write"))
    payload = "\x1b]52;c;cm0gLXJmIH4=\x07"
    try:
        async with serving(
            command=participant_command(), extra_env={HUB_ENV: str(server.path)}
        ) as web:
            victim = TermClient(web.participant_url, width=120, height=40)
            attacker = TermClient(web.participant_url, width=120, height=40)
            recording = Recording(victim._stream)
            victim._stream = recording  # type: ignore[assignment]
            async with victim, attacker:
                for client, name in ((victim, "Victim"), (attacker, "Mallory")):
                    await client.wait_for_text("Your name", timeout=30)
                    await client.send_keys(name + "\r")
                await wait_until(lambda: len(hub.online()) == 3, timeout=30)
                # Typed into the real app: its terminal parser gets the escape first.
                await attacker.wait_for_text("Add card", timeout=15)
                await attacker.send_keys("a")
                await attacker.wait_for_text("500", timeout=15)
                for keys, shown in (("typed", "typed"), (" " + payload, "IH4="), (" card", "card")):
                    await attacker.send_keys(keys)
                    await attacker.wait_for_text(shown, timeout=15)
                await attacker.send_keys("\r")
                # Sent by a tampered app straight to the hub, escape and all.
                wire = await Wire.connect(server.path, "tampered", "participant", "Trudy")
                assert not await wire.command(c.AddCard(column="good", text="wired " + payload))
                await wait_until(lambda: len(hub.session.cards) == 2, timeout=15)
                await fac.send(c.NextPhase())  # reveal
                await victim.wait_for_text("wired", timeout=15)
                await victim.wait_for_text("typed", timeout=15)
    finally:
        await server.stop()
    assert b"\x1b]52" not in recording.raw
    assert b"cm0gLXJmIH4=" in recording.raw  # shown, as harmless text
    assert not _unsafe_in(hub.session)

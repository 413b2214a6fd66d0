"""Random command storms from many clients at a real hub: the rules always hold.

Hypothesis draws batches of commands, each command from one of a facilitator and three
participants; a batch is sent concurrently (interleaved at the hub). After every commit
and every batch, and in every view a client receives, the invariants are checked:
vote budgets and caps, one author per card for life, only the facilitator changes the
phase, nothing hidden leaks (unrevealed cards, votes before the count, authorship in
anonymous sessions), and at the end every client's last view is its view of the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retro_tui.client import HubClient, LocalClient, SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.views import BoardView, view_for
from retro_tui.hub.hub import Connection, Hub
from retro_tui.hub.server import HubServer
from tests.support.clock import FakeClock
from tests.support.faults import fault_format, short_socket_dir, wait_until
from tests.support.hub import NOW, MemoryStore

PEOPLE = 3  # participants, besides the facilitator (actor 0)

# Ids come from one counter: p1 is Fay; P1-P3 are p2, p5, p8, each followed by their two
# cards; what the storm creates (cards, topics, actions) numbers from 11 on.
ids = st.one_of(
    st.sampled_from(["c3", "c4", "c6", "c7", "c9", "c10"]),
    st.builds(lambda p, n: f"{p}{n}", st.sampled_from("ctap"), st.integers(11, 24)),
)
starts = st.sampled_from(["checkin", "write", "group", "vote", "discuss"])
texts = st.sampled_from(["idea", "[bold]x[/]", "a\nb", "  ", "same", "é" * 3])
phases = st.sampled_from([*(p.value for p in Phase), "nowhere"])

commands = st.one_of(
    st.just(c.NextPhase()),
    st.just(c.NextPhase()),
    st.just(c.PreviousPhase()),
    st.builds(c.GoToPhase, phase=phases),
    st.builds(c.AddCard, column=st.sampled_from(["good", "bad", "ugly"]), text=texts),
    st.builds(c.AddCard, column=st.just("good"), text=texts),
    st.builds(c.EditCard, card=ids, text=texts),
    st.builds(c.DeleteCard, card=ids),
    st.builds(c.MoveCard, card=ids, column=st.sampled_from(["good", "bad"])),
    st.builds(c.Merge, source=ids, target=ids),
    st.builds(c.Unmerge, card=ids),
    st.builds(c.TitleTopic, topic=ids, title=texts),
    st.builds(c.CastVote, target=ids),
    st.builds(c.CastVote, target=ids),
    st.builds(c.CastVote, target=ids),
    st.builds(c.Merge, source=ids, target=ids),
    st.builds(c.RetractVote, target=ids),
    st.builds(
        c.ChangeSettings,
        anonymous=st.none() | st.booleans(),
        votes_per_person=st.none() | st.integers(0, 4),
        max_votes_per_target=st.none() | st.integers(0, 3),
        participants_may_group=st.none() | st.booleans(),
    ),
    st.builds(c.MarkDone, done=st.booleans()),
    st.builds(c.CheckIn, word=texts, mood=st.none() | st.integers(0, 6)),
    st.builds(c.Rename, new_name=st.sampled_from(["Fay", "P1", "Zed", "zed"])),
    st.builds(c.Discuss, target=ids),
    st.builds(c.SetNotes, target=ids, text=texts),
    st.builds(c.AddAction, text=texts, owner=texts, source=st.none() | ids),
    st.builds(c.ActionFromTopic, target=ids),
    st.builds(c.EditAction, action=ids, metric=st.none() | texts),
    st.builds(c.DeleteAction, action=ids),
    st.builds(c.Roti, score=st.integers(0, 6)),
)
targets = st.sampled_from(["c3", "c4", "c6", "c7", "c9", "c10", "t11", "c99"])
vote_commands = st.one_of(
    *[st.builds(c.CastVote, target=targets)] * 6,
    st.builds(c.RetractVote, target=targets),
    st.builds(c.ChangeSettings, votes_per_person=st.none() | st.integers(1, 4)),
    st.builds(c.ChangeSettings, max_votes_per_target=st.none() | st.integers(1, 3)),
    st.just(c.NextPhase()),
    st.just(c.PreviousPhase()),
    st.builds(c.Merge, source=targets, target=targets),
)
vote_batches = st.lists(
    st.lists(st.tuples(st.integers(0, PEOPLE), vote_commands), min_size=4, max_size=12),
    min_size=2,
    max_size=15,
)
batches = st.lists(
    st.lists(st.tuples(st.integers(0, PEOPLE), commands), min_size=2, max_size=6),
    min_size=3,
    max_size=25,
)


@dataclass
class Watch:
    """Checks every commit as it happens (the hub calls listeners synchronously)."""

    hub: Hub
    actor: Connection | None = None
    command: c.Command | None = None
    previous: Session | None = None
    authors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __call__(self, session: Session) -> None:
        before, self.previous = self.previous, session
        actor, command = self.actor, self.command
        for card in session.cards:
            if self.authors.setdefault(card.id, card.author) != card.author:
                self.problems.append(f"card {card.id} changed author after {command}")
        if len({card.id for card in session.cards}) != len(session.cards):
            self.problems.append(f"duplicate card ids after {command}")
        people = {p.id for p in session.participants}
        if not {card.author for card in session.cards} <= people:
            self.problems.append(f"a card without a participant author after {command}")
        if before is None or actor is None:
            return
        if actor.role is Role.PARTICIPANT and session.phase is not before.phase:
            self.problems.append(f"participant {actor.pid} moved the phase with {command}")
        if actor.role is Role.PARTICIPANT and session.settings != before.settings:
            self.problems.append(f"participant {actor.pid} changed settings with {command}")
        if actor.role is Role.PARTICIPANT:
            now = {card.id: card for card in session.cards}
            for card in before.cards:
                after = now.get(card.id)
                touched = after is None or (after.text, after.column) != (card.text, card.column)
                if touched and card.author != actor.pid:
                    self.problems.append(f"{actor.pid} changed {card.id} of {card.author}")
        if isinstance(command, c.CastVote) and actor.pid is not None:
            mine = session.votes_of(actor.pid)
            if len(mine) > session.settings.votes_per_person:
                self.problems.append(f"{actor.pid} voted past the budget")
            cap = session.settings.max_votes_per_target
            if cap is not None and max(Counter(v.target for v in mine).values()) > cap:
                self.problems.append(f"{actor.pid} voted past the cap per topic")


class WatchedHub(Hub):
    """A hub that tells its watcher who sent the command being committed."""

    watch: Watch

    async def submit(self, conn: Connection, command: c.Command) -> None:
        # Nothing awaits between here and the listener call inside `_commit`.
        self.watch.actor, self.watch.command = conn, command
        await super().submit(conn, command)


def leaks(view: BoardView) -> list[str]:
    """What this view shows that its viewer may not see."""
    me, session, found = view.you, view.session, []
    anonymous = session.settings.anonymous
    for card in session.cards:
        if card.author not in ("", me):
            if not session.cards_revealed:
                found.append(f"{me} sees {card.id} before the reveal")
            if anonymous:
                found.append(f"{me} sees who wrote {card.id} in an anonymous session")
        if not session.cards_revealed and card.author != me and card.text:
            found.append(f"{me} reads {card.id} before the reveal")
    for vote in session.votes:
        if vote.voter not in ("", me) and (anonymous or not session.votes_revealed):
            found.append(f"{me} sees {vote.voter}'s vote")
        if vote.voter == "" and not session.votes_revealed:
            found.append(f"{me} sees someone's vote before the count")
    if anonymous and any(key.startswith("p") and key != me for key in session.roti):
        found.append(f"{me} sees who rated the retro")
    return found


async def storm(
    plan: list[list[tuple[int, c.Command]]], *, anonymous: bool, start: str, socket: bool
) -> None:
    session = _fresh(anonymous, start)
    hub = WatchedHub(MemoryStore(), session, clock=FakeClock())
    hub.watch = watch = Watch(hub, previous=session)
    hub.listeners.append(watch)
    server = None
    clients: list[HubClient] = []
    try:
        if socket:
            server = HubServer(hub, short_socket_dir() / "hub.sock")
            await server.start()
        for i in range(PEOPLE + 1):
            role = Role.FACILITATOR if i == 0 else Role.PARTICIPANT
            client: HubClient
            if server is not None:
                client = await SocketClient.connect(server.path, f"id-{i}", role)
            else:
                client = LocalClient(hub, f"id-{i}", role)
            await client.join("Fay" if i == 0 else f"P{i}")
            clients.append(client)
        last: dict[int, BoardView] = {}
        seen: list[str] = []

        async def follow(i: int, client: HubClient) -> None:
            with contextlib.suppress(ConnectionError):
                while True:
                    view = await client.next_view()
                    last[i] = view
                    seen.extend(leaks(view))

        followers = [asyncio.ensure_future(follow(i, cl)) for i, cl in enumerate(clients)]

        async def run(actor: int, command: c.Command) -> None:
            with contextlib.suppress(Refused):
                await clients[actor].send(command)

        for batch in plan:
            await asyncio.gather(*(run(actor, command) for actor, command in batch))
            assert not watch.problems, watch.problems
            for client in clients:
                truth = BoardView(view_for(hub.session, client.you), client.you or "")
                assert not leaks(truth)
        assert not seen, seen[:5]

        def converged() -> bool:
            return all(
                i in last and _same(last[i].session, view_for(hub.session, cl.you))
                for i, cl in enumerate(clients)
            )

        try:
            await wait_until(converged, timeout=10)
        except TimeoutError:
            raise AssertionError(_divergence(last, clients, hub)) from None
        assert all(last[i].online == hub.online() for i in last)
        for follower in followers:
            follower.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
    finally:
        for client in clients:
            await client.close()
        if server is not None:
            await server.stop()


def _same(seen: Session, truth: Session) -> bool:
    """Equal but for the revision: the hub skips sending a view whose content is unchanged
    (another person's hidden vote), so a client may hold an older number for it."""
    return seen.with_changes(revision=0) == truth.with_changes(revision=0)


def _divergence(last: dict[int, BoardView], clients: list[HubClient], hub: Hub) -> str:
    """Say which client's last view differs from the truth, and where."""
    for i, client in enumerate(clients):
        truth = view_for(hub.session, client.you)
        if i not in last:
            return f"client {i} got no view"
        view = last[i].session
        fields = [
            f
            for f in truth.__dataclass_fields__
            if f != "revision" and getattr(view, f) != getattr(truth, f)
        ]
        if fields:
            seen, wanted = getattr(view, fields[0]), getattr(truth, fields[0])
            return f"client {i} differs in {fields}: {seen!r} != {wanted!r}"
    return "no difference"


def _fresh(anonymous: bool, start: str) -> Session:
    """Everyone has joined and written two cards; the retro is at `start`."""
    from retro_tui.domain import rules

    s = rules.new_session(
        fault_format(votes=3, cap=2),
        session_id="prop",
        title="Property retro",
        team="core",
        now=NOW,
        anonymous=anonymous,
    )
    s, fay = rules.join(s, "Fay", Role.FACILITATOR, NOW)
    s = rules.apply(s, fay, c.GoToPhase(phase="write"), NOW)
    for i in range(1, PEOPLE + 1):
        s, pid = rules.join(s, f"P{i}", Role.PARTICIPANT, NOW)
        for column in ("good", "bad"):
            s = rules.apply(s, pid, c.AddCard(column=column, text=f"P{i} {column}"), NOW)
    if start == "checkin":
        s = rules.apply(s, fay, c.GoToPhase(phase=start), NOW)
    while s.phase.value != start:
        s = rules.apply(s, fay, c.NextPhase(), NOW)
    return s


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=batches, anonymous=st.booleans(), start=starts)
def test_local_clients_never_break_the_rules(
    plan: list[list[tuple[int, c.Command]]], anonymous: bool, start: str
) -> None:
    asyncio.run(storm(plan, anonymous=anonymous, start=start, socket=False))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=batches, anonymous=st.booleans(), start=starts)
def test_socket_clients_never_break_the_rules_and_converge(
    plan: list[list[tuple[int, c.Command]]], anonymous: bool, start: str
) -> None:
    asyncio.run(storm(plan, anonymous=anonymous, start=start, socket=True))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=vote_batches, anonymous=st.booleans())
def test_vote_storms_keep_budgets_caps_and_secrecy(
    plan: list[list[tuple[int, c.Command]]], anonymous: bool
) -> None:
    asyncio.run(storm(plan, anonymous=anonymous, start="vote", socket=False))

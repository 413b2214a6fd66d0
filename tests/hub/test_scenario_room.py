"""The Q3 scenario replayed through the hub with the live room used in every phase:
hands, the ready check, reactions and comments, then the notes read from the reopened
file (CommonMark) — named, and again as an anonymous retro that must name nobody."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role, Session
from retro_tui.domain.room import ReactionKind
from retro_tui.domain.room_views import counts_of, hands_up, ready_count
from retro_tui.export import session_markdown
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from tests.support.scenario import group_through_hub, scenario_path


async def _replay(tmp_path: Path, anonymous: bool) -> tuple[Session, dict[str, Any]]:
    data = json.loads(scenario_path().read_text(encoding="utf-8"))
    store = SessionStore(tmp_path)
    launcher = LocalLauncher(store, facilitator_name=data["participants"][0])
    created = launcher.create_session(
        format_key=data["theme"], title=data["title"], team="Marketing", anonymous=anonymous
    )
    fac = await launcher.open(created.id)
    hub = launcher.hub
    assert hub is not None and isinstance(fac, LocalClient)
    people: dict[str, LocalClient] = {data["participants"][0]: fac}
    for name in data["participants"][1:]:
        people[name] = client = LocalClient(hub, f"browser-{name}", Role.PARTICIPANT)
        await client.join(name)
    everyone = list(people.values())
    # Check-in: two hands, the facilitator takes the first.
    await people["Jonas"].send(c.RaiseHand())
    await people["Priya"].send(c.RaiseHand())
    first = fac.conn.current_view().session.hands[0]
    await fac.send(c.LowerHand(hand=first.id))
    assert hands_up(hub.session) == 1
    await fac.send(c.GoToPhase(phase="write"))
    ids: dict[str, str] = {}
    for card in data["cards"]:
        await people[card["author"]].send(c.AddCard(column=card["column"], text=card["text"]))
        ids[card["id"]] = hub.session.cards[-1].id
    for client in everyone[1:]:
        await client.send(c.SetReady())
    await fac.send(c.NextPhase())
    await group_through_hub(fac, hub, data, ids)
    top = ids[data["discussion"][0]["topic"]]
    for client in everyone:
        await client.send(c.React(target=top, kind="agree"))
    await people["Sam"].send(c.React(target=top, kind="question"))
    await fac.send(c.NextPhase())
    for name, targets in data["votes"].items():
        for target in targets:
            await people[name].send(c.CastVote(target=ids[target]))
    await fac.send(c.NextPhase())
    for item in data["discussion"]:
        await fac.send(c.Discuss(target=ids[item["topic"]]))
        await fac.send(c.SetNotes(target=ids[item["topic"]], text=item["notes"]))
    await fac.send(c.Discuss(target=top))
    await fac.send(c.AskReady())
    await people["Aiko"].send(c.AddComment(target=top, text="Legal needs a [standing] slot"))
    await people["Tomás"].send(c.SetReady())
    assert ready_count(hub.session, hub.online()) == (1, len(everyone))
    await launcher.close()
    return store.load(created.id), data


@pytest.mark.parametrize("anonymous", [False, True])
async def test_the_live_room_survives_the_file_and_reaches_the_notes(
    tmp_path: Path, anonymous: bool
) -> None:
    session, data = await _replay(tmp_path, anonymous)
    top = session.current_topic
    assert top is not None
    counts = counts_of(session, top)
    assert (counts[ReactionKind.AGREE], counts[ReactionKind.QUESTION]) == (6, 1)
    assert session.ready.requested and hands_up(session) == 1
    notes = session_markdown(session)
    tokens = MarkdownIt("commonmark").parse(notes)
    assert not [t for t in tokens if t.type.startswith("html")]
    inline = " ".join(t.content for t in tokens if t.type == "inline")
    assert "✓ agree 6 · ? question 1" in inline
    assert "Legal needs a \\[standing\\] slot" in notes
    comment = next(line for line in notes.splitlines() if "standing" in line)
    assert ("Aiko" in comment) is not anonymous
    if anonymous:
        named = [n for n in data["participants"] if n in notes]
        assert named == [], named

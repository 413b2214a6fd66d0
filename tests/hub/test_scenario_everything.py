"""A whole retro with every live-room feature, replayed through the hub on real files:
writing before the meeting, another icebreaker, the health check, hands, the ready
check, reactions, comments and the parking lot; then the notes (CommonMark), the file,
and the team's next retro, which brings the parked topic back. Named and anonymous."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.health import results
from retro_tui.domain.model import Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.room_views import hands_up
from retro_tui.export import session_markdown
from retro_tui.launcher import LocalLauncher
from retro_tui.store import SessionStore
from tests.support.scenario import group_through_hub, scenario_path

SCORES = {"Jonas": 2, "Priya": 4, "Sam": 4, "Aiko": 5, "Tomás": 3}


async def _replay(folder: Path, anonymous: bool) -> tuple[Session, dict[str, Any]]:
    data = json.loads(scenario_path().read_text(encoding="utf-8"))
    store = SessionStore(folder)
    launcher = LocalLauncher(store, facilitator_name=data["participants"][0])
    created = launcher.create_session(
        format_key=data["theme"],
        title=data["title"],
        team="Growth",
        anonymous=anonymous,
        open_early=True,
    )
    fac = await launcher.open(created.id)
    hub = launcher.hub
    assert hub is not None and isinstance(fac, LocalClient)
    people: dict[str, LocalClient] = {}
    for name in data["participants"][1:]:
        people[name] = client = LocalClient(hub, f"browser-{name}", Role.PARTICIPANT)
        await client.join(name)
    assert hub.session.phase is Phase.WRITE and not hub.session.timer.running
    ids: dict[str, str] = {}
    for card in data["cards"]:  # written before the meeting, in people's own time
        author = people.get(card["author"], fac)
        await author.send(c.AddCard(column=card["column"], text=card["text"]))
        ids[card["id"]] = hub.session.cards[-1].id
    asked = hub.session.icebreaker
    await fac.send(c.GoToPhase(phase="checkin"))
    await fac.send(c.SkipIcebreaker())
    assert hub.session.icebreaker != asked
    await people["Jonas"].send(c.RaiseHand())
    await fac.send(c.GoToPhase(phase="health"))
    for name, score in SCORES.items():
        dims = len(hub.session.health.dimensions)
        await people[name].send(c.RateHealth(scores=",".join([str(score)] * dims)))
    await fac.send(c.RevealHealth())
    await fac.send(c.NextPhase())  # back to Write: the early cards are all there
    assert hub.session.phase is Phase.WRITE and len(hub.session.cards) == len(ids)
    await fac.send(c.NextPhase())
    await group_through_hub(fac, hub, data, ids)
    await fac.send(c.Park(target=ids[data["groups"][-1]["id"]]))
    await fac.send(c.NextPhase())
    for name, targets in data["votes"].items():
        for target in targets:
            await people.get(name, fac).send(c.CastVote(target=ids[target]))
    await fac.send(c.NextPhase())
    top = ids[data["discussion"][0]["topic"]]
    await fac.send(c.Discuss(target=top))
    for client in people.values():
        await client.send(c.React(target=top, kind="agree"))
    await people["Aiko"].send(c.AddComment(target=top, text="Legal needs a standing slot"))
    await fac.send(c.AskReady())
    for client in people.values():
        await client.send(c.SetReady())
    await fac.send(c.NextPhase())
    await fac.send(c.NextPhase())
    await launcher.close()
    return store.load(created.id), data


@pytest.mark.parametrize("anonymous", [False, True])
async def test_every_live_room_feature_reaches_the_file_the_notes_and_the_next_retro(
    tmp_path: Path, anonymous: bool
) -> None:
    session, data = await _replay(tmp_path, anonymous)
    assert session.phase is Phase.CLOSE and session.opened_early
    assert hands_up(session) == 1
    (first, *_) = results(session.health)
    assert first.ratings == len(SCORES)
    assert first.average == sum(SCORES.values()) / len(SCORES)
    notes = session_markdown(session)
    tokens = MarkdownIt("commonmark").parse(notes)
    assert not [t for t in tokens if t.type.startswith("html")]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    for section in ("Health check", "Comments", "Parking lot"):
        assert section in headings
    parked_title = data["groups"][-1]["title"]
    lot = notes[notes.index("## Parking lot") :].split("\n## ")[0]
    assert parked_title in lot
    assert "agree" in notes and "Legal needs a standing slot" in notes
    if anonymous:
        assert [n for n in data["participants"][1:] if n in notes] == []
    # The team's next retro brings the parked topic back to its review, and asks a
    # check-in question it has not asked before.
    launcher = LocalLauncher(SessionStore(tmp_path), facilitator_name="Lena")
    following = launcher.create_session(format_key=data["theme"], title="Q4", team="Growth")
    assert [item.text for item in following.parked_before] == [parked_title]
    assert following.icebreaker not in ("", session.icebreaker)

"""The room's rhythm through the hub: only the facilitator parks and skips questions,
and a health rating never sits beside its seat in any view line, file or log."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role
from retro_tui.hub.hub import Hub
from retro_tui.store import SessionStore
from tests.support.clock import FakeClock
from tests.support.hub import make_session


async def _live(
    tmp_path: Path, *, anonymous: bool
) -> tuple[Hub, SessionStore, LocalClient, list[LocalClient]]:
    store = SessionStore(tmp_path)
    session = make_session().with_changes(
        icebreaker="Best snack?", icebreakers_next=("Who helped you?",)
    )
    if anonymous:
        from dataclasses import replace

        session = session.with_changes(settings=replace(session.settings, anonymous=True))
    store.create(session)
    hub = Hub(store, session, clock=FakeClock())
    fac = LocalClient(hub, "fac", Role.FACILITATOR)
    await fac.join("Fay")
    people = []
    for name in ("Ann", "Bob", "Cy"):
        client = LocalClient(hub, f"id-{name}", Role.PARTICIPANT)
        await client.join(name)
        people.append(client)
    return hub, store, fac, people


async def test_only_the_facilitator_skips_the_question_or_parks(tmp_path: Path) -> None:
    hub, _, fac, people = await _live(tmp_path, anonymous=False)
    with pytest.raises(Refused, match="Only the facilitator"):
        await people[0].send(c.SkipIcebreaker())
    await fac.send(c.SkipIcebreaker())
    assert hub.session.icebreaker == "Who helped you?"
    await fac.send(c.GoToPhase(phase="write"))
    await people[0].send(c.AddCard(column="good", text="Snacks ran out"))
    await fac.send(c.NextPhase())
    card = hub.session.cards[0].id
    with pytest.raises(Refused, match="Only the facilitator"):
        await people[1].send(c.Park(target=card))
    await fac.send(c.Park(target=card))
    assert people[1].current_view().session.parked[0].text == "Snacks ran out"
    await hub.close()


@pytest.mark.parametrize("anonymous", [False, True])
async def test_no_view_file_or_log_links_a_seat_to_a_health_rating(
    tmp_path: Path, anonymous: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hub, _store, fac, people = await _live(tmp_path, anonymous=anonymous)
    await fac.send(c.GoToPhase(phase="health"))
    given = {"Ann": "1,1,1,1,1,1,1,1", "Bob": "5,5,5,5,5,5,5,5", "Cy": "3,3,3,3,3,3,3,3"}
    for client, scores in zip(people, given.values(), strict=True):
        await client.send(c.RateHealth(scores=scores))
    await fac.send(c.RevealHealth())
    lines = [hub.wire_view(conn)[0].decode() for conn in hub.connections]
    saved = (tmp_path / f"{hub.session.id}.json").read_text(encoding="utf-8")
    for text in (*lines, saved):
        for health in _health_parts(text):
            assert health["scores"]["pace"] == [1, 3, 5]  # sorted: nobody's order
            assert "Ann" not in json.dumps(health) and "Bob" not in json.dumps(health)
    assert "1,1,1" not in caplog.text and "5,5,5" not in caplog.text
    await hub.close()


def _health_parts(text: str) -> list[dict[str, Any]]:
    """Every "health" object in a view line or a session file."""
    found: list[dict[str, Any]] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "health" and isinstance(inner, dict):
                    found.append(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(json.loads(text))
    assert found, "no health check in this text"
    return found

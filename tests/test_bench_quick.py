"""The benchmark keeps working: its core, run for two participants (no timing asserted),
and the hub's shared view encoding it relies on, checked against the reference encoding."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench.live import LiveRun
from bench.pages import page_table, run_pages
from bench.store_bench import big_session
from retro_tui.domain.model import Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.hub.hub import Hub
from retro_tui.hub.protocol import decode, encode, view_from_wire, view_to_wire
from tests.support.faults import short_socket_dir
from tests.support.hub import MemoryStore


@pytest.fixture(scope="module")
def session() -> Session:
    built, _ = big_session(n_cards=300, n_people=8)
    return built


@pytest.mark.parametrize("phase", [Phase.WRITE, Phase.VOTE, Phase.DISCUSS])
@pytest.mark.parametrize("anonymous", [False, True])
def test_shared_view_encoding_matches_the_reference(
    session: Session, phase: Phase, anonymous: bool
) -> None:
    truth = session.with_changes(
        phase=phase, settings=replace(session.settings, anonymous=anonymous)
    )
    hub = Hub(MemoryStore(), truth, max_online=100)
    seats = []
    for i, person in enumerate(truth.participants[:5]):
        seat = hub.attach(f"id-{i}", person.role)
        seat.pid = person.id
        seats.append(seat)
    seats.append(hub.attach("not-joined", Role.PARTICIPANT))
    presenter = hub.attach("screen", Role.FACILITATOR)
    presenter.pid, presenter.presenting = truth.participants[0].id, True
    seats.append(presenter)
    hub._online = None  # seats were given participants by hand
    hub.problem = "The disk is full. Retrying; changes are kept in memory."
    for seat in seats:
        reference = encode({"t": "view", "view": view_to_wire(hub.view_for(seat))})
        line, _ = hub.wire_view(seat)
        assert json.loads(line) == json.loads(reference)
        assert view_from_wire(decode(line)["view"]) == hub.view_for(seat)


def test_fingerprint_ignores_only_the_revision(session: Session) -> None:
    hub = Hub(MemoryStore(), session, max_online=100)
    seat = hub.attach("id-0", Role.PARTICIPANT)
    seat.pid = session.participants[1].id
    _, before = hub.wire_view(seat)
    hub.session = session.with_changes(revision=session.revision + 1)
    _, same = hub.wire_view(seat)
    hub.session = session.with_changes(title="Renamed")
    _, renamed = hub.wire_view(seat)
    assert before == same != renamed


async def test_the_benchmark_runs_for_two_participants() -> None:
    folder = short_socket_dir()  # the hub socket lives here: keep the path short
    run = LiveRun(
        2, Path(folder), cards=6, cpu_window=4.0, join_concurrency=2, tab_workers=2, log=False
    )
    result = await run.run()
    assert result.errors == []
    assert result.tabs_lost == 0  # two tab workers, one tab each
    # The CPU window (4 s: one card typed) is counted; idle processes may show 0 ticks.
    assert result.cards_in_window == 1 and result.cpu_participants > 0
    assert len(result.join) == 2 and len(result.card_all) == 6
    assert result.vote_problems == []
    assert result.votes_counted == result.votes_expected == 10
    assert result.votes_refused == 2
    assert len(result.participant_rss) == 2


async def test_the_page_benchmark_times_simple_pages_and_terminal_tabs_in_one_run() -> None:
    folder = short_socket_dir()
    result = await run_pages(3, Path(folder), cards=3, workers=1, tabs=1)
    assert result.errors == []
    assert len(result.join_view) == 3 and len(result.tab_join) == 1
    # Every card timed on the pages and on the terminal tab of the same retro.
    assert len(result.card_all) == len(result.tab_card_all) == len(result.card_everyone) == 3
    assert len(result.card_each) == 3 * 3
    assert "terminal tab" in "\n".join(page_table([result]))

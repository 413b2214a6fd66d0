"""Replay a shared scenario (`shared/scenarios/*.json`) through the domain rules.

Every step goes through `rules.apply`, as the hub would run it, so a replay exercises the
same code as a live retro. Time comes from a fake clock: one second per command, and each
phase lasts at least its planned minutes, so the timing table in the notes is stable.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import ActionItem, Role, Session
from retro_tui.domain.phases import PHASE_ORDER, Phase

if TYPE_CHECKING:
    from retro_tui.client import HubClient
    from retro_tui.hub.hub import Hub

# The project's shared scenarios sit beside the repository; a copy in tests/ keeps the
# suite runnable from a lone clone.
_SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
SCENARIOS_DIR = _SHARED if _SHARED.is_dir() else Path(__file__).resolve().parents[1] / "scenarios"
SCENARIO_START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def scenario_path(name: str = "q3-campaign-retro") -> Path:
    return SCENARIOS_DIR / f"{name}.json"


def scenario_format(data: dict[str, Any]) -> RetroFormat:
    """The scenario's theme from `retro_tui.themes`, else columns from its cards.

    The scenario's own vote budget wins over the theme's, as a facilitator's setting would.
    """
    fmt: RetroFormat | None = None
    try:
        from retro_tui.themes import load_formats

        fmt = load_formats().get(data["theme"])
    except Exception:  # no loader yet, or an unknown theme: fall back to the cards' columns
        fmt = None
    keys = list(dict.fromkeys(card["column"] for card in data["cards"]))
    if fmt is None or any(fmt.column(key) is None for key in keys):
        fmt = RetroFormat(
            key=data["theme"],
            name=data["theme"].replace("-", " ").capitalize(),
            description="",
            columns=tuple(ColumnSpec(key, key.replace("-", " ").capitalize()) for key in keys),
        )
    return dataclasses.replace(fmt, votes_per_person=data["votes_per_person"])


class _Clock:
    """Fake time: a tick per command, and phases that last their planned minutes."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.phase_started = start

    def tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def end_phase(self, planned_minutes: int) -> datetime:
        self.now = max(self.now, self.phase_started + timedelta(minutes=planned_minutes or 1))
        self.phase_started = self.now
        return self.now


def replay(
    path: Path | str,
    *,
    stop_after: Phase | None = None,
    session_id: str = "scenario",
    team: str = "marketing",
    start: datetime = SCENARIO_START,
    previous_actions: tuple[ActionItem, ...] = (),
) -> tuple[Session, dict[str, str]]:
    """Replay the scenario at `path`; return the session and a map of scenario ids.

    The map takes scenario card ids (`c1`) and group ids (`g1`) to session card and topic
    ids, and participant names to participant ids. With `stop_after`, the replay stops in
    that phase once its part of the scenario is done (e.g. `Phase.VOTE`: every vote cast,
    totals still hidden). Review is visited only when there are `previous_actions`.
    """
    data: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))
    fmt = scenario_format(data)
    clock = _Clock(start)
    session = rules.new_session(
        fmt,
        session_id=session_id,
        title=data["title"],
        team=team,
        now=start,
        previous_actions=previous_actions,
        anonymous=bool(data.get("anonymous", False)),
    )
    ids: dict[str, str] = {}
    for i, name in enumerate(data["participants"]):
        role = Role.FACILITATOR if i == 0 else Role.PARTICIPANT
        session, ids[name] = rules.join(session, name, role, clock.tick())
    fac = ids[data["participants"][0]]

    def do(actor: str, command: c.Command) -> None:
        nonlocal session
        session = rules.apply(session, actor, command, clock.tick())

    def enter(phase: Phase) -> None:
        nonlocal session
        now = clock.end_phase(session.durations.get(session.phase, 0))
        skipped = PHASE_ORDER[session.phase.order + 1 : phase.order]
        command: c.Command = c.GoToPhase(phase=phase.value) if skipped else c.NextPhase()
        session = rules.apply(session, fac, command, now)

    def done(phase: Phase) -> bool:
        return stop_after is phase

    if done(Phase.CHECKIN):
        return session, ids
    if previous_actions:
        enter(Phase.REVIEW)
        if done(Phase.REVIEW):
            return session, ids
    enter(Phase.WRITE)
    for card in data["cards"]:
        do(ids[card["author"]], c.AddCard(column=card["column"], text=card["text"]))
        _map(ids, card["id"], session.cards[-1].id)
    if done(Phase.WRITE):
        return session, ids
    enter(Phase.GROUP)
    for group in data["groups"]:
        first = ids[group["cards"][0]]
        for other in group["cards"][1:]:
            do(fac, c.Merge(source=ids[other], target=first))
        anchor = session.card(first)
        assert anchor is not None and anchor.topic is not None, group
        do(fac, c.TitleTopic(topic=anchor.topic, title=group["title"]))
        _map(ids, group["id"], anchor.topic)
    if done(Phase.GROUP):
        return session, ids
    enter(Phase.VOTE)
    for name, targets in data["votes"].items():
        for target in targets:
            do(ids[name], c.CastVote(target=ids[target]))
    if done(Phase.VOTE):
        return session, ids
    enter(Phase.DISCUSS)
    for item in data["discussion"]:
        do(fac, c.Discuss(target=ids[item["topic"]]))
        do(fac, c.SetNotes(target=ids[item["topic"]], text=item["notes"]))
    if done(Phase.DISCUSS):
        return session, ids
    enter(Phase.ACTIONS)
    for action in data["actions"]:
        source = action.get("from")
        do(
            fac,
            c.AddAction(
                text=action["text"],
                owner=action.get("owner", ""),
                due=action.get("due", ""),
                metric=action.get("metric", ""),
                source=ids[source] if source else None,
            ),
        )
    if done(Phase.ACTIONS):
        return session, ids
    enter(Phase.CLOSE)
    for name, score in data["roti"].items():
        do(ids[name], c.Roti(score=score))
    return session, ids


def _map(ids: dict[str, str], scenario_id: str, session_id: str) -> None:
    if scenario_id in ids:
        raise ValueError(f"scenario id {scenario_id!r} is used twice (or is also a name)")
    ids[scenario_id] = session_id


async def group_through_hub(
    fac: HubClient, hub: Hub, data: dict[str, Any], ids: dict[str, str]
) -> None:
    """Merge each of the scenario's groups at a live hub and title its topic, as the
    facilitator does in Group; `ids` maps scenario ids to the session's, topics added."""
    for group in data["groups"]:
        first, *rest = (ids[x] for x in group["cards"])
        for other in rest:
            await fac.send(c.Merge(source=other, target=first))
        card = hub.session.card(first)
        assert card is not None and card.topic is not None
        await fac.send(c.TitleTopic(topic=card.topic, title=group["title"]))
        ids[group["id"]] = card.topic

"""Builders for domain tests: a small format, a session with people in a given phase,
and a replay of a shared scenario. Time is always passed in; nothing reads the clock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.errors import Refused
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import ActionItem, Role, Session
from retro_tui.domain.phases import DEFAULT_DURATIONS, Phase
from retro_tui.domain.serial import session_to_dict

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
COLUMNS = ("good", "bad", "ideas")
# The project's shared scenarios sit beside the repository; a copy in tests/ keeps the
# suite runnable from a lone clone.
_SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
SCENARIOS = _SHARED if _SHARED.is_dir() else Path(__file__).resolve().parents[1] / "scenarios"


def later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def make_format(
    *,
    votes: int = 5,
    max_per_topic: int | None = None,
    durations: dict[Phase, int] | None = None,
) -> RetroFormat:
    """A three-column format: good, bad, ideas."""
    return RetroFormat(
        key="three",
        name="Three columns",
        description="Good, bad, ideas.",
        columns=tuple(ColumnSpec(key, key.title()) for key in COLUMNS),
        durations=dict(DEFAULT_DURATIONS if durations is None else durations),
        votes_per_person=votes,
        max_votes_per_topic=max_per_topic,
    )


@dataclass
class Retro:
    """A session under test, replaced (never mutated) by each accepted command."""

    session: Session
    facilitator: str
    people: list[str] = field(default_factory=list)  # participant ids, in join order

    @property
    def fac(self) -> str:
        return self.facilitator

    def do(self, actor: str, command: c.Command, now: datetime = NOW) -> Session:
        before = self.session
        self.session = rules.apply(before, actor, command, now)
        assert self.session.revision == before.revision + 1
        return self.session

    def refused(
        self, actor: str, command: c.Command, now: datetime = NOW, kind: type[Refused] = Refused
    ) -> Refused:
        """Assert the command is refused with a sentence and the session is untouched."""
        snapshot = json.dumps(session_to_dict(self.session))
        with pytest.raises(kind) as caught:
            rules.apply(self.session, actor, command, now)
        assert json.dumps(session_to_dict(self.session)) == snapshot
        reason = caught.value.reason
        assert reason and (reason[0].isupper() or reason[0] == "'") and reason.endswith("."), reason
        assert str(caught.value) == reason
        return caught.value

    def card(self, actor: str, text: str, column: str = "good") -> str:
        """Add a card and return its id."""
        self.do(actor, c.AddCard(column=column, text=text))
        return self.session.cards[-1].id

    def merge(self, source: str, target: str) -> str:
        """Merge as the facilitator; return the topic the target ends up in."""
        self.do(self.fac, c.Merge(source=source, target=target))
        topic = self.session.topic(target)
        if topic is not None:
            return topic.id
        card = self.session.card(target)
        assert card is not None and card.topic is not None
        return card.topic

    def move_to(self, phase: Phase, now: datetime = NOW) -> None:
        """Walk the phases one step at a time, as the facilitator."""
        if phase is Phase.DATA and not self.session.data_step:
            # Going to the optional Data step is what turns it on.
            self.do(self.fac, c.GoToPhase(phase=phase.value), now)
            return
        if phase is Phase.HEALTH and not self.session.health_step:  # likewise the health check
            if self.session.phase.order > phase.order:
                self.move_to(Phase.REVIEW, now)
            self.do(self.fac, c.GoToPhase(phase=phase.value), now)
            return
        while self.session.phase is not phase:
            if phase.order > self.session.phase.order:
                self.do(self.fac, c.NextPhase(), now)
            else:
                self.do(self.fac, c.PreviousPhase(), now)


def make_retro(
    participants: int = 2,
    phase: Phase = Phase.CHECKIN,
    *,
    votes: int = 5,
    max_per_topic: int | None = None,
    anonymous: bool = False,
    previous_actions: tuple[ActionItem, ...] = (),
    durations: dict[Phase, int] | None = None,
) -> Retro:
    """A session with a facilitator ("Fran") and N participants, moved to `phase`."""
    fmt = make_format(votes=votes, max_per_topic=max_per_topic, durations=durations)
    session = rules.new_session(
        fmt,
        session_id="s1",
        title="Sprint 42",
        team="core",
        now=NOW,
        previous_actions=previous_actions,
        anonymous=anonymous,
    )
    session, fac = rules.join(session, "Fran", Role.FACILITATOR, NOW)
    retro = Retro(session, fac)
    for i in range(participants):
        retro.session, pid = rules.join(retro.session, f"P{i + 1}", Role.PARTICIPANT, NOW)
        retro.people.append(pid)
    retro.move_to(phase)
    return retro


# --- the shared scenario ---------------------------------------------------------------
def load_scenario(name: str = "q3-campaign-retro") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCENARIOS / f"{name}.json").read_text("utf-8"))
    return data


@dataclass
class Replay:
    retro: Retro
    ids: dict[str, str]  # scenario id -> session id (cards and groups)
    people: dict[str, str]  # name -> participant id


def replay_scenario(sc: dict[str, Any], *, until: Phase = Phase.CLOSE) -> Replay:
    """Replay a scenario through `rules` only, stopping once `until` is reached."""
    keys: list[str] = []
    for card in sc["cards"]:
        if card["column"] not in keys:
            keys.append(card["column"])
    fmt = RetroFormat(
        key=sc["theme"],
        name=sc["title"],
        description="",
        columns=tuple(ColumnSpec(k, k.title()) for k in keys),
        votes_per_person=sc["votes_per_person"],
    )
    session = rules.new_session(
        fmt, session_id="q3", title=sc["title"], team="mkt", now=NOW, anonymous=sc["anonymous"]
    )
    people: dict[str, str] = {}
    for i, name in enumerate(sc["participants"]):
        role = Role.FACILITATOR if i == 0 else Role.PARTICIPANT
        session, people[name] = rules.join(session, name, role, NOW)
    retro = Retro(session, people[sc["participants"][0]], list(people.values())[1:])
    ids: dict[str, str] = {}
    replay = Replay(retro, ids, people)

    def reached(phase: Phase) -> bool:
        retro.move_to(phase, later(phase.order * 600))
        return phase is until

    if reached(Phase.WRITE):
        return replay
    for card in sc["cards"]:
        ids[card["id"]] = retro.card(people[card["author"]], card["text"], card["column"])
    if reached(Phase.GROUP):
        return replay
    for group in sc["groups"]:
        first = ids[group["cards"][0]]
        for other in group["cards"][1:]:
            topic = retro.merge(ids[other], first)
        retro.do(retro.fac, c.TitleTopic(topic=topic, title=group["title"]))
        ids[group["id"]] = topic
    if reached(Phase.VOTE):
        return replay
    for name, targets in sc["votes"].items():
        for target in targets:
            retro.do(people[name], c.CastVote(target=ids[target]))
    if reached(Phase.DISCUSS):
        return replay
    for item in sc["discussion"]:
        retro.do(retro.fac, c.Discuss(target=ids[item["topic"]]))
        retro.do(retro.fac, c.SetNotes(target=ids[item["topic"]], text=item["notes"]))
    if reached(Phase.ACTIONS):
        return replay
    for action in sc["actions"]:
        retro.do(
            retro.fac,
            c.AddAction(
                text=action["text"],
                owner=action["owner"],
                due=action["due"],
                metric=action["metric"],
                source=ids[action["from"]],
            ),
        )
    if reached(Phase.CLOSE):
        return replay
    raise AssertionError(f"unknown phase {until}")  # pragma: no cover


def finish_scenario(replay: Replay, sc: dict[str, Any]) -> Replay:
    """Add the close-phase ratings to a replay that reached Close."""
    for name, score in sc["roti"].items():
        replay.retro.do(replay.people[name], c.Roti(score=score))
    return replay

"""A realistic retro history on real files, built through the domain rules like a live retro.

Team "Marketing" holds nine fortnightly retros (June to October 2026) whose problems come
back in different words — slow approvals, long stand-ups, chaotic releases, changing
briefs, interruptions — between one-off complaints that share a word or two with them
("Coffee machine broken all week"). Team "Platform" holds two retros of its own. Action
items are reviewed at the next retro (done, carried, dropped, or left pending and so
forgotten), one is carried twice, several are overdue on `TODAY`.

Each card's intended group is recorded so the similarity can be scored against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from retro_tui.domain import commands as c
from retro_tui.domain import rules
from retro_tui.domain.formats import ColumnSpec, RetroFormat
from retro_tui.domain.model import ActionStatus, Role, Session
from retro_tui.domain.phases import Phase
from retro_tui.store import SessionStore

TODAY = date(2026, 11, 23)
MARKETING = "Marketing"
PLATFORM = "Platform"

FORMAT = RetroFormat(
    key="went-well",
    name="Went well / To improve / Action items",
    description="",
    columns=(
        ColumnSpec("went-well", "Went well"),
        ColumnSpec("to-improve", "To improve"),
        ColumnSpec("action-items", "Action items"),
    ),
    votes_per_person=5,
)

GOOD, BAD, IDEA = "went-well", "to-improve", "action-items"


@dataclass(frozen=True)
class CardSpec:
    text: str
    column: str = BAD
    group: str | None = None  # the recurring problem it belongs to; None for a one-off


@dataclass(frozen=True)
class ActionSpec:
    text: str
    owner: str = ""
    due: str = ""
    metric: str = ""


@dataclass(frozen=True)
class RetroSpec:
    title: str
    team: str
    when: datetime
    cards: tuple[CardSpec, ...]
    topics: tuple[tuple[str, tuple[int, ...]], ...] = ()  # title, indices into cards
    actions: tuple[ActionSpec, ...] = ()
    review: dict[str, str] = field(default_factory=dict)  # action text -> decision
    roti: tuple[int, ...] = ()


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _fortnight(i: int) -> datetime:
    return _at(date(2026, 6, 15) + timedelta(days=14 * i))


A, S, R, B, X = "approvals", "standups", "releases", "briefs", "interruptions"

# The facilitator links each card of a recurring problem to the team's named problem
# during discussion (a topic is linked as a whole), as the board lets them.
PROBLEM_NAMES = {
    A: "Approval bottleneck",
    S: "Stand-ups run long",
    R: "Chaotic releases",
    B: "Changing briefs",
    X: "Interruptions",
    "platform-deploys": "Friday deploys break",
}

MARKETING_RETROS: tuple[RetroSpec, ...] = (
    RetroSpec(
        "Spring campaign wrap-up",
        MARKETING,
        _fortnight(0),
        cards=(
            CardSpec("Great collaboration with the design team", GOOD),
            CardSpec("Approvals take forever", BAD, A),
            CardSpec("Release day is chaotic", BAD, R),
            CardSpec("Budget for paid social ran out early", BAD),
            CardSpec("Try a shared calendar for launches", IDEA),
        ),
        actions=(
            ActionSpec("Map the approval chain for campaign copy", "Dana", "2026-06-26", "map"),
            ActionSpec("Write a release-day checklist", "Omar", "2026-06-29", "checklist used"),
            ActionSpec("Ask finance for a monthly social budget view", "Lee"),
        ),
        roti=(4, 3, 4, 3),
    ),
    RetroSpec(
        "Sprint 13 retro",
        MARKETING,
        _fortnight(1),
        cards=(
            CardSpec("Webinar turnout beat the target", GOOD),
            CardSpec("Standups run long", BAD, S),
            CardSpec("Constant interruptions from sales requests", BAD, X),
            CardSpec("New CMS training was rushed", BAD),
            CardSpec("Photo shoot got rained out", BAD),
        ),
        actions=(ActionSpec("Timebox standup to 15 minutes", "Sam", "2026-07-10", "<= 15 min"),),
        review={
            "Map the approval chain for campaign copy": "done",
            "Write a release-day checklist": "carried",
            "Ask finance for a monthly social budget view": "dropped",
        },
        roti=(3, 3, 2, 4),
    ),
    RetroSpec(
        "Sprint 14 retro",
        MARKETING,
        _fortnight(2),
        cards=(
            CardSpec("Launch party was fun", GOOD),
            CardSpec("Waiting 5 days for legal sign-off", BAD, A),
            CardSpec("Briefs change after work has started", BAD, B),
            CardSpec("Newsletter open rate dropped", BAD),
            CardSpec("Agency invoice arrived late", BAD),
        ),
        actions=(
            ActionSpec("Agree a 48-hour legal sign-off SLA", "Dana", "2026-07-31", "SLA signed"),
            ActionSpec("Freeze the brief at kickoff"),
        ),
        review={
            "Write a release-day checklist": "carried",
            "Timebox standup to 15 minutes": "done",
        },
        roti=(4, 4, 5, 3),
    ),
    RetroSpec(
        "Sprint 15 retro",
        MARKETING,
        _fortnight(3),
        cards=(
            CardSpec("Customer interviews gave us great quotes", GOOD),
            CardSpec("Too many sign-offs on small edits", BAD, A),
            CardSpec("Legal review holds up every campaign", BAD, A),
            CardSpec("Deploys break on Fridays", BAD, R),
            CardSpec("Coffee machine broken all week", BAD),
        ),
        topics=(("Approval bottleneck", (1, 2)),),
        actions=(
            ActionSpec("Let editors publish typo fixes without sign-off", "Ana", "2026-08-14"),
        ),
        review={
            "Write a release-day checklist": "carried",
            "Agree a 48-hour legal sign-off SLA": "carried",
            "Freeze the brief at kickoff": "dropped",
        },
        roti=(3, 4, 3),
    ),
    RetroSpec(
        "Sprint 16 retro",
        MARKETING,
        _fortnight(4),
        cards=(
            CardSpec("The new landing page converts well", GOOD),
            CardSpec("Daily meeting overruns", BAD, S),
            CardSpec("Translation vendor missed the deadline", BAD),
            CardSpec("Nobody owned the webinar follow-up emails", BAD),
        ),
        actions=(
            ActionSpec("Move problem solving out of the daily", "Sam", "2026-09-04", "no overrun"),
        ),
        review={
            "Write a release-day checklist": "done",
            "Agree a 48-hour legal sign-off SLA": "carried",
            "Let editors publish typo fixes without sign-off": "done",
        },
        roti=(4, 4, 4, 5),
    ),
    RetroSpec(
        "Sprint 17 retro",
        MARKETING,
        _fortnight(5),
        cards=(
            CardSpec("Teamwork on the partner launch", GOOD),
            CardSpec("Copy stuck waiting for approval again", BAD, A),
            CardSpec("Scope keeps changing mid-sprint", BAD, B),
            CardSpec("Holiday calendar was not shared", BAD),
            CardSpec("Automate the approval reminders", IDEA),
        ),
        actions=(
            ActionSpec("Set up approval reminders in the tracker", "Lee", "2026-09-18", "0 stale"),
            ActionSpec("Share the holiday calendar", "Ana", "2026-09-11", "calendar shared"),
        ),
        review={"Agree a 48-hour legal sign-off SLA": "dropped"},
        # "Move problem solving out of the daily" is left pending: forgotten.
        roti=(2, 3, 3, 2),
    ),
    RetroSpec(
        "Sprint 18 retro",
        MARKETING,
        _fortnight(6),
        cards=(
            CardSpec("Campaign hit 120% of its lead target", GOOD),
            CardSpec("Our morning sync drags past 30 minutes", BAD, S),
            CardSpec("Launch of the landing page broke tracking", BAD, R),
            CardSpec("Too many tools for the same task", BAD),
        ),
        actions=(
            ActionSpec("Run a tracking test before every launch", "Omar", "2026-10-09", "no gaps"),
        ),
        review={
            "Set up approval reminders in the tracker": "carried",
            "Share the holiday calendar": "done",
        },
        roti=(4, 3, 4, 4),
    ),
    RetroSpec(
        "Sprint 19 retro",
        MARKETING,
        _fortnight(7),
        cards=(
            CardSpec("Great support from the sales team", GOOD),
            CardSpec("Sign-off on the banner took a week", BAD, A),
            CardSpec("Friday releases keep failing", BAD, R),
            CardSpec("Too many Slack pings during focus time", BAD, X),
            CardSpec("Onboarding of the new intern was unplanned", BAD),
        ),
        actions=(
            ActionSpec("No releases after Thursday noon", "Omar", "2026-11-06", "0 Friday fixes"),
            ActionSpec("Quiet hours on Tuesday and Thursday mornings", "Sam"),
        ),
        review={
            "Set up approval reminders in the tracker": "carried",
            "Run a tracking test before every launch": "done",
        },
        roti=(5, 4, 4, 4),
    ),
    RetroSpec(
        "Sprint 20 retro",
        MARKETING,
        _fortnight(8),
        cards=(
            CardSpec("Video series got great feedback", GOOD),
            CardSpec("Stand-up turns into problem solving and takes too long", BAD, S),
            CardSpec("Requirements unclear at kickoff", BAD, B),
            CardSpec("Printer on the third floor jams constantly", BAD),
        ),
        actions=(
            ActionSpec("Kickoff template with acceptance criteria", "Ana", "2026-11-13", "used 3x"),
        ),
        review={
            "No releases after Thursday noon": "carried",
            "Quiet hours on Tuesday and Thursday mornings": "done",
        },
        # "Set up approval reminders in the tracker" pending again: still open, overdue.
        roti=(4, 5, 4, 4),
    ),
)

PLATFORM_RETROS: tuple[RetroSpec, ...] = (
    RetroSpec(
        "Platform retro August",
        PLATFORM,
        _at(date(2026, 8, 20)),
        cards=(
            CardSpec("Deploys fail on Friday afternoons", BAD, "platform-deploys"),
            CardSpec("On-call handover was smooth", GOOD),
            CardSpec("Flaky integration tests", BAD),
        ),
        actions=(ActionSpec("Add a deploy freeze on Fridays", "Kim", "2026-09-01", "0 incidents"),),
        roti=(3, 4),
    ),
    RetroSpec(
        "Platform retro October",
        PLATFORM,
        _at(date(2026, 10, 22)),
        cards=(
            CardSpec("Friday deployments still break things", BAD, "platform-deploys"),
            CardSpec("Cloud bill went up 30%", BAD),
        ),
        # The freeze is left pending: open and overdue.
        roti=(4, 4),
    ),
)

FACILITATOR = "Fran"
PEOPLE = ("Dana", "Omar", "Sam")


@dataclass
class History:
    """The sessions folder and what the test expects of it."""

    folder: Path
    store: SessionStore
    session_ids: dict[str, list[str]]  # team -> ids, oldest first
    intended: dict[tuple[str, str], str | None]  # (session id, card id) -> group
    problem_columns: frozenset[str] = frozenset({BAD, IDEA})

    def sessions(self, team: str) -> list[Session]:
        return [self.store.load(sid) for sid in self.session_ids[team]]


def _run(store: SessionStore, spec: RetroSpec) -> tuple[Session, dict[str, str | None]]:
    """Play one retro through the rules, phase by phase; return it and its cards' groups."""
    now = spec.when
    previous = store.last_of_team(spec.team)
    carried_in = tuple(
        a for a in (previous.actions if previous else ()) if a.status is ActionStatus.OPEN
    )
    session = rules.new_session(
        FORMAT,
        session_id=store.new_session_id(spec.title, now),
        title=spec.title,
        team=spec.team,
        now=now,
        previous_actions=carried_in,
    )
    session, fac = rules.join(session, FACILITATOR, Role.FACILITATOR, now)
    people: list[str] = []
    for name in PEOPLE:
        session, pid = rules.join(session, name, Role.PARTICIPANT, now)
        people.append(pid)
    everyone = [fac, *people]

    def step(actor: str, command: c.Command) -> None:
        nonlocal session, now
        now += timedelta(seconds=20)
        session = rules.apply(session, actor, command, now)

    step(fac, c.NextPhase())  # review
    for text, decision in spec.review.items():
        item = next(r.action for r in session.review if r.action.text == text)
        step(fac, c.ReviewAction(action=item.id, decision=decision))
    step(fac, c.NextPhase())  # write
    groups: dict[str, str | None] = {}
    for i, card in enumerate(spec.cards):
        step(people[i % len(people)], c.AddCard(column=card.column, text=card.text))
        groups[session.cards[-1].id] = card.group
    card_ids = [x.id for x in session.cards]
    step(fac, c.NextPhase())  # group
    for title, indices in spec.topics:
        target = card_ids[indices[0]]
        for index in indices[1:]:
            step(fac, c.Merge(source=card_ids[index], target=target))
        topic = session.card(target)
        assert topic is not None and topic.topic is not None
        step(fac, c.TitleTopic(topic=topic.topic, title=title))
    step(fac, c.NextPhase())  # vote
    targets = session.vote_targets()
    for n, pid in enumerate(everyone):
        for k in range(3):
            step(pid, c.CastVote(target=targets[(n + k) % len(targets)]))
    step(fac, c.NextPhase())  # discuss
    for cid, group in groups.items():
        played = session.card(cid)
        if group is None or played is None:
            continue
        target = played.topic or cid
        problem = f"{spec.team.lower()}#{group}"
        if not any(k.target == target for k in session.problem_links):
            step(fac, c.LinkProblem(target, problem, PROBLEM_NAMES[group]))
    step(fac, c.NextPhase())  # actions
    for action in spec.actions:
        step(
            fac,
            c.AddAction(text=action.text, owner=action.owner, due=action.due, metric=action.metric),
        )
    step(fac, c.NextPhase())  # close
    for pid, score in zip(everyone, spec.roti, strict=False):
        step(pid, c.Roti(score=score))
    assert session.phase is Phase.CLOSE
    store.create(session)
    return session, groups


def build_history(folder: Path) -> History:
    """Write both teams' retros into `folder`, oldest first, as the launcher would."""
    store = SessionStore(folder)
    ids: dict[str, list[str]] = {MARKETING: [], PLATFORM: []}
    intended: dict[tuple[str, str], str | None] = {}
    specs = sorted((*MARKETING_RETROS, *PLATFORM_RETROS), key=lambda s: s.when)
    for spec in specs:
        session, groups = _run(store, spec)
        ids[spec.team].append(session.id)
        for cid, group in groups.items():
            intended[(session.id, cid)] = group
    return History(folder=folder, store=store, session_ids=ids, intended=intended)


ODD_RETRO_AT = _at(date(2026, 11, 20))


def make_session(
    cards: tuple[str, ...],
    *,
    session_id: str = "2026-11-20-odd-texts",
    title: str = "Odd texts retro",
    team: str = "Edge cases",
    anonymous: bool = False,
    actions: tuple[ActionSpec, ...] = (),
    when: datetime = ODD_RETRO_AT,
    problem: tuple[str, str] | None = None,
) -> Session:
    """A closed retro holding exactly these cards (in "To improve") and action items;
    with `problem` (an id and a name), its first card is linked to that problem."""
    session = rules.new_session(
        FORMAT, session_id=session_id, title=title, team=team, now=when, anonymous=anonymous
    )
    session, fac = rules.join(session, FACILITATOR, Role.FACILITATOR, when)
    session, pid = rules.join(session, "Zoë", Role.PARTICIPANT, when)
    session = rules.apply(session, fac, c.GoToPhase(phase=Phase.WRITE.value), when)
    for text in cards:
        session = rules.apply(session, pid, c.AddCard(column=BAD, text=text), when)
    for _ in (Phase.GROUP, Phase.VOTE):
        session = rules.apply(session, fac, c.NextPhase(), when)
    if session.cards:
        session = rules.apply(session, pid, c.CastVote(target=session.cards[0].id), when)
    session = rules.apply(session, fac, c.NextPhase(), when)  # discuss
    if problem is not None and session.cards:
        link = c.LinkProblem(session.cards[0].id, problem[0], problem[1])
        session = rules.apply(session, fac, link, when)
    session = rules.apply(session, fac, c.NextPhase(), when)  # actions
    for a in actions:
        session = rules.apply(
            session, fac, c.AddAction(text=a.text, owner=a.owner, due=a.due, metric=a.metric), when
        )
    session = rules.apply(session, fac, c.NextPhase(), when)
    session = rules.apply(session, pid, c.Roti(score=4), when)
    assert session.phase is Phase.CLOSE
    return session

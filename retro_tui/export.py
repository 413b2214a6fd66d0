"""Markdown notes from a session: what the team keeps in its repo or wiki after a retro.

All user text (titles, names, cards, notes, actions) is escaped so that it always shows as
typed and can never change the document's structure: no headings, lists, links, code,
HTML or table cells can come from what someone wrote. The output is CommonMark (plus the
`- [ ]` task-list and pipe-table conventions most hosts render), deterministic for a given
session and `now`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from retro_tui.domain import health, parking
from retro_tui.domain.anonymity import reveal_order
from retro_tui.domain.measures import half_up
from retro_tui.domain.model import (
    ActionItem,
    ActionStatus,
    Card,
    ReviewDecision,
    Session,
)
from retro_tui.domain.phases import Phase, phases_of
from retro_tui.domain.prewrite import early_record
from retro_tui.domain.problems import linked
from retro_tui.domain.text import make_visible
from retro_tui.domain.views import CHECKED_IN
from retro_tui.export_measures import actions_heading, data_section, measure_note, review_note
from retro_tui.export_room import comments_section, reactions_note

__all__ = ["default_export_name", "escape_inline", "escape_lines", "session_markdown"]

# Escaped wherever they appear: emphasis, code, links, HTML, entities, headings,
# block quotes, tables, fences, and the `{…}` attribute syntax of some renderers.
_ESCAPE_ALWAYS = re.compile(r"([\\`*_\[\]<>#|~{}&])")
# Only dangerous at the start of a line: list items, setext underlines, ordered lists.
_LINE_START_MARK = re.compile(r"[-+=]")
_ORDERED_MARK = re.compile(r"\d+(?=[.)])")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _plain(text: str) -> str:
    """Defensive: control characters and lone surrogates made visible / replaced."""
    return _SURROGATES.sub("\ufffd", make_visible(text, multiline=True))


def _escape_line(line: str) -> str:
    line = _ESCAPE_ALWAYS.sub(r"\\\1", line.strip())
    if _LINE_START_MARK.match(line):
        return "\\" + line
    ordered = _ORDERED_MARK.match(line)
    if ordered:
        return line[: ordered.end()] + "\\" + line[ordered.end() :]
    return line


def escape_inline(text: str) -> str:
    """User text as one line of literal Markdown text (newlines become spaces)."""
    return _escape_line(" ".join(_plain(text).split("\n")))


def escape_lines(text: str, *, paragraphs: bool = False) -> list[str]:
    """User text as escaped lines; blank lines kept (once) only when `paragraphs`."""
    lines: list[str] = []
    for raw in _plain(text).split("\n"):
        line = _escape_line(raw)
        if line:
            lines.append(line)
        elif paragraphs and lines and lines[-1]:
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _hard_wrapped(text: str, indent: str) -> str:
    """Multi-line text kept inside its list item: hard breaks, continuation indented."""
    return ("\\\n" + indent).join(escape_lines(text)) or "\u2026"


def _paragraphs(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in lines:
        if line:
            groups[-1].append(line)
        else:
            groups.append([])
    return [group for group in groups if group]


def _votes(n: int) -> str:
    return "1 vote" if n == 1 else f"{n} votes"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}"


class _Notes:
    """Builds the document; lookups precomputed so a 1,000-card session stays fast."""

    def __init__(
        self, session: Session, now: datetime | None, seen: Mapping[str, str] | None = None
    ) -> None:
        self.s = session
        self.now = now
        self.seen = dict(seen or {})
        self.anonymous = session.settings.anonymous
        self.names = {p.id: p.name for p in session.participants}
        self.cards = {c.id: c for c in session.cards}
        self.topics = {t.id: t for t in session.topics}
        self.show_votes = session.votes_revealed
        self.totals = session.totals() if self.show_votes else {}
        # An anonymous retro's cards in the order every screen shows them (not as written).
        self.visible_cards = [c for c in reveal_order(session, session.cards) if not c.hidden]
        self.hidden_count = len(session.cards) - len(self.visible_cards)
        self.topic_cards: dict[str, list[Card]] = {}
        order: dict[str, int] = {}
        for card in self.visible_cards:
            key = card.topic or card.id
            order.setdefault(key, len(order))
            if card.topic is not None:
                self.topic_cards.setdefault(card.topic, []).append(card)
        self.order = order
        self.out: list[str] = []

    # --- helpers -----------------------------------------------------------------------
    def emit(self, *lines: str) -> None:
        self.out.extend(lines)

    def heading(self, level: int, text: str) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")
        self.out.extend(["#" * level + " " + text, ""])

    def section(self, lines: list[str]) -> None:
        """A whole section made elsewhere (its heading included)."""
        if lines and self.out and self.out[-1] != "":
            self.out.append("")
        self.out.extend(lines)

    def ranked(self, targets: Iterable[str]) -> list[str]:
        """Most votes first, ties in board order (the discussion order)."""
        return sorted(targets, key=lambda t: (-self.totals.get(t, 0), self.order.get(t, 0)))

    def vote_note(self, target: str) -> str:
        return f" \u2014 {_votes(self.totals.get(target, 0))}" if self.show_votes else ""

    def author(self, card: Card) -> str:
        if self.anonymous or not card.author:
            return ""
        name = self.names.get(card.author)
        return f" \u2014 {escape_inline(name)}" if name else ""

    def target_title(self, target: str) -> str:
        topic = self.topics.get(target)
        if topic is not None:
            return escape_inline(topic.title)
        card = self.cards.get(target)
        return escape_inline(card.text) if card is not None and not card.hidden else "\u2026"

    # --- sections ----------------------------------------------------------------------
    def header(self) -> None:
        s = self.s
        self.emit("# " + escape_inline(s.title), "")
        self.emit(f"- **Date:** {s.created_at.date().isoformat()}")
        self.emit(f"- **Format:** {escape_inline(s.format_name or s.format_key)}")
        self.emit(f"- **Team:** {escape_inline(s.team)}")
        people = s.participants
        if self.anonymous:
            self.emit(f"- **Participants:** {len(people)} (anonymous retro: no names shown)")
        else:
            names = ", ".join(
                escape_inline(p.name) + (" (facilitator)" if p.is_facilitator else "")
                for p in people
            )
            self.emit(f"- **Participants ({len(people)}):** {names or 'none'}")
        if s.icebreaker:
            self.emit(f"- **Check-in question:** {escape_inline(s.icebreaker)}")
        self.emit(f"- **Phase reached:** {s.phase.label}")
        if self.now is not None:
            self.emit(f"- **Exported:** {self.now.astimezone(UTC):%Y-%m-%d %H:%M} UTC")

    def checkin(self) -> None:
        if self.anonymous:  # words could name their person in notes kept for years
            return
        answered = [
            p
            for p in self.s.participants
            if (p.checkin_word and p.checkin_word != CHECKED_IN) or p.mood is not None
        ]
        if not answered:
            return
        self.heading(2, "Check-in")
        for p in answered:
            parts = [escape_inline(p.checkin_word)] if p.checkin_word else []
            if p.mood is not None:
                parts.append(f"mood {p.mood}/5")
            self.emit(f"- {escape_inline(p.name)}: {', '.join(parts)}")

    def review(self) -> None:
        if not self.s.review:
            return
        self.heading(2, "Last retro's actions")
        labels = {
            ReviewDecision.DONE: "Done",
            ReviewDecision.CARRIED: "Carried over",
            ReviewDecision.DROPPED: "Dropped",
            ReviewDecision.PENDING: "Not reviewed",
        }
        for item in self.s.review:
            action = item.action
            owner = f" \u2014 owner: {escape_inline(action.owner)}" if action.owner else ""
            judged = review_note(self.s, action)
            self.emit(f"- **{labels[item.decision]}:** {escape_inline(action.text)}{owner}{judged}")

    def board(self) -> None:
        s = self.s
        lone: dict[str, list[Card]] = {}
        for card in self.visible_cards:
            if card.topic is None:
                lone.setdefault(card.column, []).append(card)
        topics: dict[str, list[str]] = {}
        for topic in s.topics:
            if topic.id in self.topic_cards:
                topics.setdefault(topic.column, []).append(topic.id)
        known = {col.key for col in s.columns}
        extra = [k for k in [*lone, *topics] if k not in known]
        for key, title in [(c.key, c.title) for c in s.columns] + [
            (k, k) for k in dict.fromkeys(extra)
        ]:
            self.heading(2, escape_inline(title))
            if not s.cards_revealed:
                n = sum(1 for c in s.cards if c.column == key)
                self.emit(f"{n} card(s) written; they are revealed when writing ends.")
                continue
            items = self.ranked(topics.get(key, [])) + self.ranked(c.id for c in lone.get(key, []))
            if not items:
                self.emit("No cards.")
                continue
            for target in items:
                self.board_item(target)
        if self.hidden_count:
            self.emit("", f"{self.hidden_count} card(s) not shown (not yet revealed).")

    def board_item(self, target: str) -> None:
        cards = self.topic_cards.get(target)
        if cards is not None:
            react = reactions_note(self.s, target)
            self.emit(f"- **{self.target_title(target)}**{self.vote_note(target)}{react}")
            for card in cards:
                react = reactions_note(self.s, card.id)
                self.emit(f"  - {_hard_wrapped(card.text, '    ')}{self.author(card)}{react}")
            return
        lone = self.cards.get(target)
        if lone is None:  # pragma: no cover - targets come from the cards themselves
            return
        votes = f" \u00b7 {_votes(self.totals.get(target, 0))}" if self.show_votes else ""
        react = reactions_note(self.s, target)
        self.emit(f"- {_hard_wrapped(lone.text, '  ')}{self.author(lone)}{votes}{react}")

    def discussion(self) -> None:
        s = self.s
        if not s.notes and s.phase.order < Phase.DISCUSS.order:
            return
        self.heading(2, "Discussion")
        noted = self.ranked(t for t in s.notes if t in self.order or t in self.topics)
        if not noted:
            self.emit("No notes were taken.")
            return
        for number, target in enumerate(noted, start=1):
            marker = f"{number}. "
            indent = " " * len(marker)
            if number > 1:
                self.emit("")
            self.emit(f"{marker}**{self.target_title(target)}**{self.vote_note(target)}")
            for paragraph in _paragraphs(escape_lines(s.notes[target], paragraphs=True)):
                self.emit("", indent + ("\\\n" + indent).join(paragraph))

    def known_problems(self) -> None:
        """Each linked card or topic with its problem and how often the team has seen it."""
        found = [
            (target, problem)
            for target, problem in linked(self.s)
            if target in self.topic_cards or target in self.order
        ]
        if not found:
            return
        self.heading(2, "Known problems")
        for target, problem in found:
            seen = self.seen.get(problem.id)
            note = f" \u2014 {escape_inline(seen)}" if seen else ""
            self.emit(f"- **{escape_inline(problem.name)}**{note}: {self.target_title(target)}")

    def actions(self) -> None:
        s = self.s
        if not s.actions and s.phase.order < Phase.ACTIONS.order:
            return
        self.heading(2, actions_heading(s))
        if not s.actions:
            self.emit("No action items.")
            return
        for action in s.actions:
            self.emit(self.action_line(action))

    def action_line(self, action: ActionItem) -> str:
        fields = [
            f"{label}: {escape_inline(value)}"
            for label, value in (
                ("owner", action.owner),
                ("due", action.due),
                ("metric", action.metric),
            )
            if value
        ]
        text = escape_inline(action.text)
        line = text + (" \u2014 " + ", ".join(fields) if fields else "") + measure_note(action)
        if action.source is not None and (
            self.topics.get(action.source) is not None or action.source in self.order
        ):
            line += f" (from: {self.target_title(action.source)})"
        if action.carried:
            raised = f", first raised {escape_inline(action.raised_on)}" if action.raised_on else ""
            where = f" in '{escape_inline(action.raised_in)}'" if action.raised_in else ""
            line += f"; carried over {action.carried}\u00d7{raised}{where}"
        if action.status is ActionStatus.DROPPED:
            return f"- Dropped: {line}"
        box = "[x]" if action.status is ActionStatus.DONE else "[ ]"
        if action.status is ActionStatus.OPEN and action.missing:
            line += f" **not SMART: missing {', '.join(action.missing)}**"
        return f"- {box} {line}"

    def health_check(self) -> None:
        """Average and spread per dimension, once shown; never a name beside a score."""
        check = self.s.health
        if not self.s.health_step or not check.dimensions:
            return
        self.heading(2, "Health check")
        if not check.revealed:
            self.emit(f"{len(check.rated)} rated; the results were not shown.")
            return
        self.emit("| Dimension | Average | Spread | Ratings |", "| --- | ---: | :---: | ---: |")
        for result in health.results(check):
            average = f"{result.average:.1f}" if result.average is not None else "–"
            spread = f"{result.low}–{result.high}" if result.low is not None else "–"
            title = escape_inline(result.title)
            self.emit(f"| {title} | {average} | {spread} | {result.ratings} |")

    def parked_before(self) -> None:
        """Last retro's parking lot, as this retro's review left it."""
        if not self.s.parked_before:
            return
        self.heading(2, "Last retro's parking lot")
        for item in self.s.parked_before:
            state = "Dealt with" if item.settled else "Still parked"
            where = f" (parked {escape_inline(item.raised_on)})" if item.raised_on else ""
            self.emit(f"- **{state}:** {escape_inline(item.text)}{where}")

    def parking_lot(self) -> None:
        """What this retro set aside for later; it comes back at the team's next review."""
        items = parking.current(self.s)
        if not items:
            return
        self.heading(2, "Parking lot")
        for item in items:
            self.emit(f"- {escape_inline(item.text) or chr(0x2026)}")

    def roti(self) -> None:
        s = self.s
        if not s.roti and s.phase is not Phase.CLOSE:
            return
        self.heading(2, "Return on time invested")
        average = s.roti_average()
        if average is None:
            self.emit("No ratings yet.")
            return
        counts = {score: 0 for score in range(5, 0, -1)}
        for score in s.roti.values():
            counts[score] = counts.get(score, 0) + 1
        spread = ", ".join(f"{score}: {n}" for score, n in counts.items() if n)
        n = len(s.roti)
        ratings = "1 rating" if n == 1 else f"{n} ratings"
        self.emit(f"ROTI **{half_up(average)}** / 5 from {ratings} ({spread}).")

    def timing(self) -> None:
        s = self.s
        actual: dict[Phase, float] = {}
        running: set[Phase] = set()
        early = early_record(s)  # writing before the meeting is not meeting time
        for record in s.phase_log:
            if record is early:
                continue
            end = record.ended_at or self.now
            if end is None:
                running.add(record.phase)
                continue
            seconds = max(0.0, (end - record.started_at).total_seconds())
            actual[record.phase] = actual.get(record.phase, 0.0) + seconds
        self.heading(2, "Timing")
        self.emit("| Phase | Planned (min) | Actual (min) |", "| --- | ---: | ---: |")
        total_planned = 0
        for phase in phases_of(s.data_step, s.health_step):
            planned = s.durations.get(phase, 0)
            total_planned += planned
            if phase in running:
                done = "running"
            elif phase in actual:
                done = _minutes(actual[phase])
            elif phase.order < s.phase.order:
                done = "skipped"
            else:
                done = "\u2013"
            self.emit(f"| {phase.label} | {planned or chr(0x2013)} | {done} |")
        total = _minutes(sum(actual.values()))
        self.emit(f"| **Total** | {total_planned} | {total} |")

    def render(self) -> str:
        self.header()
        self.checkin()
        self.section(data_section(self.s))
        self.review()
        self.health_check()
        self.parked_before()
        self.board()
        self.discussion()
        self.section(comments_section(self.s, self.ranked(self.order), self.target_title))
        self.known_problems()
        self.actions()
        self.parking_lot()
        self.roti()
        self.timing()
        return "\n".join(self.out).rstrip("\n") + "\n"


def session_markdown(
    session: Session, *, now: datetime | None = None, seen: Mapping[str, str] | None = None
) -> str:
    """The retro's notes as Markdown; `now` (UTC) stamps the export and times a live phase.

    `seen` maps a known problem's id to how often the team has raised it ("seen in 4
    retros since January", from `reports.problems.seen_phrases`), shown beside each
    card or topic linked to it.

    Cards stay hidden until writing ends and vote totals until voting ends, as on screen;
    in an anonymous retro no participant name is printed except as an action's owner.
    """
    return _Notes(session, now, seen).render()


def default_export_name(session: Session) -> str:
    """A file name for the notes, from the (already file-safe) session id."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", session.id).strip(".-")[:80]
    if not stem:
        stem = f"{session.created_at.date().isoformat()}-retro"
    return f"{stem}.md"

"""Pure helpers that shape a `BoardView` into what the widgets draw.

Kept free of Textual so the rules of display (what is an item, who may see an author,
how many votes are left) are easy to test and the widgets stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retro_tui.domain.model import Card, Session
from retro_tui.domain.phases import OPTIONAL_PHASES, PHASE_ORDER, Phase
from retro_tui.domain.room_views import counts_of
from retro_tui.domain.views import BoardView, votes_used


@dataclass(frozen=True)
class BoardItem:
    """One thing on the board: a lone card, or a topic with its cards.

    Items are what the board focuses, groups, votes on and discusses; `id` is the card id
    for a lone card and the topic id for a topic, exactly as the hub's vote targets are.
    """

    id: str
    column: str
    cards: tuple[Card, ...]
    title: str = ""  # a topic's title; "" for a lone card
    is_topic: bool = False
    authors: tuple[str, ...] = ()  # display names, empty in anonymous mode
    mine: bool = False
    my_votes: int = 0
    total_votes: int | None = None  # None while totals are hidden
    current: bool = False
    reactions: str = ""  # "✓2 ♥1": counts by kind, never who
    problem: str = ""  # the known problem it is linked to, when the viewer's view holds the link

    @property
    def hidden(self) -> bool:
        return not self.is_topic and bool(self.cards) and self.cards[0].hidden


def author_name(session: Session, card: Card, you: str) -> str:
    """The name to show under a card, or "" when it must not be shown.

    In an anonymous retro even "you" is left out once cards are revealed: the
    facilitator's screen is usually shared, and a "you" would name the author.
    """
    anonymous = session.settings.anonymous
    if card.author == you and card.author:
        return "" if anonymous and session.cards_revealed else "you"
    if anonymous or not card.author:
        return ""
    person = session.participant(card.author)
    return person.name if person is not None else ""


def all_board_items(view: BoardView) -> dict[str, tuple[BoardItem, ...]]:
    """Every column's items in board order, in one pass (a topic sits where its first card is).

    One pass with lookup tables, so a 1,000-card board redraws without quadratic work.
    """
    session = view.session
    # A presenting board is everyone's screen: nothing on it is "yours".
    you = "" if view.presenting else view.you
    mine: dict[str, int] = {}
    for vote in session.votes:
        if you and vote.voter == you:
            mine[vote.target] = mine.get(vote.target, 0) + 1
    totals = session.totals() if session.votes_revealed else None
    hide_mine = session.settings.anonymous and session.cards_revealed
    topics = {topic.id: topic for topic in session.topics}
    problems = linked_names(session)
    grouped: dict[str, list[Card]] = {}
    for card in session.cards:
        grouped.setdefault(card.topic or card.id, []).append(card)
    result: dict[str, list[BoardItem]] = {col.key: [] for col in session.columns}
    for key, cards in grouped.items():
        topic = topics.get(key)
        where = topic.column if topic is not None else cards[0].column
        names = tuple(n for n in (author_name(session, c, you) for c in cards) if n)
        result.setdefault(where, []).append(
            BoardItem(
                id=key,
                column=where,
                cards=tuple(cards),
                title=topic.title if topic is not None else "",
                is_topic=topic is not None,
                authors=tuple(dict.fromkeys(names)),
                mine=bool(you) and not hide_mine and any(c.author == you for c in cards),
                my_votes=mine.get(key, 0),
                total_votes=None if totals is None else totals.get(key, 0),
                current=session.current_topic == key,
                reactions=short_reactions(session, key),
                problem=problems.get(key, ""),
            )
        )
    return {key: tuple(items) for key, items in result.items()}


def linked_names(session: Session) -> dict[str, str]:
    """Card or topic id -> the name of the known problem it is linked to. The hub leaves
    out the links a viewer may not see (a face-down card's), so this shows what it got."""
    names = {p.id: p.name for p in session.problems}
    return {k.target: names[k.problem] for k in session.problem_links if k.problem in names}


def board_items(view: BoardView, column: str) -> tuple[BoardItem, ...]:
    """The items of one column in board order."""
    return all_board_items(view).get(column, ())


def item_by_id(view: BoardView, item_id: str) -> BoardItem | None:
    column = view.session.target_column(item_id)
    return next((i for i in board_items(view, column) if i.id == item_id), None)


def ranked_items(view: BoardView) -> tuple[BoardItem, ...]:
    """Every item, most votes first (ties in board order): the discussion order."""
    items = [i for column in all_board_items(view).values() for i in column]
    board_order = dict.fromkeys(card.topic or card.id for card in view.session.cards)
    order = {key: index for index, key in enumerate(board_order)}
    totals = view.session.totals()
    return tuple(sorted(items, key=lambda i: (-totals.get(i.id, 0), order[i.id])))


def votes_left(view: BoardView) -> int:
    session = view.session
    return max(0, session.settings.votes_per_person - votes_used(session, view.you))


def votes_left_text(view: BoardView) -> str:
    budget = view.session.settings.votes_per_person
    return f"{votes_left(view)} of {budget} votes left"


def skip_target(phase: Phase, phases: tuple[Phase, ...] = PHASE_ORDER) -> Phase | None:
    """Where "skip" goes: past every optional phase right after this one, or None.
    `phases` are the session's own (phases_of): a step it does not use is no skip."""
    order = phases if phase in phases else PHASE_ORDER
    index = order.index(phase) + 1
    if index >= len(order) or order[index] not in OPTIONAL_PHASES:
        return None
    while index < len(order) and order[index] in OPTIONAL_PHASES:
        index += 1
    return order[index] if index < len(order) else None


def age_text(raised_on: str, today: date) -> str:
    """How old an action item is, in words: "raised 14 days ago"."""
    try:
        raised = date.fromisoformat(raised_on)
    except ValueError:
        return ""
    days = (today - raised).days
    if days <= 0:
        return "raised today"
    if days == 1:
        return "raised yesterday"
    if days < 60:
        return f"raised {days} days ago"
    return f"raised {days // 30} months ago"


def clock_text(seconds: float) -> str:
    """A countdown as M:SS (or H:MM:SS past an hour); rounds up so 0:00 means time is up."""
    whole = int(seconds) + (1 if seconds % 1 > 0 else 0)
    hours, rest = divmod(max(0, whole), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def missing_text(missing: tuple[str, ...]) -> str:
    return "not SMART: missing " + ", ".join(missing) if missing else "SMART"


def short_reactions(session: Session, target: str) -> str:
    """Reaction counts in a card's footer: "✓2 ♥1" (the names are in the discuss detail,
    the notes and the simple page; the key's picker shows them too)."""
    counts = counts_of(session, target)
    return " ".join(f"{kind.symbol}{n}" for kind, n in counts.items() if n)

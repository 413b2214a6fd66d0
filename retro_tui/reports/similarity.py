"""Retro card text as words: normalised, split, stemmed and read through a retro vocabulary.

Everything runs on this machine (no model, no network): text is normalised, split into
words, stop words dropped, words stemmed by a tiny suffix stripper and folded onto a
small retro vocabulary (sign-off = approval, waiting = slow, standup = meeting…). The
word ranker (`word_scores`) builds on `tokens` and `stem`; the old clustering that
compared whole texts lives on in `bench/clustering.py` as a benchmark's baseline.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["concepts", "normalise", "stem", "tokens"]

_STOP_TEXT = """
    a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does doing don down during each even ever every
    few for from further get gets getting got had has have having he her here hers him his how
    i if in into is it its itself just let lets like lot lots me more most much must my no nor
    not now of off often on once only or other our ours out over own quite really same she
    should so some still such than that the their them then there these they this those
    through to too under until up us very was we were what when where which while who whom why
    will with would you your yours again always never nothing something thing things way ways
    take takes taking took make makes made many new one two three four five six seven eight
    nine ten per vs via etc ok okay bit kind sort need needs needed want wanted keep kept
    day days week weeks month months hour hours minute minutes time times constant constantly
    across around within without whole
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Retro vocabulary: every word of a group is read as the group's first word (a line
# holding "head: word word…", continued on indented lines). Words are listed as people
# type them; they go through the same stemmer as card text.
_SYNONYM_TEXT = """
approval: approve approved approver approvers signoff signoffs sign-off sign-offs signature
    signatures greenlight greenlit
slow: slowly slower delay delayed delays wait waiting waited bottleneck bottlenecks forever
    lag lagging idle stuck blocked blocker blockers backlog queue queued sluggish ages
meeting: meetings standup standups stand-up stand-ups daily dailies sync syncs call calls
    huddle ceremony ceremonies
overrun: overruns overran overrunning long longer lengthy drag drags dragged overtime
    overlong over-run
release: releases released deploy deploys deployed deployment deployments launch launches
    launched ship ships shipped shipping rollout rollouts go-live golive publish publishing
    published
break: breaks broke broken breaking fail fails failed failure failures outage outages
    incident incidents crash crashes rollback rollbacks chaos chaotic mess messy scramble
    firefighting panic hotfix hotfixes
friday: fridays weekend weekends
test: tests testing tested qa flaky
brief: briefs briefing requirement requirements spec specs scope scoping
priority: priorities prioritise prioritize prioritisation prioritization focus
document: documents documentation docs doc wiki readme
customer: customers client clients user users
budget: budgets spend spending cost costs
communication: communicate communicating informed alignment aligned misaligned visibility
handoff: handoffs hand-off hand-offs handover handovers
interrupt: interrupts interruption interruptions distraction distractions context-switching
    ping pings
estimate: estimates estimation estimating underestimated overestimated
edit: edits tweak tweaks typo typos wording
change: changes changed changing shifting moving churn unclear vague ambiguous
legal: compliance lawyer lawyers
small: minor tiny trivial
"""


def _groups(text: str) -> tuple[tuple[str, ...], ...]:
    groups: list[list[str]] = []
    for line in text.strip().splitlines():
        if line[:1].isspace():
            groups[-1].extend(line.split())
        else:
            head, _, rest = line.partition(":")
            groups.append([head.strip(), *rest.split()])
    return tuple(tuple(g) for g in groups)


SYNONYM_GROUPS = _groups(_SYNONYM_TEXT)

# Two-word phrases that name one thing, joined before words are split.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{pattern}\b"), joined)
    for pattern, joined in (
        (r"sign(?:s|ed|ing)? off", "signoff"),
        (r"stand(?:s|ing)? ups?", "standup"),
        (r"go(?:es|ing)? live", "golive"),
        (r"hand(?:s|ed|ing)? (?:off|over)", "handoff"),
        (r"fire ?(?:drills?|fights?|fighting)", "firefighting"),
        (r"roll(?:s|ed|ing)? back", "rollback"),
        (r"roll(?:s|ed|ing)? out", "rollout"),
    )
)

_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_SUFFIXES = ("ational", "ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied",
             "edly", "ers", "ed", "es", "er", "ly", "s")  # fmt: skip


def normalise(text: str) -> str:
    """Case-folded, accent-free text: what a reader would consider the same letters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\u2019", "'").replace("\u2010", "-").replace("\u2011", "-")


def stem(word: str) -> str:
    """A deliberately tiny suffix stripper: enough to make plurals and tenses meet."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            if suffix == "s" and word.endswith("ss"):
                return word
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]  # "stopped" -> "stopp" -> "stop"
            return base
    return word


def _joined(word: str) -> str:
    return word.replace("-", "").replace("'", "")


_SYNONYMS: dict[str, str] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group:
        for _form in (_word, _joined(_word)):
            _SYNONYMS.setdefault(_form, _group[0])
            _SYNONYMS.setdefault(stem(_joined(_form)), _group[0])


def tokens(text: str) -> list[str]:
    """Words of `text` without stop words, numbers or one-letter leftovers."""
    words: list[str] = []
    text = normalise(text)
    for pattern, joined in _PHRASES:
        text = pattern.sub(joined, text)
    for raw in _WORD_RE.findall(text):
        if raw in _SYNONYMS:  # "sign-off", "go-live": one concept, keep it whole
            words.append(raw)
            continue
        for part in raw.split("-") if "-" in raw else [raw]:
            part = part.split("'")[0]
            if len(part) > 1 and not part.isdigit() and part not in STOP_WORDS:
                words.append(part)
    return words


def concepts(text: str) -> list[str]:
    """Tokens stemmed and mapped onto the retro vocabulary."""
    result: list[str] = []
    for word in tokens(text):
        joined = _joined(word)
        concept = _SYNONYMS.get(word) or _SYNONYMS.get(joined) or _SYNONYMS.get(stem(joined))
        result.append(concept or stem(joined))
    return result

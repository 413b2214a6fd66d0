"""Local text similarity for retro cards: which cards from different retros say the same thing.

Everything runs on this machine (no model, no network): text is normalised, split into
words, stop words dropped, words stemmed by a tiny suffix stripper and folded onto a
small retro vocabulary (sign-off = approval, waiting = slow, standup = meeting…). Two
texts are compared by a blend of TF-IDF cosine (shared meaningful words) and character
trigram Jaccard (shared word shapes the stemmer missed); similar texts are then grouped
by average-linkage agglomerative clustering cut at a threshold.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_THRESHOLD",
    "Cluster",
    "TextItem",
    "cluster",
    "concepts",
    "normalise",
    "similarity_matrix",
    "stem",
    "tokens",
]

DEFAULT_THRESHOLD = 0.24
COSINE_WEIGHT = 0.75  # the rest goes to character-trigram Jaccard

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


def _trigrams(words: Sequence[str]) -> frozenset[str]:
    grams: set[str] = set()
    for word in words:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


@dataclass(frozen=True)
class TextItem:
    """One text to compare; `group` keeps items together from the start (a topic's cards)."""

    key: str
    text: str
    session_id: str = ""
    group: str | None = None


@dataclass(frozen=True)
class Cluster:
    """Items judged to say the same thing; `central` is the key of the most typical one."""

    keys: tuple[str, ...]
    central: str
    by_centrality: tuple[str, ...]  # keys, most typical first
    sessions: frozenset[str]
    cohesion: float  # mean similarity of the items to one another (1.0 for a single item)


class _Vectors:
    """TF-IDF vectors and trigram sets of a corpus, computed once."""

    def __init__(self, texts: Sequence[str]) -> None:
        words = [concepts(text) for text in texts]
        df: Counter[str] = Counter()
        for ws in words:
            df.update(set(ws))
        n = len(texts)
        idf = {w: math.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items()}
        self.vectors: list[dict[str, float]] = []
        for ws in words:
            tf = Counter(ws)
            vec = {w: (1.0 + math.log(c)) * idf[w] for w, c in tf.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self.vectors.append({w: v / norm for w, v in vec.items()})
        self.grams = [_trigrams(ws) for ws in words]

    def similarity(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        cosine = sum(v * b.get(w, 0.0) for w, v in a.items())
        ga, gb = self.grams[i], self.grams[j]
        union = len(ga | gb)
        jaccard = len(ga & gb) / union if union else 0.0
        return COSINE_WEIGHT * cosine + (1.0 - COSINE_WEIGHT) * jaccard


def similarity_matrix(texts: Sequence[str]) -> list[list[float]]:
    """Pairwise similarity (0..1, 1 on the diagonal); for tests and tuning."""
    vectors = _Vectors(texts)
    n = len(texts)
    return [[1.0 if i == j else vectors.similarity(i, j) for j in range(n)] for i in range(n)]


def cluster(
    items: Iterable[TextItem], threshold: float = DEFAULT_THRESHOLD, *, floor: float = 0.05
) -> list[Cluster]:
    """Average-linkage clusters whose items are, on average, at least `threshold` alike.

    Items sharing a `group` start as one cluster (people already said they belong
    together). Pairs below `floor` count as 0, which keeps the pair table sparse: the
    work is about the number of similar pairs, not the square of the number of items.
    Clusters come back largest first.
    """
    listed = list(items)
    if not listed:
        return []
    vectors = _Vectors([item.text for item in listed])
    n = len(listed)
    pair: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for i in range(n):
        for j in range(i + 1, n):
            s = vectors.similarity(i, j)
            if s >= floor:
                pair[i][j] = s
                pair[j][i] = s

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums: dict[int, dict[int, float]] = {i: dict(pair[i]) for i in range(n)}
    owner = list(range(n))

    def merge(a: int, b: int) -> None:
        members[a].extend(members.pop(b))
        for i in members[a]:
            owner[i] = a
        row_b = sums.pop(b)
        row_a = sums[a]
        row_a.pop(b, None)
        for c, s in row_b.items():
            if c == a:
                continue
            row_a[c] = row_a.get(c, 0.0) + s
            row_c = sums[c]
            row_c[a] = row_c.get(a, 0.0) + row_c.pop(b)

    groups: dict[str, int] = {}
    for i, item in enumerate(listed):
        if item.group is None:
            continue
        first = groups.setdefault(item.group, i)
        if first != i and owner[i] != owner[first]:
            merge(owner[first], owner[i])

    version = dict.fromkeys(members, 0)
    heap: list[tuple[float, int, int, int, int]] = []

    def push(a: int, b: int) -> None:
        x, y = min(a, b), max(a, b)
        avg = sums[x].get(y, 0.0) / (len(members[x]) * len(members[y]))
        if avg >= threshold:
            heapq.heappush(heap, (-avg, x, y, version[x], version[y]))

    for a in members:
        for b in sums[a]:
            if a < b:
                push(a, b)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        merge(a, b)
        version[a] += 1
        for c in list(sums[a]):
            push(a, c)

    clusters: list[Cluster] = []
    for indices in members.values():
        ranked, cohesion = _centre(indices, pair)
        clusters.append(
            Cluster(
                keys=tuple(listed[i].key for i in sorted(indices)),
                central=listed[ranked[0]].key,
                by_centrality=tuple(listed[i].key for i in ranked),
                sessions=frozenset(listed[i].session_id for i in indices),
                cohesion=cohesion,
            )
        )
    clusters.sort(key=lambda c: (-len(c.sessions), -len(c.keys), c.keys))
    return clusters


def _centre(indices: list[int], pair: dict[int, dict[int, float]]) -> tuple[list[int], float]:
    """Members from most to least like all the others, and the mean pairwise similarity."""
    if len(indices) == 1:
        return list(indices), 1.0
    totals = {i: sum(pair[i].get(j, 0.0) for j in indices if j != i) for i in indices}
    ranked = sorted(indices, key=lambda i: (-totals[i], i))
    n = len(indices)
    return ranked, sum(totals.values()) / (n * (n - 1))

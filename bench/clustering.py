"""The old card clustering, kept as a baseline that `bench.problems` scores against.

Cards were compared by a blend of TF-IDF cosine over `reports.similarity.concepts`
(shared meaningful words) and character trigram Jaccard (shared word shapes the stemmer
missed), then grouped by average-linkage agglomerative clustering cut at a threshold.
The app no longer clusters (recurring problems are the links people confirm, see
BENCHMARKS.md); the benchmark and `tests/reports/test_insights.py` still score it.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retro_tui.reports.similarity import concepts

DEFAULT_THRESHOLD = 0.24
COSINE_WEIGHT = 0.75  # the rest goes to character-trigram Jaccard


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

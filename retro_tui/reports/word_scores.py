"""Texts compared by the words they share (TF-IDF cosine): the fallback when the meaning
model cannot be loaded, and the baseline the benchmark measures the model against.

Words are the similarity module's tokens, stemmed, without its synonym table (which
misreads: "call" made "on-call" a meeting). Pure: no I/O.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from retro_tui.reports.similarity import stem, tokens

__all__ = ["WordScorer"]


def _words(text: str) -> list[str]:
    return [stem(w.replace("-", "").replace("'", "")) for w in tokens(text)]


class WordScorer:
    """TF-IDF cosine, the document frequencies taken over the texts of each call."""

    def scores(self, queries: Sequence[str], candidates: Sequence[str]) -> list[list[float]]:
        if not queries or not candidates:
            return [[] for _ in queries]
        bags = [_words(t) for t in (*queries, *candidates)]
        df: Counter[str] = Counter()
        for bag in bags:
            df.update(set(bag))
        n = len(bags)
        vectors: list[dict[str, float]] = []
        for bag in bags:
            tf = Counter(bag)
            vec = {w: (1.0 + math.log(k)) * (math.log((1 + n) / (1 + df[w])) + 1.0)
                   for w, k in tf.items()}  # fmt: skip
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            vectors.append({w: v / norm for w, v in vec.items()})
        qs, cs = vectors[: len(queries)], vectors[len(queries) :]
        return [[sum(v * c.get(w, 0.0) for w, v in q.items()) for c in cs] for q in qs]

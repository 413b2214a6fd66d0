"""Texts compared by meaning, offline: WordLlama's static token embeddings, read by path.

Why this model: on our labelled history (tests/data/problems_history.json, held-out
teams) its ranking put a true earlier match in the top 3 for far more recurring cards
than word TF-IDF or the old synonym table (BENCHMARKS.md has the figures). Its 256-
dimension table and tokenizer ship inside the `wordllama` wheel, so nothing is ever
downloaded.

Why read the files ourselves instead of `WordLlama.load()`: release 0.4.0 looks for its
bundled tokenizer in `wordllama/tokenizer/` while the wheel puts it in
`wordllama/tokenizers/`, and then falls back to a download from a model hub; importing
the package also calls `logging.basicConfig(level=INFO)`, which would reconfigure our
logging. The model is simple enough to use without the package's code: a text's vector
is the mean of its tokens' rows, normalised, and similarity is the dot product.

Only the facilitator's side imports this (host, open, the CLI); a participant's tab
never does (tests/test_layers.py checks it).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

__all__ = ["MeaningScorer", "ModelMissing", "best_scores", "model_files"]

_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_TENSOR = "embedding.weight"


class ModelMissing(RuntimeError):
    """The wordllama wheel is not installed, or lacks its bundled files."""


def model_files() -> tuple[Path, Path]:
    """The bundled weights and tokenizer, found without importing the package."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        raise ModelMissing(
            "The wordllama package is not installed: reinstall retro-tui to get suggestions."
        )
    root = Path(spec.origin).parent
    weights, tokenizer = root / _WEIGHTS, root / _TOKENIZER
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ModelMissing(f"The wordllama package has no {path.name}: reinstall it.")
    return weights, tokenizer


@cache
def _model() -> tuple[NDArray[np.float32], Tokenizer]:
    weights, tokenizer_file = model_files()
    table = np.ascontiguousarray(load_file(str(weights))[_TENSOR], dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return table, tokenizer


class MeaningScorer:
    """Cosine similarity of texts by meaning; each distinct text is embedded once."""

    def __init__(self) -> None:
        self._table, self._tokenizer = _model()
        self._cache: dict[str, NDArray[np.float32]] = {}

    def vectors(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit vector per text (a text with no known token gets zeros)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._embed(missing)
        dim = self._table.shape[1]
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def _embed(self, texts: list[str]) -> None:
        """Every token row gathered at once, then summed per text (one numpy call each)."""
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        ids = np.fromiter(
            (i for e in encodings for i in e.ids), dtype=np.int64, count=int(lengths.sum())
        )
        np.clip(ids, 0, len(self._table) - 1, out=ids)
        sums = np.zeros((len(texts), self._table.shape[1]), dtype=np.float32)
        if len(ids):
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            present = lengths > 0
            sums[present] = np.add.reduceat(self._table[ids], starts[present], axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        unit = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        for text, vector in zip(texts, unit, strict=True):
            self._cache[text] = vector

    def scores(self, queries: Sequence[str], candidates: Sequence[str]) -> list[list[float]]:
        """Similarity of every query to every candidate, -1..1 (1: the same meaning)."""
        if not queries or not candidates:
            return [[] for _ in queries]
        product = self.vectors(queries) @ self.vectors(candidates).T
        rows: list[list[float]] = product.tolist()
        return rows


def best_scores() -> tuple[Callable[[Sequence[str], Sequence[str]], list[list[float]]], str]:
    """The meaning ranker, or word TF-IDF with a sentence saying why when the model is
    missing (a broken install): suggestions get worse, they never stop."""
    try:
        return MeaningScorer().scores, ""
    except ModelMissing as missing:
        from retro_tui.reports.word_scores import WordScorer

        return WordScorer().scores, f"{missing} Suggestions use shared words meanwhile."

"""Small statistics and formatting helpers shared by the benchmark's parts."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float) -> str:
    """Seconds as a short millisecond figure ("–" when missing)."""
    if math.isnan(seconds):
        return "–"
    return f"{seconds * 1000:.0f} ms"


def secs(seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    return f"{seconds:.2f} s"


def mib(n_bytes: float) -> str:
    if math.isnan(n_bytes):
        return "–"
    return f"{n_bytes / 2**20:.0f} MB"

"""`python -m bench.problems`: how well each ranker suggests a card's recurring problem.

The labelled history is tests/data/problems_history.json: three teams, each card marked
with the recurring problem it belongs to (or none). Its split was fixed before any
ranker was tuned: the blend weight below was chosen on the tune team only, and the
figures that count are those of the held-out teams.

For every card whose problem was already raised in an earlier retro of its team, each
ranker orders that team's earlier cards; a hit at k is a card of the same problem among
the first k. "Problems" ranks the earlier problems instead (each by its best card, as
the board does once earlier cards are linked; a one-off card counts as a problem of its
own). The old clustering is scored on what it reports: the card's cluster holds an
earlier card of its problem (a yes or no, so one figure for every k).

Then the time of one suggestion round at the target size: 50 cards of today's retro
against 500 earlier cards (100 known problems of 5 linked cards each), ranked in one
call with a cold text cache (the model already loaded, as on a board that has shown a
suggestion once); the time of one selection afterwards; and the board's own path
(`advisor.FolderAdvisor` on a sessions folder of real files: its warm-up, then each
selection, known problems and ranking included).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench.clustering import DEFAULT_THRESHOLD, TextItem, cluster, similarity_matrix
from retro_tui.reports.word_scores import WordScorer

if TYPE_CHECKING:
    from retro_tui.domain.model import Session

HISTORY = Path(__file__).resolve().parent.parent / "tests" / "data" / "problems_history.json"
KS = (1, 3, 5)

Scores = Callable[[Sequence[str], Sequence[str]], list[list[float]]]


@dataclass(frozen=True)
class LabelledCard:
    team: str
    retro: int
    text: str
    problem: str | None


@dataclass(frozen=True)
class Recall:
    ranker: str
    queries: int
    cards: dict[int, float]  # k -> share of queries with a true earlier card in the top k
    problems: dict[int, float]  # k -> the same, ranking earlier problems


def load(path: Path = HISTORY) -> tuple[dict[str, list[LabelledCard]], list[str], list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    teams: dict[str, list[LabelledCard]] = {}
    for team in data["teams"]:
        cards = teams.setdefault(team["team"], [])
        for index, retro in enumerate(team["retros"]):
            cards.extend(LabelledCard(team["team"], index, t, p) for t, p in retro["cards"])
    return teams, list(data["split"]["tune"]), list(data["split"]["held_out"])


def _queries(cards: Sequence[LabelledCard]) -> list[tuple[LabelledCard, list[LabelledCard]]]:
    found = []
    for card in cards:
        earlier = [c for c in cards if c.retro < card.retro]
        if card.problem and any(c.problem == card.problem for c in earlier):
            found.append((card, earlier))
    return found


def _hits(ranked: Sequence[str | None], problem: str) -> dict[int, bool]:
    return {k: problem in ranked[:k] for k in KS}


def recall(name: str, scores: Scores, teams: dict[str, list[LabelledCard]],
           chosen: Sequence[str]) -> Recall:  # fmt: skip
    card_hits = {k: 0 for k in KS}
    problem_hits = {k: 0 for k in KS}
    total = 0
    for team in chosen:
        for query, earlier in _queries(teams[team]):
            assert query.problem is not None
            row = scores([query.text], [c.text for c in earlier])[0]
            order = sorted(range(len(earlier)), key=lambda i: -row[i])
            by_card = [earlier[i].problem for i in order]
            best: dict[str, float] = {}
            for i in order:
                key = earlier[i].problem or f"one-off {i}"
                best.setdefault(key, row[i])
            ranked = sorted(best, key=lambda p: -best[p])
            by_problem: list[str | None] = list(ranked)
            for k, hit in _hits(by_card, query.problem).items():
                card_hits[k] += hit
            for k, hit in _hits(by_problem, query.problem).items():
                problem_hits[k] += hit
            total += 1
    share = {k: card_hits[k] / total for k in KS}
    return Recall(name, total, share, {k: problem_hits[k] / total for k in KS})


def old_matrix_scores(queries: Sequence[str], candidates: Sequence[str]) -> list[list[float]]:
    matrix = similarity_matrix([*queries, *candidates])
    return [row[len(queries) :] for row in matrix[: len(queries)]]


def clustering_recall(teams: dict[str, list[LabelledCard]], chosen: Sequence[str]) -> Recall:
    hits = total = 0
    for team in chosen:
        cards = teams[team]
        items = [TextItem(str(i), c.text, str(c.retro)) for i, c in enumerate(cards)]
        home = {key: n for n, found in enumerate(cluster(items, DEFAULT_THRESHOLD))
                for key in found.keys}  # fmt: skip
        for query, _ in _queries(cards):
            qi = cards.index(query)
            hits += any(
                home[str(j)] == home[str(qi)]
                and c.retro < query.retro
                and c.problem == query.problem
                for j, c in enumerate(cards)
            )
            total += 1
    share = {k: hits / total for k in KS}
    return Recall("old clustering (its clusters)", total, share, share)


def rankers() -> list[tuple[str, Scores]]:
    from retro_tui.meaning import MeaningScorer

    return [
        ("old similarity.py (pairwise score)", old_matrix_scores),
        ("word TF-IDF", WordScorer().scores),
        ("WordLlama 256 (meaning)", MeaningScorer().scores),
    ]


def _chance(n: int, m: int, k: int) -> float:
    """The chance that k of n items drawn at random include one of m chosen ones."""
    return 1.0 - math.comb(n - m, k) / math.comb(n, k) if n >= k else float(m > 0)


def chance_recall(teams: dict[str, list[LabelledCard]], chosen: Sequence[str]) -> Recall:
    """What a ranker that orders at random gets on average: the floor to beat."""
    cards = {k: 0.0 for k in KS}
    problems = {k: 0.0 for k in KS}
    total = 0
    for team in chosen:
        for query, earlier in _queries(teams[team]):
            same = sum(c.problem == query.problem for c in earlier)
            groups = len({c.problem for c in earlier if c.problem}) + sum(
                c.problem is None for c in earlier
            )
            for k in KS:
                cards[k] += _chance(len(earlier), same, k)
                problems[k] += _chance(groups, 1, k)
            total += 1
    return Recall("random order (chance)", total, {k: v / total for k, v in cards.items()},
                  {k: v / total for k, v in problems.items()})  # fmt: skip


def tune(teams: dict[str, list[LabelledCard]], chosen: Sequence[str]) -> list[tuple[float, float]]:
    """Top-3 problem recall on the tune team for blends of meaning and TF-IDF, from 0.0
    (TF-IDF alone) to 1.0 (meaning alone): whether mixing in shared words helps."""
    from retro_tui.meaning import MeaningScorer

    meaning, words = MeaningScorer(), WordScorer()
    result = []
    for tenth in range(11):
        a = tenth / 10

        def blend(q: Sequence[str], c: Sequence[str], a: float = a) -> list[list[float]]:
            m, w = meaning.scores(q, c), words.scores(q, c)
            return [[a * x + (1 - a) * y for x, y in zip(r, s, strict=True)]
                    for r, s in zip(m, w, strict=True)]  # fmt: skip

        result.append((a, recall("", blend, teams, chosen).problems[3]))
    return result


def timing(rounds: int = 5) -> dict[str, float]:
    """Milliseconds: model load once; then a 50 x 500 round with a cold text cache."""
    from retro_tui.meaning import MeaningScorer, _model
    from retro_tui.reports.problems import KnownProblem, Sighting, rank_many, rank_problems

    teams, _, _ = load()
    texts = [c.text for cards in teams.values() for c in cards]
    earlier = [f"{texts[i % len(texts)]} (retro {i // len(texts) + 1})" for i in range(500)]
    today = [f"{texts[(i * 7) % len(texts)]} today {i}" for i in range(50)]
    problems = [
        KnownProblem(
            f"p{n}",
            earlier[n * 5],
            tuple(Sighting(f"s{i}", "", "2026-01-01", f"c{i}", earlier[i])
                  for i in range(n * 5, n * 5 + 5)),
        )
        for n in range(100)
    ]  # fmt: skip
    _model.cache_clear()
    start = time.perf_counter()
    MeaningScorer()
    load_ms = (time.perf_counter() - start) * 1000
    rounds_ms, selection_ms = [], []
    for _ in range(rounds):
        scorer = MeaningScorer()  # the model is shared; the text cache starts empty
        start = time.perf_counter()
        rank_many([(text, ()) for text in today], problems, scorer.scores, limit=3)
        rounds_ms.append((time.perf_counter() - start) * 1000)
        for text in today[:10]:  # then one selection on the board, texts already embedded
            start = time.perf_counter()
            rank_problems(text, problems, scorer.scores, limit=3)
            selection_ms.append((time.perf_counter() - start) * 1000)
    return {
        "model_load_ms": load_ms,
        "round_ms_median": statistics.median(rounds_ms),
        "round_ms_max": max(rounds_ms),
        "selection_ms_median": statistics.median(selection_ms),
    }


def _bench_retro(sid: str, day: int, cards: int, texts: Sequence[str], *, link: bool) -> Session:
    """A retro of team Bench in the group phase, each card linked to one of 100 problems."""
    from retro_tui.domain import commands as c
    from retro_tui.domain import rules
    from retro_tui.domain.model import Role
    from retro_tui.domain.phases import Phase
    from retro_tui.themes import load_formats

    when = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=day)
    s = rules.new_session(load_formats().get("went-well"), session_id=sid, title=sid,
                          team="Bench", now=when)  # fmt: skip
    s, fac = rules.join(s, "Fran", Role.FACILITATOR, when)
    s, ann = rules.join(s, "Ann", Role.PARTICIPANT, when)
    s = rules.apply(s, fac, c.GoToPhase(phase=Phase.WRITE.value), when)
    for j in range(cards):
        text = f"{texts[(day * 31 + j * 7) % len(texts)]} ({sid})"
        s = rules.apply(s, ann, c.AddCard(column="to-improve", text=text), when)
    s = rules.apply(s, fac, c.GoToPhase(phase=Phase.GROUP.value), when)
    for j, card in enumerate(s.cards if link else ()):
        k = (day + j * 4) % 100
        link_it = c.LinkProblem(target=card.id, problem=f"bench#p{k}", problem_name=f"P {k}")
        s = rules.apply(s, fac, link_it, when)
    return s


def board_timing() -> dict[str, float]:
    """Milliseconds on the board's own path (`advisor.FolderAdvisor`, real files): 20
    earlier retros of 25 linked cards (500 cards, 100 problems) in a sessions folder;
    today's retro of 50 cards. The warm-up runs once when the board opens, in a worker."""
    from retro_tui.advisor import FolderAdvisor
    from retro_tui.store import SessionStore

    teams, _, _ = load()
    texts = [c.text for cards in teams.values() for c in cards]
    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(Path(folder))
        for i in range(20):
            store.create(_bench_retro(f"bench-{i:02d}", 7 * i, 25, texts, link=True))
        today = _bench_retro("bench-today", 330, 50, texts, link=False)
        advisor = FolderAdvisor(Path(folder))
        start = time.perf_counter()
        advisor.warm(today)
        warm_ms = (time.perf_counter() - start) * 1000
        selections = []
        for card in today.cards:
            start = time.perf_counter()
            advisor.advise(today, card.id)
            selections.append((time.perf_counter() - start) * 1000)
    return {
        "warm_ms": warm_ms,
        "board_selection_ms_median": statistics.median(selections),
        "board_selection_ms_max": max(selections),
    }


def report() -> tuple[list[Recall], list[tuple[float, float]], dict[str, float]]:
    teams, tune_teams, held_out = load()
    results = [chance_recall(teams, held_out)]
    results.extend(recall(name, fn, teams, held_out) for name, fn in rankers())
    results.append(clustering_recall(teams, held_out))
    return results, tune(teams, tune_teams), {**timing(), **board_timing()}


def table(results: Sequence[Recall]) -> str:
    lines = [
        "| ranker | cards top-1 | top-3 | top-5 | problems top-1 | top-3 | top-5 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c, p = r.cards, r.problems
        lines.append(
            f"| {r.ranker} | {c[1]:.0%} | {c[3]:.0%} | {c[5]:.0%} "
            f"| {p[1]:.0%} | {p[3]:.0%} | {p[5]:.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the start")
    results, tuned, times = report()
    print(f"held-out queries: {results[0].queries} recurring cards")
    print(table(results))
    print("tune team, problems top-3 by blend weight:",
          ", ".join(f"{a:.1f}: {r:.0%}" for a, r in tuned))  # fmt: skip
    print(
        f"model load {times['model_load_ms']:.0f} ms; 50 cards x 500 earlier (cold text cache):"
        f" median {times['round_ms_median']:.1f} ms, worst {times['round_ms_max']:.1f} ms; one"
        f" selection afterwards: median {times['selection_ms_median']:.1f} ms"
    )
    print(
        f"board (FolderAdvisor, 20 retros on disk, 500 linked cards): warm-up"
        f" {times['warm_ms']:.0f} ms once; each of 50 selections: median"
        f" {times['board_selection_ms_median']:.1f} ms,"
        f" worst {times['board_selection_ms_max']:.1f} ms (the model already loaded)"
    )
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) when it finished")


if __name__ == "__main__":
    main()

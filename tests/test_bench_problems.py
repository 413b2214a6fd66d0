"""The problem-suggestion benchmark runs: recall on the held-out teams of the labelled
history is printed for each ranker (no timing asserted; speed is for the benchmark)."""

from __future__ import annotations

import json

from bench.problems import HISTORY, chance_recall, load, rankers, recall, table


def test_the_split_was_fixed_in_the_data_and_no_team_is_on_both_sides() -> None:
    data = json.loads(HISTORY.read_text(encoding="utf-8"))
    tune, held_out = set(data["split"]["tune"]), set(data["split"]["held_out"])
    teams = {t["team"] for t in data["teams"]}
    assert tune and held_out and not tune & held_out and tune | held_out == teams
    assert len(held_out) >= 2 and all(len(t["retros"]) >= 6 for t in data["teams"])


def test_each_ranker_is_measured_on_the_held_out_teams_and_the_figures_are_printed() -> None:
    teams, _, held_out = load()
    results = [chance_recall(teams, held_out)]
    results.extend(recall(name, scores, teams, held_out) for name, scores in rankers())
    print("\n" + table(results))
    assert all(r.queries == results[0].queries > 40 for r in results)
    for r in results:
        assert 0.0 <= r.cards[1] <= r.cards[3] <= r.cards[5] <= 1.0

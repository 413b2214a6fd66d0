"""The benchmark's table: printed, and written to BENCHMARKS.md with the machine."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import version

import psutil

from bench.bigsession import BigResult
from bench.live import LiveResult
from bench.naive import NaiveResult
from bench.stats import mib, ms, percentile, secs


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"{memory:.0f} GiB memory, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, Textual {version('textual')}, "
        f"textual-serve {version('textual-serve')}"
    )


def _p(values: list[float], *qs: float) -> str:
    return " / ".join(ms(percentile(values, q)) for q in qs)


def table(live: list[LiveResult], naive: list[NaiveResult], big: BigResult | None) -> list[str]:
    sizes = [r.n for r in live]
    head = "| figure | target (2 cores) | " + " | ".join(f"{n} participants" for n in sizes) + " |"
    rows = [head, "|---|---|" + "---|" * len(sizes)]

    def row(name: str, target: str, cells: list[str]) -> None:
        rows.append(f"| {name} | {target} | " + " | ".join(cells) + " |")

    row(
        "join: websocket open → join screen drawn, p50 / p95",
        "p50 ≤ 0.8 s",
        [f"{secs(percentile(r.join, 50))} / {secs(percentile(r.join, 95))}" for r in live],
    )
    row(
        "join: name entered → board drawn, p50 / p95",
        "–",
        [_p(r.join_to_board, 50, 95) for r in live],
    )
    row(
        "live: card added → drawn on every other screen, p50 / p95 / max",
        "p95 ≤ 150 ms at 30, ≤ 300 ms at 100",
        [_p(r.card_all, 50, 95, 100) + f" ({len(r.card_all)} cards)" for r in live],
    )
    row(
        "live: same, per screen, p50 / p95",
        "–",
        [_p(r.card_each, 50, 95) for r in live],
    )
    by_n = {r.n: r for r in naive}
    cells = []
    for r in live:
        b = by_n.get(r.n)
        if b is None or not b.card_all:
            cells.append("–")
            continue
        ratio = percentile(b.card_all, 95) / percentile(r.card_all, 95)
        cells.append(f"{_p(b.card_all, 50, 95, 100)} (p95 {ratio:.1f}× the hub's)")
    row("baseline: N pollers reloading the file each second, same figure", "–", cells)
    row(
        "memory: participant RSS p50 / max; host RSS",
        "≤ 45 MB per participant",
        [
            f"{mib(percentile(r.participant_rss, 50))} / {mib(percentile(r.participant_rss, 100))}"
            f"; host {mib(r.host_rss)}"
            for r in live
        ],
    )
    row(
        "vote storm: every vote counted once, none over budget",
        "exact",
        [
            ("exact" if not r.vote_problems else "WRONG: " + "; ".join(r.vote_problems)[:120])
            + f" ({r.votes_counted} of {r.votes_expected}, {r.votes_refused} over-budget refused)"
            for r in live
        ],
    )
    row(
        "vote storm: ack p50 / p95 / max (from the storm's start)",
        "p95 ≤ 200 ms",
        [_p(r.vote_acks, 50, 95, 100) for r in live],
    )
    row(
        "vote storm: screen shows budget used, p50 / p95",
        "–",
        [_p(r.vote_screens, 50, 95) for r in live],
    )
    row(
        "CPU s per minute of a typical retro: host; all participants (per participant)",
        "reported",
        [
            f"{r.cpu_host:.1f}; {r.cpu_participants:.1f} ({r.cpu_participants / max(1, r.n):.2f})"
            for r in live
        ],
    )
    row(
        "CPU s per minute: the benchmark's simulated browsers (same cores)",
        "–",
        [f"{r.cpu_bench:.1f}" for r in live],
    )
    row(
        "CPU ms per card added: each participant; host",
        "–",
        [
            f"{r.cpu_per_card_participant * 1000:.0f}; {r.cpu_per_card_host * 1000:.0f}"
            for r in live
        ],
    )
    if big is not None:
        rows.append("")
        rows.append("| 1,000-card session | target | measured |")
        rows.append("|---|---|---|")
        rows.append(
            f"| open (load from disk, {big.file_kib:.0f} KiB) | ≤ 1 s | {ms(big.open_median)} |"
        )
        rows.append(
            f"| one change durable (save: write, fsync, rename), median / p95 | ≤ 15 ms | "
            f"{ms(big.save_median)} / {ms(big.save_p95)} |"
        )
        rows.append(f"| export to Markdown | ≤ 200 ms | {ms(big.export_median)} |")
    return rows


def document(rows: list[str], notes: str, command: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "# retro-tui benchmarks",
            "",
            f"Measured {stamp} with `{command}` on: {machine()}.",
            "",
            *rows,
            "",
            notes.strip(),
            "",
        ]
    )


def command_line() -> str:
    return "python -m bench " + " ".join(sys.argv[1:])

"""`python -m bench`: the project's benchmark (DESIGN.md, performance targets).

Starts a real host (`retro-tui serve`: hub + textual-serve) on loopback for 10, 30 and
100 participants, drives simulated browser tabs (bench/clients.py) that each get a real
participant process, prints the table and writes it to BENCHMARKS.md. `--quick` is the
CI run: 10 participants, a few cards, no file written unless `--output` is given.
`--soak` plays a whole retro instead (bench/soak.py): `--tabs` long-lived tabs for
`--minutes`, every process's memory and CPU sampled; it prints its table (BENCHMARKS.md
keeps it among the findings, by hand) and writes nothing.

Exit status: 1 when a vote was lost, doubled or over budget, or the run broke (a tab
could not join, a card never showed). Never because a figure missed its target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench.bigsession import BigResult, run_big
from bench.live import LiveResult, LiveRun
from bench.naive import NaiveResult, run_naive
from bench.pages import page_table, run_sizes
from bench.report import command_line, document, table
from bench.soak import run_soak, soak_table

FINDINGS_MARK = "<!-- findings: kept when the benchmark rewrites this file -->"

METHOD = """
## How each figure is measured

- **Host**: `python -m retro_tui serve --port 0` in its own process (hub + textual-serve
  web server on 127.0.0.1), sessions on the real disk (fsync costs what it costs).
- **Participants**: simulated browser tabs (`bench/clients.py`, the project's
  `TermClient`): follow the join link keeping cookies, open `/ws` with an Origin header,
  send the page's `stdin`/`resize`/`ping` packets; textual-serve spawns one real
  `python -m retro_tui.participant` process per tab. Each tab's output is decoded by
  pyte; a condition on the screen is time-stamped when the frame that makes it true is
  decoded. The tabs run in tab worker processes (`bench/tabworker.py`; one per core
  unless `--tab-workers` says otherwise), dealt out in turn, while the benchmark process
  only coordinates them. In a real retro the browsers are on other machines; here they
  share the cores with the host and the participants, so the workers raise their
  priority (niceness -5, and -5 for the benchmark's autogroup) lest their own lag become
  part of every figure. The host runs in a session of its own at normal priority, as in
  a facilitator's terminal. Their stamps, and the moment
  the writer's Enter is sent, are `perf_counter` (CLOCK_MONOTONIC: one clock for every
  process), so they compare across processes.
- **Join**: tabs arrive a few at a time (as many at once as there are cores); time from
  the websocket being open to "Join the retro" drawn. Then the name is typed and Enter
  pressed: time to the board drawn.
- **Live latency**: the write phase with the timer running. One participant's tab
  presses `a`, types the card, presses Enter; the figure is the time from Enter until
  every *other* tab shows the column's new card count (other people see face-down
  cards, `▒▒▒ card`, and the count in the column heading, e.g. `Went well  12`). So it
  covers the writer's app, the hub's validation and durable save, the broadcast, every
  participant app's re-render and textual-serve's relay. Cards are added one at a time,
  with a short pause between them.
- **Baseline**: N poller processes, each `stat`s the session file once a second
  (starting out of step) and reloads it through the store when it changed; an
  in-process hub saves each card. Latency = the time a poller noticed the card minus
  the time the hub's durable save returned (wall clock, same machine); the per-card
  figure is the slowest poller, as for the hub.
- **CPU**: a writing minute: timer running, one card every 3 s, every screen drawing
  both; CPU seconds (user + system) of the host process and of all participant
  processes over the window, scaled to one minute; the simulated browsers' figure is
  the benchmark process plus its tab workers.
- **Memory**: RSS of every participant process and of the host, after the cards.
- **Vote storm**: in the vote phase every participant casts its whole budget *plus one*
  vote, all at the same moment, through hub-socket clients (the protocol participant
  processes use) that present each tab's own identity, so they are that person's votes
  and its screen shows the budget shrink. Ack = the hub's answer, sent only once the
  vote is durable, timed from the storm's start (so the 5th vote of a person includes
  waiting for the four before it). Afterwards the session file is loaded and every
  acked vote must be there exactly once, no one over budget, every extra vote refused.
- **Simple page** (`bench/pages.py`): N participants speak the simple page's protocol
  (join link and cookies, `/simple-ws` with an Origin header, `join` and `add_card`
  messages, the hub's view line and its patches back), in one worker process per core,
  against their own `retro-tui serve`, with a few terminal tabs (`--page-tabs`, real
  participant processes) joined to the same retro first and timed on the same cards. A
  view is stamped when its frame arrives and is decoded. Card latency: one more page adds
  a card, acked by the hub; the time until the last page has a view with it, and until
  the last terminal tab draws it. Memory: the host's RSS after the pages joined minus
  before (the tabs already in), over N. CPU: the host's CPU time over the cards, per card.
- **1,000-card session**: `bench/store_bench.py`'s session (1,000 cards, 100 topics,
  30 people's votes), on the real disk.
"""


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI run: 10 participants, seconds")
    parser.add_argument("--soak", action="store_true", help="a whole retro, memory sampled")
    parser.add_argument("--minutes", type=float, default=3.0, help="--soak: the retro's length")
    parser.add_argument("--tabs", type=int, default=12, help="--soak: long-lived tabs")
    parser.add_argument("--samples", type=Path, default=None, help="--soak: JSON of every sample")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--cards", type=int, default=None, help="cards timed per size (≥ 50)")
    parser.add_argument("--cpu-window", type=float, default=None, help="seconds of CPU window")
    parser.add_argument("--join-concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--tab-workers",
        type=int,
        default=os.cpu_count() or 2,
        help="processes holding the simulated tabs (default: one per core)",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--page-sizes",
        type=int,
        nargs="*",
        default=None,
        help="simple-page participants per run (default 30 100 300; 10 with --quick)",
    )
    parser.add_argument(
        "--page-tabs",
        type=int,
        default=None,
        help="terminal tabs beside the simple pages in each of their runs (default 3; 2 quick)",
    )
    parser.add_argument("--no-big", action="store_true")
    parser.add_argument(
        "--output", type=Path, default=None, help="file to write (default: BENCHMARKS.md)"
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes = args.sizes or [10]
        args.cards = args.cards or 8
        args.cpu_window = args.cpu_window or 6.0
        args.page_sizes = [10] if args.page_sizes is None else args.page_sizes
        args.page_tabs = 2 if args.page_tabs is None else args.page_tabs
        args.page_cards = 5
    else:
        args.sizes = args.sizes or [10, 30, 100]
        args.cards = args.cards or 50
        args.cpu_window = args.cpu_window or 30.0
        args.page_sizes = [30, 100, 300] if args.page_sizes is None else args.page_sizes
        args.page_tabs = 3 if args.page_tabs is None else args.page_tabs
        args.page_cards = min(args.cards, 50)  # one writer writes at most 50 cards
        args.output = args.output or Path("BENCHMARKS.md")
    return args


async def run(
    args: argparse.Namespace, folder: Path
) -> tuple[list[LiveResult], list[NaiveResult], BigResult | None, list[str]]:
    live: list[LiveResult] = []
    naive: list[NaiveResult] = []
    broken: list[str] = []
    big = None if args.no_big else run_big(folder)  # first, while the machine is quiet
    for n in args.sizes:
        print(f"{n} participants: live run", flush=True)
        started = time.perf_counter()
        run_folder = folder / f"live-{n}"
        run_folder.mkdir()
        try:
            result = await LiveRun(
                n,
                run_folder,
                cards=args.cards,
                cpu_window=args.cpu_window,
                join_concurrency=args.join_concurrency,
                tab_workers=args.tab_workers,
            ).run()
        except Exception as error:  # report, keep going with the other sizes
            broken.append(f"{n} participants: the run broke: {error!r}")
            continue
        live.append(result)
        broken.extend(f"{n} participants: {e}" for e in result.errors)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        if not args.no_baseline:
            print(f"{n} participants: naive polling baseline", flush=True)
            base_folder = folder / f"naive-{n}"
            base_folder.mkdir()
            cards = max(5, args.cards // 3)
            naive.append(await run_naive(n, base_folder, cards=cards))
    return live, naive, big, broken


def soak(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as tmp:
        result = asyncio.run(run_soak(args.tabs, args.minutes, Path(tmp), args.tab_workers))
    if args.samples is not None:
        args.samples.write_text(json.dumps([asdict(s) for s in result.samples]), encoding="utf-8")
    print()
    print("\n".join(soak_table(result)))
    for problem in result.errors:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if result.errors or not result.samples else 0


def main() -> int:
    args = parse()
    if args.soak:
        return soak(args)
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as tmp:
        live, naive, big, broken = asyncio.run(run(args, Path(tmp)))
    pages = asyncio.run(
        run_sizes(args.page_sizes, args.page_cards, args.tab_workers, args.page_tabs)
    )
    broken += [f"{r.n} simple pages: {e}" for r in pages for e in r.errors]
    rows = table(live, naive, big)
    if pages:
        rows += ["", *page_table(pages)]
    print()
    print("\n".join(rows))
    for problem in broken:
        print(f"problem: {problem}", file=sys.stderr)
    wrong_votes = [r for r in live if r.vote_problems]
    if args.output is not None:
        findings = ""
        if args.output.exists():
            old = args.output.read_text(encoding="utf-8")
            if FINDINGS_MARK in old:
                findings = old[old.index(FINDINGS_MARK) :]
        problems = "".join(f"- {problem}\n" for problem in broken)
        if problems:
            rows = [*rows, "", "**Problems in this run** (figures beside them are suspect):", ""]
            rows.append(problems)
        text = document(rows, METHOD, command_line()) + "\n" + (findings or FINDINGS_MARK + "\n")
        args.output.write_text(text, encoding="utf-8")
        print(f"\nWrote {args.output}")
    return 1 if (broken or wrong_votes or not live) else 0


if __name__ == "__main__":
    sys.exit(main())

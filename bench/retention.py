"""`python -m bench.retention`: what a tab's app keeps after each phase, in one process.

Why: the soak (bench/soak.py) shows *that* a long-lived tab holds more than a fresh one;
this shows *what*. One participant app, driven by Pilot against an in-process hub (far
cheaper than browsers), writes cards through its own dialogs while other people write
beside it, then lives through every phase. After each phase it prints the tracemalloc
lines that grew most since the phase began, and the widgets still alive that are no
longer on any screen (found through `gc`), by type.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import tracemalloc
from collections import Counter
from pathlib import Path

from textual.widget import Widget

from retro_tui.client import LocalClient
from retro_tui.domain import commands as c
from retro_tui.domain.model import Role
from retro_tui.launcher import LocalLauncher
from retro_tui.ui.app import RetroApp, make_app
from tests.support.ui import make_launcher, type_text, wait_for_board, wait_until

TEXTS = (
    "Webinar series brought many qualified leads",
    "Paid social launched before the research was done",
    "Shared KPI dashboard made trade-offs visible",
)


def dead_widgets(app: RetroApp) -> Counter[str]:
    """Widgets alive in memory that no screen of the app holds, by type."""
    gc.collect()
    shown: set[int] = set()
    for screen in app.screen_stack:
        shown.add(id(screen))
        shown.update(id(w) for w in screen.walk_children(with_self=False))
    return Counter(
        type(o).__name__
        for o in gc.get_objects()
        if isinstance(o, Widget) and id(o) not in shown and id(o) != id(app)
    )


def why_alive(target: object, depth: int = 8) -> list[str]:
    """A chain of referrers from `target` towards something long-lived (types only)."""
    chain: list[str] = []
    current, seen = target, {id(target)}
    for _ in range(depth):
        referrers = [
            r
            for r in gc.get_referrers(current)
            if id(r) not in seen and not isinstance(r, type(chain)) and r is not seen
        ]
        referrers = [r for r in referrers if type(r).__name__ != "frame"]
        if not referrers:
            break
        current = referrers[0]
        seen.add(id(current))
        label = type(current).__name__
        if isinstance(current, dict):
            keys = [k for k, v in current.items() if v is chain[-1:] or True][:4]
            label += f"{keys}"
        chain.append(label)
    return chain


def growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, top: int) -> list[str]:
    lines = []
    for stat in after.compare_to(before, "traceback")[:top]:
        frames = [
            f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno}"
            for f in stat.traceback[:6]
        ]
        lines.append(
            f"  {stat.size_diff / 1024:8.0f} KB {stat.count_diff:+6d}  " + " < ".join(frames)
        )
    return lines


async def profile(folder: Path, cards: int, others: int, top: int) -> None:
    launcher: LocalLauncher = make_launcher(folder)
    session = launcher.create_session(format_key="went-well", title="Soak", team="Web")
    facilitator = await launcher.open(session.id)
    assert launcher.hub is not None
    hub = launcher.hub
    await facilitator.send(c.GoToPhase(phase="write"))
    people = []
    for i in range(others):
        person = LocalClient(hub, f"browser-other-{i}", Role.PARTICIPANT)
        await person.join(f"Other {i}")
        people.append(person)
    client = LocalClient(hub, "browser-long", Role.PARTICIPANT)
    app = make_app(client=client, clock=launcher.clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_text(pilot, "Longtab")
        await pilot.press("enter")
        board = await wait_for_board(pilot)

        async def caught_up() -> None:
            await wait_until(
                pilot,
                lambda: (
                    board.view is not None and board.view.session.revision == hub.session.revision
                ),
                "the board to catch up",
            )
            await pilot.pause()

        tracemalloc.start(12)
        await caught_up()
        gc.collect()
        before = tracemalloc.take_snapshot()
        for n in range(cards):
            await pilot.press("a")
            await wait_until(pilot, lambda: app.screen is not board, "the card dialog")
            await pilot.pause()
            await type_text(pilot, TEXTS[n % len(TEXTS)])
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.screen is board, "back on the board")
            for person in people:
                await person.send(c.AddCard(column="went-well", text=f"{TEXTS[n % 3]} ({n})"))
            await caught_up()
        phases = ["write", "group", "vote", "discuss", "actions", "close"]
        for phase in phases:
            if phase != "write":
                await facilitator.send(c.NextPhase())
                await caught_up()
                if phase == "discuss":
                    for target in hub.session.vote_targets()[:10]:
                        await facilitator.send(c.Discuss(target=target))
                        await facilitator.send(c.SetNotes(target=target, text="agreed"))
                        await caught_up()
                for _ in range(5):
                    await pilot.pause(0.05)
            gc.collect()
            after = tracemalloc.take_snapshot()
            traced = sum(s.size for s in after.statistics("filename")) / 2**20
            print(f"\n== after {phase}: {traced:.1f} MB traced since the start ==")
            print("\n".join(growth(before, after, top)))
            dead = dead_widgets(app)
            print("  dead widgets:", dict(dead.most_common(12)))
            if dead:
                name = dead.most_common(1)[0][0]
                sample = next(o for o in gc.get_objects() if type(o).__name__ == name)
                print(f"  a dead {name} is held by:", " <- ".join(why_alive(sample)))
            before = after
    await launcher.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.retention", description=__doc__)
    parser.add_argument("--cards", type=int, default=20, help="cards the tab writes itself")
    parser.add_argument("--others", type=int, default=4, help="people writing beside it")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(profile(Path(tmp), args.cards, args.others, args.top))


if __name__ == "__main__":
    main()

"""The vote storm's voters, in a process of their own.

`python -m bench.storm SOCKET` reads one JSON line on stdin: a list of
`[identity, [target, ...]]`. It connects one hub-socket client per identity (the same
protocol a participant process speaks), prints `ready`, waits for a `go` line, then
every voter sends all its votes at once. It prints one JSON line: each vote's outcome
("ok" or "refused") and its ack time in seconds after `go`, per voter.

Apart from the tabs, so no screen decoding in the benchmark process delays an ack.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from retro_tui.client import SocketClient
from retro_tui.domain import commands as c
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Role


async def storm(socket: Path) -> None:
    loop = asyncio.get_running_loop()
    job = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
    voters = [
        (await SocketClient.connect(socket, identity, Role.PARTICIPANT), targets)
        for identity, targets in job
    ]
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)
    start = time.perf_counter()

    async def cast(voter: SocketClient, target: str) -> list[object]:
        try:
            await voter.send(c.CastVote(target=target))
        except Refused:
            return ["refused", target, time.perf_counter() - start]
        return ["ok", target, time.perf_counter() - start]

    async def one(voter: SocketClient, targets: list[str]) -> dict[str, object]:
        outcomes = await asyncio.gather(*(cast(voter, t) for t in targets))
        return {"voter": voter.you, "votes": outcomes}

    results = await asyncio.gather(*(one(v, t) for v, t in voters))
    print(json.dumps(results), flush=True)
    for voter, _ in voters:
        await voter.close()


if __name__ == "__main__":
    asyncio.run(storm(Path(sys.argv[1])))

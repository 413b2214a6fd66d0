"""`python -m retro_tui.participant`: the process each browser tab runs.

Started by the web server (textual-serve) for every tab, with the hub's socket and the
tab's identity in the environment; never by people. Kept apart from the CLI so a tab's
process does not load click and the CLI's commands: its start-up is on every join's
path and its memory is paid once per tab.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from retro_tui.tab_env import HUB_ENV, IDENTITY_ENV, NICENESS_ENV, ROLE_ENV

PARTICIPANT_NICENESS = 19
"""Where the web server does not say (`NICENESS_ENV`): the lowest priority."""


def yield_to_the_host() -> None:
    """Run one person's screen at a lower priority than the host, from its first step.

    The host process (hub + web server) is on everyone's path: it acknowledges votes and
    relays every screen. With many tabs on few cores, participant apps redrawing at once
    would otherwise starve it. Each app leads its own session, so with Linux's autogroup
    scheduling its group's niceness is what counts against the host; set both. How low
    depends on how many tabs there are (`web/tab_priority.py` decides; the web server
    passes it in and moves it as tabs come and go).
    """
    niceness = _niceness(os.environ.get(NICENESS_ENV, ""))
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness - os.nice(0))
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(niceness))


def _niceness(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        return PARTICIPANT_NICENESS
    return min(max(value, 0), PARTICIPANT_NICENESS)


def main() -> int:
    hub_path = os.environ.get(HUB_ENV, "")
    identity = os.environ.get(IDENTITY_ENV, "")
    role = os.environ.get(ROLE_ENV, "participant")
    if not hub_path or not identity:
        print(
            "retro-tui: this command is started by `retro-tui host`/`serve` for each browser tab",
            file=sys.stderr,
        )
        return 2
    yield_to_the_host()
    from retro_tui.ui.entry import run_participant

    run_participant(hub_path, identity, role)
    return 0


if __name__ == "__main__":
    sys.exit(main())

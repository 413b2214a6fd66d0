"""The environment variables a host hands to each browser tab's process, named once.

The web server sets the role and the identity, the host adds the hub's socket, and the
tab's process (`retro_tui.participant`) reads all three; spelling a name differently in
one of them would start tabs that cannot find their hub. Nothing else lives here, so the
tab's process pays nothing to import it.
"""

from __future__ import annotations

from typing import Final

HUB_ENV: Final = "RETRO_TUI_HUB"  # the hub's Unix socket
IDENTITY_ENV: Final = "RETRO_TUI_IDENTITY"  # the browser's seat identity (from its cookie)
ROLE_ENV: Final = "RETRO_TUI_ROLE"  # "participant" or "facilitator"
NICENESS_ENV: Final = "RETRO_TUI_NICENESS"  # the tab's share of the CPU (web/tab_priority.py)

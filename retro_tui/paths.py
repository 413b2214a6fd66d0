"""Where retro-tui keeps its files.

Paths are made by functions, never at import time, so tests and the CLI can point them
elsewhere (`RETRO_TUI_SESSIONS_DIR`) and importing the package never touches the disk.
"""

from __future__ import annotations

import os
from pathlib import Path

SESSIONS_DIR_ENV = "RETRO_TUI_SESSIONS_DIR"


def default_sessions_dir() -> Path:
    """The sessions folder: `$RETRO_TUI_SESSIONS_DIR`, else `./sessions` (not created here)."""
    configured = os.environ.get(SESSIONS_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.cwd() / "sessions"

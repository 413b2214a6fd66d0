"""The layers hold: nothing below the UI imports Textual, and the domain does no I/O."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "retro_tui"

CORE_MODULES = [
    "retro_tui.domain.rules",
    "retro_tui.domain.views",
    "retro_tui.domain.serial",
    "retro_tui.store",
    "retro_tui.hub.hub",
    "retro_tui.hub.server",
    "retro_tui.client",
    "retro_tui.export",
    "retro_tui.themes",
    "retro_tui.launcher",
    "retro_tui.hosting",
    "retro_tui.web.server",
    "retro_tui.reports.followup",
    "retro_tui.reports.insights",
    "retro_tui.exchange",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "", f"{module} pulls in {result.stdout.strip()}"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_does_no_io(path: Path) -> None:
    forbidden = {"textual", "tinydb", "os", "socket", "asyncio", "pathlib", "subprocess", "time"}
    assert not (_imports(path) & forbidden)


ENTRY_POINTS = ("cli/sessions.py", "participant.py")  # they start the UI; nothing imports them


def test_no_module_outside_ui_imports_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if (
            "ui" in path.relative_to(PACKAGE).parts
            or path.relative_to(PACKAGE).as_posix() in ENTRY_POINTS
        ):
            continue
        if _imports(path) & {"textual"} or "retro_tui.ui" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_a_tabs_process_loads_only_what_a_participant_needs() -> None:
    """Each browser tab runs `python -m retro_tui.participant`; what it imports is paid in
    start-up time and memory once per tab, so the CLI, the store, the web server and the
    follow-up screens stay out of it."""
    probe = (
        "import sys, retro_tui.participant, retro_tui.ui.entry\n"
        "from retro_tui.ui.app import make_app\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    unwanted = {
        "click",
        "tinydb",
        "aiohttp",
        "textual_serve",
        "retro_tui.cli",
        "retro_tui.store",
        "retro_tui.hub.hub",
        "retro_tui.web.server",
        "retro_tui.ui.screens.picker",
        "retro_tui.ui.screens.insights",
        "retro_tui.ui.screens.action_items",
    }
    assert "textual.app" in loaded and "retro_tui.ui.screens.board" in loaded
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


def test_a_tabs_process_refuses_to_start_by_hand() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRO_TUI_")}
    done = subprocess.run(
        [sys.executable, "-m", "retro_tui.participant"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "started by" in done.stderr

"""The layers hold: nothing below the UI imports Textual, and the domain does no I/O."""

from __future__ import annotations

import ast
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
    "retro_tui.followup",
    "retro_tui.insights",
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


def test_no_module_outside_ui_imports_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts or path.name == "cli.py":
            continue
        if _imports(path) & {"textual"} or "retro_tui.ui" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []

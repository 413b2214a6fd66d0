"""The layers hold: nothing below the UI imports Textual, and the pure modules do no I/O.

The modules are found by walking the package (`pkgutil`), so a new module is checked
without anyone adding it to a list. docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "retro_tui"

# Pure: no I/O, no clock reads, no Textual. Everything under these packages, except the
# modules named in DOES_IO, is checked for it.
PURE_PACKAGES = ("retro_tui.domain", "retro_tui.reports")
DOES_IO = {"retro_tui.reports.folder"}  # the reports' one door to the sessions folder
IO_IMPORTS = {
    "textual",
    "tinydb",
    "click",
    "aiohttp",
    "os",
    "io",
    "socket",
    "asyncio",
    "pathlib",
    "subprocess",
    "shutil",
    "tempfile",
    "fcntl",
    "time",
}
# They start the UI, and nothing outside the UI imports them.
ENTRY_POINTS = {"retro_tui.cli.sessions", "retro_tui.participant"}


def _walk(path: Path = PACKAGE, prefix: str = "retro_tui") -> list[tuple[str, Path]]:
    """Every module of the package with its file, found without importing anything."""
    found = [(prefix, path / "__init__.py")]
    for info in pkgutil.iter_modules([str(path)]):
        name = f"{prefix}.{info.name}"
        if info.ispkg:
            found.extend(_walk(path / info.name, name))
        else:
            found.append((name, path / f"{info.name}.py"))
    return found


MODULES = dict(_walk())


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _below_ui(name: str) -> bool:
    return not _in(name, "retro_tui.ui")


def _pure(name: str) -> bool:
    return any(_in(name, p) for p in PURE_PACKAGES) and name not in DOES_IO


CORE_MODULES = sorted(n for n in MODULES if _below_ui(n) and not n.endswith(".__main__"))
PURE_MODULES = sorted(n for n in MODULES if _pure(n))


def test_the_walk_finds_every_layer() -> None:
    for expected in (
        "retro_tui.domain.rules",
        "retro_tui.store",
        "retro_tui.store.session_store",
        "retro_tui.hub.hub",
        "retro_tui.cli.plumbing",
        "retro_tui.reports.followup",
        "retro_tui.web.server",
        "retro_tui.web.app_service",
        "retro_tui.ui.board.screen",
    ):
        assert expected in MODULES
    assert len(CORE_MODULES) > 30 and len(PURE_MODULES) > 10


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
    """Every module `path` imports at module level or inside functions, absolute names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_does_no_io(module: str) -> None:
    imported = _imports(MODULES[module])
    assert not {name.split(".")[0] for name in imported} & IO_IMPORTS
    impure = sorted(n for n in imported if _in(n, "retro_tui") and not _pure(n))
    assert impure == [], f"{module} is pure but imports {impure}"


def test_no_module_outside_ui_imports_ui() -> None:
    offenders = []
    for name, path in MODULES.items():
        if not _below_ui(name) or name in ENTRY_POINTS:
            continue
        imports_textual = any(n.split(".")[0] == "textual" for n in _imports(path))
        if imports_textual or "retro_tui.ui" in path.read_text(encoding="utf-8"):
            offenders.append(name)
    assert offenders == []


def test_the_ui_reaches_launcher_and_client_only_through_declared_ports() -> None:
    """`getattr(self.launcher, ...)` hides from strict mypy what the UI uses: what it
    needs is declared in `ui/ports.py` instead."""
    probes = []
    for name, path in MODULES.items():
        if _below_ui(name):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and node.args
                and any(word in ast.unparse(node.args[0]) for word in ("launcher", "client"))
            ):
                probes.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    assert probes == []


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
        "retro_tui.reports.folder",
        "retro_tui.reports.insights",
        "retro_tui.ui.screens.picker",
        "retro_tui.ui.screens.insights",
        "retro_tui.ui.screens.action_items",
        # Problem suggestions are the facilitator's: the model and its libraries stay out.
        "retro_tui.meaning",
        "retro_tui.reports.problems",
        "wordllama",
        "numpy",
        "tokenizers",
        "safetensors",
    }
    assert "textual.app" in loaded and "retro_tui.ui.board.screen" in loaded
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


def test_a_tabs_process_refuses_to_start_by_hand() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRO_TUI_")}
    done = subprocess.run(
        [sys.executable, "-m", "retro_tui.participant"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "started by" in done.stderr

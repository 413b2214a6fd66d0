"""Every test runs with the machine's own configuration kept out (tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

from retro_tui.launcher import default_facilitator_name
from retro_tui.paths import default_sessions_dir
from retro_tui.themes import user_formats_dir


def test_a_test_reads_its_formats_from_its_own_folder(tmp_path: Path) -> None:
    assert user_formats_dir().is_relative_to(tmp_path)


def test_a_test_has_its_own_home_and_config_folders(tmp_path: Path) -> None:
    assert Path.home().is_relative_to(tmp_path)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        assert Path(os.environ[name]).is_relative_to(tmp_path), name


def test_the_facilitator_is_not_named_after_whoever_runs_the_tests() -> None:
    assert default_facilitator_name() == "Facilitator"


def test_no_sessions_folder_or_hub_is_inherited_from_the_shell() -> None:
    assert default_sessions_dir() == Path.cwd() / "sessions"
    assert not {"RETRO_TUI_HUB", "RETRO_TUI_IDENTITY", "RETRO_TUI_ROLE"} & set(os.environ)

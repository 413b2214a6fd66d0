"""Every test runs on a machine with no configuration of its own.

A developer's formats folder, sessions folder, XDG and HOME config, or login name would
otherwise leak into what a test sees (a user format in the picker, a facilitator called
by the developer's name). This fixture is autouse, so no test has to remember it, and
the environment it sets is inherited by the processes a test starts (the CLI, hosts,
tab processes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retro_tui.tab_env import HUB_ENV, IDENTITY_ENV, ROLE_ENV

# What a host passes to a tab's process; a test run inside a tab must not inherit it.
_HOST_TO_TAB = (HUB_ENV, IDENTITY_ENV, ROLE_ENV)
# getpass.getuser() reads these first; "root" is the login name the app never uses as a
# facilitator's name, so every test sees the default, "Facilitator".
_LOGIN_NAMES = ("LOGNAME", "USER", "LNAME", "USERNAME")


@pytest.fixture(autouse=True)
def isolated_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point every per-user folder into the test's own `tmp_path` and forget the login."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("RETRO_TUI_FORMATS_DIR", str(tmp_path / "formats"))
    monkeypatch.delenv("RETRO_TUI_SESSIONS_DIR", raising=False)
    for name in _HOST_TO_TAB:
        monkeypatch.delenv(name, raising=False)
    for name in _LOGIN_NAMES:
        monkeypatch.setenv(name, "root")
    return tmp_path


@pytest.fixture
def quiet_env(isolated_machine: Path) -> Path:
    """The test's folder, for the tests written when isolation was opt-in (it is the
    same folder as `tmp_path`)."""
    return isolated_machine

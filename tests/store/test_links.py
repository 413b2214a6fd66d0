"""The links file and `retro-tui links`: secrets beside the session, only for this user."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner

from retro_tui.cli import main
from retro_tui.links import JoinTokens, links_path, read_links, session_links, write_links
from retro_tui.store import SessionStore
from tests.support.hub import make_session


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_links_prints_both_links_of_a_served_session(tmp_path: Path) -> None:
    SessionStore(tmp_path).create(make_session())
    tokens = session_links(links_path(tmp_path, "s1"), public_url="http://10.0.0.5:8000")
    code, out, _ = run("--sessions-dir", str(tmp_path), "links", "s1")
    assert code == 0
    assert f"Participants: http://10.0.0.5:8000/?join={tokens.participant}" in out
    assert f"Facilitator:  http://10.0.0.5:8000/?join={tokens.facilitator}" in out


def test_links_of_a_session_never_served_says_how_to_get_them(tmp_path: Path) -> None:
    SessionStore(tmp_path).create(make_session())
    code, _, err = run("--sessions-dir", str(tmp_path), "links", "s1")
    assert code == 2
    assert "s1 has no links yet: start it with `retro-tui host` or `serve`." in err


def test_the_links_file_is_private_and_its_tokens_are_kept(tmp_path: Path) -> None:
    path = links_path(tmp_path, "s1")
    first = session_links(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    assert session_links(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session_links(path, renew=True).participant != first.participant


def test_a_broken_links_file_gives_way_to_new_links(tmp_path: Path) -> None:
    path = links_path(tmp_path, "s1")
    path.write_text("{not json", encoding="utf-8")
    assert read_links(path) is None
    write_links(path, JoinTokens("same-token-twice-here", "same-token-twice-here"))
    assert read_links(path) is None  # equal tokens would make every link a facilitator's
    assert session_links(path).participant != "same-token-twice-here"


def test_the_session_file_never_holds_the_tokens(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    store.create(make_session())
    tokens = session_links(links_path(tmp_path, "s1"))
    text = store.path_for("s1").read_text(encoding="utf-8")
    assert tokens.participant not in text and tokens.facilitator not in text

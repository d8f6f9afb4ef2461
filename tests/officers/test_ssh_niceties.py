"""What an SSH session needs from the dashboard: Esc at once, colours from TERM when
COLORTERM is not forwarded, the mouse left to the terminal on request, and screenshots
saved somewhere that exists."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from clp_tui.terminal_env import colour_system, prepare, screenshot_folder

from .tmux import Terminal


@pytest.mark.parametrize(
    ("env", "system"),
    [
        ({"TERM": "xterm"}, "standard"),
        ({"TERM": "screen"}, "standard"),
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "xterm-direct"}, "truecolor"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, None),
        ({"TERM": "dumb"}, None),
    ],
)
def test_colours_come_from_term_when_colorterm_is_missing(env: dict[str, str], system: str | None) -> None:
    assert colour_system(env) == system
    prepare(env)
    assert env.get("TEXTUAL_COLOR_SYSTEM") == system
    assert env["ESCDELAY"] == "25"


def test_an_escape_delay_already_chosen_is_kept() -> None:
    env = {"TERM": "xterm", "ESCDELAY": "60"}
    prepare(env)
    assert env["ESCDELAY"] == "60"


def test_screenshots_go_to_downloads_or_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "srv" / "cache.db"
    assert screenshot_folder(db, home=tmp_path) == db.parent
    (tmp_path / "Downloads").mkdir()
    assert screenshot_folder(db, home=tmp_path) == tmp_path / "Downloads"


@pytest.mark.parametrize("no_mouse", [False, True])
def test_no_mouse_leaves_the_mouse_to_the_terminal(cli, server, tmp_path: Path, no_mouse: bool) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("no tmux here: apt-get install tmux (`python3 dev.py test` does it as root)")
    cli.write_config([])
    argv = [sys.executable, "-m", "clp_tui.cli", "--config", str(cli.config), "--db", str(cli.db)]
    env_words = [f"{k}={v}" for k, v in cli.env().items() if k.startswith(("HOME", "XDG_", "PYTHON", "CLP_"))]
    term = Terminal(tmp_path / "tmux.sock", "dash", ["env", *env_words, *argv, *(["--no-mouse"] if no_mouse else [])])
    try:
        term.wait_for(lambda s: "Board" in s, "the dashboard")
        flag = term._tmux("display-message", "-p", "-t", term.name, "#{mouse_any_flag}#{mouse_button_flag}").strip()
        assert ("1" in flag) is not no_mouse, flag  # tmux's record of the app asking for mouse reports
    finally:
        term.close()

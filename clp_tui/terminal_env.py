"""What the dashboard needs from the terminal it runs in, set before Textual loads,
with SSH in mind: a short escape delay (over a network a lone Esc would otherwise wait
100 ms for a sequence that never comes), the colour depth from TERM when COLORTERM was
not forwarded (ssh forwards TERM but not COLORTERM), and screenshots saved where there
is room: ~/Downloads when it exists, else beside the database."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

ESCAPE_DELAY_MS = "25"


def colour_system(env: MutableMapping[str, str]) -> str | None:
    """Textual's colour system for this TERM, or None to let it decide (COLORTERM said)."""
    if env.get("COLORTERM") or env.get("TEXTUAL_COLOR_SYSTEM"):
        return None
    term = env.get("TERM", "")
    if "truecolor" in term or "direct" in term:
        return "truecolor"
    if "256" in term:
        return "256"
    if term in ("", "dumb"):
        return None
    return "standard"  # xterm, screen, linux, vt220…: the 16 colours every terminal has


def prepare(env: MutableMapping[str, str] | None = None) -> None:
    """Set the environment Textual reads at import (call before importing the app)."""
    env = os.environ if env is None else env
    env.setdefault("ESCDELAY", ESCAPE_DELAY_MS)
    if (system := colour_system(env)) is not None:
        env["TEXTUAL_COLOR_SYSTEM"] = system


def screenshot_folder(db_path: Path, home: Path | None = None) -> Path:
    downloads = (home or Path.home()) / "Downloads"
    return downloads if downloads.is_dir() else Path(db_path).absolute().parent


def save_screenshots_where_possible(app: Any, db_path: Path) -> None:
    """The palette's screenshot goes to screenshot_folder() rather than failing on a
    server account without ~/Downloads; the officer is told the file's path."""
    deliver = app.deliver_screenshot

    def deliver_here(filename: str | None = None, path: str | None = None, time_format: str | None = None) -> Any:
        return deliver(filename, path or str(screenshot_folder(db_path)), time_format)

    app.deliver_screenshot = deliver_here

"""The dashboard's theme: applied at start from `[display] theme`, and written back to
the config file when the officer picks another (ctrl+p, "theme"), so it is kept.

The config is the officer's own file, comments and all, so the write changes one line
(or adds a `[display]` table at the end), re-reads the result, and writes only if
everything else in it reads the same as before. Meeting mode's theme is never saved."""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.theme import Theme

from clp_tui.meeting import MEETING_THEME

if TYPE_CHECKING:
    from clp_tui.app import ClpApp

_HEADER = re.compile(r"^\s*\[\s*display\s*\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*theme\s*=")


def with_theme(text: str, name: str) -> str:
    """`text` (a config file) with `[display] theme = name`, nothing else changed.
    Raises ValueError when it cannot be done without changing anything else."""
    if text and not text.endswith("\n"):
        text += "\n"
    entry = f"theme = {json.dumps(name)}\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
    if start is None:
        new = text + ("\n" if text else "") + "[display]\n" + entry
    else:
        end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
        key = next((i for i in range(start + 1, end) if _KEY.match(lines[i])), None)
        if key is None:
            lines.insert(start + 1, entry)
        else:
            lines[key] = entry
        new = "".join(lines)
    expected = tomllib.loads(text)
    display = expected.setdefault("display", {})
    if not isinstance(display, dict):
        raise ValueError("`display` in the config is not a table")
    display["theme"] = name
    if tomllib.loads(new) != expected:
        raise ValueError("the config is laid out in a way this cannot edit safely")
    return new


def save_theme(path: Path, name: str) -> str:
    """Write `name` into the config file at `path` (atomically); what to tell the officer."""
    if not path.is_file():
        return f"Theme {name} is used until you quit: there is no config file at {path} to keep it in."
    new = with_theme(path.read_text(encoding="utf-8"), name)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(new)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return f"Theme {name} saved in {path} ([display] theme)."


class ThemeKeeper:
    """Applies the configured theme and keeps the officer's next choice."""

    def __init__(self, app: ClpApp) -> None:
        self.app = app
        self.kept = app.theme

    def apply(self) -> None:
        """The config's theme, if it names one (unknown names are said, not fatal)."""
        app, name = self.app, self.app.config.display.theme
        if name and name not in app.available_themes:
            app.notify(f"[display] theme: no theme called {name!r}; ctrl+p, theme lists them.", markup=False)
        elif name and app.theme == MEETING_THEME.name:
            app.meeting_mode.normal_theme = name  # shown when meeting mode ends
        elif name:
            app.theme = name
        self.kept = name or self.kept

    def changed(self, theme: Theme) -> None:
        app = self.app
        app.data_changed()  # heat cells and other theme-coloured rows repaint
        if app.meeting or theme.name in (MEETING_THEME.name, self.kept):
            return
        self.kept = theme.name
        path = Path(getattr(app.config, "source", "") or "")
        app.run_worker(lambda: self._save(path, theme.name), thread=True, name="saving the theme")

    def _save(self, path: Path, name: str) -> Any:
        self.app.call_from_thread(self.app.notify, save_theme(path, name), markup=False, timeout=4)


def keep_theme(app: ClpApp) -> ThemeKeeper:
    """Apply the configured theme, then keep the officer's choices from now on."""
    keeper = ThemeKeeper(app)
    keeper.apply()
    app.theme_changed_signal.subscribe(app, keeper.changed)
    return keeper

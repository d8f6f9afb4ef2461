"""Officers' own keys: `[keys]` in the config remaps bindings by their ids.

Every binding of ours has an id (`inbox.approve`, `app.quit`, ...); `?` shows
them. An id in `[keys]` that names no binding is reported, not ignored.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding

from clp_tui.data.text import one_line


def all_binding_ids(app_class: type[App[Any]]) -> set[str]:
    """Every binding id a user may remap in [keys]: the App's, its screens', dialogs' and lists'."""
    from clp_tui.registry import SCREENS
    from clp_tui.screens.base import DashboardScreen
    from clp_tui.screens.dialogs import AskChoice, AskText, TextScreen
    from clp_tui.screens.help import HelpScreen
    from clp_tui.widgets.rowlist import RowList

    modes = [entry.screen_class() for entry in SCREENS]
    classes = [App, app_class, *modes, DashboardScreen, HelpScreen, RowList, AskText, AskChoice, TextScreen]
    return {b.id for cls in classes for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def apply_keymap(app: App[Any], keys: dict[str, str]) -> None:
    """Remap keys by binding id, and say which ids in [keys] mean nothing."""
    app.set_keymap(keys)
    if not keys:
        return  # (checking ids imports every screen: only when there are ids to check)
    unknown = sorted(set(keys) - all_binding_ids(type(app)))
    if unknown:
        names = ", ".join(one_line(name, 40) for name in unknown)
        app.notify(
            f"[keys] in the config names unknown binding id(s): {names}. Press ? to see every id.",
            severity="warning",
            markup=False,
            timeout=10,
        )

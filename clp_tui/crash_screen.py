"""The dashboard's last words when clp-tui itself fails.

Textual's own crash screen prints every frame's local variables, tokens
included; this writes a report without them (crash.py) and says where it is.
A cache that became unusable under the dashboard (damaged, gone, unreadable) is
not a bug of clp-tui's: it gets the store's own line saying what to do, as the
commands do, and no crash report that would call the cached data safe.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App

from clp_tui.crash import report_crash
from clp_tui.data.store import StoreError
from clp_tui.data.text import clean


def show_crash_report(app: App[Any]) -> None:
    """Stands in for `App._fatal_error`: one line for people, the details in a private file."""
    error = app._exception or RuntimeError("unknown error")
    # A failed worker wraps the real error; report that one, with its own frames.
    error = getattr(error, "error", error)
    if not app._exit_renderables:  # `_exception` is the first error: report it once, not per repeat
        app.bell()
        app.error_console.soft_wrap = True  # one line, so the report's path can be copied whole
        unusable_cache = isinstance(error, StoreError)
        app._exit_renderables.append(Text(f"clp-tui: {clean(str(error))}" if unusable_cache else report_crash(error)))
    app._close_messages_no_wait()

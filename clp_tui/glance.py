"""Glanceable state: what the header shows (every feed's row, the Inbox tab's counts),
read together whenever the App reloads; and telling the officer that a sync brought
new flagged comments (how many, never whose or what; nothing in meeting mode); and
which dashboard screen a reload goes to (none once the app is closing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App, ScreenStackError, UnknownModeError

from clp_tui.data.feed_state import feed_states
from clp_tui.data.health import InboxCounts
from clp_tui.data.inbox_tally import inbox_counts, new_flagged_notice
from clp_tui.data.store import Store, StoreError
from clp_tui.screens.base import DashboardScreen

if TYPE_CHECKING:
    from clp_tui.app import ClpApp


def read_glance(store: Store) -> tuple[list[dict[str, Any]], InboxCounts]:
    """The feeds table and the Inbox tab's counts: two small indexed queries (StoreError
    if the cache cannot be read)."""
    return feed_states(store), inbox_counts(store)


def tell_new_flagged(app: ClpApp, before: InboxCounts) -> None:
    """After a sync changed the cache and the counts were read again: say so if flagged grew."""
    notice = None if app.meeting else new_flagged_notice(before, app.inbox_counts)
    if notice:
        app.notify(notice, title="New flagged comments", markup=False, timeout=8)


def dashboard_on_show(app: App[Any]) -> DashboardScreen | None:
    """The dashboard screen on show, if any: none under a dialog, and none while the app
    is closing (a poll or a store change can still arrive after the screens are gone)."""
    try:
        screen = app.screen
    except (ScreenStackError, UnknownModeError):
        return None
    return screen if isinstance(screen, DashboardScreen) else None


def recount_inbox(app: ClpApp) -> None:
    """The inbox's own decisions change its tab's counts: read them again (after a burst of
    decisions has landed, not once a key) and redraw the header. A cache that cannot be
    read keeps the counts shown; the inbox's own reload says why."""
    try:
        app.inbox_counts = inbox_counts(app.store)
    except StoreError:
        return
    if (screen := dashboard_on_show(app)) is not None:
        screen.update_header()

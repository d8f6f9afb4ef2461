"""Glanceable state: what the header shows (every feed's row, the Inbox tab's counts),
read together whenever the App reloads; and telling the officer that a sync brought
new flagged comments (how many, never whose or what; nothing in meeting mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clp_tui.data.feed_writes import feed_states
from clp_tui.data.inbox import InboxCounts, inbox_counts, new_flagged_notice
from clp_tui.data.store import Store

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

"""The inbox's counts kept as the data changes (`inbox_tally`, migration 7): how many
live comments there are by (decided, flagged), so the first screen reads four rows
rather than counting an index that grows with the cache.

Rules this module keeps:
- Every write that can change what is counted (a comment added, removed, archived,
  brought back, flagged or unflagged, decided or undecided) keeps the tally in its
  own transaction: a sync and a re-flag count again (`retally`, four ranges of the
  items_inbox index: ~5 ms at 50,000 comments), a decision moves one comment
  (`set_decision`). The purge changes none of these columns.
- Readers take the figures as they are (`inbox_counts`, `view_count`); nothing else
  writes them. This module is small and imports no screen data, so the dashboard's
  header reads the Inbox tab's counts without loading the inbox's queries.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from clp_tui.data.health import InboxCounts
from clp_tui.data.store import Store
from clp_tui.data.text import plural

_LIVE = "kind = 'comment' AND archived = 0"


def retally(conn: sqlite3.Connection) -> None:
    """Count the four groups again (inside the caller's write transaction)."""
    for decided in (0, 1):
        for flagged in (0, 1):
            # The index's own expression and terms, so each is a range of items_inbox.
            (n,) = conn.execute(
                f"SELECT count(*) FROM items WHERE {_LIVE} AND (decision IS NOT NULL) = ? AND flagged = ?",
                (decided, flagged),
            ).fetchone()
            conn.execute("INSERT OR REPLACE INTO inbox_tally VALUES (?, ?, ?)", (decided, flagged, n))


def set_decision(conn: sqlite3.Connection, feed: str, item_id: str, value: Any) -> None:
    """Set an item's mirrored moderation decision, moving it between the tally's groups."""
    row = conn.execute(
        f"SELECT {_LIVE}, decision IS NOT NULL, flagged FROM items WHERE feed = ? AND id = ?", (feed, item_id)
    ).fetchone()
    conn.execute("UPDATE items SET decision = ? WHERE feed = ? AND id = ?", (value, feed, item_id))
    if row is None or not row[0] or row[1] == (value is not None):
        return
    move = "UPDATE inbox_tally SET n = n + ? WHERE decided = ? AND flagged = ?"
    conn.execute(move, (-1, row[1], row[2]))
    conn.execute(move, (1, int(value is not None), row[2]))


# The inbox's views whose whole count (no filter, no platform) the tally holds: which
# of its rows each sums.
TALLIED_VIEWS = {"unreviewed": "decided = 0", "flagged": "flagged = 1", "all": "1"}


def view_count(store: Store, view: str) -> int:
    """How many comments a view holds with no filter: four rows, where counting the
    items_inbox index took 30 ms at 500,000 comments (more with a cold page cache)."""
    return int(store.query(f"SELECT coalesce(sum(n), 0) FROM inbox_tally WHERE {TALLIED_VIEWS[view]}")[0][0])


def inbox_counts(store: Store) -> InboxCounts:
    """The Inbox tab's counts: comments not yet reviewed, and those of them flagged."""
    rows = {r[0]: r[1] for r in store.query("SELECT flagged, n FROM inbox_tally WHERE decided = 0")}
    return InboxCounts(int(rows.get(0, 0) + rows.get(1, 0)), int(rows.get(1, 0)))


def new_flagged_notice(before: InboxCounts, after: InboxCounts) -> str | None:
    """What a sync that brought flagged comments says: how many, never whose or what."""
    new = after.flagged - before.flagged
    if new <= 0:
        return None
    return f"{plural(new, 'new flagged comment')} in the inbox."

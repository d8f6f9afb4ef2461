"""The inbox's counts kept as the data changes (`inbox_tally`, migration 7): how many
live comments there are by (decided, flagged), so the first screen reads four rows
rather than counting an index that grows with the cache.

Rules this module keeps:
- Every write that can change what is counted (a comment added, removed, archived,
  brought back, flagged or unflagged, decided or undecided) keeps the tally in its
  own transaction: a sync and a re-flag count again (`retally`, four ranges of the
  items_inbox index: ~5 ms at 50,000 comments), a decision moves one comment
  (`set_decision`). The purge changes none of these columns.
- Readers take the figures as they are (data/inbox.py); nothing else writes them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

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

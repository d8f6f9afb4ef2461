"""Writing the moderation flags: the inbox's `flagged` column and the signature of
the rules that set it (the rules themselves are applied in inbox.py).

Rules this module keeps:
- The flags and the rules they follow are written in one transaction, so a
  cache never claims flags under rules that did not set them; the inbox's
  counts (data/inbox_tally.py) follow in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from clp_tui.data.inbox_tally import retally
from clp_tui.data.store import Store


def set_flags(store: Store, changes: Iterable[tuple[int, str, str]], rules: str) -> None:
    """Write the inbox's `flagged` column for (flag, feed, id) rows, and remember the rules."""
    with store.write() as conn:
        conn.executemany("UPDATE items SET flagged = ? WHERE feed = ? AND id = ?", changes)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('flag_rules', ?)", (rules,))
        retally(conn)  # the inbox's counts of flagged comments, in the same transaction

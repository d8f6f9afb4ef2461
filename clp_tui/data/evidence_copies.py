"""Evidence copies: an escalated comment's words kept as they were when it was escalated,
and again at each export of its evidence pack, so an edit made upstream later (the
commenter softening a threat, say) cannot change what the pack shows as escalated.

Rules this module keeps:
- Copies are only ever added (the table refuses an UPDATE); each is written in the
  same transaction as the escalation or the pack record it belongs to.
- The retention purge is the only thing that removes them: with the comment's own
  text, once its case is closed and no pack was exported (retention.py).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from clp_tui.data.store import Store

# What a copy holds: everything the pack shows that the feed could change.
WORDS = ("body", "title", "author_name", "author_url", "url", "thread_title", "published", "modified")


def copy_words(
    conn: sqlite3.Connection,
    feed: str,
    item_id: str,
    *,
    why: str,
    at: str,
    decision_seq: int | None = None,
    pack_seq: int | None = None,
) -> None:
    """Append a copy of the comment's words as the cache holds them now (`why`:
    'escalated' or 'exported'), inside the caller's transaction."""
    conn.execute(
        """INSERT INTO evidence_copies (at, why, feed, item_id, decision_seq, pack_seq, body, title,
               author_name, author_url, url, thread_title, published, modified, raw)
           SELECT ?, ?, feed, id, ?, ?, body, title, author_name, author_url, url,
               json_extract(ext, '$.thread_title'), published, modified, raw
           FROM items WHERE feed = ? AND id = ? AND kind = 'comment'""",
        (at, why, decision_seq, pack_seq, feed, item_id),
    )


def copy_if_escalated(
    conn: sqlite3.Connection, feed: str, item_id: str, field: str, value: Any, *, seq: int, at: str
) -> None:
    """The decision log's hook: an escalation keeps a copy of what was escalated."""
    if field == "moderation" and value == "escalated":
        copy_words(conn, feed, item_id, why="escalated", at=at, decision_seq=seq)


def copies_of(store: Store, feed: str, item_id: str) -> list[dict[str, Any]]:
    """Every copy kept of this comment, oldest first."""
    return [
        dict(r)
        for r in store.query(
            "SELECT * FROM evidence_copies WHERE feed = ? AND item_id = ? ORDER BY seq", (feed, item_id)
        )
    ]

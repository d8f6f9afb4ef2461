"""Evidence-pack records: which comment's GLU evidence pack left the cache, when,
by whom and where to (used by `clp-tui export escalation`, the report and `purge`).

Rules this module keeps:
- A record is appended when a pack is written, never edited, with a copy of the
  comment's words as exported (evidence_copies.py); retention keeps whole every
  comment with a record here (see retention.py).
"""

from __future__ import annotations

from typing import Any

from clp_tui.data.evidence_copies import copy_words
from clp_tui.data.store import Store


def record_exported_pack(store: Store, feed: str, item_id: str, *, officer: str, fmt: str, path: str) -> int:
    """Note that an evidence pack for this item left the cache; purge keeps such items."""
    stamp = store.now_stamp()
    with store.write() as conn:
        cur = conn.execute(
            "INSERT INTO exported_packs (at, officer, feed, item_id, format, path) VALUES (?, ?, ?, ?, ?, ?)",
            (stamp, officer, feed, item_id, fmt, path),
        )
        pack_seq = int(cur.lastrowid or 0)
        copy_words(conn, feed, item_id, why="exported", at=stamp, pack_seq=pack_seq)
    return pack_seq


def exported_packs(store: Store) -> list[dict[str, Any]]:
    """Every evidence pack exported so far, oldest first."""
    return [dict(r) for r in store.query("SELECT * FROM exported_packs ORDER BY seq")]

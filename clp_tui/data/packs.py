"""Evidence-pack records: which comment's GLU evidence pack left the cache, when,
by whom and where to (used by `clp-tui export escalation`, the report and `purge`).

Rules this module keeps:
- A record is appended when a pack is written, never edited; retention keeps
  whole every comment with a record here (see retention.py).
"""

from __future__ import annotations

from typing import Any

from clp_tui.data.store import Store


def record_exported_pack(store: Store, feed: str, item_id: str, *, officer: str, fmt: str, path: str) -> int:
    """Note that an evidence pack for this item left the cache; purge keeps such items."""
    with store.write() as conn:
        cur = conn.execute(
            "INSERT INTO exported_packs (at, officer, feed, item_id, format, path) VALUES (?, ?, ?, ?, ?, ?)",
            (store.now_stamp(), officer, feed, item_id, fmt, path),
        )
    return int(cur.lastrowid or 0)


def exported_packs(store: Store) -> list[dict[str, Any]]:
    """Every evidence pack exported so far, oldest first."""
    return [dict(r) for r in store.query("SELECT * FROM exported_packs ORDER BY seq")]

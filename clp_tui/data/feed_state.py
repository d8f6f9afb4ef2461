"""Each feed's sync state as the last sync left it (the `feeds` table): its validators,
failures, backoff and outcome. Read by sync before a fetch and by the dashboard's
header and feed panel; written only by data/feed_writes.py.

A module of its own so the dashboard can read it without importing the feed parser,
which feed_writes needs (10 ms of every start).
"""

from __future__ import annotations

from typing import Any

from clp_tui.data.store import Store


def feed_state(store: Store, name: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM feeds WHERE name = ?", (name,))
    return dict(rows[0]) if rows else None


def feed_states(store: Store) -> list[dict[str, Any]]:
    return [dict(r) for r in store.query("SELECT * FROM feeds ORDER BY name")]

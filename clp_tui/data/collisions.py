"""Two officers on one item: whether another officer decided it lately, so the
dashboard can ask before contradicting them (presence covers "looking at it now").

Rules this module keeps:
- "Lately" is RECENT_MINUTES, by the injected clock, against the log's stamps.
- Another officer is another registered id; without ids (laptops sharing a cache),
  another name. Their decision counts only if it is on the same field and set a
  different value than the one about to be made, and was not undone since.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clp_tui.clock import stamp
from clp_tui.data.store import Store

RECENT_MINUTES = 10
_MOST_KEYS = 200  # a bulk decision checks its first 200 items


@dataclass(frozen=True, slots=True)
class Recent:
    key: tuple[str, str]
    officer: str
    value: Any
    minutes_ago: int


def recent_by_others(
    store: Store,
    keys: Iterable[tuple[str, str]],
    field: str,
    value: Any,
    *,
    officer_id: str | None,
    officer: str,
) -> list[Recent]:
    """Each item another officer decided differently in the last RECENT_MINUTES."""
    now = store.clock()
    since = stamp(now - dt.timedelta(minutes=RECENT_MINUTES))
    found = []
    for key in list(keys)[:_MOST_KEYS]:
        rows = store.query(
            """SELECT d.officer, d.officer_id, d.value, d.at FROM decisions d
               WHERE d.feed = ? AND d.item_id = ? AND d.field = ? AND d.at >= ? AND d.undoes IS NULL
                 AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq)
               ORDER BY d.seq DESC LIMIT 1""",
            (*key, field, since),
        )
        if not rows:
            continue
        row = rows[0]
        mine = row["officer_id"] == officer_id if officer_id or row["officer_id"] else row["officer"] == officer
        theirs = json.loads(row["value"]) if row["value"] is not None else None
        if mine or theirs == value:
            continue
        at = dt.datetime.fromisoformat(row["at"].replace("Z", "+00:00"))
        found.append(Recent(key, row["officer"], theirs, max(int((now - at).total_seconds() // 60), 0)))
    return found

"""The officers' decision log, read back: every decision, oldest first, values decoded."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from clp_tui.data.store import Store

DECISION_COLUMNS = ("seq", "at", "officer", "feed", "item_id", "field", "value", "reason", "undoes")


def decision_rows(store: Store, since: dt.date | None = None) -> list[dict[str, Any]]:
    """The whole decision log (or from `since`, UTC), oldest first, values decoded from JSON."""
    where, params = ("WHERE at >= ?", (since.isoformat(),)) if since else ("", ())
    rows = store.query(f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions {where} ORDER BY seq", params)
    out = []
    for r in rows:
        record = dict(r)
        record["value"] = json.loads(r["value"]) if r["value"] is not None else None
        out.append(record)
    return out

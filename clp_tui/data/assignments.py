"""Who each item is assigned to: an assignment is a decision on the field `assigned`
(value `{"id": OFFICER_ID, "name": NAME}`, or null when unassigned), so it is in the
decision log, its undo and `export decisions` like any other."""

from __future__ import annotations

import json
from dataclasses import dataclass

from clp_tui.data.store import Store

FIELD = "assigned"


@dataclass(frozen=True, slots=True)
class Assignment:
    officer_id: str
    name: str
    by: str  # who assigned it, by name
    seq: int


def assignments(store: Store) -> dict[tuple[str, str], Assignment]:
    """Every item assigned now, by (feed, id)."""
    rows = store.query(
        "SELECT feed, item_id, value, officer, seq FROM decision_state WHERE field = ? AND value != 'null'", (FIELD,)
    )
    out = {}
    for r in rows:
        value = json.loads(r["value"]) if r["value"] else None
        if isinstance(value, dict) and value.get("id"):
            out[(r["feed"], r["item_id"])] = Assignment(
                str(value["id"]), str(value.get("name") or ""), r["officer"], r["seq"]
            )
    return out


def assignment_sql(values: list[str], item: str = "i") -> tuple[str, list[str]]:
    """A condition true for an item assigned to an officer one of `values` (lower case)
    names: the start of a word of their name (as every filter field), or their id."""
    one = "instr(' ' || lower(json_extract(a.value, '$.name')), ?) > 0 OR json_extract(a.value, '$.id') = ?"
    sql = (
        f"EXISTS (SELECT 1 FROM decision_state a WHERE a.feed = {item}.feed AND a.item_id = {item}.id"
        f" AND a.field = '{FIELD}' AND a.value != 'null' AND ({' OR '.join(one for _ in values)}))"
    )
    return sql, [p for v in values for p in (f" {v}", v)]

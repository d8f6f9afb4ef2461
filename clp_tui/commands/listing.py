"""`clp-tui list`: the cache as it stands, feed data with local decisions applied."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from clp_tui import exits
from clp_tui.commands.common import cache_missing, config_of, db_path_of
from clp_tui.commands.list_kinds import LIST_KINDS
from clp_tui.config import Config
from clp_tui.data.board import load_milestones
from clp_tui.data.decision_log import local_join, local_or_feed
from clp_tui.data.store import Store
from clp_tui.data.text import json_line, one_line

# `clp-tui list WHAT`: the item kind each word names.
# The local state each kind adds to an item, from the decision log.
_STATE_FIELD = {"comment": ("moderation", "decision"), "press": ("stage", "stage")}


def _rows(store: Store, kind: str) -> list[Any]:
    field = _STATE_FIELD[kind][0] if kind in _STATE_FIELD else None
    return store.query(
        f"""SELECT i.feed, i.id, i.raw, i.title, i.body, i.author_name, i.published,
                  i.platform, i.stage AS feed_stage, i.owner, i.due, i.branch, i.week, i.archived,
                  {"d.value" if field else "NULL"} AS decided
           FROM items i
           {local_join(field, "d") if field else ""}
           WHERE i.kind = ? AND (i.archived = 0 OR i.decision = 'escalated')
           ORDER BY i.published DESC, i.feed, i.id""",
        (kind,),
    )


def _number(text: str) -> int | float | str:
    """A number from a feed as Python can hold it and JSON can say it; else its text
    (a 5,000-digit integer, or 1e999, which would print as the non-JSON Infinity)."""
    try:
        value = float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:  # more digits than int() converts
        return text
    return value if not isinstance(value, float) or math.isfinite(value) else text


def raw_item(raw: bytes | None) -> dict[str, Any]:
    """An item as its feed published it, every number kept printable as JSON."""
    return json.loads(raw, parse_int=_number, parse_float=_number) if raw else {}


def list_items(config: Config, db_path: Path, kind: str, *, as_json: bool) -> int:
    if cache_missing(db_path):  # a mistyped --db must not become a new, empty cache
        return exits.FAILED
    store = Store(db_path)
    out = sys.stdout
    if kind == "milestone":
        rag = {(m.feed, m.id): m for m in load_milestones(store, store.clock().date(), config.board.behind_margin)}
    for row in _rows(store, kind):
        item = raw_item(row["raw"])
        record: dict[str, Any] = {**item, "id": row["id"], "feed": row["feed"]}
        if kind == "comment":
            record["decision"] = local_or_feed(row["decided"], None)
            if row["archived"]:  # an open escalation its feed no longer lists
                record["in_feed"] = False
        elif kind == "press":
            record["stage"] = local_or_feed(row["decided"], row["feed_stage"])
        elif kind == "milestone":
            m = rag.get((row["feed"], row["id"]))
            record["rag"] = m.rag if m else None
            record["status"] = m.status if m else None
            record["achieved"] = m.achieved if m else None
        if as_json:
            out.write(json_line(record) + "\n")
        else:
            out.write(_line(kind, row, record) + "\n")
    return exits.OK


def _line(kind: str, row: Any, record: dict[str, Any]) -> str:
    title = one_line(row["title"] or row["body"], 70)
    if kind == "comment":
        who = one_line(row["author_name"], 24)
        gone = "  (no longer in its feed)" if row["archived"] else ""
        return f"{row['feed']}/{one_line(row['id'])}  {one_line(row['platform']) or '-':<14} {record['decision'] or 'unreviewed':<11} {who}: {title}{gone}"
    if kind == "press":
        return f"{row['feed']}/{one_line(row['id'])}  {record['stage']:<17} {title}"
    if kind == "milestone":
        return f"{row['feed']}/{one_line(row['id'])}  {record['rag'] or '-':<8} due {row['due']}  {title}"
    return f"{row['feed']}/{one_line(row['id'])}  {one_line(row['branch'], 30):<30} {row['week']}"


def run(args: argparse.Namespace) -> int:
    return list_items(config_of(args), db_path_of(args), LIST_KINDS[args.what], as_json=args.json)

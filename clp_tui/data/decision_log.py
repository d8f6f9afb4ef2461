"""The decision log: what officers decided here, appended and never edited, and the
current value it leaves per (item, field), which the screens lay over the feed's.

Rules this module keeps:
- Decisions are appended, never updated; `decision_state` is the current value
  per (item, field), rewritten from the log in the same transaction.
- `items.decision` mirrors the current moderation decision (the inbox's index
  pages by it), written in the same transaction as the log; so is the evidence
  copy an escalation keeps (evidence_copies.py).
- `decision_rows` reads it back whole, for `export decisions` and evidence packs.
- A local decision beats the feed: `local_join` and `local_or_feed` are the one
  place that rule is written; every reader that overlays decisions on feed
  values (board, press kanban, `clp-tui list`) uses them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from clp_tui.data.evidence_copies import copy_if_escalated
from clp_tui.data.inbox_tally import retally, set_decision
from clp_tui.data.outbox import Plan, queue, unqueue
from clp_tui.data.store import Store

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def local_join(field: str, alias: str, *, item: str = "i") -> str:
    """A LEFT JOIN giving each row of the items alias `item` the current local value of
    `field` as `alias.value` (JSON; NULL when no decision stands), with its `alias.at`,
    `alias.officer` and `alias.reason`. One primary-key lookup per item, so it costs an
    overlaid query no more than a hand-written join. Decode the value with `local_or_feed`."""
    assert _NAME.fullmatch(field) and _NAME.fullmatch(alias) and _NAME.fullmatch(item), (field, alias, item)
    return (
        f"LEFT JOIN decision_state {alias} ON {alias}.feed = {item}.feed"
        f" AND {alias}.item_id = {item}.id AND {alias}.field = '{field}'"
    )


def local_or_feed(local: str | None, feed_value: Any) -> Any:
    """The current local value (the JSON a `local_join` gave), else the feed's value:
    a local decision beats the feed."""
    return json.loads(local) if local else feed_value


def decide(
    store: Store,
    items: Iterable[tuple[str, str]],
    field: str,
    value: Any,
    *,
    officer: str,
    reason: str | None = None,
    plan: Plan | None = None,
    officer_id: str | None = None,
) -> list[int]:
    """Append one decision per (feed, item id), all in one transaction. Returns seqs.
    With a `plan`, the platform action each implies joins the outbox in that transaction.
    `officer_id`: the registered officer (`--as`) who took it, if any."""
    stamp = store.now_stamp()
    encoded = json.dumps(value, ensure_ascii=False)
    seqs: list[int] = []
    with store.write() as conn:
        for feed, item_id in items:
            cur = conn.execute(
                """INSERT INTO decisions (at, officer, feed, item_id, field, value, reason, officer_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (stamp, officer, feed, item_id, field, encoded, reason, officer_id),
            )
            seq = int(cur.lastrowid or 0)
            conn.execute(
                """INSERT OR REPLACE INTO decision_state
                   (feed, item_id, field, value, seq, at, officer, reason)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (feed, item_id, field, encoded, seq, stamp, officer, reason),
            )
            _mirror(conn, feed, item_id, field, value)
            copy_if_escalated(conn, feed, item_id, field, value, seq=seq, at=stamp)
            if plan is not None:
                queue(conn, plan, feed, item_id, field, value, seq, stamp)
            seqs.append(seq)
    return seqs


def undo(store: Store, seqs: Iterable[int], *, officer: str, officer_id: str | None = None) -> int:
    """Append undo entries for these decisions and recompute what they changed; each
    undone decision's platform action is cancelled, or its reverse queued (outbox.py)."""
    stamp = store.now_stamp()
    undone = 0
    with store.write() as conn:
        for seq in seqs:
            row = conn.execute(
                "SELECT feed, item_id, field FROM decisions WHERE seq = ? AND undoes IS NULL", (seq,)
            ).fetchone()
            already = conn.execute("SELECT 1 FROM decisions WHERE undoes = ?", (seq,)).fetchone()
            if row is None or already:
                continue
            feed, item_id, field = row
            cur = conn.execute(
                """INSERT INTO decisions (at, officer, feed, item_id, field, value, reason, undoes, officer_id)
                   VALUES (?, ?, ?, ?, ?, NULL, 'undo', ?, ?)""",
                (stamp, officer, feed, item_id, field, seq, officer_id),
            )
            _recompute_state(conn, feed, item_id, field)
            unqueue(conn, seq, int(cur.lastrowid or 0), stamp)
            undone += 1
    return undone


def _recompute_state(conn: sqlite3.Connection, feed: str, item_id: str, field: str) -> None:
    latest = conn.execute(
        """SELECT seq, value, at, officer, reason FROM decisions d
           WHERE feed = ? AND item_id = ? AND field = ? AND undoes IS NULL
             AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq)
           ORDER BY seq DESC LIMIT 1""",
        (feed, item_id, field),
    ).fetchone()
    _mirror(conn, feed, item_id, field, json.loads(latest[1]) if latest and latest[1] else None)
    if latest is None:
        conn.execute(
            "DELETE FROM decision_state WHERE feed = ? AND item_id = ? AND field = ?",
            (feed, item_id, field),
        )
    else:
        conn.execute(
            """INSERT OR REPLACE INTO decision_state
               (feed, item_id, field, value, seq, at, officer, reason)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (feed, item_id, field, latest[1], latest[0], latest[2], latest[3], latest[4]),
        )


def add_local_item(
    store: Store,
    kind: str,
    item_id: str,
    title: str,
    ext: dict[str, Any],
    *,
    officer: str,
    officer_id: str | None = None,
) -> None:
    """A card an officer creates here (e.g. a press idea); kept in the reserved `local` feed."""
    from clp_tui.config import LOCAL_FEED

    stamp = store.now_stamp()
    raw = json.dumps({"id": item_id, "title": title, "_clp": {"type": kind, **ext}}, ensure_ascii=False)
    with store.write() as conn:
        conn.execute(
            """INSERT INTO items (feed, id, kind, raw, ext, title, published, stage, owner,
                   first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                LOCAL_FEED,
                item_id,
                kind,
                raw.encode(),
                json.dumps(ext),
                title,
                stamp,
                ext.get("stage"),
                ext.get("owner"),
                stamp,
                stamp,
            ),
        )
        conn.execute(
            """INSERT INTO decisions (at, officer, feed, item_id, field, value, reason, officer_id)
               VALUES (?, ?, ?, ?, 'create', ?, NULL, ?)""",
            (stamp, officer, LOCAL_FEED, item_id, json.dumps(title, ensure_ascii=False), officer_id),
        )
        if kind == "comment":
            retally(conn)


def _mirror(conn: sqlite3.Connection, feed: str, item_id: str, field: str, value: Any) -> None:
    """Keep items.decision equal to the current moderation decision (for the inbox index)."""
    if field == "moderation":
        set_decision(conn, feed, item_id, value)  # and the inbox's counts with it


DECISION_COLUMNS = ("seq", "at", "officer", "officer_id", "feed", "item_id", "field", "value", "reason", "undoes")


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


def decisions_by_seq(store: Store, seqs: list[int]) -> list[dict[str, Any]]:
    """The log entries with these sequence numbers, in order, values decoded."""
    marks = ", ".join("?" for _ in seqs)
    rows = store.query(f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions WHERE seq IN ({marks}) ORDER BY seq", seqs)
    return [{**dict(r), "value": json.loads(r["value"]) if r["value"] is not None else None} for r in rows]

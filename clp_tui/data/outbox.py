"""The moderation outbox: the platform action each decision implies, kept in the
cache beside the decision until it has been sent, and how sending it went.

Rules this module keeps:
- A decision and its action are written in one transaction (`queue` and `unqueue`
  run inside decision_log's `decide` and `undo`), so neither is ever without the other.
- Each action has an idempotency key (feed/item/decision/action); queuing it twice
  queues it once, and an action seen `applied` (a 2xx) is never sent again.
- States: pending -> sending -> applied | failed (reason) | pending again (a 5xx, 429
  or quota: retried with backoff); cancelled when its decision was undone before it
  left. An item's actions are sent one at a time, in the order decided.
- `claim` takes actions for sending in a BEGIN IMMEDIATE transaction, so two
  dashboards, or a dashboard and a sync, never send the same action.
- A sender that stopped while `sending` (killed, or its request timed out) leaves the
  action `resumed`: hide, unhide and moderation status are re-checked or simply set
  again (setting a state twice is harmless); a Mastodon report, which would be filed
  twice, is never repeated by itself: it fails, asking an officer to look first.
- Only feeds with `apply_decisions = true` queue actions (`Plan`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clp_tui.clock import stamp
from clp_tui.config import Config, FeedConfig
from clp_tui.data.store import Store

STATES = ("pending", "sending", "applied", "failed", "cancelled")
# A `sending` action older than this is taken back even if its sender seems alive
# (every request is bounded by the network deadline, far below this).
LEASE = dt.timedelta(minutes=10)
BACKOFF_FIRST_S = 30.0
BACKOFF_MAX_S = 3600.0
_HIDING = {"hide", "hold", "reject"}
# The decision each action carries out (an undo leaves the platform alone while another
# officer's decision still standing asks for the same).
_DECISION_OF = {"hide": "hidden", "hold": "hidden", "reject": "hidden", "unhide": "approved", "approve": "approved"}
_SHOWING = {"unhide", "approve"}


@dataclass(frozen=True, slots=True)
class Plan:
    """The feeds whose decisions go to their platform (`apply_decisions = true`)."""

    feeds: Mapping[str, FeedConfig]

    @classmethod
    def of(cls, config: Config) -> Plan:
        return cls({f.name: f for f in config.feeds if f.apply_decisions})

    def action(self, feed: str, field: str, value: Any) -> str | None:
        config = self.feeds.get(feed)
        return action_for(config, value) if config is not None and field == "moderation" else None


def action_for(feed: FeedConfig, value: Any) -> str | None:
    """The platform action a moderation decision implies on this feed's platform, or None."""
    source = feed.source
    if source in ("facebook", "instagram"):
        return {"hidden": "hide", "approved": "unhide"}.get(value)
    if source == "youtube":
        hide = "reject" if feed.youtube_hide == "rejected" else "hold"
        return {"hidden": hide, "approved": "approve"}.get(value)
    if source == "mastodon" and feed.report_escalations and value == "escalated":
        return "report"
    return None


def _reverse(action: str, hidden_before: bool) -> str | None:
    """The action that puts the platform back as it was before `action` (None: nothing to
    send, or nothing can: a rejected YouTube comment stays rejected, a report stays filed)."""
    if action == "hide":
        return None if hidden_before else "unhide"
    if action == "unhide":
        return "hide" if hidden_before else None
    if action == "hold":
        return "approve"
    if action == "approve":
        return "hold" if hidden_before else None
    return None


def _hidden_now(conn: sqlite3.Connection, feed: str, item_id: str) -> bool:
    """Whether the comment is hidden on its platform as far as we know: our last action
    not undone or refused, else what the feed last said."""
    row = conn.execute(
        """SELECT action FROM outbox WHERE feed = ? AND item_id = ?
             AND state IN ('pending', 'sending', 'applied') ORDER BY id DESC LIMIT 1""",
        (feed, item_id),
    ).fetchone()
    if row is not None:
        return row[0] in _HIDING
    state = conn.execute("SELECT state FROM items WHERE feed = ? AND id = ?", (feed, item_id)).fetchone()
    return bool(state and state[0] == "hidden")


def queue(
    conn: sqlite3.Connection, plan: Plan, feed: str, item_id: str, field: str, value: Any, seq: int, now: str
) -> None:
    """Within a decision's transaction: the action it implies, pending (if any)."""
    action = plan.action(feed, field, value)
    if action is None:
        return
    latest = conn.execute(
        """SELECT action FROM outbox WHERE feed = ? AND item_id = ?
             AND state IN ('pending', 'sending', 'applied') ORDER BY id DESC LIMIT 1""",
        (feed, item_id),
    ).fetchone()
    if latest is not None and latest[0] == action:
        return  # already done or on its way (two officers hid the same comment): sent once
    hidden = _hidden_now(conn, feed, item_id)
    conn.execute(
        """INSERT OR IGNORE INTO outbox (key, feed, item_id, seq, action, reverse, state, next_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)""",
        (f"{feed}/{item_id}/{seq}/{action}", feed, item_id, seq, action, _reverse(action, hidden), now, now),
    )


def unqueue(conn: sqlite3.Connection, seq: int, undo_seq: int, now: str) -> None:
    """Within an undo's transaction: the undone decision's action is cancelled if it has
    not left (pending, or refused: it never took effect); if it has left or is leaving,
    the reverse action is queued after it."""
    for row in conn.execute(
        "SELECT id, feed, item_id, action, reverse, state FROM outbox WHERE seq = ? AND undoes IS NULL", (seq,)
    ).fetchall():
        out_id, feed, item_id, action, reverse, state = row
        standing = conn.execute(
            "SELECT value FROM decision_state WHERE feed = ? AND item_id = ? AND field = 'moderation'",
            (feed, item_id),
        ).fetchone()
        if standing is not None and standing[0] == json.dumps(_DECISION_OF.get(action)):
            continue  # another decision still standing wants the platform just so: leave it
        if state in ("pending", "failed"):
            reason = "not sent: the decision was undone before it left"
            conn.execute(
                "UPDATE outbox SET state = 'cancelled', reason = ?, done_at = ? WHERE id = ?", (reason, now, out_id)
            )
        elif state in ("sending", "applied") and reverse is not None:
            conn.execute(
                """INSERT OR IGNORE INTO outbox
                   (key, feed, item_id, seq, undoes, action, state, next_at, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)""",
                (
                    f"{feed}/{item_id}/{undo_seq}/undo-{out_id}/{reverse}",
                    feed,
                    item_id,
                    undo_seq,
                    out_id,
                    reverse,
                    now,
                    now,
                ),
            )


# -- sending: claim, then record ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """One claimed (or listed) action."""

    id: int
    key: str
    feed: str
    item_id: str
    action: str
    state: str
    attempts: int
    next_at: str
    resumed: bool
    reason: str | None
    decision_reason: str | None  # the officer's reason (a report's comment)


def sender_id() -> str:
    """Who claims: this machine and process (a claim by a process gone from this machine is stale)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(claimed_by: str | None) -> bool:
    host, _, pid = (claimed_by or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


_COLUMNS = """o.id, o.key, o.feed, o.item_id, o.action, o.state, o.attempts, o.next_at, o.resumed,
              o.reason, d.reason AS decision_reason"""
_JOIN = "LEFT JOIN decisions d ON d.seq = o.seq"


def _action(r: Any) -> Action:
    return Action(
        r["id"],
        r["key"],
        r["feed"],
        r["item_id"],
        r["action"],
        r["state"],
        r["attempts"],
        r["next_at"],
        bool(r["resumed"]),
        r["reason"],
        r["decision_reason"],
    )


def claim(store: Store, feeds: set[str], *, limit: int = 20, lease: dt.timedelta = LEASE) -> list[Action]:
    """Take due actions of these feeds for sending (state `sending`, attempts + 1), in one
    BEGIN IMMEDIATE transaction; first takes back `sending` ones whose sender is gone
    (or whose claim is older than `lease`: longer than any one request may take)."""
    if not feeds:
        return []
    marks = ", ".join("?" for _ in feeds)
    waiting = store.query(
        f"SELECT 1 FROM outbox WHERE state IN ('pending', 'sending') AND feed IN ({marks}) LIMIT 1", tuple(feeds)
    )
    if not waiting:  # the usual answer, found without taking the write lock
        return []
    me = sender_id()
    now = store.clock()
    stamp_now = stamp(now)
    with store.write() as conn:
        sending = conn.execute("SELECT id, action, claimed_by, claimed_at FROM outbox WHERE state = 'sending'")
        for r in sending.fetchall():
            stale = (r["claimed_at"] or "") < stamp(now - lease) or _gone(r["claimed_by"])
            if not stale:
                continue
            if r["action"] == "report":
                reason = (
                    "stopped while filing the report: it may have been filed; check on the instance, "
                    "then `clp-tui outbox retry` to file it again"
                )
                conn.execute(
                    "UPDATE outbox SET state = 'failed', reason = ?, done_at = ? WHERE id = ?",
                    (reason, stamp_now, r["id"]),
                )
            else:
                conn.execute(
                    "UPDATE outbox SET state = 'pending', resumed = 1, next_at = ? WHERE id = ?", (stamp_now, r["id"])
                )
        rows = conn.execute(
            f"""SELECT {_COLUMNS} FROM outbox o {_JOIN}
                WHERE o.state = 'pending' AND o.next_at <= ? AND o.feed IN ({marks})
                  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.feed = o.feed AND e.item_id = o.item_id
                                  AND e.id < o.id AND e.state IN ('pending', 'sending'))
                ORDER BY o.id LIMIT ?""",
            (stamp_now, *feeds, limit),
        ).fetchall()
        taken = [_action(r) for r in rows]
        for a in taken:
            conn.execute(
                """UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_by = ?, claimed_at = ?
                   WHERE id = ? AND state = 'pending'""",
                (me, stamp_now, a.id),
            )
    return taken


def record(
    store: Store,
    action: Action,
    outcome: str,
    reason: str | None = None,
    wait: float | None = None,
    *,
    unsure: bool = False,
) -> None:
    """How sending went: `applied`, `failed` (reason), or `retry` (pending again, next try
    after a backoff, or after `wait` seconds when the platform named a longer one;
    `unsure`: the request may have arrived, so the next try is a resumed one).
    Only the sender that holds the claim records (a claim taken back is not overwritten)."""
    now = store.clock()
    me = sender_id()
    with store.write() as conn:
        if outcome == "retry":
            attempts = conn.execute("SELECT attempts FROM outbox WHERE id = ?", (action.id,)).fetchone()[0]
            backoff = min(BACKOFF_FIRST_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S)
            next_at = stamp(now + dt.timedelta(seconds=max(backoff, wait or 0.0)))
            conn.execute(
                """UPDATE outbox SET state = 'pending', next_at = ?, reason = ?, claimed_by = NULL,
                       resumed = max(resumed, ?)
                   WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
                (next_at, reason, int(unsure), action.id, me),
            )
        else:
            conn.execute(
                """UPDATE outbox SET state = ?, reason = ?, done_at = ?, resumed = 0
                   WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
                (outcome, reason, stamp(now), action.id, me),
            )


def due(store: Store, feeds: set[str]) -> list[Action]:
    """Pending actions of these feeds that a sender would take now (for --dry-run-actions)."""
    if not feeds:
        return []
    marks = ", ".join("?" for _ in feeds)
    rows = store.query(
        f"""SELECT {_COLUMNS} FROM outbox o {_JOIN}
            WHERE o.state IN ('pending', 'sending') AND o.feed IN ({marks}) ORDER BY o.id""",
        tuple(feeds),
    )
    return [_action(r) for r in rows]


def listing(store: Store, states: tuple[str, ...] = ("pending", "sending", "failed")) -> list[Action]:
    """Actions in these states, oldest first (`clp-tui outbox`)."""
    marks = ", ".join("?" for _ in states)
    rows = store.query(f"SELECT {_COLUMNS} FROM outbox o {_JOIN} WHERE o.state IN ({marks}) ORDER BY o.id", states)
    return [_action(r) for r in rows]


def retry_failed(store: Store) -> int:
    """Failed actions pending again, due now, with a fresh count (`clp-tui outbox retry`)."""
    with store.write() as conn:
        cur = conn.execute(
            """UPDATE outbox SET state = 'pending', next_at = ?, attempts = 0, done_at = NULL, resumed = 0
               WHERE state = 'failed'""",
            (store.now_stamp(),),
        )
        return cur.rowcount


def latest_for(store: Store, feed: str, item_id: str) -> Action | None:
    """The newest action for one comment (what the inbox shows)."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM outbox o {_JOIN} WHERE o.feed = ? AND o.item_id = ? ORDER BY o.id DESC LIMIT 1",
        (feed, item_id),
    )
    return _action(rows[0]) if rows else None

"""A synced feed in the cache: taking its new state (`apply_feed`), noting a failed
or refused fetch (`record_failure`, `clear_failure`), and the per-feed sync state
those leave (`feed_state`, `known_hashes`).

Rules this module keeps:
- One transaction per feed sync: a failure or a kill leaves the old items.
- What counts as unchanged is settled inside that transaction: the hashes are read
  before the write lock (so parsing can skip cached items unread), and if another
  connection committed since (`cache_version`), they are read again under the lock
  and the records it already holds are neither written nor counted as new. Two
  syncs started together write each row once, and the second reports it unchanged.
- Items a decision refers to are archived, not deleted, when a feed drops them.
- Repeat posters are flagged inside the sync's own write, from the records and
  only the cached comments by the names on the days they touch, counted by SQLite from the
  items_inbox index (no second pass over 50,000 rows, and no row read for it).
- No per-row Python work beyond building the rows: this is the hot path of a
  50,000-item sync (bench/run.py measures it).
"""

from __future__ import annotations

import operator
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clp_tui.clock import CANONICAL_STAMP
from clp_tui.data.feed_state import feed_state, feed_states  # noqa: F401 - sync reads them from here
from clp_tui.data.inbox_tally import retally
from clp_tui.data.parse import LIFTED_BY_KIND, ItemRecord
from clp_tui.data.store import Store

# Columns every item fills, then the ones each kind lifts out of `_clp`. A sync binds
# only its kind's columns (binding 26 values per row where 19 do costs ~15 % of a
# 50,000-item write); the rest stay NULL, and are set NULL if an item changes kind.
_COMMON_FIELDS = (
    "id",
    "kind",
    "hash",
    "raw",
    "ext",
    "title",
    "body",
    "url",
    "author_name",
    "author_url",
    "published",
    "modified",
    "flagged",
)
_LIFTED = tuple(dict.fromkeys(name for names in LIFTED_BY_KIND.values() for name in names))
_record_values = {kind: operator.attrgetter(*_COMMON_FIELDS, *extra) for kind, extra in LIFTED_BY_KIND.items()}
_poster_fields = operator.attrgetter("kind", "author_name", "published")


# The state whose start clp-tui remembers, by kind: a press card's stage, a milestone's status.
# (ext is stored as bytes, a BLOB: read it as text for json_extract.)
_STATE_SAME = {
    "press": "items.stage IS excluded.stage",
    "milestone": "json_extract(CAST(items.ext AS TEXT), '$.status') IS json_extract(CAST(excluded.ext AS TEXT), '$.status')",
}


def _upsert_sql(kind: str, stamp: str) -> str:
    """The upsert for items of one kind; `stamp` (Store.now_stamp()) is written in as a literal."""
    assert CANONICAL_STAMP.match(stamp), stamp
    fields = (*_COMMON_FIELDS, *LIFTED_BY_KIND[kind])
    updates = [f"{c} = excluded.{c}" for c in fields[1:]]
    updates += [f"{c} = NULL" for c in _LIFTED if c not in fields]
    # state_since: when the feed first showed the item in its state (see migration 3).
    same = _STATE_SAME.get(kind)
    if same:
        updates.append(f"state_since = CASE WHEN {same} THEN items.state_since ELSE '{stamp}' END")
    return f"""INSERT INTO items (feed, {", ".join(fields)}, first_seen, updated_at, state_since)
        VALUES (?, {", ".join("?" for _ in fields)}, '{stamp}', '{stamp}', '{stamp}')
        ON CONFLICT(feed, id) DO UPDATE SET {", ".join(updates)}, updated_at = excluded.updated_at, archived = 0
        WHERE items.hash IS NOT excluded.hash OR items.archived = 1"""


@dataclass(slots=True)
class SyncCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}


def known_hashes(store: Store, feed: str) -> dict[bytes, str]:
    """hash -> id of the live items of a feed, so unchanged items are skipped unread."""
    with store.errors():
        return _hashes(store.conn, feed)


def _hashes(conn: sqlite3.Connection, feed: str) -> dict[bytes, str]:
    return dict(_plain(conn).execute("SELECT hash, id FROM items WHERE feed = ? AND archived = 0", (feed,)))


def _plain(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor giving plain tuples, for reads of tens of thousands of rows: the store's
    sqlite3.Row objects (and the list fetchall made of them) cost a 1 % re-sync of 50,000
    comments ~30 ms of reading the cached hashes."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def cache_version(store: Store) -> int:
    """A number that changes when another connection commits (SQLite's data_version).
    Read it on the thread that will write, before `known_hashes`, and hand it to
    `apply_feed`: it compares it under the write lock."""
    with store.errors():
        return int(store.conn.execute("PRAGMA data_version").fetchone()[0])


def record_failure(
    store: Store,
    feed: str,
    url: str,
    kind: str,
    *,
    error: str,
    http_status: int | None,
    next_allowed_at: float | None,
    seconds: float,
) -> None:
    """A failed fetch or a refused feed: the items stay exactly as they were."""
    stamp = store.now_stamp()
    with store.write() as conn:
        conn.execute(
            """INSERT INTO feeds (name, url, kind, failures, last_attempt_at, last_outcome,
                   http_status, last_error, next_allowed_at)
               VALUES (?, ?, ?, 1, ?, 'error', ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET url = excluded.url, kind = excluded.kind,
                   failures = coalesce(feeds.failures, 0) + 1,
                   last_attempt_at = excluded.last_attempt_at, last_outcome = 'error',
                   http_status = excluded.http_status, last_error = excluded.last_error,
                   next_allowed_at = excluded.next_allowed_at""",
            (feed, url, kind, stamp, http_status, error, next_allowed_at),
        )
        conn.execute(
            """INSERT INTO sync_log (feed, at, outcome, http_status, error, seconds)
               VALUES (?, ?, 'error', ?, ?, ?)""",
            (feed, stamp, http_status, error, seconds),
        )


def clear_failure(store: Store, feed: str) -> None:
    """A 304 after failures: forget the backoff. (A plain 304 writes nothing.)"""
    with store.write() as conn:
        conn.execute(
            """UPDATE feeds SET failures = 0, next_allowed_at = NULL, last_error = NULL,
                   last_outcome = 'not_modified', last_ok_at = ? WHERE name = ?""",
            (store.now_stamp(), feed),
        )


def apply_feed(
    store: Store,
    feed: str,
    url: str,
    kind: str,
    *,
    records: list[ItemRecord],
    unchanged_ids: list[str],
    present_ids: Iterable[str],
    known_ids: set[str],
    snapshot: bool,
    meta: dict[str, Any],
    problems: list[dict[str, Any]],
    http_status: int | None,
    seconds: float,
    repeat_posts: int | None = None,
    flag_rules: str | None = None,
    known: dict[bytes, str] | None = None,
    read_at: int | None = None,
) -> SyncCounts:
    """Take one feed's new state in one transaction and log it. With `repeat_posts`,
    comments by a name that posted that often in one day are flagged too.

    `known` (the hashes the records were parsed against) and `read_at` (the
    `cache_version` read just before them, on this thread): if another connection
    committed since, what is unchanged is decided again under the write lock."""
    stamp = store.now_stamp()
    live = [r for r in records if not r.deleted]
    tombstones = [r.id for r in records if r.deleted]
    with store.write() as conn:
        validators_ok = True
        if read_at is not None and known is not None and _moved_since(conn, read_at):
            fresh = _hashes(conn, feed)
            live, unchanged_ids, validators_ok = _settle_again(live, unchanged_ids, known, fresh)
            known_ids = set(fresh.values())
        counts = SyncCounts(unchanged=len(unchanged_ids))
        gone = list(tombstones)
        if snapshot:
            present = set(present_ids)
            gone.extend(i for i in known_ids if i not in present)
        counts.added = sum(1 for r in live if r.id not in known_ids)
        counts.updated = len(live) - counts.added
        counts.skipped = sum(1 for p in problems if p["severity"] == "error")
        if not validators_ok:
            # Another sync changed items this one took as unchanged: keep what it wrote,
            # and forget the validators so the next sync reads the feed whole again.
            meta = {**meta, "etag": None, "last_modified": None}
        # Flags written by this sync follow `flag_rules`. If the cache had no comments
        # flagged under other rules, say so, or the next dashboard would re-flag every
        # comment (a full pass over 50,000) before it could trust the flags.
        rules_before = conn.execute("SELECT value FROM meta WHERE key = 'flag_rules'").fetchone()
        no_comments_before = (
            conn.execute("SELECT 1 FROM items WHERE kind = 'comment' AND archived = 0 LIMIT 1").fetchone() is None
        )
        if repeat_posts is not None:
            # Before the rows are built: a comment already known to be a repeat
            # post is written flagged, so no second pass rewrites it.
            _flag_repeat_posters(
                conn, feed, live, {r.id for r in live}.union(gone), repeat_posts, any_cached=not no_comments_before
            )
        for item_kind in sorted({r.kind for r in live}):
            values = _record_values[item_kind]
            # A generator, not a list: 50,000 rows of 20 values would be ~12 MiB more at the peak.
            conn.executemany(
                _upsert_sql(item_kind, stamp),
                ((feed, *values(r)) for r in live if r.kind == item_kind),
            )
        if gone:
            counts.removed = _remove_items(conn, feed, gone)
        if (live or gone) and (not no_comments_before or any(r.kind == "comment" for r in live)):
            retally(conn)  # the inbox's counts, in this transaction (data/inbox_tally.py)
        conn.execute(
            """INSERT INTO feeds (name, url, kind, title, constituency, polling_day, etag,
                   last_modified, failures, next_allowed_at, last_attempt_at, last_ok_at,
                   last_outcome, http_status, last_error)
               VALUES (:name, :url, :kind, :title, :constituency, :polling_day, :etag,
                   :last_modified, 0, NULL, :at, :at, 'ok', :http_status, NULL)
               ON CONFLICT(name) DO UPDATE SET url = excluded.url, kind = excluded.kind,
                   title = excluded.title, constituency = excluded.constituency,
                   polling_day = excluded.polling_day, etag = excluded.etag,
                   last_modified = excluded.last_modified, failures = 0,
                   next_allowed_at = NULL, last_attempt_at = excluded.last_attempt_at,
                   last_ok_at = excluded.last_ok_at, last_outcome = 'ok',
                   http_status = excluded.http_status, last_error = NULL""",
            {"name": feed, "url": url, "kind": kind, "at": stamp, "http_status": http_status, **meta},
        )
        if flag_rules is not None and rules_before is None and no_comments_before:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('flag_rules', ?)", (flag_rules,))
        conn.execute("DELETE FROM problems WHERE feed = ?", (feed,))
        if problems:
            conn.executemany(
                """INSERT INTO problems (feed, item_id, path, reason, severity, at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [(feed, p["item_id"], p["path"], p["reason"], p["severity"], stamp) for p in problems],
            )
        conn.execute(
            """INSERT INTO sync_log (feed, at, outcome, http_status, added, updated, unchanged,
                   removed, skipped, seconds) VALUES (?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?)""",
            (
                feed,
                stamp,
                http_status,
                counts.added,
                counts.updated,
                counts.unchanged,
                counts.removed,
                counts.skipped,
                seconds,
            ),
        )
    return counts


def _moved_since(conn: sqlite3.Connection, read_at: int) -> bool:
    return int(conn.execute("PRAGMA data_version").fetchone()[0]) != read_at


def _settle_again(
    live: list[ItemRecord], unchanged_ids: list[str], known: dict[bytes, str], fresh: dict[bytes, str]
) -> tuple[list[ItemRecord], list[str], bool]:
    """Records the cache already holds as they are (another sync wrote them since the
    hashes were read) join the unchanged. Returns (records to write, unchanged ids,
    whether every item taken as unchanged is still cached as it was)."""
    still = [r for r in live if fresh.get(r.hash) != r.id]
    unchanged = unchanged_ids + [r.id for r in live if fresh.get(r.hash) == r.id]
    by_id = {i: h for h, i in known.items()}
    intact = all(fresh.get(by_id.get(i, b"")) == i for i in unchanged_ids)
    return still, unchanged, intact


def _remove_items(conn: sqlite3.Connection, feed: str, ids: list[str]) -> int:
    """Archive items a decision refers to; delete the rest. Returns how many went."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone_ids (id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.gone_ids")
    conn.executemany("INSERT OR IGNORE INTO temp.gone_ids VALUES (?)", ((i,) for i in ids))
    archived = conn.execute(
        """UPDATE items SET archived = 1 WHERE feed = ? AND archived = 0
             AND id IN (SELECT id FROM temp.gone_ids)
             AND EXISTS (SELECT 1 FROM decisions d WHERE d.feed = items.feed AND d.item_id = items.id)""",
        (feed,),
    ).rowcount
    deleted = conn.execute(
        """DELETE FROM items WHERE feed = ? AND archived = 0
             AND id IN (SELECT id FROM temp.gone_ids)""",
        (feed,),
    ).rowcount
    conn.execute("DELETE FROM temp.gone_ids")
    return archived + deleted


def _flag_repeat_posters(
    conn: sqlite3.Connection,
    feed: str,
    live: list[ItemRecord],
    replaced: set[str],
    repeat_posts: int,
    *,
    any_cached: bool,
) -> None:
    """Flag comments whose author posted `repeat_posts` or more times in one (UTC) day,
    counting across every feed. Called inside the feed's write transaction, before its
    rows are written: `live` are the records about to be written (flags set on them
    here), `replaced` the ids of this feed whose cached rows are about to be replaced
    or removed; `any_cached`, whether the cache held a live comment before (if not,
    the records alone decide). Only the names and days these records touch are looked at; the rest of the cache
    was settled when its own comments arrived (or by `refresh_flags` when rules change)."""
    # poster_day() inlined (a missing date is the day ''), and counted by Counter in C:
    # this runs over 50,000 records.
    keys = [(a, p[:10] if p else "") if a and k == "comment" else None for k, a, p in map(_poster_fields, live)]
    per_day = Counter(keys)
    per_day.pop(None, None)
    if not per_day:
        return
    unflagged = _count_cached_posts(conn, feed, per_day, replaced) if any_cached else set()
    hot = {key for key, n in per_day.items() if n >= repeat_posts}
    for key, record in zip(keys, live, strict=True):
        if key in hot:
            record.flagged = 1
    if hot & unflagged:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS hot_days (name TEXT, day TEXT, PRIMARY KEY (name, day))")
        conn.execute("DELETE FROM temp.hot_days")
        conn.executemany("INSERT INTO temp.hot_days VALUES (?, ?)", hot & unflagged)
        conn.execute(
            f"""UPDATE items SET flagged = 1 WHERE kind = 'comment' AND archived = 0 AND flagged = 0
                  AND (author_name, coalesce(substr(published, 1, 10), '')) IN (SELECT name, day FROM temp.hot_days)
                  AND rowid NOT IN ({_REPLACED_ROWS})""",
            (feed,),
        )
        conn.execute("DELETE FROM temp.hot_days")
    if any_cached:
        conn.execute("DELETE FROM temp.poster_days")
        conn.execute("DELETE FROM temp.replaced_ids")


# The cached rows of this feed that the sync is about to replace or remove (their new
# versions, or their absence, are what count).
_REPLACED_ROWS = "SELECT r.rowid FROM items r WHERE r.feed = ? AND r.id IN (SELECT id FROM temp.replaced_ids)"


def _count_cached_posts(
    conn: sqlite3.Connection, feed: str, per_day: Counter[tuple[str, str] | None], replaced: set[str]
) -> set[tuple[str, str]]:
    """Add the cached live comments by these names on these days to `per_day` (counted
    by SQLite over the items_inbox index alone, which ends with the author's name: no
    row of the table is read; only the (name, day) pairs the records touch are grouped,
    not every day of those names). Returns the keys with a cached comment not yet flagged."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS poster_days (name TEXT, day TEXT, PRIMARY KEY (name, day))")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_ids (id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.poster_days")
    conn.execute("DELETE FROM temp.replaced_ids")
    conn.executemany("INSERT INTO temp.poster_days VALUES (?, ?)", per_day)
    conn.executemany("INSERT OR IGNORE INTO temp.replaced_ids VALUES (?)", ((i,) for i in replaced))
    unflagged = set()
    for author, day, n, not_flagged in _plain(conn).execute(
        f"""SELECT author_name, coalesce(substr(published, 1, 10), ''), count(*), sum(flagged = 0) FROM items
           WHERE kind = 'comment' AND archived = 0
             AND (author_name, coalesce(substr(published, 1, 10), '')) IN (SELECT name, day FROM temp.poster_days)
             AND rowid NOT IN ({_REPLACED_ROWS})
           GROUP BY 1, 2""",
        (feed,),
    ):
        key = (author, day)
        per_day[key] += n
        if not_flagged:
            unflagged.add(key)
    return unflagged

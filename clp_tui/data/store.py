"""The SQLite cache: feed items, the decision log overlaid on them, and sync history.

Rules this module keeps:
- WAL, a busy timeout, and every write transaction opened with BEGIN IMMEDIATE
  (a deferred transaction that reads then writes fails at once with "database
  is locked" when another process is writing, whatever the timeout).
- One transaction per feed sync: a failure or a kill leaves the old items.
- Decisions are appended, never updated; `decision_state` is the current value
  per (item, field), rewritten from the log in the same transaction.
- Items a decision refers to are archived, not deleted, when a feed drops them.
- One connection per thread: the dashboard reads on the UI thread and writes
  from worker threads.
"""

from __future__ import annotations

import json
import operator
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clp_tui.clock import Clock, system_clock
from clp_tui.clock import stamp as stamp_of
from clp_tui.data.migrations import MIGRATIONS, SCHEMA_VERSION
from clp_tui.data.parse import CANONICAL_STAMP, LIFTED_BY_KIND, ItemRecord

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_S = 30.0
PAGE_SIZE = 16384

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


def _upsert_sql(kind: str, stamp: str) -> str:
    """The upsert for items of one kind; `stamp` (Store.now_stamp()) is written in as a literal."""
    assert CANONICAL_STAMP.match(stamp), stamp
    fields = (*_COMMON_FIELDS, *LIFTED_BY_KIND[kind])
    updates = [f"{c} = excluded.{c}" for c in fields[1:]]
    updates += [f"{c} = NULL" for c in _LIFTED if c not in fields]
    return f"""INSERT INTO items (feed, {", ".join(fields)}, first_seen, updated_at)
        VALUES (?, {", ".join("?" for _ in fields)}, '{stamp}', '{stamp}')
        ON CONFLICT(feed, id) DO UPDATE SET {", ".join(updates)}, updated_at = excluded.updated_at, archived = 0
        WHERE items.hash IS NOT excluded.hash OR items.archived = 1"""


class StoreError(Exception):
    """The cache cannot be used; the message says what to do."""


@dataclass(slots=True)
class SyncCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}


def _friendly(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return StoreError(f"the cache {path} is read-only; check its permissions or pass --db")
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError(f"the disk holding {path} is full; free some space and try again")
    if "disk I/O error" in text:
        return StoreError(
            f"writing the cache {path} failed (disk I/O error): the disk may be full or failing; "
            "free some space and try again"
        )
    if "locked" in text or "busy" in text:
        return StoreError(f"the cache {path} stayed busy for {BUSY_TIMEOUT_S:g} s; try again")
    if "malformed" in text or "not a database" in text:
        return StoreError(f"{path} is not a usable clp-tui cache ({text}); move it aside and sync again")
    if "unable to open" in text:
        return StoreError(f"cannot open the cache {path}; check the folder exists and is writable")
    return StoreError(f"the cache {path} failed: {text}")


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL. Switching takes an exclusive lock and SQLite answers
    SQLITE_BUSY at once, without the busy handler, while another process has a
    new cache open (several processes starting at once); so wait here instead."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            busy = exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
            continue
        if mode.lower() != "wal":  # e.g. ":memory:"; one more try, as before
            conn.execute("PRAGMA journal_mode = WAL")
        return


class Store:
    """The cache at `path`. Safe to share between threads: each gets its own connection."""

    def __init__(self, path: Path | str, *, clock: Clock = system_clock):
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the cache {self.path}: {exc.strerror}") from None
        with self._errors():
            self._migrate()

    def now_stamp(self) -> str:
        """Now, by this store's clock, in the stored form."""
        return stamp_of(self.clock())

    # -- connections and transactions -------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            # Takes effect only when this creates the file. Rows are about a kilobyte;
            # 16 KiB pages make a 50,000-item write a quarter cheaper than 4 KiB ones.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            import sqlite_utils  # only migrations need it; `sync` of a ready cache starts faster

            db = sqlite_utils.Database(self.conn)
            self._local.db = db
        return db

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.db = None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _friendly(exc, self.path) from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken with BEGIN IMMEDIATE so it waits rather than fails."""
        conn = self.conn
        with self._errors():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")  # a failed COMMIT (disk full) must not leave it open
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk, an I/O
                # error); a second ROLLBACK would hide the real error behind its own.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._errors():
            return self.conn.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        conn = self.conn
        if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        with self.write():
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the cache {self.path} was made by a newer clp-tui (schema {version}); upgrade clp-tui"
                )
            if version == 0:
                conn.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER, at TEXT, pid INTEGER)")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](self.db)
                conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (step, self.now_stamp(), os.getpid()))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- feeds ------------------------------------------------------------------------

    def feed_state(self, name: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM feeds WHERE name = ?", (name,))
        return dict(rows[0]) if rows else None

    def feed_states(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.query("SELECT * FROM feeds ORDER BY name")]

    def known_hashes(self, feed: str) -> dict[bytes, str]:
        """hash -> id of the live items of a feed, so unchanged items are skipped unread."""
        with self._errors():
            return dict(
                self.conn.execute("SELECT hash, id FROM items WHERE feed = ? AND archived = 0", (feed,)).fetchall()
            )

    def record_failure(
        self,
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
        stamp = self.now_stamp()
        with self.write() as conn:
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

    def clear_failure(self, feed: str) -> None:
        """A 304 after failures: forget the backoff. (A plain 304 writes nothing.)"""
        with self.write() as conn:
            conn.execute(
                """UPDATE feeds SET failures = 0, next_allowed_at = NULL, last_error = NULL,
                       last_outcome = 'not_modified', last_ok_at = ? WHERE name = ?""",
                (self.now_stamp(), feed),
            )

    def apply_feed(
        self,
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
    ) -> SyncCounts:
        """Take one feed's new state in one transaction and log it. With `repeat_posts`,
        comments by a name that posted that often in one day are flagged too."""
        stamp = self.now_stamp()
        counts = SyncCounts(unchanged=len(unchanged_ids))
        live = [r for r in records if not r.deleted]
        tombstones = [r.id for r in records if r.deleted]
        gone = list(tombstones)
        if snapshot:
            present = set(present_ids)
            gone.extend(i for i in known_ids if i not in present)
        counts.added = sum(1 for r in live if r.id not in known_ids)
        counts.updated = len(live) - counts.added
        counts.skipped = sum(1 for p in problems if p["severity"] == "error")
        with self.write() as conn:
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
                conn.executemany(
                    _upsert_sql(item_kind, stamp),
                    [(feed, *values(r)) for r in live if r.kind == item_kind],
                )
            if gone:
                counts.removed = self._remove_items(conn, feed, gone)
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

    @staticmethod
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

    # -- decisions --------------------------------------------------------------------

    def decide(
        self,
        items: Iterable[tuple[str, str]],
        field: str,
        value: Any,
        *,
        officer: str,
        reason: str | None = None,
    ) -> list[int]:
        """Append one decision per (feed, item id), all in one transaction. Returns seqs."""
        stamp = self.now_stamp()
        encoded = json.dumps(value, ensure_ascii=False)
        seqs: list[int] = []
        with self.write() as conn:
            for feed, item_id in items:
                cur = conn.execute(
                    """INSERT INTO decisions (at, officer, feed, item_id, field, value, reason)
                       VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (stamp, officer, feed, item_id, field, encoded, reason),
                )
                seq = int(cur.lastrowid or 0)
                conn.execute(
                    """INSERT OR REPLACE INTO decision_state
                       (feed, item_id, field, value, seq, at, officer, reason)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (feed, item_id, field, encoded, seq, stamp, officer, reason),
                )
                _mirror(conn, feed, item_id, field, value)
                seqs.append(seq)
        return seqs

    def undo(self, seqs: Iterable[int], *, officer: str) -> int:
        """Append undo entries for these decisions and recompute what they changed."""
        stamp = self.now_stamp()
        undone = 0
        with self.write() as conn:
            for seq in seqs:
                row = conn.execute(
                    "SELECT feed, item_id, field FROM decisions WHERE seq = ? AND undoes IS NULL", (seq,)
                ).fetchone()
                already = conn.execute("SELECT 1 FROM decisions WHERE undoes = ?", (seq,)).fetchone()
                if row is None or already:
                    continue
                feed, item_id, field = row
                conn.execute(
                    """INSERT INTO decisions (at, officer, feed, item_id, field, value, reason, undoes)
                       VALUES (?, ?, ?, ?, ?, NULL, 'undo', ?)""",
                    (stamp, officer, feed, item_id, field, seq),
                )
                self._recompute_state(conn, feed, item_id, field)
                undone += 1
        return undone

    @staticmethod
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

    def set_flags(self, changes: Iterable[tuple[int, str, str]], rules: str) -> None:
        """Write the inbox's `flagged` column for (flag, feed, id) rows, and remember the rules."""
        with self.write() as conn:
            conn.executemany("UPDATE items SET flagged = ? WHERE feed = ? AND id = ?", changes)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('flag_rules', ?)", (rules,))

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def add_local_item(self, kind: str, item_id: str, title: str, ext: dict[str, Any], *, officer: str) -> None:
        """A card an officer creates here (e.g. a press idea); kept in the reserved `local` feed."""
        from clp_tui.config import LOCAL_FEED

        stamp = self.now_stamp()
        raw = json.dumps({"id": item_id, "title": title, "_clp": {"type": kind, **ext}}, ensure_ascii=False)
        with self.write() as conn:
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
                """INSERT INTO decisions (at, officer, feed, item_id, field, value, reason)
                   VALUES (?, ?, ?, ?, 'create', ?, NULL)""",
                (stamp, officer, LOCAL_FEED, item_id, json.dumps(title, ensure_ascii=False)),
            )

    def data_version(self) -> tuple[int, float]:
        """Something that changes whenever any process commits (for live refresh)."""
        with self._errors():
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        try:
            mtime = os.stat(f"{self.path}-wal").st_mtime
        except OSError:
            mtime = 0.0
        return int(version), mtime

    # -- evidence packs and retention (used by `export escalation` and `purge`) -------

    def record_exported_pack(self, feed: str, item_id: str, *, officer: str, fmt: str, path: str) -> int:
        """Note that an evidence pack for this item left the cache; purge keeps such items."""
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO exported_packs (at, officer, feed, item_id, format, path) VALUES (?, ?, ?, ?, ?, ?)",
                (self.now_stamp(), officer, feed, item_id, fmt, path),
            )
        return int(cur.lastrowid or 0)

    def exported_packs(self) -> list[dict[str, Any]]:
        """Every evidence pack exported so far, oldest first."""
        return [dict(r) for r in self.query("SELECT * FROM exported_packs ORDER BY seq")]

    def purge_personal_data(self, cutoff: str, *, dry_run: bool = False) -> dict[str, int]:
        """Blank what identifies people in reviewed comments published before `cutoff`
        (an RFC 3339 UTC stamp), in one transaction. The row, its decision and the
        decision log stay, so counts survive; comments with an exported evidence pack
        are kept whole. Returns counts: purged, escalated_purged (of those, how many
        are escalated), kept_exported, kept_unreviewed (old comments with no decision
        yet: kept until someone reviews them) and, unless a dry run, compacted (1 if the
        file was rebuilt so no trace of the blanked text is left in it)."""
        old = "i.kind = 'comment' AND coalesce(i.published, i.first_seen) < :cutoff"
        decided = """EXISTS (SELECT 1 FROM decision_state d WHERE d.feed = i.feed
                         AND d.item_id = i.id AND d.field = 'moderation')"""
        exported = "EXISTS (SELECT 1 FROM exported_packs p WHERE p.feed = i.feed AND p.item_id = i.id)"
        minimal_raw = "CAST(json_object('id', i.id) AS BLOB)"
        holds_data = f"""(i.body IS NOT NULL OR i.title IS NOT NULL OR i.author_name IS NOT NULL
                          OR i.author_url IS NOT NULL OR i.url IS NOT NULL
                          OR json_extract(i.ext, '$.thread_title') IS NOT NULL
                          OR i.raw IS NOT {minimal_raw})"""
        params = {"cutoff": cutoff}

        def counts(conn: sqlite3.Connection) -> dict[str, int]:
            to_purge = f"{decided} AND NOT {exported} AND {holds_data}"
            row = conn.execute(
                f"""SELECT coalesce(sum({to_purge}), 0),
                           coalesce(sum({to_purge} AND i.decision = 'escalated'), 0),
                           coalesce(sum({decided} AND {exported}), 0),
                           coalesce(sum(NOT {decided}), 0)
                    FROM items i WHERE {old}""",
                params,
            ).fetchone()
            names = ("purged", "escalated_purged", "kept_exported", "kept_unreviewed")
            return dict(zip(names, map(int, row), strict=True))

        if dry_run:
            with self._errors():
                return counts(self.conn)
        conn = self.conn
        with self._errors():
            # Overwrite freed bytes, so blanked text does not linger in the file's free space.
            previous = conn.execute("PRAGMA secure_delete").fetchone()[0]
            conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.write() as conn:
                result = counts(conn)
                conn.execute(
                    f"""UPDATE items AS i SET body = NULL, title = NULL, author_name = NULL,
                            author_url = NULL, url = NULL, raw = {minimal_raw},
                            ext = json_remove(i.ext, '$.thread_title')
                        WHERE {old} AND {decided} AND NOT {exported} AND {holds_data}""",
                    params,
                )
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('retention_last_purge', ?)", (self.now_stamp(),))
        finally:
            with self._errors():
                conn.execute(f"PRAGMA secure_delete = {('OFF', 'ON', 'FAST')[int(previous)]}")
        result["compacted"] = int(self._compact_after_purge(result["purged"] > 0))
        return result

    def _compact_after_purge(self, purged: bool) -> bool:
        """Rebuild the file (VACUUM) and empty the write-ahead log, so blanked text is not left
        in free space or in old log frames. Skipped, and tried again at the next purge, while
        another process is writing or reading the cache. Returns whether it was done."""
        pending = self.meta("retention_compact_pending") == "1"
        if not (purged or pending):
            return True
        conn = self.conn
        with self._errors():
            conn.execute("PRAGMA busy_timeout = 1000")
            try:
                conn.execute("VACUUM")
                done = not conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError:
                done = False
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if done != (not pending):
            with self.write() as conn:
                if done:
                    conn.execute("DELETE FROM meta WHERE key = 'retention_compact_pending'")
                else:
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('retention_compact_pending', '1')")
        return done


def _mirror(conn: sqlite3.Connection, feed: str, item_id: str, field: str, value: Any) -> None:
    """Keep items.decision equal to the current moderation decision (for the inbox index)."""
    if field == "moderation":
        conn.execute("UPDATE items SET decision = ? WHERE feed = ? AND id = ?", (value, feed, item_id))


def poster_day(author_name: str | None, published: str | None) -> tuple[str, str | None] | None:
    """The key the repeat-posting rule counts by: a name and a UTC day (None: not counted)."""
    return (author_name, published[:10] if published else None) if author_name else None


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
    the records alone decide). Only the days these records touch are looked at; the rest of the cache
    was settled when its own comments arrived (or by `refresh_flags` when rules change)."""
    # poster_day() inlined, and counted by Counter in C: this runs over 50,000 records.
    keys = [(a, p[:10] if p else None) if a and k == "comment" else None for k, a, p in map(_poster_fields, live)]
    per_day = Counter(keys)
    per_day.pop(None, None)
    if not per_day:
        return
    cached: list[tuple[tuple[str, str | None], int, int]] = []
    if any_cached:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS poster_names (name TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.poster_names")
        conn.executemany("INSERT OR IGNORE INTO temp.poster_names VALUES (?)", ((a,) for a, _ in per_day))
        for rowid, row_feed, item_id, author, published, flagged in conn.execute(
            """SELECT rowid, feed, id, author_name, published, flagged FROM items
               WHERE kind = 'comment' AND archived = 0
                 AND author_name IN (SELECT name FROM temp.poster_names)"""
        ):
            if row_feed == feed and item_id in replaced:
                continue  # its new version (or its removal) is what counts
            key = poster_day(author, published)
            if key in per_day:
                per_day[key] += 1
                cached.append((key, rowid, flagged))
        conn.execute("DELETE FROM temp.poster_names")
    hot = {key for key, n in per_day.items() if n >= repeat_posts}
    if not hot:
        return
    for key, record in zip(keys, live, strict=True):
        if key in hot:
            record.flagged = 1
    newly = [(rowid,) for key, rowid, flagged in cached if not flagged and key in hot]
    if newly:
        conn.executemany("UPDATE items SET flagged = 1 WHERE rowid = ?", newly)

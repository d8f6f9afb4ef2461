"""The cache's schema: each migration, by number, that brings a cache from the version
before it to its own. `Store` runs the ones a cache lacks, in order, in one
transaction (see store.py); a migration, once released, is never edited:
change the schema by adding the next one.

Rules this module keeps:
- Every table and index is made here, never at write time, so a reader may
  rely on it being there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 7


def _migration_1(db: sqlite_utils.Database) -> None:
    db["feeds"].create(
        {
            "name": str,
            "url": str,
            "kind": str,
            "title": str,
            "constituency": str,
            "polling_day": str,
            "etag": str,
            "last_modified": str,
            "next_allowed_at": float,
            "failures": int,
            "last_attempt_at": str,
            "last_ok_at": str,
            "last_outcome": str,
            "http_status": int,
            "last_error": str,
        },
        pk="name",
    )
    db.execute(
        """CREATE TABLE items (
            feed TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, hash BLOB, raw BLOB,
            ext TEXT NOT NULL DEFAULT '{}', title TEXT, body TEXT, url TEXT, author_name TEXT,
            author_url TEXT, published TEXT, modified TEXT, platform TEXT, channel TEXT,
            thread_id TEXT, in_reply_to TEXT, state TEXT, branch TEXT, week TEXT, stage TEXT,
            owner TEXT, due TEXT, first_seen TEXT, updated_at TEXT,
            archived INTEGER NOT NULL DEFAULT 0,
            -- Derived, never from a feed: the current moderation decision (mirrors
            -- decision_state) and the moderation rules' flag, so the inbox can page
            -- through 50,000 comments in index order.
            decision TEXT, flagged INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (feed, id)
        )"""  # a rowid table: rows of a kilobyte or more are slow WITHOUT ROWID
    )
    db.execute(
        """CREATE INDEX items_inbox ON items
           (kind, archived, (decision IS NOT NULL), flagged DESC, published DESC)"""
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE INDEX items_by_thread ON items (thread_id)")
    db.execute(
        """CREATE TABLE decisions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, officer TEXT NOT NULL,
            feed TEXT NOT NULL, item_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
            reason TEXT, undoes INTEGER REFERENCES decisions(seq)
        )"""
    )
    db.execute("CREATE INDEX decisions_by_item ON decisions (feed, item_id, field)")
    db.execute(
        """CREATE TABLE decision_state (
            feed TEXT NOT NULL, item_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
            seq INTEGER NOT NULL, at TEXT, officer TEXT, reason TEXT,
            PRIMARY KEY (feed, item_id, field)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX decision_state_by_field ON decision_state (field, value)")
    db["sync_log"].create(
        {
            "seq": int,
            "feed": str,
            "at": str,
            "outcome": str,
            "http_status": int,
            "added": int,
            "updated": int,
            "unchanged": int,
            "removed": int,
            "skipped": int,
            "error": str,
            "seconds": float,
        },
        pk="seq",
    )
    db.execute("CREATE INDEX sync_log_by_feed ON sync_log (feed, seq)")
    db["problems"].create({"feed": str, "item_id": str, "path": str, "reason": str, "severity": str, "at": str})
    db.execute("CREATE INDEX problems_by_feed ON problems (feed)")


def _migration_2(db: sqlite_utils.Database) -> None:
    """Evidence packs exported (see packs.py). Caches made before this had the table
    only once a pack had been exported; IF NOT EXISTS keeps theirs as they were."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS exported_packs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, officer TEXT NOT NULL,
        feed TEXT NOT NULL, item_id TEXT NOT NULL, format TEXT, path TEXT
    )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS exported_packs_by_item ON exported_packs (feed, item_id)")


def _migration_3(db: sqlite_utils.Database) -> None:
    """`items.state_since`: when the feed first showed the item in its current state (a
    press card's stage, a milestone's status): the sync that first read it, or the sync
    that saw the feed change it (feed_writes.py). Items cached before this count from
    when they were first seen."""
    db.execute("ALTER TABLE items ADD COLUMN state_since TEXT")
    db.execute("UPDATE items SET state_since = first_seen")


def _migration_4(db: sqlite_utils.Database) -> None:
    """The moderation outbox (data/outbox.py): each platform action a decision implies,
    written in the decision's own transaction, and how sending it went. `key` is the
    action's idempotency key; `state` pending | sending | applied | failed | cancelled;
    `resumed` marks an action whose sender stopped after the request may have left
    (re-checked on the platform, or not repeated, before it is sent again)."""
    db.execute(
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE,
            feed TEXT NOT NULL, item_id TEXT NOT NULL, seq INTEGER NOT NULL,
            undoes INTEGER REFERENCES outbox(id), action TEXT NOT NULL, reverse TEXT,
            state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL,
            claimed_by TEXT, claimed_at TEXT, resumed INTEGER NOT NULL DEFAULT 0,
            reason TEXT, created_at TEXT NOT NULL, done_at TEXT
        )"""
    )
    db.execute("CREATE INDEX outbox_by_item ON outbox (feed, item_id, id)")
    db.execute("CREATE INDEX outbox_by_state ON outbox (state, next_at)")
    db.execute("CREATE INDEX outbox_by_seq ON outbox (seq)")


def _migration_5(db: sqlite_utils.Database) -> None:
    """Officers who log in over SSH, one per key (data/officers.py), and which of them
    took each decision (`decisions.officer_id`; `officer` keeps the name as it was)."""
    db.execute(
        """CREATE TABLE officers (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL UNIQUE, key_type TEXT NOT NULL, added_at TEXT NOT NULL
        )"""
    )
    db.execute("ALTER TABLE decisions ADD COLUMN officer_id TEXT")


def _migration_6(db: sqlite_utils.Database) -> None:
    """`evidence_copies`: an escalated comment's words as they were when it was escalated
    and at each export of its evidence pack (evidence_copies.py), so a later upstream
    edit cannot change what the pack shows as escalated. Rows are only ever added; an
    UPDATE is refused by a trigger. The purge removes a comment's copies with its text,
    once its case is closed and no pack was exported (retention.py)."""
    db.execute(
        """CREATE TABLE evidence_copies (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, why TEXT NOT NULL,
            feed TEXT NOT NULL, item_id TEXT NOT NULL, decision_seq INTEGER, pack_seq INTEGER,
            body TEXT, title TEXT, author_name TEXT, author_url TEXT, url TEXT, thread_title TEXT,
            published TEXT, modified TEXT, raw BLOB
        )"""
    )
    db.execute("CREATE INDEX evidence_copies_by_item ON evidence_copies (feed, item_id, seq)")
    db.execute(
        """CREATE TRIGGER evidence_copies_append_only BEFORE UPDATE ON evidence_copies
           BEGIN SELECT RAISE(ABORT, 'evidence copies are never edited'); END"""
    )


def _migration_7(db: sqlite_utils.Database) -> None:
    """`inbox_tally`: how many live comments there are by (decided, flagged), the
    items_inbox index's own terms, so the inbox's first screen reads its counts from
    four rows instead of counting the index (at 500,000 comments, 160 ms of a cold
    start). data/inbox_tally.py keeps it, in the same transaction as every write that
    changes what it counts (triggers on `items` would have done it too, but made a
    50,000-comment cold sync half as slow again). Filled here from the cache as it is.

    And `items_inbox` gains the author's name at its end (its order is unchanged), so
    a sync's repeat-posting recount reads the index alone rather than every row of
    the table (feed_writes.py; 55 ms → 25 ms of a 1 % re-sync at 50,000 comments)."""
    db.execute("DROP INDEX items_inbox")
    db.execute(
        """CREATE INDEX items_inbox ON items
           (kind, archived, (decision IS NOT NULL), flagged DESC, published DESC, author_name)"""
    )
    db.execute(
        """CREATE TABLE inbox_tally (
            decided INTEGER NOT NULL, flagged INTEGER NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (decided, flagged)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """INSERT INTO inbox_tally
           SELECT d.decided, f.flagged, (SELECT count(*) FROM items WHERE kind = 'comment' AND archived = 0
                      AND (decision IS NOT NULL) = d.decided AND flagged = f.flagged)
           FROM (SELECT 0 AS decided UNION ALL SELECT 1) d, (SELECT 0 AS flagged UNION ALL SELECT 1) f"""
    )


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
    5: _migration_5,
    6: _migration_6,
    7: _migration_7,
}

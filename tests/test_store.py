"""The cache: the append-only decision log and undo, archiving (not deleting)
items a decision refers to, refreshes that never undo a decision, and schema
migrations applied exactly once even when several processes open a new file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, comment, feed_bytes, press

from clp_tui.data.decision_log import add_local_item, decide, undo
from clp_tui.data.packs import exported_packs
from clp_tui.data.store import SCHEMA_VERSION, Store, StoreError


@pytest.fixture
def store(db: Path):
    s = Store(db)
    yield s
    s.close()


def state(store: Store, item: str, field: str = "moderation") -> str | None:
    rows = store.query("SELECT value FROM decision_state WHERE item_id = ? AND field = ?", (item, field))
    return rows[0][0] if rows else None


class _open:
    """A Store used as a context manager (closed afterwards)."""

    def __init__(self, db: Path):
        self.store = Store(db)

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


# -- decisions ---------------------------------------------------------------------------


def test_decisions_are_appended_never_rewritten(store: Store) -> None:
    (first,) = decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam", reason="abuse")
    before = [tuple(r) for r in store.query("SELECT * FROM decisions")]
    (second,) = decide(store, [("inbox", "c1")], "moderation", "approve", officer="Ali")
    assert second > first
    log = [tuple(r) for r in store.query("SELECT * FROM decisions ORDER BY seq")]
    assert log[0] == before[0], "an earlier decision was changed"
    assert [(r[2], r[6]) for r in log] == [("Sam", '"hide"'), ("Ali", '"approve"')]
    assert state(store, "c1") == '"approve"'


def test_one_decision_on_many_items_logs_one_entry_each(store: Store, db: Path, sql) -> None:
    seqs = decide(store, [("inbox", f"c{i}") for i in range(5)], "moderation", "approve", officer="Sam")
    assert len(seqs) == len(set(seqs)) == 5
    assert sql(db, "SELECT count(*) FROM decision_state WHERE value = '\"approve\"'") == [(5,)]


def test_undo_restores_the_previous_decision_by_appending(store: Store) -> None:
    decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    (second,) = decide(store, [("inbox", "c1")], "moderation", "approve", officer="Sam")
    assert undo(store, [second], officer="Sam") == 1
    assert state(store, "c1") == '"hide"'
    log = store.query("SELECT seq, value, reason, undoes FROM decisions ORDER BY seq")
    assert len(log) == 3 and tuple(log[2])[1:] == (None, "undo", second)


def test_undoing_the_only_decision_leaves_no_state(store: Store) -> None:
    (seq,) = decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    undo(store, [seq], officer="Sam")
    assert state(store, "c1") is None


def test_an_undo_is_not_repeated_and_an_undo_entry_cannot_be_undone(store: Store) -> None:
    (seq,) = decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    assert undo(store, [seq], officer="Sam") == 1
    assert undo(store, [seq], officer="Sam") == 0
    (undo_seq,) = store.query("SELECT seq FROM decisions WHERE undoes = ?", (seq,))[0]
    assert undo(store, [undo_seq], officer="Sam") == 0
    assert undo(store, [999_999], officer="Sam") == 0
    assert store.query("SELECT count(*) FROM decisions")[0][0] == 2


def test_undoing_an_older_decision_keeps_the_newer_one(store: Store) -> None:
    (old,) = decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    decide(store, [("inbox", "c1")], "moderation", "approve", officer="Sam")
    undo(store, [old], officer="Sam")
    assert state(store, "c1") == '"approve"'


def test_decision_values_keep_untrusted_text_exactly(store: Store) -> None:
    reason = "[red]boom[/] \x1b]0;pwned\x07 \u202e"
    decide(store, [("inbox", "c1")], "note", reason, officer="Sam", reason=reason)
    row = store.query("SELECT value, reason FROM decision_state WHERE item_id = 'c1'")[0]
    assert row["reason"] == reason
    assert json.loads(row["value"]) == reason


def test_a_local_card_is_kept_in_the_local_feed_with_a_create_entry(store: Store) -> None:
    add_local_item(
        store, "press", "idea-1", "Pothole campaign", {"format": "story_idea", "stage": "idea"}, officer="Sam"
    )
    (item,) = store.query("SELECT feed, kind, stage, title FROM items")
    assert tuple(item) == ("local", "press", "idea", "Pothole campaign")
    assert store.query("SELECT field, officer FROM decisions")[0][:] == ("create", "Sam")


# -- archive: snapshot removal and tombstones --------------------------------------------


def _cfg(server: FeedServer, kind: str = "comment") -> list[dict]:
    return [{"name": "inbox", "url": server.url("/feed.json"), "kind": kind}]


def test_a_snapshot_archives_a_decided_item_and_deletes_an_undecided_one(
    server: FeedServer, db: Path, sync_now, sql
) -> None:
    snap = {"snapshot": True}
    server.route("/feed.json", body=feed_bytes([comment("keep"), comment("decided"), comment("plain")], clp=snap))
    sync_now(db, _cfg(server))
    with _open(db) as store:
        decide(store, [("inbox", "decided")], "moderation", "hide", officer="Sam")
    server.route("/feed.json", body=feed_bytes([comment("keep")], clp=snap))
    (report,) = sync_now(db, _cfg(server))
    assert report.counts.removed == 2
    assert sorted(sql(db, "SELECT id, archived FROM items")) == [("decided", 1), ("keep", 0)]
    assert sql(db, "SELECT value FROM decision_state WHERE item_id = 'decided'") == [('"hide"',)]


def test_without_snapshot_an_absent_item_stays(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1"), comment("c2")]))
    sync_now(db, _cfg(server))
    server.route("/feed.json", body=feed_bytes([comment("c2")]))
    sync_now(db, _cfg(server))
    assert sorted(sql(db, "SELECT id, archived FROM items")) == [("c1", 0), ("c2", 0)]


def test_a_snapshot_keeps_items_present_but_invalid(server: FeedServer, db: Path, sync_now, sql) -> None:
    snap = {"snapshot": True}
    server.route("/feed.json", body=feed_bytes([press("p1"), press("p2")], clp=snap))
    sync_now(db, _cfg(server, "press"))
    server.route("/feed.json", body=feed_bytes([press("p1"), press("p2", stage="leaked")], clp=snap))
    (report,) = sync_now(db, _cfg(server, "press"))
    assert report.counts.removed == 0 and report.counts.skipped == 1
    assert sorted(sql(db, "SELECT id, stage FROM items")) == [("p1", "drafting"), ("p2", "drafting")]


def test_a_tombstone_archives_a_decided_item_and_deletes_an_undecided_one(
    server: FeedServer, db: Path, sync_now, sql
) -> None:
    server.route("/feed.json", body=feed_bytes([comment("decided"), comment("plain")]))
    sync_now(db, _cfg(server))
    with _open(db) as store:
        decide(store, [("inbox", "decided")], "moderation", "approve", officer="Sam")
    gone = {"_clp": {"type": "comment", "deleted": True}}
    server.route("/feed.json", body=feed_bytes([{"id": "decided", **gone}, {"id": "plain", **gone}]))
    (report,) = sync_now(db, _cfg(server))
    assert report.counts.removed == 2
    assert sql(db, "SELECT id, archived FROM items") == [("decided", 1)]


def test_an_archived_item_that_returns_is_live_again(server: FeedServer, db: Path, sync_now, sql) -> None:
    snap = {"snapshot": True}
    server.route("/feed.json", body=feed_bytes([comment("c1")], clp=snap))
    sync_now(db, _cfg(server))
    with _open(db) as store:
        decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    server.route("/feed.json", body=feed_bytes([], clp=snap))
    sync_now(db, _cfg(server))
    assert sql(db, "SELECT archived FROM items") == [(1,)]
    server.route("/feed.json", body=feed_bytes([comment("c1")], clp=snap))
    sync_now(db, _cfg(server))
    assert sql(db, "SELECT archived FROM items") == [(0,)]
    assert sql(db, "SELECT value FROM decision_state") == [('"hide"',)]


def test_a_refresh_never_undoes_a_decision(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([press("p1", stage="drafting"), comment("c1", "first")]))
    sync_now(db, _cfg(server))
    with _open(db) as store:
        decide(store, [("inbox", "p1")], "stage", "regional_review", officer="Sam")
        decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    # The publisher edits both items, even moving the card and restoring the comment on the platform.
    server.route("/feed.json", body=feed_bytes([press("p1", stage="idea"), comment("c1", "edited", state="visible")]))
    (report,) = sync_now(db, _cfg(server))
    assert report.counts.updated == 2
    assert sorted(sql(db, "SELECT item_id, field, value FROM decision_state")) == [
        ("c1", "moderation", '"hide"'),
        ("p1", "stage", '"regional_review"'),
    ]
    assert sql(db, "SELECT count(*) FROM decisions") == [(2,)]
    assert sorted(sql(db, "SELECT id, stage, body FROM items")) == [("c1", None, "edited"), ("p1", "idea", None)]


# -- migrations --------------------------------------------------------------------------


def test_a_new_cache_is_migrated_once_and_reopening_changes_nothing(db: Path, sql) -> None:
    Store(db).close()
    Store(db).close()
    assert sql(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert [row[0] for row in sql(db, "SELECT version FROM migrations")] == list(range(1, SCHEMA_VERSION + 1))
    assert sql(db, "PRAGMA journal_mode") == [("wal",)]
    tables = {row[0] for row in sql(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"feeds", "items", "decisions", "decision_state", "sync_log", "problems", "migrations"} <= tables


_OPEN_WHEN_TOLD = """
import sys, time
from pathlib import Path
from clp_tui.data.store import Store
folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
for n in range(rounds):
    go = folder / f"go{n}"
    while not go.exists():
        time.sleep(0.0002)
    Store(folder / f"cache{n}.db").close()
    print(f"opened {n}", flush=True)
"""


def test_three_processes_opening_a_new_cache_at_once_migrate_it_exactly_once(cli, tmp_path: Path, sql) -> None:
    # Several rounds, each on a new file, so a rare race shows up reliably.
    rounds = 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_WHEN_TOLD, str(tmp_path), str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli.env(),
        )
        for _ in range(3)
    ]
    try:
        for n in range(rounds):
            (tmp_path / f"go{n}").touch()
            for proc in procs:
                line = proc.stdout.readline().strip()
                assert line == f"opened {n}", proc.communicate(timeout=60)[1]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0 and err == "", err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    for n in range(rounds):
        db = tmp_path / f"cache{n}.db"
        assert sql(db, "SELECT version, count(*) FROM migrations GROUP BY version") == [
            (v, 1) for v in range(1, SCHEMA_VERSION + 1)
        ]
        assert sql(db, "PRAGMA integrity_check") == [("ok",)]


def test_opening_a_new_cache_waits_while_another_process_holds_it(db: Path) -> None:
    """The deterministic form of the race above: switching a new file to WAL while
    another connection holds its write lock must wait, not fail at once."""
    sqlite3.connect(db).close()  # a new, empty file in rollback-journal mode
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, holder.execute, args=("COMMIT",)).start()
    started = time.monotonic()
    try:
        Store(db).close()
    finally:
        time.sleep(max(0.0, 0.35 - (time.monotonic() - started)))
        holder.close()
    assert time.monotonic() - started >= 0.25


def test_a_cache_from_a_newer_version_is_refused_with_advice(db: Path, cli) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer clp-tui"):
        Store(db)
    cli.write_config([])
    result = cli("list", "comments")
    assert result.returncode == 1
    assert "newer clp-tui" in result.stderr and "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_refused_with_advice(db: Path, cli) -> None:
    db.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(StoreError, match="not a usable clp-tui cache"):
        Store(db)
    cli.write_config([])
    result = cli("list", "comments")
    assert result.returncode == 1
    assert "move it aside" in result.stderr and "Traceback" not in result.stderr


def test_a_write_waits_for_another_writer_instead_of_failing(db: Path) -> None:
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    store = Store(db)
    try:
        threading.Timer(0.3, holder.execute, args=("COMMIT",)).start()
        started = time.monotonic()
        decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
        assert time.monotonic() - started >= 0.25
    finally:
        store.close()
        holder.close()


def test_the_inbox_pages_and_threads_through_indexes_not_scans(server: FeedServer, db: Path, sync_now) -> None:
    """With 50,000 comments a scan or a sort costs tens of milliseconds on every cursor
    move; the queries the inbox runs as the cursor moves must each be answered by an
    index, in the index's order."""
    from clp_tui.config import Moderation
    from clp_tui.data.inbox import Inbox

    server.route("/feed.json", body=feed_bytes([comment(f"c{n}", thread_id="t1") for n in range(5)]))
    sync_now(db, [{"name": "inbox", "url": server.url("/feed.json"), "kind": "comment"}])
    store = Store(db)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    inbox = Inbox(store, Moderation())
    [first, *_] = inbox.page(0, 3, view="unreviewed")
    assert len(inbox.thread(first)) == 5
    inbox.page(0, 3, view="all")
    assert len(inbox.page(0, 3, view="flagged")) == 3  # five comments by one name in one day
    store.conn.set_trace_callback(None)
    plans = {
        sql: " ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in statements
        if sql.lstrip().upper().startswith("SELECT")
    }
    store.close()
    # Four inbox queries, and the outbox states of the rows shown (a page of 3, a thread of 5).
    assert len(plans) == 6
    assert sum("outbox" in sql for sql in plans) == 2
    for sql, plan in plans.items():
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (sql, plan)
        assert "SCAN i " not in plan + " ", (sql, plan)
        if "OFFSET" in sql:  # a page: no sorting every comment for it (a thread's few rows may be sorted)
            assert "TEMP B-TREE" not in plan, (sql, plan)
    assert any("items_by_thread" in plan for plan in plans.values()), plans


def _as_schema_1(db: Path, *, packs: bool) -> None:
    """Turn a new cache back into one made before migrations 2, 3 and 4 (with the evidence-pack
    table only if a pack had been exported: it was then made at write time)."""
    conn = sqlite3.connect(db)
    if not packs:
        conn.execute("DROP TABLE exported_packs")
    else:
        conn.execute(
            "INSERT INTO exported_packs (at, officer, feed, item_id, format, path) "
            "VALUES ('2024-01-01T00:00:00Z', 'Sam', 'inbox', 'c1', 'html', '/x')"
        )
    conn.execute("DROP TABLE inbox_tally")  # migration 7's
    conn.execute("ALTER TABLE items DROP COLUMN state_since")  # migration 3's
    conn.execute("DROP TABLE evidence_copies")  # migration 6's (its index and trigger go with it)
    conn.execute("DROP TABLE outbox")  # migration 4's (its indexes go with it)
    conn.execute("DROP TABLE officers")  # migration 5's
    conn.execute("ALTER TABLE decisions DROP COLUMN officer_id")
    conn.execute("DELETE FROM migrations WHERE version > 1")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("packs", [False, True])
def test_a_schema_1_cache_gains_the_evidence_pack_table_on_open(db: Path, sql, packs: bool) -> None:
    Store(db).close()
    _as_schema_1(db, packs=packs)
    store = Store(db)
    assert [dict(p)["item_id"] for p in exported_packs(store)] == (["c1"] if packs else [])
    store.close()
    assert sql(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert [row[0] for row in sql(db, "SELECT version FROM migrations")] == list(range(1, SCHEMA_VERSION + 1))
    indexes = {row[0] for row in sql(db, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "exported_packs_by_item" in indexes

"""Sync under kills and concurrency: a kill mid-sync leaves every item old or every
item new, two processes syncing one database both succeed and write each row once,
and the store can be read while another process writes."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

from feedserver import FeedServer, comment, feed_bytes, feed_cfg
from procwait import finish_all

from clp_tui.data.store import SCHEMA_VERSION, Store

N_BIG = 6_000  # big enough that its write spills into the WAL well before the commit
N_MID = 3_000  # big enough for two writers or a reader and a writer to overlap


def _big(version: str, count: int = N_BIG) -> bytes:
    return feed_bytes([comment(f"c{i}", f"{version} {i} " + "x" * 200) for i in range(count)])


def _versions(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(conn.execute("SELECT substr(body, 1, 3), count(*) FROM items GROUP BY 1").fetchall())
    finally:
        conn.close()


def test_a_kill_during_sync_leaves_every_item_old_or_every_item_new(
    server: FeedServer, cli, tmp_path: Path, sync_now
) -> None:
    feeds = [feed_cfg(server, "big")]
    server.route("/feed.json", body=_big("old"))
    cli.write_config(feeds)
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    baseline = tmp_path / "baseline.db"
    source, copy = sqlite3.connect(cli.db), sqlite3.connect(baseline)
    source.backup(copy)  # a consistent single-file copy, whatever is in the WAL
    source.close()
    copy.close()
    # The new version downloads in pieces, so the first kill lands mid-download.
    server.route("/feed.json", body=_big("new"), trickle=(256 * 1024, 0.02))
    wal = Path(f"{cli.db}-wal")
    outcomes = {}
    for point in ("downloading", "writing", "after a while"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{cli.db}{suffix}").unlink(missing_ok=True)
        shutil.copy(baseline, cli.db)
        asked = len(server.log())
        proc = cli.popen("sync")
        try:
            server.wait_for_requests(asked + 1)
            if point == "downloading":
                time.sleep(0.05)
            elif point == "writing":
                # Pages spill into the WAL long before the commit of a 10,000-item write.
                deadline = time.monotonic() + 10
                while (not wal.exists() or wal.stat().st_size == 0) and time.monotonic() < deadline:
                    time.sleep(0.001)
                assert proc.poll() is None, "the sync finished before it could be killed"
            else:
                time.sleep(0.3)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        outcomes[point] = _versions(cli.db)
        assert outcomes[point] in ({"old": N_BIG}, {"new": N_BIG}), (point, outcomes[point])
    assert outcomes["downloading"] == {"old": N_BIG}
    assert outcomes["writing"] == {"old": N_BIG}, "a half-written transaction survived"
    # And the cache is usable afterwards: the next sync takes the new version whole.
    server.route("/feed.json", body=_big("new"))
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    assert _versions(cli.db) == {"new": N_BIG}


def test_two_processes_syncing_one_database_at_once_both_succeed(server: FeedServer, cli) -> None:
    # Both requests are held until both arrived, so the two writes overlap.
    server.route("/a", body=_big("aaa", N_MID), barrier=threading.Barrier(2))
    server.route("/b", body=feed_bytes([comment("b1")]))
    cli.write_config([feed_cfg(server, "a", path="/a"), feed_cfg(server, "b", path="/b")])
    procs = [cli.popen("sync") for _ in range(2)]
    results = finish_all(procs)
    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in err and "busy" not in err and "Traceback" not in err
        assert "ERROR" not in out
    assert _versions(cli.db) == {"aaa": N_MID, "a c": 1}
    conn = sqlite3.connect(cli.db)
    try:
        assert conn.execute("SELECT feed, count(*) FROM sync_log WHERE outcome = 'ok' GROUP BY feed").fetchall() == [
            ("a", 2),
            ("b", 2),
        ]
        # each migration applied once, though two processes opened the new file at once
        assert conn.execute("SELECT version, count(*) FROM migrations GROUP BY version").fetchall() == [
            (v, 1) for v in range(1, SCHEMA_VERSION + 1)
        ]
    finally:
        conn.close()


def test_two_syncs_started_together_write_each_row_once_and_the_second_reports_it_unchanged(
    server: FeedServer, cli
) -> None:
    server.route("/a", body=_big("aaa", N_MID), barrier=threading.Barrier(2))
    cli.write_config([feed_cfg(server, "a", path="/a")])
    Store(cli.db).close()
    # Every row the syncs write is counted by triggers, in the syncs' own transactions.
    watch = sqlite3.connect(cli.db, isolation_level=None)
    watch.executescript(
        """CREATE TABLE written (what TEXT);
           CREATE TRIGGER w_ins AFTER INSERT ON items BEGIN INSERT INTO written VALUES ('insert'); END;
           CREATE TRIGGER w_upd AFTER UPDATE ON items BEGIN INSERT INTO written VALUES ('update'); END;
           CREATE TRIGGER w_del AFTER DELETE ON items BEGIN INSERT INTO written VALUES ('delete'); END;"""
    )
    # Hold the write lock until both have fetched and read the (empty) cache, so both
    # parse all 3,000 items as new, as two syncs started together by cron would.
    watch.execute("BEGIN IMMEDIATE")
    procs = [cli.popen("sync") for _ in range(2)]

    def release() -> None:  # both syncs have asked for the feed; let them at the cache
        server.wait_for_requests(2)
        time.sleep(0.5)
        watch.execute("COMMIT")

    results = finish_all(procs, first=release)
    for code, _out, err in results:
        assert code == 0, err
    try:
        assert watch.execute("SELECT what, count(*) FROM written GROUP BY what").fetchall() == [("insert", N_MID)]
        logged = watch.execute("SELECT added, updated, unchanged FROM sync_log ORDER BY seq").fetchall()
    finally:
        watch.close()
    assert logged == [(N_MID, 0, 0), (0, 0, N_MID)]
    outputs = sorted(out for _code, out, _err in results)
    assert f"+0 added  ~0 updated  ={N_MID} unchanged" in outputs[0]
    assert f"+{N_MID} added  ~0 updated  =0 unchanged" in outputs[1]


def test_the_store_can_be_read_while_another_process_writes(server: FeedServer, cli, sync_now) -> None:
    server.route("/feed.json", body=_big("old", N_MID))
    cli.write_config([feed_cfg(server, "big")])
    assert [r.status for r in sync_now(cli.db, [feed_cfg(server, "big")])] == ["ok"]
    server.route("/feed.json", body=_big("new", N_MID))
    store = Store(cli.db)
    proc = cli.popen("sync")
    try:
        seen = set()
        while proc.poll() is None:
            rows = store.query("SELECT substr(body, 1, 3), count(*) FROM items GROUP BY 1")
            seen.add(tuple(sorted(dict(rows).items())))
        assert proc.returncode == 0, proc.communicate()[1]
    finally:
        store.close()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert seen <= {(("old", N_MID),), (("new", N_MID),)}
    assert (("old", N_MID),) in seen  # the reader did look while the sync ran

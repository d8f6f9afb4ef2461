"""Sync: feeds fetched from a loopback server into a real SQLite file, one
transaction per feed; a 304 costs no writes; a failing feed keeps its cache;
a server's request to wait is kept; kills and concurrent syncs are safe."""

from __future__ import annotations

import email.utils
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, activity, comment, feed_bytes, milestone, press

from clp_tui.data.store import SCHEMA_VERSION, Store


def feed_cfg(server: FeedServer, name: str = "inbox", kind: str = "comment", path: str = "/feed.json", **extra):
    return {"name": name, "url": server.url(path), "kind": kind, **extra}


# -- each kind lands in the cache --------------------------------------------------------


def test_each_kind_is_synced_into_its_columns(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/plan", body=feed_bytes([milestone("m1", owner="Agent")], clp={"polling_day": "2029-05-03"}))
    server.route("/grid", body=feed_bytes([activity("a1", branch="Northside", week="2025-W10")]))
    server.route("/inbox", body=feed_bytes([comment("c1", "hello", platform="x", thread_id="t1")]))
    server.route("/press", body=feed_bytes([press("p1", stage="drafting", owner="Comms")]))
    feeds = [
        feed_cfg(server, "plan", "milestone", "/plan"),
        feed_cfg(server, "grid", "activity", "/grid"),
        feed_cfg(server, "inbox", "comment", "/inbox"),
        feed_cfg(server, "press", "press", "/press"),
    ]
    reports = sync_now(db, feeds)
    assert [(r.feed, r.status, r.counts.added) for r in reports] == [
        ("plan", "ok", 1),
        ("grid", "ok", 1),
        ("inbox", "ok", 1),
        ("press", "ok", 1),
    ]
    assert sorted(
        sql(db, "SELECT feed, id, kind, due, branch, week, platform, thread_id, stage, owner FROM items")
    ) == [
        ("grid", "a1", "activity", None, "Northside", "2025-W10", None, None, None, None),
        ("inbox", "c1", "comment", None, None, None, "x", "t1", None, None),
        ("plan", "m1", "milestone", "2030-05-01", None, None, None, None, None, "Agent"),
        ("press", "p1", "press", None, None, None, None, None, "drafting", "Comms"),
    ]
    assert sql(db, "SELECT polling_day, title FROM feeds WHERE name = 'plan'") == [("2029-05-03", "Test feed")]
    assert sql(db, "SELECT feed, outcome, added FROM sync_log ORDER BY feed") == [
        ("grid", "ok", 1),
        ("inbox", "ok", 1),
        ("plan", "ok", 1),
        ("press", "ok", 1),
    ]


def test_a_changed_item_is_updated_and_unchanged_ones_are_counted(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1", "one"), comment("c2", "two")]))
    sync_now(db, [feed_cfg(server)])
    server.route("/feed.json", body=feed_bytes([comment("c1", "one, edited"), comment("c2", "two"), comment("c3")]))
    (report,) = sync_now(db, [feed_cfg(server)])
    counts = report.counts
    assert (counts.added, counts.updated, counts.unchanged, counts.removed) == (1, 1, 1, 0)
    assert sorted(sql(db, "SELECT id, body FROM items")) == [("c1", "one, edited"), ("c2", "two"), ("c3", "a comment")]


# -- 304: no writes at all ---------------------------------------------------------------


def test_an_unchanged_feed_costs_one_304_and_no_database_writes(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    sync_now(db, [feed_cfg(server)])
    observer = sqlite3.connect(db)
    try:
        version = observer.execute("PRAGMA data_version").fetchone()[0]
        log_rows = sql(db, "SELECT count(*) FROM sync_log")
        (report,) = sync_now(db, [feed_cfg(server)])
        assert report.status == "not_modified"
        assert observer.execute("PRAGMA data_version").fetchone()[0] == version, "something was committed"
    finally:
        observer.close()
    assert sql(db, "SELECT count(*) FROM sync_log") == log_rows
    second = server.requests_for("/feed.json")[1]
    assert second.headers["if-none-match"] == '"v1"' and second.status == 304


def test_the_observer_would_see_a_write(server: FeedServer, db: Path, sync_now) -> None:
    """The check above can fail: a sync that does write moves data_version."""
    server.route("/feed.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    sync_now(db, [feed_cfg(server)])
    observer = sqlite3.connect(db)
    try:
        version = observer.execute("PRAGMA data_version").fetchone()[0]
        server.route("/feed.json", body=feed_bytes([comment("c1", "edited")]), etag='"v2"')
        sync_now(db, [feed_cfg(server)])
        assert observer.execute("PRAGMA data_version").fetchone()[0] != version
    finally:
        observer.close()


def test_a_304_after_failures_clears_the_backoff(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    sync_now(db, [feed_cfg(server)])
    server.route("/feed.json", status=500)
    sync_now(db, [feed_cfg(server)])
    assert sql(db, "SELECT failures, last_outcome FROM feeds") == [(1, "error")]
    server.route("/feed.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    (report,) = sync_now(db, [feed_cfg(server)])
    assert report.status == "not_modified"
    assert sql(db, "SELECT failures, next_allowed_at, last_outcome FROM feeds") == [(0, None, "not_modified")]


def test_a_new_url_for_a_feed_is_fetched_unconditionally(server: FeedServer, db: Path, sync_now) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    server.route("/moved.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    sync_now(db, [feed_cfg(server)])
    (report,) = sync_now(db, [feed_cfg(server, path="/moved.json")])
    assert report.status == "ok"
    assert "if-none-match" not in server.requests_for("/moved.json")[0].headers


# -- a failing feed keeps its cache; the others go on ------------------------------------


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 404}, "HTTP 404"),
        ({"status": 500}, "HTTP 500"),
        ({"body": b"<html>maintenance</html>"}, "not JSON (it looks like HTML)"),
        ({"body": b'{"hello": "world"}'}, "not a JSON Feed"),
        ({"body": b"[" * 100_000 + b"]" * 100_000}, "not a JSON Feed"),
        ({"body": b'{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[' + b"[" * 100_000}, "nested"),
    ],
)
def test_a_failing_feed_keeps_its_cached_items_and_the_others_go_on(
    server: FeedServer, db: Path, sync_now, sql, route: dict, reason: str
) -> None:
    server.route("/a", body=feed_bytes([comment("a1", "cached")]))
    server.route("/b", body=feed_bytes([comment("b1")]))
    feeds = [feed_cfg(server, "a", path="/a"), feed_cfg(server, "b", path="/b")]
    sync_now(db, feeds)
    server.route("/a", **route)
    server.route("/b", body=feed_bytes([comment("b1"), comment("b2")]))
    reports = {r.feed: r for r in sync_now(db, feeds)}
    assert reports["a"].status == "error" and reason in reports["a"].error
    assert reports["b"].status == "ok" and reports["b"].counts.added == 1
    assert sql(db, "SELECT id, body FROM items WHERE feed = 'a'") == [("a1", "cached")]
    assert sql(db, "SELECT outcome, error IS NOT NULL FROM sync_log WHERE feed = 'a' ORDER BY seq") == [
        ("ok", 0),
        ("error", 1),
    ]
    (last_error,) = sql(db, "SELECT last_error FROM feeds WHERE name = 'a'")[0]
    assert reason in last_error


def test_bad_items_are_skipped_and_their_reasons_kept(server: FeedServer, db: Path, sync_now, sql) -> None:
    items = [milestone("m1"), milestone("m2", due="next week"), milestone("m1", due="2031-01-01"), {"title": "no id"}]
    server.route("/feed.json", body=feed_bytes(items))
    (report,) = sync_now(db, [feed_cfg(server, "plan", "milestone")])
    assert report.status == "ok" and report.failed  # the CLI exits 1 for skipped items
    assert (report.counts.added, report.counts.skipped) == (1, 3)
    assert sql(db, "SELECT id FROM items") == [("m1",)]
    assert sql(db, "SELECT feed, item_id, path, severity FROM problems ORDER BY path") == [
        ("plan", "m2", "$.items[1]._clp.due", "error"),
        ("plan", "m1", "$.items[2].id", "error"),
        ("plan", None, "$.items[3].id", "error"),
    ]
    assert [p.line("plan").split(" at ")[0] for p in report.problems] == [
        "plan: item 'm2'",
        "plan: item 'm1'",
        "plan: item without id",
    ]


def test_numeric_and_missing_ids_are_keys_that_survive_a_refresh(server: FeedServer, db: Path, sync_now, sql) -> None:
    items = [comment(101, "numeric"), {"url": "https://clp.example/c/2", "content_text": "url only"}]
    server.route("/feed.json", body=feed_bytes(items))
    sync_now(db, [feed_cfg(server)])
    (report,) = sync_now(db, [feed_cfg(server)])
    assert report.counts.unchanged == 2 and report.counts.added == 0
    assert sorted(sql(db, "SELECT id FROM items")) == [("101",), ("https://clp.example/c/2",)]


def test_pagination_is_taken_as_one_feed(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/p1", body=feed_bytes([comment("c1")], next_url="/p2"))
    server.route("/p2", body=feed_bytes([comment("c2")], next_url="/p3"))
    server.route("/p3", body=feed_bytes([comment("c3")]))
    (report,) = sync_now(db, [feed_cfg(server, path="/p1")])
    assert report.status == "ok" and report.counts.added == 3
    assert len(sql(db, "SELECT id FROM items")) == 3


def test_a_paginated_feed_over_max_pages_keeps_the_pages_read(server: FeedServer, db: Path, sync_now, sql) -> None:
    for n in range(1, 5):
        server.route(f"/p{n}", body=feed_bytes([comment(f"c{n}")], **({"next_url": f"/p{n + 1}"} if n < 4 else {})))
    (report,) = sync_now(db, [feed_cfg(server, path="/p1")], {"max_pages": 3})
    assert report.status == "ok" and not report.failed  # JSON Feed paging is optional: a warning
    assert any("more than 3 pages" in p.reason and p.severity == "warning" for p in report.problems)
    assert sql(db, "SELECT id FROM items ORDER BY id") == [("c1",), ("c2",), ("c3",)]


def test_a_failing_later_page_keeps_what_was_read_and_removes_nothing(
    server: FeedServer, db: Path, sync_now, sql
) -> None:
    snap = {"snapshot": True}
    server.route("/p1", body=feed_bytes([comment("c1")], next_url="/p2", clp=snap))
    server.route("/p2", body=feed_bytes([comment("c2")], clp=snap))
    sync_now(db, [feed_cfg(server, path="/p1")])
    server.route("/p1", body=feed_bytes([comment("c1", "edited")], next_url="/p2", clp=snap))
    server.route("/p2", status=500)
    (report,) = sync_now(db, [feed_cfg(server, path="/p1")])
    assert report.status == "ok" and report.counts.updated == 1 and report.counts.removed == 0
    assert any("page 2 could not be read: HTTP 500" in p.reason for p in report.problems)
    assert sorted(sql(db, "SELECT id, body FROM items")) == [("c1", "edited"), ("c2", "a comment")]


# -- Retry-After is kept and respected ---------------------------------------------------


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_a_429_defers_the_feed_until_the_server_said(server: FeedServer, db: Path, sync_now, sql, form: str) -> None:
    value = "300" if form == "seconds" else email.utils.formatdate(time.time() + 300, usegmt=True)
    server.route("/feed.json", status=429, headers={"Retry-After": value})
    before = time.time()
    (report,) = sync_now(db, [feed_cfg(server)])
    assert report.status == "error" and report.http_status == 429
    (next_allowed,) = sql(db, "SELECT next_allowed_at FROM feeds")[0]
    assert before + 298 <= next_allowed <= time.time() + 301  # an HTTP date has whole seconds
    server.route("/feed.json", body=feed_bytes([comment("c1")]))
    (again,) = sync_now(db, [feed_cfg(server)])
    assert again.status == "deferred" and "--force" in again.error
    assert len(server.log()) == 1  # the server was left alone
    (forced,) = sync_now(db, [feed_cfg(server)], force=True)
    assert forced.status == "ok"
    assert sql(db, "SELECT next_allowed_at, failures FROM feeds") == [(None, 0)]


def test_a_429_without_retry_after_backs_off_anyway(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", status=429)
    sync_now(db, [feed_cfg(server)])
    (next_allowed,) = sql(db, "SELECT next_allowed_at FROM feeds")[0]
    assert time.time() + 30 < next_allowed < time.time() + 100


def test_a_plain_error_does_not_defer(server: FeedServer, db: Path, sync_now) -> None:
    server.route("/feed.json", status=500)
    sync_now(db, [feed_cfg(server)])
    (again,) = sync_now(db, [feed_cfg(server)])
    assert again.status == "error"
    assert len(server.log()) == 2


# -- the token ---------------------------------------------------------------------------

TOKEN = "tok-9f8e7d6c5b4a-SECRET"


def test_the_token_reaches_its_own_origin_only_and_is_never_stored(
    server: FeedServer, other_server: FeedServer, db: Path, sync_now
) -> None:
    other_server.route("/feed.json", body=feed_bytes([comment("c1")]))
    server.route("/feed.json", status=302, headers={"Location": other_server.url("/feed.json")})
    server.route("/own.json", body=feed_bytes([comment("o1")]))
    feeds = [
        feed_cfg(server, "moved", token_env="CLP_TEST_TOKEN", redirect_hosts=[f"127.0.0.1:{other_server.port}"]),
        feed_cfg(server, "own", path="/own.json", token_env="CLP_TEST_TOKEN"),
    ]
    reports = sync_now(db, feeds, env={"CLP_TEST_TOKEN": TOKEN})
    assert [r.status for r in reports] == ["ok", "ok"]
    assert {r.path: r.headers.get("authorization") for r in server.log()} == {
        "/feed.json": f"Bearer {TOKEN}",
        "/own.json": f"Bearer {TOKEN}",
    }
    assert "authorization" not in other_server.log()[0].headers
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            assert TOKEN.encode() not in path.read_bytes()


# -- a kill in the middle; two processes at once -----------------------------------------

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
    try:
        results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
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
    try:
        server.wait_for_requests(2)
        time.sleep(0.5)
        watch.execute("COMMIT")
        results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
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


# -- repeat posting (the [moderation] repeat_posts rule, 4 by default) ---------------------


def by(item_id: str, author: str, day: str, text: str = "a comment") -> dict:
    item = comment(item_id, text)
    item["authors"] = [{"name": author}]
    item["date_published"] = f"{day}T10:00:00Z"
    return item


def test_four_comments_by_one_name_in_one_day_are_flagged_three_are_not(
    server: FeedServer, db: Path, sync_now, sql
) -> None:
    items = [by(f"x{n}", "Sam", "2025-03-01") for n in range(4)]
    items += [by(f"y{n}", "Ria", "2025-03-01") for n in range(3)]
    items += [by("z1", "Sam", "2025-03-02")]  # another day: counted apart
    server.route("/feed.json", body=feed_bytes(items))
    sync_now(db, [feed_cfg(server)])
    assert sql(db, "SELECT id FROM items WHERE flagged = 1 ORDER BY id") == [("x0",), ("x1",), ("x2",), ("x3",)]


def test_repeat_posting_counts_across_feeds_and_flags_what_was_already_cached(
    server: FeedServer, db: Path, sync_now, sql
) -> None:
    server.route("/a", body=feed_bytes([by("a1", "Sam", "2025-03-01"), by("a2", "Sam", "2025-03-01")]))
    server.route("/b", body=feed_bytes([by("b1", "Sam", "2025-03-01"), by("b2", "Sam", "2025-03-01")]))
    sync_now(db, [feed_cfg(server, "a", path="/a")])
    assert sql(db, "SELECT count(*) FROM items WHERE flagged = 1") == [(0,)]
    sync_now(db, [feed_cfg(server, "a", path="/a"), feed_cfg(server, "b", path="/b")])
    assert sql(db, "SELECT feed, id FROM items WHERE flagged = 1 ORDER BY id") == [
        ("a", "a1"),
        ("a", "a2"),
        ("b", "b1"),
        ("b", "b2"),
    ]


def test_an_edited_comment_is_not_counted_twice(server: FeedServer, db: Path, sync_now, sql) -> None:
    items = [by(f"x{n}", "Sam", "2025-03-01") for n in range(3)]
    server.route("/feed.json", body=feed_bytes(items))
    sync_now(db, [feed_cfg(server)])
    items[0] = by("x0", "Sam", "2025-03-01", "edited")  # its new version replaces the cached one
    server.route("/feed.json", body=feed_bytes(items))
    (report,) = sync_now(db, [feed_cfg(server)])
    assert (report.counts.updated, report.counts.unchanged) == (1, 2)
    assert sql(db, "SELECT count(*) FROM items WHERE flagged = 1") == [(0,)]
    items.append(by("x3", "Sam", "2025-03-01"))  # the fourth that day
    server.route("/feed.json", body=feed_bytes(items))
    sync_now(db, [feed_cfg(server)])
    assert sql(db, "SELECT count(*) FROM items WHERE flagged = 1") == [(4,)]


def test_an_item_that_changes_kind_keeps_none_of_its_old_columns(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([press("p1", stage="drafting", owner="Comms")]))
    sync_now(db, [feed_cfg(server, "mixed", "press")])
    server.route("/feed.json", body=feed_bytes([milestone("p1", owner="Agent")]))
    sync_now(db, [feed_cfg(server, "mixed", "press")])
    assert sql(db, "SELECT kind, stage, owner, due FROM items") == [("milestone", None, "Agent", "2030-05-01")]
    server.route("/feed.json", body=feed_bytes([comment("p1", platform="x")]))
    sync_now(db, [feed_cfg(server, "mixed", "press")])
    assert sql(db, "SELECT kind, stage, owner, due, platform FROM items") == [("comment", None, None, None, "x")]


def test_the_text_rules_flag_watch_words_in_any_case_and_links() -> None:
    from clp_tui.config import Moderation
    from clp_tui.data.moderation import text_flagger

    flag = text_flagger(Moderation(watch_words=["locked up", " traitor ", ""], flag_links=True))
    assert flag("They should be LOCKED UP", None)
    assert flag("fine words", "a Traitor's title")
    assert flag("see www.example.org", None) and flag("HTTPS://x.test", None)
    assert not flag("locked out, up the hill", "traito") and not flag(None, None) and not flag("", "")
    assert flag("a.b (c)", None) is False  # watch words are text, not patterns
    assert text_flagger(Moderation(watch_words=["a.b"], flag_links=False))("xa.by", None)
    assert not text_flagger(Moderation(watch_words=["a.b"], flag_links=False))("axb", None)
    assert not text_flagger(Moderation(watch_words=[], flag_links=False))("http://x locked up", None)


def test_the_collector_is_paused_only_while_feeds_are_taken_even_when_they_overlap() -> None:
    import gc

    from clp_tui.data.sync import gc_paused

    assert gc.isenabled()
    first, second = gc_paused(), gc_paused()
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the other feed is still being taken
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_a_first_sync_records_the_rules_its_flags_follow(server: FeedServer, db: Path, sync_now) -> None:
    """Otherwise the first dashboard after a command-line sync re-flags every comment."""
    from clp_tui.config import Moderation
    from clp_tui.data.moderation import flags_current

    server.route("/a", body=feed_bytes([comment("a1")]))
    server.route("/b", body=feed_bytes([comment("b1")]))
    sync_now(db, [feed_cfg(server, "a", path="/a")])
    store = Store(db)
    assert flags_current(store, Moderation())
    # a cache whose comments were flagged under unknown rules is not vouched for by a later sync
    with store.write() as conn:
        conn.execute("DELETE FROM meta WHERE key = 'flag_rules'")
    store.close()
    sync_now(db, [feed_cfg(server, "a", path="/a"), feed_cfg(server, "b", path="/b")])
    store = Store(db)
    assert not flags_current(store, Moderation())
    store.close()

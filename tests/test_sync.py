"""Sync: feeds fetched from a loopback server into a real SQLite file, one
transaction per feed: each kind lands in its columns, a 304 costs no writes, ids and
pages are taken whole, the token stays with its origin. Failures, concurrency and
the moderation flags a sync sets are in the test_sync_*.py files beside this one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from feedserver import FeedServer, activity, comment, feed_bytes, feed_cfg, milestone, press

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


# -- ids and pages -----------------------------------------------------------------------


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


# -- an item that changes kind; the collector ---------------------------------------------


def test_an_item_that_changes_kind_keeps_none_of_its_old_columns(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/feed.json", body=feed_bytes([press("p1", stage="drafting", owner="Comms")]))
    sync_now(db, [feed_cfg(server, "mixed", "press")])
    server.route("/feed.json", body=feed_bytes([milestone("p1", owner="Agent")]))
    sync_now(db, [feed_cfg(server, "mixed", "press")])
    assert sql(db, "SELECT kind, stage, owner, due FROM items") == [("milestone", None, "Agent", "2030-05-01")]
    server.route("/feed.json", body=feed_bytes([comment("p1", platform="x")]))
    sync_now(db, [feed_cfg(server, "mixed", "press")])
    assert sql(db, "SELECT kind, stage, owner, due, platform FROM items") == [("comment", None, None, None, "x")]


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

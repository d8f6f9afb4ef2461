"""Sync failures: a failing feed keeps its cache and the others go on, bad items are
skipped with their reasons kept, a failing later page removes nothing, and a
server's request to wait (429, Retry-After) is kept and respected."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, comment, feed_bytes, feed_cfg, milestone

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

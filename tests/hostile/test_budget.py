"""A feed under the size cap can still hold millions of tiny items. Parsing them one
by one (each invalid, each a problem row) once took minutes and gigabytes on every
sync. Each feed now has an item budget (`[network] max_items`, or the feed's own
`max_items`) and parsing has a deadline (`[network] parse_deadline`): past either,
the feed gets one clear line and the cache keeps exactly what it had.

The budgets here are set low so the feeds stay small enough for CI; what is
asserted is the message and the untouched cache, never the time taken.
"""

from __future__ import annotations

import json
from pathlib import Path

from feedserver import JSONFEED, FeedServer, comment, feed_bytes

ITEMS = 1_500_000  # tiny invalid items: `{}` has no id and no url


def _tiny_items(count: int) -> bytes:
    head = f'{{"version": "{JSONFEED}", "title": "flood", "items": ['.encode()
    return head + b",".join([b"{}"] * count) + b"]}"


def _cache(sql, db: Path) -> tuple[list, list]:
    return (
        sql(db, "SELECT feed, id, hash FROM items ORDER BY feed, id"),
        sql(db, "SELECT feed, item_id, reason FROM problems ORDER BY feed, item_id"),
    )


def test_a_flood_of_tiny_items_gets_one_line_and_leaves_the_cache_as_it_was(server: FeedServer, cli, sql) -> None:
    server.route("/f", body=feed_bytes([comment("c1"), comment("c2"), {"id": "bad", "_clp": {"type": 7}}]))
    cli.write_config([{"name": "inbox", "url": server.url("/f"), "kind": "comment"}], {"max_items": 1000})
    first = cli("sync")
    assert first.returncode == 1 and "+2 added" in first.stdout  # the bad item is skipped, with a problem
    before = _cache(sql, cli.db)
    assert len(before[0]) == 2 and len(before[1]) == 1

    server.route("/f", body=_tiny_items(ITEMS))
    plain, as_json = cli("sync"), cli("sync", "--json")
    assert plain.returncode == as_json.returncode == 1
    assert "Traceback" not in plain.stderr + as_json.stderr
    (line,) = plain.stdout.splitlines()
    assert "ERROR" in line and "1,500,000 items, over the budget of 1,000 items" in line
    assert "max_items" in line and "cached items kept" in line
    report = json.loads(as_json.stdout)
    assert report["status"] == "error" and "over the budget of 1,000 items" in report["error"]
    assert _cache(sql, cli.db) == before  # no partial write: the items and their problems as they were
    (stored,) = sql(cli.db, "SELECT last_error FROM feeds WHERE name = 'inbox'")[0]
    assert "over the budget" in stored


def test_a_feeds_own_max_items_wins_over_the_network_one(server: FeedServer, sync_now, sql, db: Path) -> None:
    server.route("/ten", body=feed_bytes([comment(f"c{n}") for n in range(10)]))
    feeds = [
        {"name": "small", "url": server.url("/ten"), "kind": "comment", "max_items": 5},
        {"name": "big", "url": server.url("/ten"), "kind": "comment", "max_items": 20},
        {"name": "default", "url": server.url("/ten"), "kind": "comment"},
    ]
    reports = {r.feed: r for r in sync_now(db, feeds, {"max_items": 8})}
    assert reports["small"].status == "error" and "10 items, over the budget of 5" in reports["small"].error
    assert reports["big"].status == "ok" and reports["big"].counts.added == 10
    assert reports["default"].status == "error" and "over the budget of 8" in reports["default"].error
    assert dict(sql(db, "SELECT feed, count(*) FROM items GROUP BY feed")) == {"big": 10}


def test_the_budget_counts_every_page(server: FeedServer, sync_now, sql, db: Path) -> None:
    server.route("/p2", body=feed_bytes([comment(f"b{n}") for n in range(6)]))
    server.route("/p1", body=feed_bytes([comment(f"a{n}") for n in range(6)], next_url=server.url("/p2")))
    (report,) = sync_now(db, [{"name": "paged", "url": server.url("/p1"), "kind": "comment", "max_items": 10}])
    assert report.status == "error"
    assert report.error.startswith("by page 2: 12 items, over the budget of 10 items")
    assert sql(db, "SELECT count(*) FROM items") == [(0,)]


def test_parsing_past_its_deadline_refuses_the_feed(server: FeedServer, sync_now, sql, db: Path) -> None:
    server.route("/f", body=feed_bytes([comment("c1")]))
    feeds = [{"name": "inbox", "url": server.url("/f"), "kind": "comment"}]
    network: dict[str, float] = {"max_items": 10_000_000, "parse_deadline": 60}
    assert sync_now(db, feeds, network)[0].counts.added == 1
    before = _cache(sql, db)
    server.route("/f", body=_tiny_items(ITEMS))
    network["parse_deadline"] = 0.000001  # over before the first item is read
    (report,) = sync_now(db, feeds, network)
    assert report.status == "error"
    assert "reading the items took longer than its deadline" in report.error
    assert "[network] parse_deadline = 1e-06 s" in report.error
    assert _cache(sql, db) == before


def test_items_the_quick_count_cannot_read_are_counted_all_the_same(server: FeedServer, sync_now, sql, db) -> None:
    """Tiny items are counted cheaply before they are read; items of another shape
    (lists here) fall to the full reading, which counts them before reading any."""
    head = f'{{"version": "{JSONFEED}", "title": "lists", "items": ['.encode()
    server.route("/f", body=head + b",".join([b"[]"] * 5000) + b"]}")
    (report,) = sync_now(db, [{"name": "inbox", "url": server.url("/f"), "kind": "comment", "max_items": 1000}])
    assert report.status == "error" and report.error.startswith("5,000 items, over the budget of 1,000 items")
    assert sql(db, "SELECT count(*) FROM problems") == [(0,)]

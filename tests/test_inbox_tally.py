"""The inbox's counts without counting (migration 7's `inbox_tally`, kept by
data/inbox_tally.py): the first screen reads four rows instead of walking the
items_inbox index, and the figures stay exactly
what counting would say through every write that changes them: syncs that add, edit,
flag, remove and bring back comments, decisions and their undo, a re-flag under new
rules, the purge, and a cache migrated from schema 6."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from feedserver import FeedServer, comment, config_toml, feed_bytes
from frozen import CLOCK, NOW

from clp_tui.config import Config, Moderation, parse_config
from clp_tui.data.decision_log import decide, undo
from clp_tui.data.health import InboxCounts
from clp_tui.data.inbox import Inbox
from clp_tui.data.inbox_tally import inbox_counts
from clp_tui.data.moderation import refresh_flags
from clp_tui.data.retention import purge_comments
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds

COUNTED = ("unreviewed", "flagged", "all")


def counted(store: Store) -> tuple[InboxCounts, dict[str, int]]:
    """The same figures by counting the items, as the inbox did before the tally."""
    live = "kind = 'comment' AND archived = 0"
    one = lambda where: int(store.query(f"SELECT count(*) FROM items WHERE {live} AND {where}")[0][0])  # noqa: E731
    tab = InboxCounts(one("decision IS NULL"), one("decision IS NULL AND flagged = 1"))
    return tab, {"unreviewed": one("decision IS NULL"), "flagged": one("flagged = 1"), "all": one("1")}


def tallied(store: Store) -> tuple[InboxCounts, dict[str, int]]:
    inbox = Inbox(store, Moderation())
    return inbox_counts(store), {view: inbox.count(view) for view in COUNTED}


def by(name: str, n: int, text: str = "a comment", day: str = "2025-03-01") -> dict:
    item = comment(f"{name}-{n}", text)
    item["authors"] = [{"name": name}]
    item["date_published"] = f"{day}T10:{n:02d}:00Z"
    return item


def _config(server: FeedServer, watch: list[str]) -> Config:
    feeds = [{"name": "page", "url": server.url("/feed.json"), "kind": "comment"}]
    return parse_config(config_toml(feeds, moderation={"watch_words": watch, "flag_links": False, "repeat_posts": 3}))


def _sync(store: Store, config: Config, server: FeedServer, items: list[dict], snapshot: bool = True) -> None:
    server.route("/feed.json", body=feed_bytes(items, clp={"snapshot": snapshot}))
    reports = asyncio.run(sync_feeds(store, config, force=True))
    assert [r.status for r in reports] == ["ok"]


def test_the_counts_stay_right_through_syncs_decisions_undo_reflag_and_purge(server: FeedServer, db: Path) -> None:
    store = Store(db, clock=CLOCK)
    config = _config(server, ["traitor"])
    try:
        assert tallied(store) == counted(store) == (InboxCounts(0, 0), dict.fromkeys(COUNTED, 0))
        # Two by Ann (not yet a repeat poster), a watch word, three plain.
        items = [by("Ann", 1), by("Ann", 2), by("Bob", 1, "a traitor"), by("Cat", 1), by("Dan", 1), by("Eve", 1)]
        _sync(store, config, server, items)
        assert tallied(store) == counted(store)
        assert tallied(store)[0] == InboxCounts(6, 1)
        # A third by Ann flags all three (two already cached), an edit flags Cat, Dan goes.
        items = [*items[:3], by("Cat", 1, "traitor!"), by("Eve", 1), by("Ann", 3)]
        _sync(store, config, server, items)
        assert tallied(store) == counted(store)
        assert tallied(store)[0] == InboxCounts(6, 5)
        decide(store, [("page", "Ann-1"), ("page", "Eve-1")], "moderation", "approved", officer="Sam")
        [hide] = decide(store, [("page", "Cat-1")], "moderation", "hidden", officer="Sam")
        assert tallied(store) == counted(store)
        assert tallied(store)[0] == InboxCounts(3, 3)
        undo(store, [hide], officer="Sam")
        assert tallied(store) == counted(store)
        assert tallied(store)[0] == InboxCounts(4, 4)
        # The feed drops a decided comment (archived) and an undecided one (deleted),
        # then brings the decided one back.
        _sync(store, config, server, [i for i in items if i["id"] not in ("Ann-1", "Bob-1")])
        assert tallied(store) == counted(store)
        assert tallied(store)[1]["all"] == 4
        _sync(store, config, server, [i for i in items if i["id"] != "Bob-1"])
        assert tallied(store) == counted(store)
        assert tallied(store)[1]["all"] == 5
        # New rules: no watch words, and the flags change in bulk.
        assert refresh_flags(store, _config(server, []).moderation) > 0
        assert tallied(store) == counted(store)
        # The purge blanks old reviewed comments' text; the counts keep counting them.
        purge_comments(store, 1, now=NOW.replace(year=NOW.year + 5))
        assert tallied(store) == counted(store)
        assert tallied(store)[1]["all"] == 5
    finally:
        store.close()


def test_the_first_screens_counts_do_not_count_the_items(server: FeedServer, db: Path) -> None:
    """At 500,000 comments counting the index cost 160 ms of a cold first screen."""
    store = Store(db, clock=CLOCK)
    try:
        _sync(store, _config(server, ["traitor"]), server, [by("Ann", n) for n in range(5)])
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        tallied(store)
        store.conn.set_trace_callback(None)
        assert statements and not [s for s in statements if "items" in s], statements
        # A filtered view is still counted from the items, as it must be.
        assert Inbox(store, Moderation()).count("all", platform="facebook") == 5
    finally:
        store.close()


def test_a_schema_6_cache_gains_a_tally_of_what_it_holds(server: FeedServer, db: Path) -> None:
    store = Store(db, clock=CLOCK)
    _sync(store, _config(server, ["traitor"]), server, [by("Ann", 1, "traitor"), by("Bob", 1), by("Cat", 1)])
    decide(store, [("page", "Bob-1")], "moderation", "approved", officer="Sam")
    expected = counted(store)
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE inbox_tally")
    conn.execute("DELETE FROM migrations WHERE version = 7")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    store = Store(db, clock=CLOCK)
    try:
        assert tallied(store) == expected
        assert expected[0] == InboxCounts(2, 1)
    finally:
        store.close()

"""A sync reads what the cache holds of a feed (its hashes, `cache_version`) while a new
body downloads, on the thread that then parses and writes it (data/take_thread.py),
and a 304 reads none of it. Every statement the store runs is traced, per thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from feedserver import FeedServer, comment, config_toml, feed_bytes
from frozen import CLOCK

from clp_tui.config import parse_config
from clp_tui.data.store import Store
from clp_tui.data.sync import FeedReport, sync_feeds

HASH_READ = "SELECT hash, id FROM items"


class TracedStore(Store):
    """A real store that notes every statement its connections run, with the thread's name;
    `on_statement` is called with each one."""

    def __init__(self, path: Path) -> None:
        self.statements: list[tuple[str, str]] = []
        self.on_statement = lambda sql: None
        self._traced: set[int] = set()
        super().__init__(path, clock=CLOCK)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = super().conn
        if id(conn) not in self._traced:
            self._traced.add(id(conn))
            conn.set_trace_callback(self._note)
        return conn

    def _note(self, sql: str) -> None:
        self.statements.append((threading.current_thread().name, sql))
        self.on_statement(sql)

    def ran(self, fragment: str) -> list[str]:
        """The threads that ran a statement containing `fragment`."""
        return [thread for thread, sql in self.statements if fragment in sql]


def sync(store: Store, server: FeedServer) -> FeedReport:
    config = parse_config(config_toml([{"name": "inbox", "url": server.url("/feed.json"), "kind": "comment"}]))
    (report,) = asyncio.run(sync_feeds(store, config))
    return report


def test_a_304_reads_no_hashes(server: FeedServer, db: Path) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1"), comment("c2")]), etag='"v1"')
    store = TracedStore(db)
    try:
        assert sync(store, server).status == "ok"
        assert store.ran(HASH_READ) and store.ran("data_version")  # the check below can fail
        store.statements.clear()
        report = sync(store, server)
        assert report.status == "not_modified"
        assert store.ran(HASH_READ) == [] and store.ran("data_version") == []
    finally:
        store.close()


def test_the_hashes_are_read_while_the_body_downloads_on_the_thread_that_writes(server: FeedServer, db: Path) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1"), comment("c2")]), etag='"v1"')
    store = TracedStore(db)
    try:
        sync(store, server)
        # The server sends the new body only once the hashes have been read: had the read
        # waited for the body, the fetch would time out and the sync fail.
        read = threading.Event()
        server.route(
            "/feed.json",
            body=feed_bytes([comment("c1", "edited"), comment("c2")]),
            etag='"v2"',
            hold_body=read,
        )
        store.on_statement = lambda sql: read.set() if HASH_READ in sql else None
        store.statements.clear()
        report = sync(store, server)
        assert report.status == "ok", report.error
        assert (report.counts.updated, report.counts.unchanged) == (1, 1)
        [reader] = set(store.ran(HASH_READ))
        assert set(store.ran("data_version")) == {reader}
        assert set(store.ran("INSERT INTO items")) == {reader}  # the write, on the same connection
    finally:
        store.close()


def test_a_body_that_fails_after_the_early_read_leaves_the_cache_as_it_was(server: FeedServer, db: Path) -> None:
    server.route("/feed.json", body=feed_bytes([comment("c1")]), etag='"v1"')
    store = TracedStore(db)
    try:
        sync(store, server)
        server.route("/feed.json", body=b"{not json", etag='"v2"')
        report = sync(store, server)
        assert report.status == "error"
        assert store.ran(HASH_READ)
        assert [tuple(r) for r in store.query("SELECT id, body FROM items")] == [("c1", "a comment")]
        assert store.query("SELECT etag FROM feeds")[0][0] == '"v1"'
    finally:
        store.close()

"""Finding 6: retention counts from when clp-tui first saw a comment, never from the
date its feed gives it; an escalated comment is kept until its case is closed, and
stays listed after a snapshot feed drops it.

Before: a comment first seen today but dated 200 days ago was blanked by the first
purge (a dashboard runs one as it starts); one dated 9999 was never purged; an
escalated comment dropped from a snapshot feed stayed in the cache but vanished
from every view and from `list`.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from feedserver import comment, config_toml, feed_bytes
from frozen import CLOCK, NOW

from clp_tui.config import parse_config
from clp_tui.data.decision_log import decide, undo
from clp_tui.data.inbox import Inbox
from clp_tui.data.retention import purge_comments
from clp_tui.data.store import Store

LATER = NOW + dt.timedelta(days=91)  # past the default 90 days from first seen


@pytest.fixture
def cached(server, db, sync_now):
    """Comments dated 200 days back, in 9999, and today, all first seen now; each decided."""
    items = [
        {**comment("back-dated", "words from long ago"), "date_published": "2026-05-07T12:00:00Z"},
        {**comment("far-future", "words from the future"), "date_published": "9999-12-31T23:59:59Z"},
        {**comment("escalated", "a threat"), "date_published": "2026-05-07T12:00:00Z"},
    ]
    feeds = [{"name": "comments", "url": server.feed("comments", feed_bytes(items)), "kind": "comment"}]
    sync_now(db, feeds)
    store = Store(db, clock=CLOCK)
    decide(store, [("comments", "back-dated"), ("comments", "far-future")], "moderation", "approved", officer="O")
    decide(store, [("comments", "escalated")], "moderation", "hidden", officer="O")
    seq = decide(store, [("comments", "escalated")], "moderation", "escalated", officer="O")[0]
    yield store, seq
    store.close()


def _body(store: Store, item_id: str) -> str | None:
    return store.query("SELECT body FROM items WHERE id = ?", (item_id,))[0][0]


def test_a_back_dated_comment_is_kept_until_it_is_old_here(cached) -> None:
    store, _ = cached
    assert purge_comments(store, 90, now=NOW).purged == 0
    assert _body(store, "back-dated") == "words from long ago"
    assert purge_comments(store, 90, now=LATER).purged == 2
    assert _body(store, "back-dated") is None


def test_a_comment_dated_9999_is_purged_on_its_first_seen_age(cached) -> None:
    store, _ = cached
    purge_comments(store, 90, now=LATER)
    assert _body(store, "far-future") is None


def test_an_escalated_comment_is_kept_until_its_case_is_closed(cached) -> None:
    store, seq = cached
    result = purge_comments(store, 90, now=LATER)
    assert (result.kept_escalated, _body(store, "escalated")) == (1, "a threat")
    undo(store, [seq], officer="O")  # the escalation undone (back to hidden): the case is closed
    result = purge_comments(store, 90, now=LATER + dt.timedelta(days=2))
    assert (result.purged, result.kept_escalated, _body(store, "escalated")) == (1, 0, None)


def test_a_later_decision_closes_the_case(cached) -> None:
    store, _ = cached
    decide(store, [("comments", "escalated")], "moderation", "hidden", officer="O", reason="GLU: no action")
    purge_comments(store, 90, now=LATER)
    assert _body(store, "escalated") is None


def test_an_escalated_comment_dropped_by_a_snapshot_feed_is_still_listed(server, cli, sync_now, sql) -> None:
    keep, drop = comment("c-keep", "stays"), comment("c-drop", "a threat that will vanish")
    url = server.feed("comments", feed_bytes([keep, drop], clp={"snapshot": True}))
    feeds = [{"name": "comments", "url": url, "kind": "comment"}]
    cli.write_config(feeds)
    sync_now(cli.db, feeds)
    store = Store(cli.db, clock=CLOCK)
    decide(store, [("comments", "c-drop")], "moderation", "escalated", officer="O")
    server.feed("comments", feed_bytes([keep], clp={"snapshot": True}))
    sync_now(cli.db, feeds)
    assert sql(cli.db, "SELECT archived FROM items WHERE id = 'c-drop'") == [(1,)]

    inbox = Inbox(store, parse_config(config_toml(feeds)).moderation)
    assert [c.id for c in inbox.page(0, 10, view="escalated")] == ["c-drop"]
    assert inbox.count("escalated") == 1
    store.close()
    listed = cli("list", "comments", "--json")
    assert listed.returncode == 0, listed.stderr
    shown = {json.loads(line)["id"]: json.loads(line).get("in_feed", True) for line in listed.stdout.splitlines()}
    assert shown == {"c-drop": False, "c-keep": True}
    plain = cli("list", "comments").stdout
    assert "comments/c-drop" in plain and "(no longer in its feed)" in plain

"""The moderation flags a sync sets: repeat posting (the [moderation] repeat_posts
rule, 4 by default) counted across feeds and edits, the watch-word and link rules,
and the rules a first sync records for its flags."""

from __future__ import annotations

from pathlib import Path

from feedserver import FeedServer, comment, feed_bytes, feed_cfg

from clp_tui.data.store import Store

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


# -- the text rules; the rules a sync records -------------------------------------------


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

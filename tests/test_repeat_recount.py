"""The repeat-posting recount inside a sync's write (data/feed_writes.py): it counts the
cached comments by the names and days a sync touches from the items_inbox index alone
(which ends with the author's name), never reading the table's rows: at 50,000
comments that was 55 ms of a 1 % re-sync, then 25 ms; grouping only the (name, day)
pairs the sync touches, not every day of those names, ~15 ms. The rule itself is tested in
test_sync_flags.py; here, that it still holds on this path, undated comments included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from feedserver import comment, feed_bytes
from frozen import CLOCK

from clp_tui.data.feed_writes import apply_feed
from clp_tui.data.parse import parse_page
from clp_tui.data.store import Store

META = {"title": None, "constituency": None, "polling_day": None, "etag": None, "last_modified": None}


def by(item_id: str, author: str, day: str | None) -> dict[str, Any]:
    item = comment(item_id)
    item["authors"] = [{"name": author}]
    if day is None:
        del item["date_published"]
    else:
        item["date_published"] = f"{day}T10:00:00Z"
    return item


def take(store: Store, items: list[dict[str, Any]]) -> None:
    known = dict(store.query("SELECT hash, id FROM items WHERE feed = 'inbox'"))
    page = parse_page(feed_bytes(items), "comment", known)
    apply_feed(
        store,
        "inbox",
        "http://127.0.0.1/feed.json",
        "comment",
        records=page.records,
        unchanged_ids=page.unchanged,
        present_ids=[],
        known_ids=set(known.values()),
        snapshot=False,
        meta=META,
        problems=[],
        http_status=200,
        seconds=0.1,
        repeat_posts=4,
    )


def flagged(store: Store) -> list[str]:
    return [r[0] for r in store.query("SELECT id FROM items WHERE flagged = 1 ORDER BY id")]


def test_the_recount_reads_the_index_alone_and_flags_what_was_cached(db: Path) -> None:
    store = Store(db, clock=CLOCK)
    try:
        take(store, [by(f"s{n}", "Sam", "2025-03-01") for n in range(3)] + [by("r1", "Ria", "2025-03-01")])
        assert flagged(store) == []
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        take(store, [by("s3", "Sam", "2025-03-01"), by("r2", "Ria", "2025-03-02")])  # Sam's fourth that day
        store.conn.set_trace_callback(None)
        assert flagged(store) == ["s0", "s1", "s2", "s3"]
        [recount] = [s for s in statements if "poster_days)" in s and s.lstrip().startswith("SELECT")]
        plan = " ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {recount}"))
        assert "SEARCH items USING COVERING INDEX items_inbox" in plan, plan
    finally:
        store.close()


def test_undated_comments_by_one_name_count_as_one_day_on_a_resync(db: Path) -> None:
    store = Store(db, clock=CLOCK)
    try:
        take(store, [by(f"u{n}", "Una", None) for n in range(2)])
        take(store, [by("u2", "Una", None), by("d1", "Una", "2025-03-01")])
        assert flagged(store) == []
        take(store, [by("u3", "Una", None)])
        assert flagged(store) == ["u0", "u1", "u2", "u3"]
    finally:
        store.close()


def test_only_the_days_a_sync_touches_are_counted_and_each_day_on_its_own(db: Path) -> None:
    store = Store(db, clock=CLOCK)
    try:
        # Tess: three on the 1st, three on the 2nd, two undated; Ula: three on the 1st.
        take(
            store,
            [by(f"a{n}", "Tess", "2025-03-01") for n in range(3)]
            + [by(f"b{n}", "Tess", "2025-03-02") for n in range(3)]
            + [by(f"u{n}", "Tess", None) for n in range(2)]
            + [by(f"o{n}", "Ula", "2025-03-01") for n in range(3)],
        )
        assert flagged(store) == []
        # A fourth on the 1st (an edit of b0 moves it off the 2nd): the 1st's four are
        # flagged; the 2nd, now two, and the undated two, untouched, are not.
        take(store, [by("a3", "Tess", "2025-03-01")])
        assert flagged(store) == ["a0", "a1", "a2", "a3"]
        take(store, [by("b0", "Tess", "2025-03-01"), by("u2", "Tess", None)])
        assert flagged(store) == ["a0", "a1", "a2", "a3", "b0"]
        # Ula's fourth that day, posted as two edits of her own: still four, all flagged.
        take(store, [by("o3", "Ula", "2025-03-01"), by("o0", "Ula", "2025-03-01")])
        assert flagged(store) == ["a0", "a1", "a2", "a3", "b0", "o0", "o1", "o2", "o3"]
        # The 2nd's remaining two and a new one: three, none flagged; a fourth undated: all four.
        take(store, [by("b3", "Tess", "2025-03-02"), by("u3", "Tess", None)])
        assert "b1" not in flagged(store) and "b3" not in flagged(store)
        assert {"u0", "u1", "u2", "u3"} <= set(flagged(store))
    finally:
        store.close()

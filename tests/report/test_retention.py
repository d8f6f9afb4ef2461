"""`clp-tui purge`: old reviewed comments lose what identifies people, the numbers survive,
and a comment whose evidence pack went to the GLU is kept whole."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from pathlib import Path

from frozen import NOW

from clp_tui.config import Config, parse_config
from clp_tui.data.inbox import Inbox
from clp_tui.data.packs import record_exported_pack
from clp_tui.data.retention import describe, last_purge, purge_comments, purge_if_due
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds

from .conftest import (
    OFFICER,
    OLD_APPROVED_ID,
    OLD_AUTHORS,
    OLD_ESCALATED_ID,
    OLD_TEXT,
    OLD_UNREVIEWED_ID,
    Cli,
    Fixture,
    config_text,
)

PERSONAL = ("body", "title", "author_name", "author_url", "url")


def row(store: Store, item_id: str) -> dict[str, object]:
    return dict(store.query("SELECT * FROM items WHERE feed = 'comments' AND id = ?", (item_id,))[0])


def numbers(store: Store, config: Config) -> tuple[object, ...]:
    decisions = store.query("SELECT count(*), max(seq) FROM decisions")[0]
    return (
        Inbox(store, config.moderation).counts_by_decision(),
        tuple(decisions),
        store.query("SELECT count(*) FROM items WHERE kind = 'comment'")[0][0],
    )


def test_dry_run_counts_and_changes_nothing(store: Store, config: Config) -> None:
    before = row(store, OLD_APPROVED_ID)
    result = purge_comments(store, 90, now=NOW, dry_run=True)
    assert (result.purged, result.kept_escalated, result.kept_exported, result.kept_unreviewed) == (1, 1, 0, 1)
    assert result.cutoff == "2026-08-25T12:00:00Z"
    assert row(store, OLD_APPROVED_ID) == before
    assert last_purge(store) is None


def test_purge_blanks_people_and_keeps_the_numbers(store: Store, config: Config, db: Path) -> None:
    record_exported_pack(store, "comments", OLD_ESCALATED_ID, officer=OFFICER, fmt="markdown", path="/x/pack.md")
    counted = numbers(store, config)
    result = purge_comments(store, config.moderation.retain_days, now=NOW)
    assert (result.purged, result.kept_escalated, result.kept_exported, result.kept_unreviewed) == (1, 0, 1, 1)
    assert result.compacted

    gone = row(store, OLD_APPROVED_ID)
    assert all(gone[column] is None for column in PERSONAL)
    assert json.loads(gone["raw"]) == {"id": OLD_APPROVED_ID}
    ext = json.loads(gone["ext"])
    assert "thread_title" not in ext and ext["platform"] == "facebook" and ext["thread_id"] == "old-1"
    assert (gone["platform"], gone["channel"], gone["published"], gone["decision"]) == (
        "facebook",
        "Fernbridge Labour",
        "2020-03-01T09:00:00Z",
        "approved",
    )
    assert numbers(store, config) == counted  # decisions, the log and the rows all survive
    # Kept whole: the one whose pack went to the GLU, and the one nobody has reviewed.
    for kept in (OLD_ESCALATED_ID, OLD_UNREVIEWED_ID):
        assert row(store, kept)["body"] == OLD_TEXT and row(store, kept)["author_name"] == OLD_AUTHORS[kept]
    # Recent comments are untouched.
    assert row(store, "c-0001")["body"]
    # Nothing of the blanked commenter is left anywhere in the file or its log.
    store.close()
    on_disk = b"".join(p.read_bytes() for p in db.parent.glob(f"{db.name}*"))
    assert OLD_AUTHORS[OLD_APPROVED_ID].encode() not in on_disk
    assert OLD_AUTHORS[OLD_ESCALATED_ID].encode() in on_disk
    # Run again: nothing more to do.
    again = purge_comments(store, 90, now=NOW)
    assert (again.purged, again.kept_exported) == (0, 1)


def test_a_resync_does_not_bring_the_text_back(store: Store, built: Fixture) -> None:
    purge_comments(store, 90, now=NOW)
    with store.write() as conn:  # forget the validators, so every feed is fetched and read in full
        conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")
    reports = asyncio.run(sync_feeds(store, parse_config(config_text(built.urls))))
    comments = next(r for r in reports if r.feed == "comments")
    assert comments.status == "ok" and comments.counts.updated == 0
    # The item is unchanged in the feed (same hash), so it is not read again.
    assert row(store, OLD_APPROVED_ID)["body"] is None


def test_once_a_day(store: Store) -> None:
    first = purge_if_due(store, 90, now=NOW)
    assert first is not None and first.purged == 1
    assert purge_if_due(store, 90, now=NOW + dt.timedelta(hours=23)) is None
    later = purge_if_due(store, 90, now=NOW + dt.timedelta(days=1, minutes=1))
    assert later is not None and later.purged == 0


def test_cli_purge(cli: Cli, store: Store) -> None:
    done = cli("purge", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "dry run: nothing was changed" in done.stdout
    assert "1 reviewed comment(s)" in done.stdout and "would be blanked" in done.stdout
    assert "1 old comment(s) kept whole: escalated, and the case is still open" in done.stdout
    assert "1 old comment(s) kept: not reviewed yet" in done.stdout
    assert row(store, OLD_APPROVED_ID)["body"] == OLD_TEXT

    record_exported_pack(store, "comments", OLD_ESCALATED_ID, officer=OFFICER, fmt="html", path="/x/pack.html")
    store.close()
    done = cli("purge")
    assert done.returncode == 0, done.stderr
    assert "1 reviewed comment(s)" in done.stdout and "were blanked" in done.stdout
    assert "1 old comment(s) kept whole: their GLU evidence pack was exported" in done.stdout
    for name in OLD_AUTHORS.values():
        assert name not in done.stdout  # counts only
    assert row(store, OLD_APPROVED_ID)["body"] is None
    assert row(store, OLD_ESCALATED_ID)["body"] == OLD_TEXT


def test_a_reader_postpones_the_rebuild_to_the_next_purge(store: Store, db: Path) -> None:
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM items").fetchone()  # holds a read snapshot open
    try:
        first = purge_comments(store, 90, now=NOW)
    finally:
        reader.close()
    assert first.purged == 1 and not first.compacted
    assert any("another program has the cache open" in line for line in describe(first))
    second = purge_comments(store, 90, now=NOW)
    assert second.purged == 0 and second.compacted
    assert store.meta("retention_compact_pending") is None

"""Finding 3: an escalated comment's words as they were when escalated are kept, and the
evidence pack shows them beside any later upstream edit; they survive a purge.

Before: the commenter edited the comment upstream, the next sync overwrote the cache's
only copy, and the pack for the Governance and Legal Unit showed the innocent new
words beside the officer's "threat of violence", even after a pack had been exported.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from feedserver import comment, feed_bytes
from frozen import CLOCK, NOW

from clp_tui.data.decision_log import decide, undo
from clp_tui.data.retention import purge_comments
from clp_tui.data.store import Store

THREAT = "I know where you live and I will be at the count with a knife"
INNOCENT = "Good luck at the count everyone!"
NAME = "Malachy Threadgold-6120"


@pytest.fixture
def escalated(server, cli, sync_now):
    """A comment, synced and escalated; `edit(text)` then changes it upstream and syncs."""
    item = comment("c-1", THREAT)
    item["authors"] = [{"name": NAME, "url": "https://social.example/malachy"}]
    feeds = [{"name": "comments", "url": server.feed("comments", feed_bytes([item])), "kind": "comment"}]
    cli.write_config(feeds, officer={"name": "Test Officer"})
    sync_now(cli.db, feeds)
    store = Store(cli.db, clock=CLOCK)
    seq = decide(
        store, [("comments", "c-1")], "moderation", "escalated", officer="Test Officer", reason="threat of violence"
    )
    store.close()

    def edit(text: str, name: str = NAME) -> None:
        changed = {**item, "content_text": text, "authors": [{"name": name}], "date_modified": "2026-11-23T11:00:00Z"}
        server.feed("comments", feed_bytes([changed]))
        sync_now(cli.db, feeds)

    return edit, seq[0]


def _pack(cli, tmp_path: Path, name: str) -> str:
    out = tmp_path / name
    done = cli("export", "escalation", "comments/c-1", "--output", str(out))
    assert done.returncode == 0, done.stderr
    return out.read_text()


def test_the_pack_shows_what_was_escalated_beside_the_edit(escalated, cli, sql, tmp_path: Path) -> None:
    edit, _ = escalated
    edit(INNOCENT, name="Mal T.")
    assert sql(cli.db, "SELECT body FROM items WHERE id = 'c-1'") == [(INNOCENT,)]  # the cache follows the feed
    pack = _pack(cli, tmp_path, "pack.md")
    assert THREAT in pack and NAME in pack
    assert INNOCENT in pack and "Mal T." in pack
    assert pack.index(THREAT) < pack.index("Changed upstream since it was escalated") < pack.index(INNOCENT)


def test_each_export_keeps_a_copy_and_the_escalated_words_stay(escalated, cli, sql, tmp_path: Path) -> None:
    edit, _ = escalated
    first = _pack(cli, tmp_path, "first.md")
    assert THREAT in first and "Changed upstream" not in first
    edit(INNOCENT)
    second = _pack(cli, tmp_path, "second.html")
    assert THREAT in second and INNOCENT in second
    copies = sql(cli.db, "SELECT why, body FROM evidence_copies ORDER BY seq")
    assert copies == [("escalated", THREAT), ("exported", THREAT), ("exported", INNOCENT)]


def test_copies_are_never_edited(escalated, cli) -> None:
    conn = sqlite3.connect(cli.db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="never edited"):
            conn.execute("UPDATE evidence_copies SET body = 'rewritten'")
    finally:
        conn.close()


def test_the_words_survive_an_edit_and_a_purge_while_the_case_is_open(escalated, cli, tmp_path: Path) -> None:
    edit, _ = escalated
    edit(INNOCENT)
    store = Store(cli.db, clock=CLOCK)
    result = purge_comments(store, 90, now=NOW + dt.timedelta(days=400))
    store.close()
    assert (result.purged, result.kept_escalated) == (0, 1)
    pack = _pack(cli, tmp_path, "pack.md")
    assert THREAT in pack and INNOCENT in pack


def test_a_closed_case_is_purged_copies_and_all(escalated, cli) -> None:
    """The other side: once the escalation is undone, the copy is personal data like the
    comment's own text, and the purge removes both (no pack was exported)."""
    _, seq = escalated
    store = Store(cli.db, clock=CLOCK)
    assert undo(store, [seq], officer="Test Officer") == 1
    decide(store, [("comments", "c-1")], "moderation", "approved", officer="Test Officer")
    result = purge_comments(store, 90, now=NOW + dt.timedelta(days=91))
    assert result.purged == 1
    assert store.query("SELECT count(*) FROM evidence_copies")[0][0] == 0
    store.close()
    on_disk = b"".join(p.read_bytes() for p in cli.db.parent.glob(f"{cli.db.name}*"))
    assert THREAT.encode() not in on_disk and NAME.encode() not in on_disk

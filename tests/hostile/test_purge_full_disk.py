"""Finding 13: `purge` on a nearly full disk says the disk is full, not that "another
program has the cache open".

The purge itself needs little room and commits; rebuilding the file afterwards
(VACUUM, so blanked text leaves no trace) needs about as much again as the cache.
A per-process file size limit (RLIMIT_FSIZE) stands in for the nearly full disk.
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys

from feedserver import comment, feed_bytes
from frozen import CLOCK, NOW

from clp_tui.clock import FROZEN_ENV, stamp
from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store


def test_purge_on_a_nearly_full_disk_names_the_disk(server, cli, sync_now, sql) -> None:
    # One decided comment to blank, and a large unreviewed crowd that keeps the file big.
    items = [comment("c-old", "blank me: Ada Lovelace of 4 Elm Row")]
    items += [comment(f"c-{n}", f"{n} " + "an unreviewed comment, kept whole " * 40) for n in range(1500)]
    feeds = [{"name": "comments", "url": server.feed("comments", feed_bytes(items)), "kind": "comment"}]
    cli.write_config(feeds)
    sync_now(cli.db, feeds)
    store = Store(cli.db, clock=CLOCK)
    decide(store, [("comments", "c-old")], "moderation", "approved", officer="O")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the file: as a cache at rest is
    store.close()
    size = cli.db.stat().st_size
    assert size > 2_000_000

    def nearly_full() -> None:
        limit = size // 2  # room for the purge's few pages, not for a rebuilt copy
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    later = {FROZEN_ENV: stamp(NOW + dt.timedelta(days=91))}
    done = subprocess.run(
        [sys.executable, "-m", "clp_tui.cli", "purge", "--config", str(cli.config), "--db", str(cli.db)],
        capture_output=True,
        text=True,
        env=cli.env(later),
        cwd=cli.home,
        timeout=120,
        preexec_fn=nearly_full,
    )
    assert done.returncode == 0, done.stderr
    assert "1 reviewed comment(s)" in done.stdout and "were blanked" in done.stdout
    assert "the disk holding the cache is too full to rebuild the file" in done.stdout
    assert "another program" not in done.stdout
    assert sql(cli.db, "SELECT body FROM items WHERE id = 'c-old'") == [(None,)]

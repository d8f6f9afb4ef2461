"""Kills, read-only caches and full disks: what is on disk afterwards, and what people are told.

A sync killed with SIGKILL at any moment leaves a sound file with each feed's
items all old or all new; a decision the dashboard has shown as made survives a
SIGKILL straight after; a cache that cannot be written gives one clear line and
exit code 1 (commands) or a clear notice (the dashboard), never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, comment, feed_bytes

from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store, StoreError

from .children import mere_mortal, permissions_bite, run_python

N = 3_000


def _big(version: str) -> bytes:
    return feed_bytes([comment(f"c{i}", f"{version} {i} " + "x" * 200) for i in range(N)])


def _state(db: Path) -> tuple[dict[str, int], int]:
    """({first word of each body: count}, ok rows in sync_log), after an integrity check."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        versions = dict(conn.execute("SELECT substr(body, 1, 3), count(*) FROM items GROUP BY 1").fetchall())
        synced = conn.execute("SELECT count(*) FROM sync_log WHERE outcome = 'ok'").fetchone()[0]
        return versions, synced
    finally:
        conn.close()


def _copy(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("clp-tui: "), line
    for word in words:
        assert word in line, line
    return line


# -- SIGKILL during a sync -----------------------------------------------------------------------


def test_sigkill_during_sync_at_ten_random_moments(server: FeedServer, cli, tmp_path: Path, sync_now) -> None:
    feeds = [{"name": "big", "url": server.url("/feed.json"), "kind": "comment"}]
    cli.write_config(feeds)
    server.route("/feed.json", body=_big("old"))
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    baseline = tmp_path / "baseline.db"
    _copy(cli.db, baseline)
    old = _state(baseline)
    assert old[0] == {"old": N}

    server.route("/feed.json", body=_big("new"))
    proc = cli.popen("sync")
    server.wait_for_requests(2)
    asked = time.monotonic()
    assert proc.wait(timeout=60) == 0
    window = time.monotonic() - asked  # from the request to the exit: download, parse, write, commit

    rng = random.Random(20261123)  # seeded: a failure names a moment that can be replayed
    for run in range(10):
        _copy(baseline, cli.db)
        moment = rng.uniform(0.0, window)
        seen = len(server.log())
        proc = cli.popen("sync")
        server.wait_for_requests(seen + 1)
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        versions, synced = _state(cli.db)
        assert versions in ({"old": N}, {"new": N}), (run, moment, versions)
        # The log row, the feed's state and the items are one transaction.
        assert synced == old[1] + (versions == {"new": N}), (run, moment, synced)
    # And the file is usable afterwards: the next sync takes the new version whole.
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    assert _state(cli.db)[0] == {"new": N}


# -- SIGKILL right after a decision --------------------------------------------------------------

_DECIDE_THEN_DIE = r"""
import asyncio, json, os, signal, sys
from pathlib import Path
from clp_tui.app import ClpApp
from clp_tui.config import load_config

async def main() -> None:
    app = ClpApp(load_config(Path(sys.argv[1])), Path(sys.argv[2]), live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        before = screen.source.total
        targets = [list(screen.source.get(i).key) for i in range(5)]
        await pilot.press("a", "a", "a", "a", "a")
        for _ in range(1000):  # until the list shows all five as done: the officer's "it is saved"
            await pilot.pause(0.005)
            if screen.source.total == before - 5:
                break
        print(json.dumps(targets), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


def test_a_decision_shown_as_made_survives_sigkill_straight_after(server: FeedServer, cli, sync_now) -> None:
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=feed_bytes([comment(f"c{i:02d}", f"comment {i}") for i in range(20)]))
    cli.write_config(feeds, officer={"name": "Sam Killed"})
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    run = run_python(_DECIDE_THEN_DIE, cli.home, str(cli.config), str(cli.db), timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr
    targets = [tuple(t) for t in json.loads(run.stdout)]
    conn = sqlite3.connect(cli.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        logged = conn.execute("SELECT feed, item_id, value, officer FROM decisions ORDER BY seq").fetchall()
        assert logged == [(*t, '"approved"', "Sam Killed") for t in targets]
        state = conn.execute("SELECT feed, item_id FROM decision_state WHERE field = 'moderation'").fetchall()
        assert sorted(state) == sorted(targets)
        assert conn.execute("SELECT count(*) FROM items WHERE decision = 'approved'").fetchone()[0] == 5
    finally:
        conn.close()


# -- a cache that cannot be written --------------------------------------------------------------


@pytest.fixture
def mortal(tmp_path: Path) -> None:
    if not permissions_bite(tmp_path):
        pytest.skip("file permissions cannot be made to apply to a child process here")


def run_cli(cli, *args: str, db: Path | None = None, preexec=mere_mortal) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "clp_tui.cli", *args, "--config", str(cli.config), "--db", str(db or cli.db)]
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=cli.env(),
        cwd=cli.home,
        timeout=60,
        preexec_fn=preexec,
        stdin=subprocess.DEVNULL,
    )


_DECIDE_AND_REPORT = r"""
import asyncio, json, sys
from pathlib import Path
from clp_tui.app import ClpApp
from clp_tui.config import load_config

async def main() -> None:
    app = ClpApp(load_config(Path(sys.argv[1])), Path(sys.argv[2]), live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        before = app.screen.source.total
        await pilot.press("a")
        for _ in range(400):
            await pilot.pause(0.01)
            if any("NOT recorded" in str(n.message) for n in app._notifications):
                break
        print(json.dumps({"shown": before, "after": app.screen.source.total,
                          "notes": [str(n.message) for n in app._notifications]}))
        await pilot.press("q")

asyncio.run(main())
"""


def test_a_read_only_cache_file(server: FeedServer, cli, sync_now, mortal) -> None:
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    cli.write_config(feeds)
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    cli.db.chmod(0o444)
    # Writing commands: one line, exit 1.
    one_line_error(run_cli(cli, "sync"), "read-only", str(cli.db))
    one_line_error(run_cli(cli, "purge"), "read-only")
    # Reading commands still work from a read-only cache.
    listed = run_cli(cli, "list", "comments")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2, listed.stderr
    # The dashboard shows the cache, and says plainly that a decision was not saved.
    shown = run_python(_DECIDE_AND_REPORT, cli.home, str(cli.config), str(cli.db), preexec=mere_mortal)
    assert shown.returncode == 0, shown.stderr
    outcome = json.loads(shown.stdout)
    assert outcome["shown"] == 2 and outcome["after"] == 2
    (note,) = [n for n in outcome["notes"] if "NOT recorded" in n]
    assert "read-only" in note and "Traceback" not in note
    cli.db.chmod(0o644)
    assert sqlite3.connect(cli.db).execute("SELECT count(*) FROM decisions").fetchone()[0] == 0


def test_a_cache_in_a_read_only_folder(server: FeedServer, cli, tmp_path: Path, sync_now, mortal) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    db = folder / "cache.db"
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config(feeds)
    assert run_cli(cli, "sync", db=db, preexec=None).returncode == 0  # a process of its own: no -wal left
    assert sorted(p.name for p in folder.iterdir()) == ["cache.db"]
    folder.chmod(0o555)  # the file is writable, but SQLite cannot make its -wal and -shm beside it
    try:
        one_line_error(run_cli(cli, "sync", db=db), str(db))
        one_line_error(run_cli(cli, db=db), str(db))  # the dashboard does not even start
        one_line_error(run_cli(cli, "sync", db=folder / "new" / "cache.db"), "cannot create the folder")
        one_line_error(run_cli(cli, db=folder / "new" / "cache.db"), "cannot create the folder")
        one_line_error(run_cli(cli, "list", "comments", db=db), "read-only")  # SQLite cannot even read it so
        assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]  # a usable cache elsewhere
        one_line_error(run_cli(cli, "report", "--output", str(folder / "report.md")), "cannot write")
    finally:
        folder.chmod(0o755)


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python itself ignores SIGXFSZ

    return apply


def test_a_full_disk_during_sync_keeps_the_old_cache(server: FeedServer, cli, sync_now) -> None:
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    cli.write_config(feeds)
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    server.route("/c", body=_big("new"))
    # No file may grow past 200 kB: the WAL of a 3,000-item write hits that long before the commit.
    full = run_cli(cli, "sync", preexec=_file_size_limit(200_000))
    one_line_error(full, "disk", str(cli.db))
    assert _state(cli.db)[0] == {"a c": 2}
    # Other files fail the same way: one line, exit 1.
    one_line_error(run_cli(cli, "report", "--output", str(cli.home / "r.md"), preexec=_file_size_limit(100)))
    # With room again, the next sync is whole.
    assert cli("sync").returncode == 0
    assert _state(cli.db)[0] == {"new": N}


def test_a_full_database_refuses_one_decision_and_the_next_one_lands(cli, server: FeedServer, sync_now) -> None:
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    store = Store(cli.db)
    try:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # this connection may not grow the file
        with pytest.raises(StoreError) as caught:
            decide(store, [("inbox", "c1")], "moderation", "hidden", officer="Sam", reason="x" * 50_000)
        assert "full" in str(caught.value) and "\n" not in str(caught.value)
        assert not store.conn.in_transaction, "the failed write left its transaction open"
        store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
        decide(store, [("inbox", "c2")], "moderation", "approved", officer="Sam")
    finally:
        store.close()
    conn = sqlite3.connect(cli.db)
    assert conn.execute("SELECT item_id, value FROM decisions").fetchall() == [("c2", '"approved"')]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_the_dashboard_says_a_decision_was_not_saved_when_the_disk_is_full(
    server: FeedServer, tmp_path: Path, sync_now
) -> None:
    from feedserver import config_toml

    from clp_tui.app import ClpApp
    from clp_tui.config import parse_config

    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    db = tmp_path / "cache.db"
    assert [r.status for r in await asyncio.to_thread(sync_now, db, feeds)] == ["ok"]
    app = ClpApp(parse_config(config_toml(feeds)), db, live=False)

    def fill_the_disk() -> None:  # runs on the writer thread, on its own connection
        pages = app.store.conn.execute("PRAGMA page_count").fetchone()[0]
        app.store.conn.execute(f"PRAGMA max_page_count = {pages}")

    async with app.run_test(size=(120, 40)) as pilot:
        app.writer._pool.submit(fill_the_disk).result()
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        screen._decide("escalated", bulk=False, reason="y" * 50_000)  # a long reason needs new pages
        for _ in range(200):
            await pilot.pause(0.01)
            if any("NOT recorded" in str(n.message) for n in app._notifications):
                break
        (note,) = [str(n.message) for n in app._notifications if "NOT recorded" in str(n.message)]
        assert "full" in note
        assert screen.source.total == 2  # still waiting for a decision
        await pilot.pause()
        # The row shown as escalated at once goes back: nothing was saved (issue 15, finding 5).
        assert screen.pending == {}
        shown = ["".join(t.plain for t in screen.source.render_row(i, 100, screen.rows.row_height)) for i in range(2)]
        assert not any("escalat" in row for row in shown), shown
        assert app.is_running
    assert sqlite3.connect(db).execute("SELECT count(*) FROM decisions").fetchone()[0] == 0

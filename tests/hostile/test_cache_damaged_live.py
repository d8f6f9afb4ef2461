"""Finding 13: a cache damaged under a running dashboard ends it with the store's own line
(what is wrong with which file, and what to do), exit 1, and no crash report.

Before: moving the cursor in the inbox after the file was damaged crashed the dashboard
with "something went wrong inside clp-tui ... Your cached data and decisions are
safe", which they were not.
"""

from __future__ import annotations

from pathlib import Path

from feedserver import comment, feed_bytes
from frozen import ENV

from .children import run_python

# The real command (clp_tui.cli main) with the dashboard headless: the officer opens the
# inbox; a second in, the cache file's pages are overwritten and the officer goes to the
# end of the list, whose rows the inbox has not read yet.
_DAMAGE_UNDER_IT = r"""
import sqlite3, sys
from pathlib import Path
from clp_tui.app import ClpApp

db = Path(sys.argv[sys.argv.index("--db") + 1])
run, mount = ClpApp.run, ClpApp.on_mount

def damage(app):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    conn.close()
    with open(db, "r+b") as f:
        f.seek(16384)
        f.write(b"garbage!" * 40960)
    app.run_worker(app._press_keys(["end", "j"]))  # as typed: to rows the inbox has not read yet

def on_mount(self):
    mount(self)
    self.set_timer(0.2, lambda: self.run_worker(self._press_keys(["3"])))  # the inbox, read whole
    self.set_timer(1.0, lambda: damage(self))
    self.set_timer(30, self.exit)  # only so that a dashboard that survives ends the test

ClpApp.on_mount = on_mount
ClpApp.run = lambda self, **kwargs: run(self, headless=True, size=(120, 40))
from clp_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_cache_damaged_under_the_dashboard_gets_one_clear_line(server, cli, sync_now) -> None:
    items = [comment(f"c-{n}", f"comment {n}") for n in range(400)]
    feeds = [{"name": "inbox", "url": server.feed("inbox", feed_bytes(items)), "kind": "comment"}]
    cli.write_config(feeds)
    sync_now(cli.db, feeds)
    run = run_python(_DAMAGE_UNDER_IT, cli.home, "--config", str(cli.config), "--db", str(cli.db), env=ENV)
    shown = run.stdout + run.stderr
    assert run.returncode == 1, (run.returncode, shown)
    assert f"clp-tui: {cli.db} is not a usable clp-tui cache" in shown
    assert "move it aside and sync again" in shown
    assert "went wrong" not in shown and "are safe" not in shown and "Traceback" not in shown
    assert not list(Path(cli.home, ".local", "state").glob("**/crash-*.txt"))

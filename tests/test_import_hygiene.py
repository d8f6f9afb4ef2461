"""The data layer and the non-dashboard commands never load Textual: `sync`,
`list`, `check-feed`, `schema` and `feed from-csv` start fast and run on a
server with no terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from feedserver import comment, config_toml, feed_bytes

SCRIPT = r"""
import contextlib, io, json, sys
import clp_tui.data.sync, clp_tui.data.store, clp_tui.cli
from clp_tui.cli import main

config, db, feed, sheet = sys.argv[1:5]
codes = {}
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    for name, argv in {
        "sync --help": ["sync", "--help"],
        "sync": ["sync", "--config", config, "--db", db],
        "list": ["list", "comments", "--json", "--config", config, "--db", db],
        "list milestones": ["list", "milestones", "--config", config, "--db", db],
        "check-feed": ["check-feed", feed, "--kind", "comment"],
        "schema": ["schema"],
        "from-csv": ["feed", "from-csv", "--kind", "press", sheet],
    }.items():
        try:
            codes[name] = main(argv)
        except SystemExit as exc:
            codes[name] = exc.code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
# httpx's own command-line client (and the rich/pygments it pulls in) is never needed.
extras = sorted(m for m, mod in sys.modules.items() if mod is not None and (m == "httpx._main" or m.split(".")[0] in ("rich", "pygments")))
print(json.dumps({"codes": codes, "textual": loaded, "extras": extras}))
"""


def test_the_cli_commands_never_import_textual(cli, tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes(feed_bytes([comment("c1")]))
    cli.config.write_text(config_toml([{"name": "inbox", "url": feed.as_uri(), "kind": "comment"}]))
    sheet = tmp_path / "press.csv"
    sheet.write_text("id,title,format,stage\np1,Hello,statement,idea\n")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(cli.config), str(cli.db), str(feed), str(sheet)],
        capture_output=True,
        text=True,
        env=cli.env(),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["codes"] == {
        "sync --help": 0,
        "sync": 0,
        "list": 0,
        "list milestones": 0,
        "check-feed": 0,
        "schema": 0,
        "from-csv": 0,
    }
    assert report["textual"] == []
    assert report["extras"] == []


def test_the_probe_would_notice_textual() -> None:
    """The check above can fail: importing the dashboard does load Textual."""
    probe = "import sys, textual; print(any(m == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "True"


def test_the_dashboards_start_leaves_ctypes_until_memory_is_given_back() -> None:
    """ctypes (for glibc's malloc_trim after a sync) cost ~6 ms of every dashboard's start
    to its first paint; it is imported when memory is first given back, not before."""
    probe = (
        "import sys, clp_tui.cli, clp_tui.app, clp_tui.screens.board, clp_tui.glance\n"
        "before = 'ctypes' in sys.modules\n"
        "from clp_tui.collector import give_back_memory\n"
        "give_back_memory()\n"
        "print(before, 'ctypes' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "True"], result.stderr


# What the board, the first screen, does not need: each is imported when first used.
LATER = [
    "html.parser",  # data/html_text.py: the sync's parser and the sources only
    "clp_tui.screens.projector",  # meeting mode
    "clp_tui.screens.help",  # `?`
    "clp_tui.screens.dialogs",  # a question asked
    "clp_tui.data.collisions",  # a decision
    "clp_tui.data.officers",  # assignment, another officer's initials
    "clp_tui.data.presence",  # a registered officer's dashboard (`--as`)
    "clp_tui.data.press",  # the press screen, the imprint check of press cards
    "clp_tui.data.upkeep",  # re-flagging and the purge, started after the first paint
    "clp_tui.data.moderation",
    "clp_tui.data.retention",
]


def test_the_dashboards_start_leaves_what_the_first_screen_does_not_need() -> None:
    """Each of these cost 1-4 ms of the start to the first paint (docs/performance.md)."""
    probe = (
        "import json, sys, clp_tui.cli, clp_tui.commands.dashboard, clp_tui.app, clp_tui.screens.board, clp_tui.glance\n"
        f"print(json.dumps([m for m in {LATER!r} if m in sys.modules]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert json.loads(result.stdout) == [], result.stderr


def test_sync_starts_without_the_listings_data() -> None:
    """The command line offers `list`'s kinds from commands/list_kinds.py: every other
    command, `sync` too, starts without the board's data and the decision log (~13 ms)."""
    probe = (
        "import json, sys, clp_tui.cli, clp_tui.commands.sync, clp_tui.data.sync\n"
        "print(json.dumps([m for m in ('clp_tui.data.board', 'clp_tui.commands.listing') if m in sys.modules]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert json.loads(result.stdout) == [], result.stderr

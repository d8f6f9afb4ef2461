"""Finding 13: raw control characters from places other than a feed's items. What
reaches a terminal goes through the one sanitiser (or JSON's \\u escapes); what
reaches a spreadsheet is never run as a formula.

Before: `feed from-csv` printed C1 controls and bidi overrides from the sheet raw in
its JSON; the CSV export left a cell starting with a space or a line break before
`=` as it was, which a spreadsheet runs as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from feedserver import comment, config_toml, feed_bytes
from frozen import CLOCK

from clp_tui.app import ClpApp
from clp_tui.config import parse_config
from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store

from .hostile_text import RAW_CONTROLS, assert_inert

SHEET_TEXT = "C1MARK\x9b2J\x9d0;title\x9c RTLMARK\u202egnp.exe\u202c ISO\u2067x\u2069 SEP\u2028END"


def test_feed_from_csv_prints_no_raw_c1_or_bidi(cli, tmp_path: Path) -> None:
    sheet = tmp_path / "comments.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text"], ["c-1", SHEET_TEXT]])
    done = cli("feed", "from-csv", "--kind", "comment", str(sheet), files=False)
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout, "feed from-csv")
    assert "\u2028" not in done.stdout
    feed = json.loads(done.stdout)
    assert feed["items"][0]["content_text"] == SHEET_TEXT  # the data itself is unchanged


def test_a_csv_cell_with_space_or_newline_before_a_formula_is_neutralised(server, cli, sync_now) -> None:
    feeds = [{"name": "inbox", "url": server.feed("inbox", feed_bytes([comment("c-1")])), "kind": "comment"}]
    cli.write_config(feeds)
    sync_now(cli.db, feeds)
    reasons = [' =HYPERLINK("https://evil.example","x")', "\n=1+1", "\t\n+SUM(A1)", " @cmd", "  -2+3", "plain = fine"]
    store = Store(cli.db, clock=CLOCK)
    for reason in reasons:
        decide(store, [("inbox", "c-1")], "moderation", "hidden", officer="O", reason=reason)
    store.close()
    done = cli("export", "decisions", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    cells = [r["reason"] for r in rows]
    assert cells[-1] == "plain = fine"
    for cell in cells[:-1]:
        assert cell.startswith("'"), cell  # a spreadsheet shows it as text


async def test_an_unknown_keys_id_in_the_dashboard_notice_is_shown_inert(tmp_path: Path) -> None:
    """Closed before this round (keymap.py cleans the ids); kept here with the other sources."""
    text = config_toml([], keys={"app.\x1b]0;pwned\x07": "x", "app.\u202eevil": "y"})
    app = ClpApp(parse_config(text), tmp_path / "cache.db", live=False, clock=CLOCK)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        told = " ".join(n.message for n in app._notifications)
        assert "app.␛]0;pwned␇" in told and "⟨U+202E⟩" in told
        for ch in RAW_CONTROLS:
            assert ch not in told and ch not in app.export_screenshot()

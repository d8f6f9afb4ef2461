"""Finding 1: a `clp-tui serve` session stays in meeting mode, whatever it is sent.

Each browser session runs the dashboard with `--locked-meeting`. Before, `M` (or a
key remapped to it in [keys], or the action run by name) left meeting mode, and
the inbox then showed commenters' names and words and took decisions. The same
app is driven here with Textual's Pilot; tests/hostile/test_serve_socket.py does
it over the real websocket.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from appwait import drained
from feedserver import comment, config_toml, feed_bytes
from frozen import CLOCK

from clp_tui.app import ClpApp
from clp_tui.config import parse_config
from clp_tui.data.store import Store
from clp_tui.meeting import LOCKED_NOTICE

NAME = "Pellinore Quagmire-4471"
WORDS = "xylophone-marmalade-9902 is my complaint"


@pytest.fixture
def cache(server, db: Path, sync_now):
    item = comment("c-1", WORDS)
    item["authors"] = [{"name": NAME}]
    feeds = [{"name": "comments", "url": server.feed("comments", feed_bytes([item])), "kind": "comment"}]
    sync_now(db, feeds)
    return feeds


def _app(feeds, db: Path, **tables) -> ClpApp:
    config = parse_config(config_toml(feeds, officer={"name": "Test Officer"}, **tables))
    return ClpApp(config, db, meeting=True, locked_meeting=True, live=False, clock=CLOCK)


def _screen(app: ClpApp) -> str:
    return html.unescape(app.export_screenshot()).replace("\u00a0", " ")


def _decisions(db: Path) -> int:
    return Store(db).query("SELECT count(*) FROM decisions")[0][0]


async def test_m_does_not_leave_a_locked_meeting(cache, db: Path) -> None:
    app = _app(cache, db)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("M", "3", "a", "x", "enter")
        await drained(pilot)
        assert app.meeting and app.theme == "clp-meeting"
        shown = _screen(app)
        assert NAME not in shown and WORDS.split()[0] not in shown
        assert _decisions(db) == 0


async def test_a_key_remapped_to_meeting_mode_does_not_leave_it(cache, db: Path) -> None:
    app = _app(cache, db, keys={"app.meeting": "w"})
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("w", "3", "a")
        await drained(pilot)
        assert app.meeting
        assert NAME not in _screen(app)
        assert _decisions(db) == 0


async def test_the_action_by_name_does_not_leave_it(cache, db: Path) -> None:
    app = _app(cache, db)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.run_action("toggle_meeting")
        app.meeting_mode.toggle()  # whatever calls it: a message, a palette entry
        await drained(pilot)
        assert app.meeting and app.theme == "clp-meeting"
        told = [n.message for n in app._notifications]
        assert LOCKED_NOTICE in told and "Meeting mode off." not in told


async def test_the_palette_offers_no_way_out(cache, db: Path) -> None:
    """No theme (it would also write the officer's config), no screenshot (a file on the
    server); comments are not found by the jump list in meeting mode."""
    app = _app(cache, db)
    async with app.run_test(size=(140, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" in titles
        assert "Theme" not in titles and "Screenshot" not in titles
        await pilot.press("ctrl+p", *"xylophone")
        await drained(pilot)
        assert "xylophone" not in _screen(app).replace("xylophone", "", 1)  # only what was typed
        await pilot.press("enter")
        await drained(pilot)
        assert app.meeting and NAME not in _screen(app)


async def test_unlocked_meeting_mode_still_toggles(cache, db: Path) -> None:
    """Guards the tests above: a terminal dashboard's meeting mode is left with M."""
    config = parse_config(config_toml(cache, officer={"name": "Test Officer"}))
    app = ClpApp(config, db, meeting=True, live=False, clock=CLOCK)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("M", "3")
        await drained(pilot)
        assert not app.meeting and NAME in _screen(app)

"""Meeting mode: nothing from the moderation inbox but counts reaches the wall."""

from __future__ import annotations

import asyncio
import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
from appwait import drained
from feedserver import FeedServer, config_toml
from frozen import CLOCK, ENV, NOW

from clp_tui.app import ClpApp
from clp_tui.config import parse_config
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds
from clp_tui.demo.world import DemoWorld

# Unique strings, so finding one on screen can only mean it leaked.
NAMES = ["Quillon Vexbury-7731", "Marisol Tenderfoot-2209", "Oswin Glaive-5550"]
WORDS = ["zanzibar-oyster-8814 says the council is useless", "periwinkle-gazebo-3301 lives at 4 Elm Row"]


def _comments(world: DemoWorld) -> dict:
    feed = world.feed("comments")
    for n, (name, words) in enumerate(zip(NAMES * 2, WORDS * 3, strict=False)):
        feed["items"].insert(
            0,
            {
                "id": f"meeting-{n}",
                "content_text": words,
                "date_published": f"2026-11-23T0{n}:00:00Z",
                "authors": [{"name": name, "url": f"https://example.invalid/{n}"}],
                "_clp": {
                    "type": "comment",
                    "platform": "facebook",
                    "channel": "Fernbridge Labour",
                    "thread_id": "t-meet",
                    "thread_title": f"Thread by {name}",
                },
            },
        )
    return feed


@pytest.fixture
def cache(tmp_path: Path):
    world = DemoWorld(NOW.date())
    bodies = {name: json.dumps(world.feed(name)).encode() for name in ("plan", "activity", "press")}
    bodies["comments"] = json.dumps(_comments(world)).encode()
    with FeedServer() as server:
        feeds = [
            {"name": n, "url": server.feed(n, bodies[n]), "kind": k}
            for n, k in (("plan", "milestone"), ("activity", "activity"), ("comments", "comment"), ("press", "press"))
        ]
        text = config_toml(feeds, False, officer={"name": "Test Officer"})
        config_path = tmp_path / "config.toml"
        config_path.write_text(text)
        config = parse_config(text, str(config_path))
        db = tmp_path / "cache.db"
        reports = asyncio.run(sync_feeds(Store(db), config))
        assert all(r.status == "ok" for r in reports)
    return config, db, config_path


def _leaks(svg: str) -> list[str]:
    text = html.unescape(svg).replace("\u00a0", " ")
    return [s for s in NAMES + [w.split()[0] for w in WORDS] if s in text]


async def test_no_name_or_comment_on_any_screen_in_meeting_mode(cache) -> None:
    config, db, _ = cache
    app = ClpApp(config, db, meeting=True, live=False, clock=CLOCK)
    async with app.run_test(size=(160, 48)) as pilot:
        for key in ("1", "2", "3", "4", "3", "f", "f", "f"):
            await pilot.press(key)
            await pilot.pause()
            assert _leaks(app.export_screenshot()) == [], f"after {key!r}"
        # The jump list leaves comments out too.
        await pilot.press("ctrl+p")
        for ch in "zanzibar":
            await pilot.press(ch)
        await drained(pilot)
        assert _leaks(app.export_screenshot()) == []


async def test_the_control_shows_them_outside_meeting_mode(cache) -> None:
    """Guards the test above: the same screens do show the names when not in a meeting."""
    config, db, _ = cache
    app = ClpApp(config, db, live=False, clock=CLOCK)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert _leaks(app.export_screenshot())


async def test_decision_keys_are_off_and_m_switches_back(cache) -> None:
    config, db, _ = cache
    app = ClpApp(config, db, meeting=True, live=False, clock=CLOCK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "a", "x", "space", "a")
        await pilot.press("4", "right_square_bracket", "n")
        await drained(pilot)
        assert Store(db).query("SELECT count(*) FROM decisions")[0][0] == 0
        assert app.theme == "clp-meeting"
        await pilot.press("M")
        await pilot.pause()
        assert not app.meeting and app.theme != "clp-meeting"
        await pilot.press("3", "a")
        await drained(pilot)
        assert Store(db).query("SELECT count(*) FROM decisions")[0][0] == 1


def test_snapshot_meeting_renders_without_names(cache, tmp_path: Path) -> None:
    _, db, config_path = cache
    out = tmp_path / "inbox.svg"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clp_tui.cli",
            "--config",
            str(config_path),
            "--db",
            str(db),
            "snapshot",
            "--screen",
            "inbox",
            "--meeting",
            "--size",
            "160x48",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **ENV},
    )
    assert result.returncode == 0, result.stderr
    svg = out.read_text()
    assert "meeting mode" in html.unescape(svg).replace("\u00a0", " ").lower()
    assert _leaks(svg) == []


def _text(app) -> str:
    return html.unescape(app.export_screenshot()).replace("\u00a0", " ")


async def test_the_inbox_on_a_projector_is_counts_by_platform_and_decision(cache) -> None:
    """It used to be a list of hundreds of "(hidden in meeting mode)" rows."""
    from textual.widgets import Digits

    config, db, _ = cache
    app = ClpApp(config, db, meeting=True, live=False, clock=CLOCK, mode="inbox")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        text = _text(app)
        assert "(hidden in meeting mode)" not in text
        assert "By platform" in text and "By decision" in text and "facebook" in text
        assert "not yet reviewed" in text
        total = Store(db).query("SELECT count(*) FROM items WHERE kind = 'comment' AND archived = 0")[0][0]
        shown = [d.value.replace(",", "") for d in app.screen.query(Digits) if d.region.height]
        assert str(total) in shown  # the big number, in Digits (three lines high)
        assert _leaks(app.export_screenshot()) == []
        # Out of meeting mode the list is back.
        await pilot.press("M")
        await pilot.pause()
        assert "By platform" not in _text(app)


async def test_the_board_on_a_projector_is_the_needs_help_list_only(cache) -> None:
    from clp_tui.data.board import is_late, load_milestones

    config, db, _ = cache
    milestones = load_milestones(Store(db, clock=CLOCK), NOW.date(), config.board.behind_margin)
    late = [m.title for m in milestones if is_late(m)]
    fine = [m.title for m in milestones if not is_late(m)]
    assert late and fine
    app = ClpApp(config, db, meeting=True, live=False, clock=CLOCK)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        text = _text(app)
        assert f"Needs help: {len(late)} overdue or behind" in text
        assert all(title[:30] in text for title in late[:5])
        assert not any(title[:30] in text for title in fine), [t for t in fine if t[:30] in text]

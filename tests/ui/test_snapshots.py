"""Snapshots of the four screens, the help and a dialog at 80x24 and 160x48 on the fixed demo data.

Regenerate on purpose with:  pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from clp_tui.data.store import Store

SCREENS = {"board": "1", "branches": "2", "inbox": "3", "press": "4"}
SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def fixed_env(env):
    """The synced demo data, with the last sync stamped two minutes before the app's clock
    (the store stamps syncs with the wall clock), so the header always says "2 min ago"."""
    store = Store(env.db)
    with store.write() as conn:
        conn.execute("UPDATE feeds SET last_ok_at = '2026-11-23T11:58:00Z', last_attempt_at = '2026-11-23T11:58:00Z'")
    store.close()
    return env


async def steady(pilot) -> None:
    """The screens re-lay themselves out on resize (column widths, weeks that fit,
    scrollbars): wait until two pictures in a row agree before the real one."""
    previous = None
    for _ in range(20):
        await pilot.pause(0.05)
        current = pilot.app.export_screenshot()
        if current == previous:
            break
        previous = current


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(fixed_env, snap_compare, name, size):
    async def run_before(pilot) -> None:
        await pilot.press(SCREENS[name])
        await steady(pilot)

    assert snap_compare(fixed_env.app(), terminal_size=size, run_before=run_before)


# Over the board: `?` opens the help, `s` the status dialog for the milestone under the cursor,
# `F` the feed-status panel.
OVERLAYS = {"help": "question_mark", "status_dialog": "s", "feed_status": "F"}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(OVERLAYS))
def test_overlay(fixed_env, snap_compare, name, size):
    async def run_before(pilot) -> None:
        await steady(pilot)
        await pilot.press(OVERLAYS[name])
        await steady(pilot)

    assert snap_compare(fixed_env.app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["board", "inbox"])
def test_meeting(fixed_env, snap_compare, name, size):
    """Meeting mode on a projector: big-number tiles and roomy rows, no names of the public."""

    async def run_before(pilot) -> None:
        await pilot.press(SCREENS[name])
        await steady(pilot)

    assert snap_compare(fixed_env.app(meeting=True), terminal_size=size, run_before=run_before)

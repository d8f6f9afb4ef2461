"""Every size: the layout follows a resize at once, and at 80x24 the footer still offers
`?` Help and `q` Quit and the inbox still shows the comment's words."""

from __future__ import annotations

import re

import pytest

from clp_tui.screens.branches import BranchesScreen

from .conftest import row_text

SCREENS = {"board": "1", "branches": "2", "inbox": "3", "press": "4"}


def screen_lines(app) -> list[str]:
    """The text on the terminal, one string a line, as the compositor drew it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def settled(pilot) -> None:
    """Wait until two pictures in a row agree (resizes are laid out a frame or two later)."""
    previous = None
    for _ in range(20):
        await pilot.pause(0.05)
        current = screen_lines(pilot.app)
        if current == previous:
            return
        previous = current


def side_by_side(screen) -> bool:
    main, preview = screen.query_one(".split .main-list"), screen.query_one(".split .preview")
    if preview.region.x >= main.region.right and preview.region.y == main.region.y:
        return True
    assert preview.region.y >= main.region.bottom, (main.region, preview.region)  # stacked, then
    return False


@pytest.mark.parametrize("name", ["board", "inbox"])
async def test_the_layout_follows_each_resize_at_once(env, name):
    app = env.app(start=name)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        assert side_by_side(app.screen)
        await pilot.resize_terminal(80, 24)
        await settled(pilot)
        assert app.has_class("narrow") and not app.has_class("wide")
        assert not side_by_side(app.screen), "at 80 columns the detail goes under the list"
        await pilot.resize_terminal(160, 48)
        await settled(pilot)
        assert not app.has_class("narrow") and app.has_class("wide")
        assert side_by_side(app.screen), "back at 160 columns the detail is beside the list again"


async def test_the_branch_grid_shows_the_weeks_that_fit_after_each_resize(env):
    app = env.app(start="branches")
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, BranchesScreen)
        wide = len(screen.weeks)
        await pilot.resize_terminal(80, 24)
        await settled(pilot)
        assert len(screen.weeks) == screen._week_count(80) < wide
        await pilot.resize_terminal(160, 48)
        await settled(pilot)
        assert len(screen.weeks) == wide


@pytest.mark.parametrize("name", list(SCREENS))
async def test_at_80_columns_the_footer_starts_with_help_and_quit(env, name):
    app = env.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(SCREENS[name])
        await settled(pilot)
        footer = screen_lines(app)[-1]
        assert footer.lstrip().startswith("? Help  q Quit"), footer


async def test_at_80_columns_the_inbox_keeps_the_comment_text(env):
    app = env.app(start="inbox")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        rows = app.screen.rows
        c = app.screen.current()
        line = row_text(rows, rows.cursor)
        # The platform is in the preview: the words get its room, and the decision keeps its word.
        assert "○ new" in line and c.platform not in line.split(c.author[:5])[0], line
        words = " ".join(c.body.split())
        assert words[:38] in line, line


async def test_a_very_narrow_inbox_row_shows_the_decision_as_its_symbol(env):
    app = env.app(start="inbox")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        c = app.screen.current()
        line = "".join(t.plain for t in app.screen.source.render_row(app.screen.rows.cursor, 60, 1))
        # The symbol, then straight to the date: no decision word, no platform.
        assert re.match(r"  ‼ ○ \d\d-\d\d ", line), line
        assert " ".join(c.body.split())[:30] in line, line


async def test_at_160_columns_the_board_shows_whole_titles_and_owners(env):
    app = env.app(start="board")
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        screen = app.screen
        milestones = [(i, r) for i, r in enumerate(screen.source.rows) if not isinstance(r, str)]
        for index, m in milestones:
            line = row_text(screen.rows, index)
            assert m.title in line, line
            assert (m.ext.owner or "-")[:24] in line, line
        # The detail pane beside it is narrower than the list: the rows have the width.
        assert screen.query_one(".preview").region.width * 2 < screen.rows.region.width


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_press_cards_wrap_their_titles_onto_two_lines(env, size):
    app = env.app(start="press")
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        kanban = app.screen.kanban
        lines = screen_lines(app)
        top = kanban.content_region.y + 2  # under the column titles and their rule
        for key, x, width in kanban._layout():
            card = app.screen.sources[key].cards[0]
            left = kanban.content_region.x + x + 1  # a card's lines start one column in
            first, second = (lines[top + n][left : left + width - 1].strip() for n in (0, 1))
            shown = (first + second if first.endswith("-") else f"{first} {second}").strip().rstrip("…")
            assert card.title.startswith(shown), (card.title, first, second)
            assert len(shown) > width + 3 or shown == card.title, (card.title, first, second)


async def test_at_160_columns_the_branch_detail_shows_every_metric_and_week(env):
    app = env.app(start="branches")
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        screen = app.screen
        box = screen.query_one("#branch-detail-box")
        shown = "\n".join(
            line[box.region.x : box.region.right] for line in screen_lines(app)[box.region.y : box.region.bottom]
        )
        for metric in screen.metrics:
            assert f"\n│ {metric.replace('_', ' ')} " in shown, shown
        for week in screen.weeks:
            assert week[5:] in shown.splitlines()[2], shown
        assert box.region.height == len(screen.metrics) + 4  # a line each, a heading, a week row, a border

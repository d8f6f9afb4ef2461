"""The branch activity grid: m, S and enter."""

from __future__ import annotations

from clp_tui.data.branches import SORTS
from clp_tui.screens.branches import BranchesScreen

from .conftest import SIZE, plain


async def open_branches(pilot) -> BranchesScreen:
    if not isinstance(pilot.app.screen, BranchesScreen):
        await pilot.press("2")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BranchesScreen)
    return screen


def title(screen: BranchesScreen) -> str:
    return str(screen.query_one("#grid").border_title)


async def test_m_cycles_the_metric(env):
    async with env.app(start="branches").run_test(size=SIZE) as pilot:
        screen = await open_branches(pilot)
        metrics = list(screen.metrics)
        assert metrics[0] == "doors" and len(metrics) > 2
        assert title(screen).startswith("doors per week")
        first_cells = [str(c) for c in screen.row_cells(0)]
        seen = []
        for metric in metrics[1:] + metrics[:1]:
            await pilot.press("m")
            assert screen.metric == metric
            assert title(screen).startswith(f"{metric.replace('_', ' ')} per week")
            seen.append(metric)
        assert seen[-1] == "doors"  # wrapped round
        assert [str(c) for c in screen.row_cells(0)] == first_cells
        await pilot.press("m")
        assert [str(c) for c in screen.row_cells(0)] != first_cells  # the cells show the new metric


async def test_S_cycles_the_sort(env):
    async with env.app(start="branches").run_test(size=SIZE) as pilot:
        screen = await open_branches(pilot)
        assert screen.sort == "total" and "sorted by total" in title(screen)
        totals = [b.total(screen.window, "doors") for b in screen.shown]
        assert totals == sorted(totals, reverse=True)
        for sort in SORTS[1:] + SORTS[:1]:
            await pilot.press("S")
            assert screen.sort == sort and f"sorted by {sort}" in title(screen)
            if sort == "name":
                names = [b.branch for b in screen.shown]
                assert names == sorted(names, key=str.lower)
            if sort == "target":
                flags = [b.target_ward for b in screen.shown]
                assert flags == sorted(flags, reverse=True)
        # the cursor stays on its branch when the sort changes
        await pilot.press("down", "down")
        branch = screen.current().branch
        await pilot.press("S", "S")  # total -> trend -> name
        assert screen.sort == "name"
        assert screen.current().branch == branch
        assert branch in plain(screen.query_one("#branch-detail"))


async def test_enter_toggles_the_detail(env):
    async with env.app(start="branches").run_test(size=SIZE) as pilot:
        screen = await open_branches(pilot)
        box = screen.query_one("#branch-detail-box")
        height = box.size.height
        assert not box.has_class("expanded")
        await pilot.press("enter")
        assert box.has_class("expanded")
        assert box.size.height > height
        await pilot.press("enter")
        assert not box.has_class("expanded") and box.size.height == height
        # the detail follows the cursor
        assert screen.shown[0].branch in plain(screen.query_one("#branch-detail")).splitlines()[0]
        await pilot.press("down")
        assert screen.shown[1].branch in plain(screen.query_one("#branch-detail")).splitlines()[0]


async def test_j_and_k_move_in_the_grid_as_in_every_other_list(env):
    """Every list in the dashboard moves with j/k (RowList, the dialogs), the branch grid too."""
    async with env.app(start="branches").run_test(size=SIZE) as pilot:
        screen = await open_branches(pilot)
        await pilot.press("j", "j")
        assert screen.current().branch == screen.shown[2].branch
        await pilot.press("k")
        assert screen.current().branch == screen.shown[1].branch


async def test_only_target_wards_are_marked_in_the_target_colour(env):
    """The ★ and its bold yellow mark a target ward. The name cell is built as
    Text("★ " or "  ", style="bold yellow") and the name appended to it, so the base style
    paints every branch name bold yellow: on screen every branch looks like a target ward."""
    from rich.console import Console

    async with env.app(start="branches").run_test(size=SIZE) as pilot:
        screen = await open_branches(pilot)
        console = Console(width=200)
        painted_yellow = []
        for index, branch in enumerate(screen.shown):
            cell = screen.row_cells(index)[0]
            name_segments = [s for s in console.render(cell) if s.text.strip() and s.text.strip() != "★"]
            yellow = any(s.style and s.style.color and "yellow" in s.style.color.name for s in name_segments)
            if yellow and not branch.target_ward:
                painted_yellow.append(branch.branch)
        assert painted_yellow == [], f"non-target branches painted in the target colour: {painted_yellow}"

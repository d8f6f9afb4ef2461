"""The campaign board: s, p, o, t, and the late milestones first."""

from __future__ import annotations

import json

from appwait import drained
from textual.widgets import Input, OptionList

from clp_tui.data.board import load_milestones
from clp_tui.screens.board import NEEDS_HELP, STATUSES, BoardScreen
from clp_tui.screens.dialogs import AskChoice, AskText

from .conftest import OFFICER, SIZE, TODAY, decisions, plain, row_text, settle, state, type_text


async def open_board(pilot) -> BoardScreen:
    await pilot.press("1")
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def milestones(screen: BoardScreen) -> list:
    return [r for r in screen.source.rows if not isinstance(r, str)]


async def test_late_milestones_first_and_t_toggles_grouping(env):
    async with env.app().run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        rows = screen.source.rows
        all_late = [m for m in load_milestones(env.store(), TODAY) if m.rag in ("overdue", "behind")]
        assert all_late, "the demo plan has late milestones on 23 Nov 2026"
        assert rows[0] == f"{NEEDS_HELP} ({len(all_late)})"
        head = rows[1 : 1 + len(all_late)]
        assert [m.id for m in head] == [m.id for m in all_late]
        assert all(m.rag in ("overdue", "behind") for m in head)
        assert not any(getattr(m, "rag", None) in ("overdue", "behind") for m in rows[1 + len(all_late) :])
        # overdue before behind
        rags = [m.rag for m in head]
        assert rags == sorted(rags, key=["overdue", "behind"].index)
        # the cursor starts on the first milestone, not on the group heading
        assert screen.current() is not None and screen.current().id == head[0].id
        assert "OVERDUE" in row_text(screen.rows, 1)
        assert "overdue" in str(screen.rows.border_title)

        # t groups by strand instead of horizon; the late ones stay first
        by_horizon = [r for r in screen.source.rows if isinstance(r, str)]
        assert any(h.startswith("Short term") for h in by_horizon)
        assert "by horizon" in str(screen.rows.border_title)
        await pilot.press("t")
        headings = [r for r in screen.source.rows if isinstance(r, str)]
        assert screen.group_by == "strand" and "by strand" in str(screen.rows.border_title)
        assert headings[0].startswith(NEEDS_HELP)  # the late ones stay first
        assert any(h.startswith("Doorstep") for h in headings)
        assert not any("term" in h for h in headings)
        # every milestone is still there, once
        assert sorted(m.id for m in milestones(screen)) == sorted(m.id for m in load_milestones(env.store(), TODAY))
        await pilot.press("t")
        assert [r for r in screen.source.rows if isinstance(r, str)] == by_horizon


async def test_s_sets_status_with_a_reason(env):
    async with env.app().run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        m = screen.current()
        assert m.rag == "overdue" and m.status != "done"
        # Escape from either dialog records nothing
        await pilot.press("s", "escape")
        assert isinstance(pilot.app.screen, BoardScreen)
        await pilot.press("s", "enter")
        assert isinstance(pilot.app.screen, AskText)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen) and decisions(env.db) == []

        await pilot.press("s")
        choice = pilot.app.screen
        assert isinstance(choice, AskChoice)
        options = choice.query_one(OptionList)
        assert options.option_count == len(STATUSES)
        # j/k move through the statuses, starting from the current one
        start = options.highlighted
        steps = STATUSES.index("done") - start
        await pilot.press(*(["j"] * steps if steps > 0 else ["k"] * -steps))
        await pilot.press("enter")
        ask = pilot.app.screen
        assert isinstance(ask, AskText)
        assert "now done" in ask.prompt.plain
        await pilot.press("enter")  # a reason is required
        await pilot.pause()
        assert pilot.app.screen is ask and decisions(env.db) == []
        await type_text(pilot, "course run on 20 Nov")
        await pilot.press("enter")
        await settle(pilot, lambda: bool(state(env.db, "status")) and screen.milestones[m.id].rag == "done")
        assert state(env.db, "status") == {(m.feed, m.id): "done"}
        [row] = decisions(env.db, "status")
        assert row["reason"] == "course run on 20 Nov" and row["officer"] == OFFICER
        # no longer in "Needs help"; the detail says the status was set here
        late = [r for r in screen.source.rows[1:] if not isinstance(r, str) and r.rag in ("overdue", "behind")]
        assert m.id not in {r.id for r in late}
        assert screen.current().id == m.id  # the cursor follows the milestone
        assert "set here" in plain(screen.query_one("#board-detail"))


async def test_p_records_progress(env):
    async with env.app().run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        m = screen.current()
        assert m.ext.target and m.achieved is not None
        await pilot.press("p")
        ask = pilot.app.screen
        assert isinstance(ask, AskText)
        box = ask.query_one(Input)
        assert box.value == f"{m.achieved:g}"  # prefilled with the progress so far
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "-5")
        await pilot.press("enter")
        assert pilot.app.screen is ask and "0 or more" in plain(ask.query_one("#dialog-hint"))
        assert decisions(env.db) == []
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "24")
        await pilot.press("enter")
        await settle(pilot, lambda: bool(state(env.db, "progress")) and screen.milestones[m.id].achieved == 24)
        assert state(env.db, "progress") == {(m.feed, m.id): 24}
        [row] = decisions(env.db, "progress")
        assert json.loads(row["value"]) == 24 and row["officer"] == OFFICER
        detail = plain(screen.query_one("#board-detail"))
        assert "24 of 24" in detail and "(recorded here)" in detail


async def test_o_toggles_an_owner_filter(env):
    async with env.app().run_test(size=SIZE) as pilot:
        screen = await open_board(pilot)
        everything = len(milestones(screen))
        owner = screen.current().ext.owner
        assert owner
        await pilot.press("o")
        assert screen.filter_text == f'owner:"{owner}"'
        shown = milestones(screen)
        assert 0 < len(shown) < everything and {m.ext.owner for m in shown} == {owner}
        assert owner in plain(screen.query_one("#filter-line"))
        await pilot.press("o")
        assert screen.filter_text == "" and len(milestones(screen)) == everything
        assert not screen.query_one("#filter-line").display


async def test_p_refuses_a_number_that_is_not_finite(env, cli):
    """The number box accepts 1e400 (float() makes it inf); saved as progress it becomes
    the JSON token Infinity in the decision log and in `clp-tui list milestones --json`."""
    async with env.app().run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await pilot.press("p", "ctrl+a", "ctrl+k")
        await type_text(pilot, "1e400")
        await pilot.press("enter")
        await drained(pilot)
        stored = [r["value"] for r in decisions(env.db, "progress")]
        assert stored == [], f"non-finite progress saved: {stored}"
        assert isinstance(pilot.app.screen, AskText)
    result = cli("list", "milestones", "--json")
    assert result.returncode == 0 and "Infinity" not in result.stdout

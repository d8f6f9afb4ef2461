"""The shell: screen keys, help, the `/` filter, the command palette, remapped keys, quit."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from clp_tui.screens.board import BoardScreen
from clp_tui.screens.branches import BranchesScreen
from clp_tui.screens.help import HelpScreen
from clp_tui.screens.inbox import InboxScreen
from clp_tui.screens.press import PressScreen

from .conftest import SIZE, decisions, plain, settle, state, type_text


async def test_number_keys_switch_screens(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        for key, screen in (("2", BranchesScreen), ("3", InboxScreen), ("4", PressScreen), ("1", BoardScreen)):
            await pilot.press(key)
            assert isinstance(app.screen, screen), key
            header = app.screen.query_one("#status").render().plain
            assert f" {app.screen.TITLE} " in header


async def test_help_lists_the_screens_keys_and_escape_closes(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "3 Inbox"
        described = {desc: (keys, ident) for keys, desc, ident in app.screen.rows}
        for word in ("Approve", "Hide", "Escalate", "Undo", "Filter", "Quit"):
            assert word in described, described
        assert described["Approve"] == ("a", "inbox.approve")
        assert "Status" not in described  # the board's keys are not offered on the inbox
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)

        await pilot.press("1", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {desc for _, desc, _ in app.screen.rows}
        assert {"Status", "Progress", "Owner"} <= described
        assert "Approve" not in described
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)
        # q on the help screen closes it; it does not quit the app
        await pilot.press("question_mark", "q")
        assert isinstance(app.screen, BoardScreen) and app.is_running


async def test_inbox_filter_by_field_and_words_then_escape_clears(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        screen = app.screen
        everything = screen.source.total
        assert everything == 200
        await pilot.press("slash")
        box = screen.query_one("#filter", Input)
        assert box.has_focus
        # typed letters go to the box: "a", "x", "e", "r" decide nothing
        await type_text(pilot, "platform:x")
        shown = [screen.source.get(i) for i in range(screen.source.total)]
        assert 0 < len(shown) < everything
        assert {c.platform for c in shown} == {"x"}  # not nextdoor, which has an x in it
        assert "filter: platform:x" in plain(screen.query_one("#filter-line"))
        assert f"{len(shown)} comments" in str(screen.rows.border_title)

        await type_text(pilot, " phone")  # words and field:value together
        shown = [screen.source.get(i) for i in range(screen.source.total)]
        assert shown and all(c.platform == "x" and "phone" in c.body.lower() for c in shown)
        assert decisions(env.db) == []

        await pilot.press("escape")
        assert screen.filter_text == ""
        assert screen.source.total == everything
        assert not box.display
        assert not screen.query_one("#filter-line").display
        assert screen.rows.has_focus

        # Enter keeps the filter and returns to the list; Escape there clears it
        await pilot.press("slash")
        await type_text(pilot, "platform:youtube")
        await pilot.press("enter")
        assert screen.rows.has_focus and not box.display
        assert {screen.source.get(i).platform for i in range(screen.source.total)} == {"youtube"}
        await pilot.press("escape")
        assert screen.filter_text == "" and screen.source.total == everything


async def test_board_owner_filter_typed_and_unknown_fields_named(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        before = [r for r in screen.source.rows if not isinstance(r, str)]
        await pilot.press("slash")
        await type_text(pilot, "owner:data")
        after = [r for r in screen.source.rows if not isinstance(r, str)]
        assert 0 < len(after) < len(before)
        assert {m.ext.owner for m in after} == {"Data Officer"}
        await type_text(pilot, " colour:red")
        assert "unknown field(s) colour ignored" in plain(screen.query_one("#filter-line"))
        await pilot.press("escape")
        assert len([r for r in screen.source.rows if not isinstance(r, str)]) == len(before)


async def test_press_stage_filter(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "slash")
        await type_text(pilot, "stage:regional")
        screen = app.screen
        counts = {stage: len(src.cards) for stage, src in screen.sources.items()}
        assert counts["regional_review"] == 3
        assert sum(counts.values()) == 3
        await pilot.press("escape")
        assert sum(len(src.cards) for src in screen.sources.values()) == 25


async def test_branches_filter_by_word(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        await type_text(pilot, "fernbridge")
        screen = app.screen
        assert screen.shown and all("fernbridge" in b.branch.lower() for b in screen.shown)
        assert len(screen.shown) < len(screen.branches)
        await pilot.press("escape")
        assert len(screen.shown) == len(screen.branches)


async def test_command_palette_jumps_to_a_comment(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "library still shut")
        results = app.screen.query_one(CommandList)
        await settle(pilot, lambda: results.option_count > 0)
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert any("Comment:" in p and "library still shut" in p for p in prompts), prompts
        results.highlighted = next(i for i, p in enumerate(prompts) if "library still shut" in p)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, InboxScreen))
        await settle(pilot)
        screen = app.screen
        current = screen.current()
        assert current is not None and "library still shut" in current.body
        assert screen.view == "all"
        assert screen.rows.has_focus


async def test_command_palette_jumps_to_a_spiked_press_card(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "charity fun run")
        results = app.screen.query_one(CommandList)
        await settle(pilot, lambda: results.option_count > 0)
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        results.highlighted = next(i for i, p in enumerate(prompts) if p.startswith("Press card:"))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, PressScreen))
        await settle(pilot)
        screen = app.screen
        assert screen.show_spiked and "spiked" in screen.kanban.keys
        assert screen.focused_stage() == "spiked"
        assert screen.current().title == "The candidate's charity fun run"


async def test_remapped_key_approves_and_old_key_does_not(env):
    env.with_keys({"inbox.approve": "y"})
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        screen = app.screen
        first = screen.current().key
        await pilot.press("a")
        await settle(pilot)
        assert decisions(env.db) == []
        await pilot.press("y")
        await settle(pilot, lambda: bool(state(env.db, "moderation")))
        assert state(env.db, "moderation") == {first: "approved"}
        await pilot.press("question_mark")  # help shows the key as mapped now
        described = {desc: keys for keys, desc, _ in app.screen.rows}
        assert described["Approve"] == "y"


async def test_q_quits(env):
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_the_app_keeps_its_long_lived_objects_from_the_collector_and_lets_them_go_at_exit(env):
    """A full collection over every widget and style took 40-70 ms, in the middle of a keypress."""
    import gc

    async with env.app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        await settle(pilot, lambda: gc.get_freeze_count() > 0)
    assert gc.get_freeze_count() == 0


async def test_the_collector_paused_for_start_up_is_back_on_once_the_first_screen_is_painted(env):
    """The command line turns the collector off while the dashboard starts (clp_tui/collector.py);
    the App must turn it back on, or a dashboard running for hours would never collect."""
    import gc

    from clp_tui import collector

    try:
        collector.pause_during_startup()
        assert not gc.isenabled()
        async with env.app().run_test(size=SIZE) as pilot:
            await pilot.pause()
            await settle(pilot, gc.isenabled)
            assert gc.get_freeze_count() > 0  # start-up frozen first, then collection resumed
    finally:
        collector.resume_after_startup()
    assert gc.isenabled()


def test_a_command_that_is_not_the_dashboard_runs_with_the_collector_on(capsys) -> None:
    """`clp-tui` pauses the collector before it knows the command; every other command gets it back."""
    import gc

    from clp_tui.cli import main

    assert main(["schema"]) == 0
    assert gc.isenabled()


async def test_the_app_puts_the_collector_thresholds_back_at_exit(env):
    import gc

    before = gc.get_threshold()
    async with env.app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.get_threshold() != before
    assert gc.get_threshold() == before

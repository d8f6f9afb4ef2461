"""Undo you can trust: each screen undoes its own decisions, says what it undid,
puts the cursor on it, and has redo; every decision confirms in one line."""

from __future__ import annotations

from appwait import drained

from clp_tui.screens.board import BoardScreen
from clp_tui.screens.inbox import InboxScreen

from .conftest import SIZE, notifications, state


async def set_progress(pilot, screen: BoardScreen, amount: str) -> tuple[str, str]:
    m = screen.current()
    await pilot.press("p", "ctrl+a", "ctrl+k", *amount, "enter")
    await drained(pilot)
    return (m.feed, m.id)


async def test_a_milestone_set_on_the_board_survives_u_in_the_inbox(env):
    async with env.app().run_test(size=SIZE) as pilot:
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        key = await set_progress(pilot, board, "7")
        assert state(env.db, "progress") == {key: 7}
        await pilot.press("3")
        assert isinstance(pilot.app.screen, InboxScreen)
        await pilot.press("u")
        await drained(pilot)
        assert state(env.db, "progress") == {key: 7}, "u in the inbox undid the board's decision"
        assert "Nothing to undo on this screen." in notifications(pilot.app)


async def test_undo_names_what_it_undid_moves_to_it_and_U_redoes_it(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        inbox = pilot.app.screen
        assert isinstance(inbox, InboxScreen)
        first = inbox.current()
        await pilot.press("x")
        await drained(pilot)
        said = notifications(pilot.app)[-1]
        assert (
            said
            == f"hide · {first.author[:23]}{'…' if len(first.author) > 24 else first.author[23:]} · press u to undo"
        )
        assert state(env.db, "moderation") == {first.key: "hidden"}
        await pilot.press("j", "j")
        await pilot.press("u")
        await drained(pilot)
        await drained(pilot)
        assert state(env.db, "moderation") == {}
        said = notifications(pilot.app)[-1]
        assert said.startswith(f"undid: hide · {first.author[:10]}") and said.endswith(" · press U to redo"), said
        assert inbox.current().key == first.key, "the cursor did not go to what was undone"
        await pilot.press("U")
        await drained(pilot)
        assert state(env.db, "moderation") == {first.key: "hidden"}
        assert notifications(pilot.app)[-1].startswith("redid: hide · ")


async def test_undo_on_the_board_is_the_boards_own(env):
    async with env.app().run_test(size=SIZE) as pilot:
        board = pilot.app.screen
        key = await set_progress(pilot, board, "3")
        await pilot.press("u")
        await drained(pilot)
        assert state(env.db, "progress") == {}
        assert notifications(pilot.app)[-1].startswith("undid: progress 3 · ")
        assert board.current() is not None and (board.current().feed, board.current().id) == key


def test_no_decision_key_is_a_movement_key_on_any_screen() -> None:
    """A vim user's `h` on the press board moves left; in the inbox it once hid a comment."""
    from clp_tui.registry import SCREENS

    movement = {"h", "j", "k", "l", "left", "right", "up", "down"}
    for screen in (entry.screen_class() for entry in SCREENS):
        for binding in screen.BINDINGS:
            keys = set(binding.key.split(","))
            if binding.action in getattr(screen, "DECISION_ACTIONS", set()):
                assert not keys & movement, (screen.__name__, binding.action, binding.key)


async def test_help_says_what_each_decision_does(env):
    import html
    import re

    async with env.app(start="inbox").run_test(size=(160, 48)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        svg = html.unescape(pilot.app.export_screenshot()).replace("\xa0", " ")
        text = " ".join(re.sub(r"<[^>]+>", "", svg).split())
        assert "Reply: marks it as needing a reply from the CLP" in text
        assert "Hide: the comment should not be seen" in text


async def test_bulk_selection_on_the_board_sets_every_status_and_one_undo_takes_them_back(env):
    from textual.widgets import OptionList

    from clp_tui.screens.board import STATUSES

    async with env.app().run_test(size=SIZE) as pilot:
        board = pilot.app.screen
        first = board.current()
        await pilot.press("space")  # one milestone; the cursor moves on
        await pilot.press("V")  # and the range from it to the cursor: two
        assert len(board.selected) == 2
        await pilot.press("s")
        options = pilot.app.screen.query_one(OptionList)
        steps = STATUSES.index("at_risk") - options.highlighted
        await pilot.press(*(["j"] * steps if steps > 0 else ["k"] * -steps), "enter")
        await pilot.press(*"volunteers ill", "enter")
        await drained(pilot)
        statuses = state(env.db, "status")
        assert len(statuses) == 2 and set(statuses.values()) == {"at_risk"} and (first.feed, first.id) in statuses
        assert board.selected == {}
        await pilot.press("u")
        await drained(pilot)
        assert state(env.db, "status") == {}


async def test_select_all_shown_in_the_inbox_then_approve(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        inbox = pilot.app.screen
        shown = len(inbox.rows.visible_rows())
        await pilot.press("asterisk")
        assert len(inbox.selected) == shown > 5
        await pilot.press("a")
        await drained(pilot)
        assert len(state(env.db, "moderation")) == shown


async def test_bulk_selection_on_the_press_board_moves_every_card_and_one_undo_takes_them_back(env):
    from clp_tui.screens.press import PressScreen

    async with env.app(start="press").run_test(size=SIZE) as pilot:
        press = pilot.app.screen
        assert isinstance(press, PressScreen)
        await drained(pilot)
        stage = press.focused_stage()
        cards = press.sources[stage].cards
        assert len(cards) >= 2, stage
        await pilot.press("asterisk")
        assert set(press.selected) == {c.key for c in cards}
        await pilot.press("right_square_bracket")
        await drained(pilot)
        moved = state(env.db, "stage")
        assert {c.key for c in cards if c.key in moved} == set(moved) and len(moved) >= 1
        await pilot.press("u")
        await drained(pilot)
        assert state(env.db, "stage") == {}

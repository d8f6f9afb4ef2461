"""The moderation inbox: every key, checked in the store and on screen."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor, wait

from appwait import drained

from clp_tui.screens.dialogs import AskText
from clp_tui.screens.inbox import InboxScreen

from .conftest import OFFICER, SIZE, burst, decisions, plain, row_text, settle, state, type_text


async def open_inbox(pilot) -> InboxScreen:
    if not isinstance(pilot.app.screen, InboxScreen):
        await pilot.press("3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def moderation(env) -> dict:
    return state(env.db, "moderation")


async def landed(pilot, env, screen: InboxScreen, n: int) -> None:
    """Wait until n moderation decisions are in the store AND the unreviewed list shows it."""
    try:
        await settle(pilot, lambda: len(moderation(env)) == n and screen.source.total == 200 - n)
    except AssertionError:
        raise AssertionError(
            f"{n} decisions expected; store has {moderation(env)}, the list shows {screen.source.total} unreviewed"
        ) from None


async def test_a_h_r_record_their_decisions(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        expected = {}
        for n, (key, value) in enumerate((("a", "approved"), ("x", "hidden"), ("r", "needs_reply")), start=1):
            target = screen.current()
            assert target is not None and target.decision is None
            await pilot.press(key)
            await landed(pilot, env, screen, n)
            expected[target.key] = value
            assert moderation(env) == expected
            # gone from the unreviewed view; the title counts it
            assert f"{200 - n} comments" in str(screen.rows.border_title)
            assert all(screen.source.get(i).key != target.key for i in range(screen.source.total))
        log = decisions(env.db, "moderation")
        assert [((r["feed"], r["item_id"]), json.loads(r["value"]), r["officer"]) for r in log] == [
            (k, v, OFFICER) for k, v in expected.items()
        ]


async def test_e_escalates_with_a_required_reason(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        target = screen.current()
        await pilot.press("e", "x", "escape")  # Escape cancels
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen) and decisions(env.db) == []
        await pilot.press("e")
        dialog = pilot.app.screen
        assert isinstance(dialog, AskText)
        assert "Governance and Legal Unit" in dialog.prompt.plain
        assert target.author in dialog.prompt.plain
        # Enter on an empty (or blank) reason is refused and the dialog stays.
        await pilot.press("enter")
        assert pilot.app.screen is dialog
        assert "cannot be empty" in plain(dialog.query_one("#dialog-hint"))
        await type_text(pilot, "   ")
        await pilot.press("enter")
        assert pilot.app.screen is dialog
        assert decisions(env.db) == []
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "threat of violence")
        await pilot.press("enter")
        await settle(pilot, lambda: target.key in moderation(env))
        assert isinstance(pilot.app.screen, InboxScreen)
        row = state_row(env, target.key)
        assert row["value"] == '"escalated"' and row["reason"] == "threat of violence"
        assert row["officer"] == OFFICER
        # the escalated view lists it, with the reason in the preview
        while screen.view != "escalated":
            await pilot.press("f")
        assert screen.source.total == 1 and screen.current().key == target.key
        await settle(pilot)
        assert "threat of violence" in plain(screen.query_one("#inbox-detail"))


def state_row(env, key) -> dict:
    store = env.store()
    try:
        rows = store.query("SELECT * FROM decision_state WHERE feed = ? AND item_id = ? AND field = 'moderation'", key)
        return dict(rows[0])
    finally:
        store.close()


async def test_u_undoes_the_last_decision(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        target = screen.current()
        await pilot.press("x")
        await settle(pilot, lambda: target.key in moderation(env) and screen.source.total == 199)
        await pilot.press("u")
        await settle(pilot, lambda: target.key not in moderation(env) and screen.source.total == 200)
        assert moderation(env) == {}
        log = decisions(env.db, "moderation")
        assert len(log) == 2
        assert log[1]["undoes"] == log[0]["seq"] and log[1]["value"] is None
        assert screen.source.total == 200
        assert any(screen.source.get(i).key == target.key for i in range(screen.source.total))
        # a second undo has nothing left in this session
        await pilot.press("u")
        await settle(pilot)
        assert len(decisions(env.db, "moderation")) == 2


async def test_space_selects_then_a_applies_to_all_selected(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        picked = [screen.source.get(i).key for i in (0, 1, 4)]
        # space selects and steps down; space again on a selected one deselects it
        await pilot.press("space", "space", "space", "k", "space")
        assert len(screen.selected) == 2
        await pilot.press("j", "space")
        assert len(screen.selected) == 3
        assert "3 selected" in str(screen.rows.border_title)
        assert "◆" in row_text(screen.rows, 0) and "◆" not in row_text(screen.rows, 2)
        await pilot.press("a")
        await landed(pilot, env, screen, 3)
        assert moderation(env) == {k: "approved" for k in picked}
        assert len(decisions(env.db, "moderation")) == 3
        assert not screen.selected
        assert "selected" not in str(screen.rows.border_title)
        # one u undoes the whole bulk decision
        await pilot.press("u")
        await settle(pilot, lambda: moderation(env) == {} and screen.source.total == 200)
        assert len(decisions(env.db, "moderation")) == 6


async def test_f_cycles_view(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        await pilot.press("e")
        await type_text(pilot, "legal")
        await pilot.press("enter")
        await landed(pilot, env, screen, 1)
        seen = []
        for _ in range(4):
            seen.append((screen.view, screen.source.total))
            assert str(screen.rows.border_title).startswith(screen.view)
            if screen.view == "flagged":
                shown = [screen.source.get(i) for i in range(screen.source.total)]
                assert all(c.flagged for c in shown)
                assert sum("locked up" in c.body for c in shown) == 5  # the watch word
                assert "‼" in row_text(screen.rows, 0)
            await pilot.press("f")
        assert [v for v, _ in seen] == ["unreviewed", "flagged", "escalated", "all"]
        totals = dict(seen)
        assert totals["unreviewed"] == 199 and totals["escalated"] == 1 and totals["all"] == 200
        assert 0 < totals["flagged"] < 200
        assert screen.view == "unreviewed"  # wrapped round


async def test_P_cycles_platform(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        platforms = ["facebook", "facebook_group", "instagram", "nextdoor", "x", "youtube"]
        for platform in platforms:
            await pilot.press("P")
            assert screen.platform == platform
            shown = {screen.source.get(i).platform for i in range(screen.source.total)}
            assert shown == {platform}
            assert platform in str(screen.rows.border_title)
        await pilot.press("P")
        assert screen.platform is None and screen.source.total == 200


async def test_cursor_lands_on_the_next_unreviewed_comment(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        # in the "all" view too, the next unreviewed comment slides under the cursor
        await pilot.press("f", "f", "f")
        assert screen.view == "all"
        order = [screen.source.get(i).key for i in range(5)]
        await pilot.press("j")  # start on the second row
        await pilot.pause()
        for n, expected_next in enumerate(order[2:4], start=1):
            await pilot.press("a")
            await settle(pilot, lambda n=n, k=expected_next: len(moderation(env)) == n and screen.current().key == k)
            assert screen.current().key == expected_next
            assert screen.current().decision is None


async def test_ten_presses_triage_ten_comments(env):
    """N comments take N keypresses, each landing before the next (an officer's pace)."""
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        expected = [screen.source.get(i).key for i in range(10)]
        for n in range(1, 11):
            await pilot.press("a")
            await landed(pilot, env, screen, n)
        log = decisions(env.db, "moderation")
        assert len(log) == 10
        assert len({(r["feed"], r["item_id"]) for r in log}) == 10
        assert set(moderation(env)) == set(expected)
        assert screen.source.total == 190


async def test_ten_quick_presses_triage_ten_distinct_comments(env):
    """Ten presses of `a` without waiting between them (a fast officer, key repeat, a
    macro) must approve ten different comments: each press acts on the comment under
    the cursor at that moment, not on one whose decision is still being written."""
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        expected = [screen.source.get(i).key for i in range(10)]
        burst(pilot, *["a"] * 10)
        await settle(pilot, lambda: len(decisions(env.db, "moderation")) >= 10)
        await settle(pilot)
        log = decisions(env.db, "moderation")
        keys = [(r["feed"], r["item_id"]) for r in log]
        assert len(set(keys)) == 10, f"{len(set(keys))} distinct comments in {len(keys)} decisions"
        assert set(keys) == set(expected)


async def test_undo_straight_after_a_decision_undoes_it(env):
    """`a` then `u` in one burst: the undo must apply to the decision just made, not
    answer "Nothing to undo" because the write had not landed yet."""
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        burst(pilot, "a", "u")
        await settle(pilot, lambda: len(decisions(env.db, "moderation")) >= 2)
        assert moderation(env) == {}
        await settle(pilot, lambda: screen.source.total == 200, timeout=3.0)


async def test_quitting_straight_after_a_decision_keeps_it(env):
    app = env.app(start="inbox")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        first = screen.current().key
        burst(pilot, "a", "q")
        await settle(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert moderation(env) == {first: "approved"}


async def test_decisions_persist_across_restart_and_reach_the_cli(env, cli):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        approved = screen.current().key
        await pilot.press("a")
        await landed(pilot, env, screen, 1)
        hidden = screen.current().key
        await pilot.press("x")
        await landed(pilot, env, screen, 2)

    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        assert screen.source.total == 198
        await pilot.press("f", "f", "f")
        shown = {screen.source.get(i).key: screen.source.get(i).decision for i in range(screen.source.total)}
        assert shown[approved] == "approved" and shown[hidden] == "hidden"
        rows = {screen.source.get(i).key: row_text(screen.rows, i) for i in range(screen.source.total)}
        index = [screen.source.get(i).key for i in range(screen.source.total)].index(approved)
        assert "✓ approved" in rows[approved], index

    result = cli("list", "comments", "--json")
    assert result.returncode == 0, result.stderr
    items = {(r["feed"], r["id"]): r for r in map(json.loads, result.stdout.splitlines())}
    assert len(items) == 200
    assert items[approved]["decision"] == "approved"
    assert items[hidden]["decision"] == "hidden"
    assert sum(1 for r in items.values() if r["decision"] is not None) == 2


class _WriteBeforeCallback(ThreadPoolExecutor):
    """The writer thread as it sometimes behaves: the write has finished by the time
    `submit` returns (SQLite commits in well under a millisecond). Still a real thread."""

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        wait([future])
        return future


async def test_a_decision_that_lands_quickly_still_updates_the_screen(env):
    """A write that finishes before `submit` returns must still reach the screen: the writer
    posts its WriteLanded message from the writer thread whatever the timing. (A done-callback
    design once lost these: the ordinary pool hit it now and then, this executor every time.)"""
    app = env.app(start="inbox")
    app.writer._pool.shutdown()
    app.writer._pool = _WriteBeforeCallback(max_workers=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inbox(pilot)
        first = screen.current().key
        await pilot.press("a")
        await settle(pilot, lambda: len(moderation(env)) == 1)
        assert moderation(env) == {first: "approved"}
        # The list re-orders once the burst of keys is over (a short debounce), not per key.
        try:
            await settle(pilot, lambda: screen.source.total == 199, timeout=3.0)
        except AssertionError:
            raise AssertionError("the list never refreshed after the decision") from None
        assert screen.current().key != first, "the cursor is still on the decided comment"
        await pilot.press("u")
        await drained(pilot)
        assert moderation(env) == {}, "undo had nothing to undo"

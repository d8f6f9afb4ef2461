"""Live refresh: another officer's decision, written through a Store of its own, appears
on screen once the app notices, with the filter and the cursor kept."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading

from appwait import drained
from frozen import TODAY

from clp_tui.data.decision_log import decide
from clp_tui.demo.world import DemoWorld
from clp_tui.screens.board import BoardScreen
from clp_tui.screens.inbox import InboxScreen
from clp_tui.widgets.status import StatusHeader

from .conftest import SIZE, decisions, row_text, settle, type_text


async def notice(pilot, until) -> None:
    """What the app's one-second tick does, without waiting a second for it."""
    app = pilot.app
    loop_deadline = 3.0
    waited = 0.0
    while not until():
        app._check_store()
        await pilot.pause(0.05)
        waited += 0.05
        if waited > loop_deadline:
            raise AssertionError("the app never noticed the other officer's decision")
    await pilot.pause()


async def test_another_officers_decision_appears_with_filter_and_cursor_kept(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        await pilot.press("3", "f", "f", "f")  # the "all" view, so decided comments stay listed
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen) and screen.view == "all"
        await pilot.press("slash")
        await type_text(pilot, "platform:facebook")
        await pilot.press("enter")
        total = screen.source.total
        assert total > 6
        await pilot.press("j", "j", "j")
        under_cursor = screen.current().key
        # a comment further down the filtered list, decided by someone else
        other_index = 5
        other = screen.source.get(other_index)
        assert other.decision is None

        officer = env.store()
        decide(officer, [other.key], "moderation", "hidden", officer="Second Officer", reason="spam")
        officer.close()

        def shown() -> bool:
            screen.source.get(0)
            return any(
                screen.source.get(i).key == other.key and screen.source.get(i).decision == "hidden"
                for i in range(screen.source.total)
            )

        await notice(pilot, shown)
        assert screen.filter_text == "platform:facebook"
        assert screen.source.total == total
        assert {screen.source.get(i).platform for i in range(screen.source.total)} <= {"facebook", "facebook_group"}
        assert screen.current().key == under_cursor
        index = next(i for i in range(screen.source.total) if screen.source.get(i).key == other.key)
        assert "⊘ hidden" in row_text(screen.rows, index)


async def test_cursor_stays_on_its_comment_when_a_decision_lands_above_it(env):
    """In the unreviewed view another officer's decision removes a row; the comment the
    officer is reading must stay under the cursor (the inbox reloads by row index, so the
    cursor silently slides onto the next comment, and the next `a` approves that one)."""
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        await pilot.press("3")
        screen = pilot.app.screen
        await pilot.press("slash")
        await type_text(pilot, "platform:instagram")
        await pilot.press("enter")
        await pilot.press("j", "j", "j")
        reading = screen.current().key
        above = screen.source.get(0).key
        total = screen.source.total

        officer = env.store()
        decide(officer, [above], "moderation", "approved", officer="Second Officer")
        officer.close()

        await notice(pilot, lambda: screen.source.total == total - 1)
        assert screen.filter_text == "platform:instagram"
        assert screen.current().key == reading


async def test_board_shows_another_officers_status_with_filter_kept(env):
    async with env.app().run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("o")  # owner filter on the first milestone's owner
        await pilot.pause()
        flt = screen.filter_text
        m = screen.current()
        officer = env.store()
        decide(officer, [(m.feed, m.id)], "status", "done", officer="Second Officer", reason="finished")
        officer.close()
        await notice(pilot, lambda: screen.milestones[m.id].rag == "done")
        assert screen.filter_text == flt
        assert screen.current().id == m.id
        await settle(pilot)


async def test_the_running_app_notices_by_itself(env):
    """live=True: no help from the test; the app's own tick/watcher must notice within ~3 s."""
    app = env.app(start="inbox", live=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.press("f", "f", "f")
        assert screen.view == "all"
        await settle(pilot, lambda: screen.source.total == 200)
        target = screen.source.get(3)
        officer = env.store()
        decide(officer, [target.key], "moderation", "escalated", officer="Second Officer", reason="threat")
        officer.close()
        await settle(
            pilot,
            lambda: (
                screen.source.get(
                    next(i for i in range(screen.source.total) if screen.source.get(i).key == target.key)
                ).decision
                == "escalated"
            ),
            timeout=3.0,
        )


async def test_escalation_reason_lands_on_the_comment_it_was_written_for(env):
    """e opens the reason dialog for comment X. While the officer types, a second officer
    decides X, so X leaves the unreviewed list. The reason typed about X must be recorded
    against X (or refused with a notice), never against whichever comment is now under
    the cursor."""
    app = env.app(start="inbox")
    async with app.run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen)
        x = screen.current()
        y = screen.source.get(1)
        await pilot.press("e")
        officer = env.store()
        decide(officer, [x.key], "moderation", "approved", officer="Second Officer")
        officer.close()
        app._check_store()
        await pilot.pause()
        await type_text(pilot, "threatens a named councillor")
        await pilot.press("enter")
        await drained(pilot)
        mine = [r for r in decisions(env.db, "moderation") if r["officer"] != "Second Officer"]
        assert all((r["feed"], r["item_id"]) != y.key for r in mine), (
            f"the reason written for {x.key} was recorded against {y.key}"
        )


async def test_a_poll_answered_304_re_queries_no_screen(env):
    """A dashboard polling unchanged feeds costs one 304 a feed and no screen reload:
    the header's ages change, the rows are not read again."""
    from frozen import NOW

    from clp_tui.data.retention import purge_comments

    store = env.store()
    purge_comments(store, env.config.moderation.retain_days, now=NOW)  # today's purge is done
    logged = store.query("SELECT count(*) FROM sync_log")[0][0]
    store.close()
    app = env.app(start="inbox", live=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        feeds = {f.name for f in env.config.feeds}
        await settle(pilot, lambda: set(app.poller.last_heard) == feeds, timeout=10)  # the first polls
        await drained(pilot)
        reloads: list[str] = []
        reload = screen.refresh_data
        screen.refresh_data = lambda: (reloads.append("reload"), reload())[1]
        # Nor is the header drawn again when nothing in it changes (the clock is frozen,
        # so every feed's age reads the same): an idle dashboard writes nothing.
        header = screen.query_one(StatusHeader)
        render = header.render
        header.render = lambda: (reloads.append("header drawn"), render())[1]
        app.poller.last_heard.clear()
        await pilot.press("ctrl+r")  # poll every feed again, now
        await settle(pilot, lambda: set(app.poller.last_heard) == feeds, timeout=10)
        await drained(pilot)
        app._check_store()
        await drained(pilot)
    assert reloads == []
    # Every feed answered (ok or 304 count as heard) and no sync was logged: all were 304s.
    after = env.store()
    assert after.query("SELECT count(*) FROM sync_log")[0][0] == logged
    after.close()
    assert all(
        r.headers.get("if-none-match")
        for f in env.config.feeds
        for r in env.server.requests_for(f"/{f.name}.json")[-1:]
    )


async def test_a_poll_that_wrote_keeps_one_cache_worker_and_no_connection_on_it(env, monkeypatch):
    """The polls' parse-and-write runs on one worker thread (asyncio's default pool kept
    up to six, each with its own SQLite connection and page cache), and after a poll that
    wrote, that worker's connection is closed: the polling dashboard keeps no high-water mark."""
    app = env.app(start="board", live=True)
    opened_on: list[str] = []
    connect = sqlite3.connect
    monkeypatch.setattr(
        sqlite3, "connect", lambda *a, **kw: (opened_on.append(threading.current_thread().name), connect(*a, **kw))[1]
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: not app.poller.syncing, timeout=10)
        synced: list[str] = []
        landed = app.poller.landed
        app.poller.landed = lambda m, now: (synced.extend(r.status for r in m.reports), landed(m, now))[1]
        doc = DemoWorld(TODAY, seed=7).feed("comments")
        for n in range(2):  # two polls that write: the second opens the connection the first closed
            doc["items"][0]["content_text"] = f"Changed since the last poll ({n})."
            env.server.feed("comments", json.dumps(doc).encode())
            synced.clear()
            opened_on.clear()
            app.poller.due(every_feed=True)
            await settle(pilot, lambda: not app.poller.syncing, timeout=10)
            await drained(pilot)
            assert "ok" in synced  # the comments changed: that poll wrote
        opened = app.poller.submit(lambda _f: asyncio.to_thread(lambda: getattr(app.store._local, "conn", None)))
        assert opened.result(timeout=5) is None  # the worker's connection went with the poll
    # Every feed's cache work in the second poll opened one connection, on the one worker.
    assert [name.rsplit("_", 1)[0] for name in opened_on] == ["clp-poll-db"]


async def test_a_dashboard_told_not_to_poll_asks_nothing_until_ctrl_r(env):
    """`[network] dashboard_polls = false` (a shared server whose cron job syncs): the
    dashboard sends no request on its own, at start or on the feeds' schedule, and shows
    a sync by another process; `ctrl+r` still polls every feed at once."""
    import msgspec

    config = msgspec.structs.replace(
        env.config, network=msgspec.structs.replace(env.config.network, dashboard_polls=False)
    )
    paths = [f"/{f.name}.json" for f in config.feeds]
    asked = {p: len(env.server.requests_for(p)) for p in paths}
    app = env.app_with(config, mode="board", live=True)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):  # the one-second tick three times, as if time had passed
            app.poller._next_poll.clear()
            app.presence.tick()
            await pilot.pause(0.2)
        await drained(pilot)
        assert {p: len(env.server.requests_for(p)) for p in paths} == asked
        assert not app.poller.syncing
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: set(app.poller.last_heard) == {f.name for f in config.feeds}, timeout=10)
    assert {p: len(env.server.requests_for(p)) - asked[p] for p in paths} == dict.fromkeys(paths, 1)

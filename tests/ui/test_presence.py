"""Presence: a second officer's heartbeat (a real presence file beside a real cache)
shows on this dashboard's header, row and preview, never touches the cache itself, and
expires once that dashboard stops beating."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from appwait import drained

from clp_tui.data.presence import TTL_S, PresenceBoard, presence_path
from clp_tui.screens.inbox import InboxScreen
from clp_tui.widgets.status import StatusHeader

from .conftest import row_text, settle


def ann_board(db: Path, now=None) -> PresenceBoard:
    kwargs = {"now": now} if now else {}
    return PresenceBoard(db, session="ann-1", officer_id="ann-lee", name="Ann Lee", **kwargs)


def test_a_heartbeat_expires_and_a_clean_exit_leaves_at_once(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    clock = [1000.0]
    ann = ann_board(db, now=lambda: clock[0])
    sam = PresenceBoard(db, session="sam-1", officer_id="sam-patel", name="Sam Patel", now=lambda: clock[0])
    assert ann.beat("InboxScreen", ("inbox", "c1"))
    assert [(s.name, s.key) for s in sam.others()] == [("Ann Lee", ("inbox", "c1"))]
    assert sam.others()[0].session == "ann-1" and ann.others() == []
    clock[0] += TTL_S - 1
    assert len(sam.others()) == 1
    clock[0] += 2  # Ann's dashboard died 31 s ago
    assert sam.others() == []
    assert ann.beat("InboxScreen", ("inbox", "c1"))  # ten seconds gone: it beats again
    assert len(sam.others()) == 1
    ann.leave()
    assert sam.others() == []
    assert stat.S_IMODE(presence_path(db).stat().st_mode) == 0o600


async def test_another_officer_shows_on_the_header_row_and_preview_without_reloading_data(env) -> None:
    cache = sqlite3.connect(env.db)
    before = cache.execute("PRAGMA data_version").fetchone()[0]
    async with env.app(start="inbox", officer_id="sam-patel").run_test(size=(80, 24)) as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await drained(pilot)
        first = screen.current()
        ann = ann_board(env.db)
        ann.beat("InboxScreen", first.key)
        app.presence.tick()  # what the one-second tick does

        def shown() -> bool:
            return "Ann Lee" in str(app.query_one(StatusHeader).render())

        await settle(pilot, shown)
        await drained(pilot)
        header = str(app.query_one(StatusHeader).render()).splitlines()[0]
        assert header.index("Test Officer") < header.index("+Ann Lee")  # own name first: both fit in 80 columns
        assert len(header) <= 80 and "…" not in header[: header.index("+Ann Lee") + 8]
        assert row_text(screen.rows, 0).startswith("AL")
        assert "Ann Lee is looking at this" in str(screen.detail_text(first))
        assert not row_text(screen.rows, 1).startswith("AL")
        ann.leave()
    # Sam's and Ann's heartbeats went to the presence file, never the cache.
    assert cache.execute("PRAGMA data_version").fetchone()[0] == before
    cache.close()


async def test_one_dashboard_polls_for_all_and_shares_when_feeds_answered(env) -> None:
    async with env.app(start="inbox", officer_id="sam-patel").run_test(size=(100, 30)) as pilot:
        app = pilot.app
        polls: list[str] = []
        due = app.poller.due
        app.poller.due = lambda **kw: (polls.append("due"), due(**kw))  # counts, then polls for real
        await drained(pilot)
        app.presence.tick()
        assert app.presence.leads() and polls == ["due"]  # alone: it polls
        first = PresenceBoard(env.db, session="0", officer_id="ann-lee", name="Ann Lee")  # the smallest id
        first.beat("BoardScreen", None)
        await settle(pilot, lambda: not app.presence._busy)
        app.presence.tick()
        await settle(pilot, lambda: bool(app.presence.others))
        await drained(pilot)
        assert not app.presence.leads()
        polls.clear()
        first.tell_heard({"plan": 1234.5})
        app.presence.tick()  # Ann's dashboard polls; this one only reads when her feeds answered
        await settle(pilot, lambda: app.presence.heard_with({}).get("plan") == 1234.5)
        assert polls == []
        first.leave()
        await settle(pilot, lambda: not app.presence._busy)
        app.presence.tick()
        await settle(pilot, lambda: not app.presence.others)
        await drained(pilot)
        app.presence.tick()
        assert polls == ["due"]  # Ann closed her dashboard: this one polls again


async def test_the_board_and_the_press_kanban_mark_where_another_officer_is(env) -> None:
    async with env.app(start="board", officer_id="sam-patel").run_test(size=(100, 30)) as pilot:
        app = pilot.app
        board = app.screen
        await drained(pilot)
        milestone = board.current()
        ann = ann_board(env.db)
        ann.beat("BoardScreen", (milestone.feed, milestone.id))
        app.presence.tick()
        await settle(pilot, lambda: bool(app.presence.others))
        await drained(pilot)
        index = board.rows.cursor
        assert row_text(board.rows, index).startswith("AL")
        assert "Ann Lee is looking at this" in str(board.query_one("#board-detail").render())
        await pilot.press("4")
        await drained(pilot)
        press = app.screen
        card = press.current()
        ann.beat("PressScreen", card.key)
        app.presence.tick()
        await settle(pilot, lambda: any(s.key == card.key for s in app.presence.others))
        await drained(pilot)
        column = press.focused_stage()
        lines = press.kanban.source.render_card(column, press.kanban.cursor_of(column), 30)
        assert lines[3].plain.endswith(" AL"), [line.plain for line in lines]
        assert "Ann Lee is looking at this" in str(press.query_one("#press-detail").render())
        ann.leave()


def test_the_once_a_second_read_queries_the_file_only_when_another_dashboard_wrote(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    clock = [1000.0]
    ann = ann_board(db, now=lambda: clock[0])
    sam = PresenceBoard(db, session="sam-1", officer_id="sam-patel", name="Sam Patel", now=lambda: clock[0])
    assert ann.beat("InboxScreen", ("inbox", "c1"))
    ann.tell_heard({"comments": 990.0})
    queries: list[str] = []
    sam.conn.set_trace_callback(lambda sql: queries.append(sql) if "FROM" in sql.upper() else None)
    assert [s.name for s in sam.others()] == ["Ann Lee"] and sam.heard() == {"comments": 990.0}
    assert len(queries) == 2
    for _ in range(5):  # five idle seconds: nobody wrote, nothing is read again
        clock[0] += 1
        sam.beat("InboxScreen", None)  # Sam's own beat changes nothing he reads
        assert [s.name for s in sam.others()] == ["Ann Lee"] and sam.heard() == {"comments": 990.0}
    assert len(queries) == 2
    clock[0] += TTL_S  # Ann's dashboard died: she drops out on time without a query
    assert sam.others() == [] and len(queries) == 2
    assert ann.beat("BoardScreen", None)  # she is back, elsewhere: read again
    ann.tell_heard({"comments": 1031.0})
    assert [(s.name, s.screen) for s in sam.others()] == [("Ann Lee", "BoardScreen")]
    assert sam.heard() == {"comments": 1031.0} and len(queries) == 4


async def test_a_dashboard_that_does_not_poll_learns_from_sync_when_feeds_answered(env) -> None:
    """dashboard_polls = false and a cron `clp-tui sync`: a 304 writes nothing to the cache,
    so sync tells the presence file when each feed answered, and the dashboards read it
    (else every unchanged feed would look stale all day)."""
    import asyncio

    import msgspec

    from clp_tui.commands.sync import sync_command

    config = msgspec.structs.replace(
        env.config, network=msgspec.structs.replace(env.config.network, dashboard_polls=False)
    )
    names = {f.name for f in config.feeds}
    async with env.app_with(config, mode="inbox", officer_id="sam-patel").run_test(size=(100, 30)) as pilot:
        app = pilot.app
        await drained(pilot)
        app.presence.tick()
        await settle(pilot, lambda: not app.presence._busy)
        assert app.presence.leads() and not app.presence.polls()
        assert app.presence.heard_with({}) == {}
        # every feed answers 304 (a thread: sync runs its own event loop, as from cron)
        assert await asyncio.to_thread(sync_command, config, env.db, as_json=True, force=False) == 0
        assert all(r.status == 304 for f in config.feeds for r in env.server.requests_for(f"/{f.name}.json")[-1:])
        app.presence.tick()
        await settle(pilot, lambda: set(app.presence.heard_with({})) == names)
        assert not app.poller.last_heard  # this dashboard asked nothing itself

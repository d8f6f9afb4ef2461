"""Glanceable state: the Inbox tab's counts, the notice when a sync brings new flagged
comments, the feed-status panel, and copying a comment's link."""

from __future__ import annotations

import copy
import json

from appwait import drained
from frozen import TODAY

from clp_tui.app import ClpApp
from clp_tui.data.inbox_tally import inbox_counts
from clp_tui.demo.world import DemoWorld
from clp_tui.widgets.status import StatusHeader

from .conftest import SIZE, notifications, plain, settle, type_text


def _counts(env):
    store = env.store()
    try:
        return inbox_counts(store)
    finally:
        store.close()


def _header_tabs(app) -> str:
    return app.screen.query_one(StatusHeader).render().plain.splitlines()[0]


async def test_the_inbox_tab_shows_unreviewed_and_flagged_counts(env):
    counts = _counts(env)
    assert counts.unreviewed > counts.flagged > 0
    async with env.app(start="board").run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"3 Inbox {counts.unreviewed:,}·{counts.flagged:,}⚑" in _header_tabs(pilot.app)
        # The inbox's own decisions change the tab's counts (once the burst has landed).
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a", "a")
        await drained(pilot)
        await settle(pilot, lambda: f"3 Inbox {counts.unreviewed - 2:,}·" in _header_tabs(pilot.app))
        await pilot.press("u")  # an undo puts one back
        await drained(pilot)
        await settle(pilot, lambda: f"3 Inbox {counts.unreviewed - 1:,}·" in _header_tabs(pilot.app))


def _serve_new_comments(env, *, flagged: int, plain: int) -> None:
    """Publish the demo's comments again with some new ones ("locked up" is a watch word)."""
    doc = DemoWorld(TODAY, seed=7).feed("comments")
    template = doc["items"][0]
    for n in range(flagged + plain):
        item = copy.deepcopy(template)
        item["id"] = f"c-new-{n}"
        item["authors"] = [{"name": f"New Commenter {n}"}]  # no repeat posting: text rules only
        item["content_text"] = "They should all be locked up." if n < flagged else "Thanks for the leaflet."
        doc["items"].append(item)
    env.server.feed("comments", json.dumps(doc).encode())


async def _poll_comments(pilot) -> None:
    app = pilot.app
    app.poller.due(names={"comments"})
    await settle(pilot, lambda: not app.poller.syncing, timeout=10)
    await drained(pilot)


async def test_a_sync_that_brings_flagged_comments_says_how_many_and_nothing_more(env):
    before = _counts(env)
    _serve_new_comments(env, flagged=2, plain=1)
    async with env.app(start="board").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _poll_comments(pilot)
        said = [n for n in notifications(pilot.app) if "flagged" in n]
        assert said == ["2 new flagged comments in the inbox."]
        assert pilot.app.inbox_counts.flagged == before.flagged + 2
        assert pilot.app.inbox_counts.unreviewed == before.unreviewed + 3


async def test_no_flagged_notice_without_new_flags_or_in_meeting_mode(env):
    _serve_new_comments(env, flagged=0, plain=2)
    async with env.app(start="board").run_test(size=SIZE) as pilot:
        await _poll_comments(pilot)
        assert not [n for n in notifications(pilot.app) if "flagged" in n]
    _serve_new_comments(env, flagged=3, plain=0)
    async with env.app(start="board", meeting=True).run_test(size=SIZE) as pilot:
        await _poll_comments(pilot)
        assert not [n for n in notifications(pilot.app) if "flagged" in n]
        assert pilot.app.inbox_counts.flagged == _counts(env).flagged  # counted, not told


def test_the_inbox_counts_read_the_tally_not_the_items(tmp_path, monkeypatch):
    """Flat in the cache's size: one read of migration 7's `inbox_tally` (four rows), where
    counting the items_inbox index took 160 ms of a cold first screen at 500,000 comments."""
    from clp_tui.data.store import Store

    store = Store(tmp_path / "c.db")
    seen: list[str] = []
    query = store.query
    monkeypatch.setattr(store, "query", lambda sql, params=(): (seen.append(sql), query(sql, params))[1])
    assert inbox_counts(store).unreviewed == 0
    store.close()
    assert len(seen) == 1
    assert "inbox_tally" in seen[0] and "items" not in seen[0].replace("inbox_tally", ""), seen


async def test_f_opens_the_feed_status_panel_with_age_error_and_next_try(env):
    env.server.route("/press.json", status=503, body=b"down for [bold]maintenance[/bold]")
    async with env.app(start="inbox").run_test(size=(160, 48)) as pilot:
        app = pilot.app
        app.poller.due(every_feed=True)
        await settle(pilot, lambda: not app.poller.syncing, timeout=10)
        await drained(pilot)
        await pilot.press("F")
        await settle(pilot)
        from clp_tui.screens.feeds import FeedStatusScreen

        panel = app.screen
        assert isinstance(panel, FeedStatusScreen)
        text = plain(panel.query_one("#feed-status-table"))
        lines = {line.split()[0]: line for line in text.splitlines() if line.split()}
        assert set(env.urls) <= set(lines), text
        assert "ERROR" in lines["press"] and "503" in lines["press"], text
        assert "in " in lines["press"] or "now" in lines["press"], text  # its next try
        assert "synced" in lines["comments"] and "just now" in lines["comments"], text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FeedStatusScreen)
        from clp_tui.screens.help import help_rows

        assert any(r[2] == "screen.feed_status" and r[0] == "F" for r in help_rows(app, "inbox"))


async def test_y_copies_the_comments_link_and_says_so_in_one_line(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        app = pilot.app
        screen = app.screen
        await settle(pilot)
        comment = screen.current()
        assert comment.url
        opened: list[str] = []
        app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == comment.url
        said = notifications(app)[-1]
        assert said.startswith("Copied the link: ") and "\n" not in said
        assert opened == []
        from clp_tui.screens.help import help_rows

        assert any(r[2] == "inbox.copy_link" and r[0] == "y" for r in help_rows(app, "inbox"))


async def test_with_only_a_comment_feed_empty_screens_name_the_missing_feed(env):
    from clp_tui.config import parse_config

    from .conftest import CLOCK, _sync, config_text

    urls = {"comments": env.urls["comments"]}
    path = env.tmp_path / "only-comments.toml"
    config = parse_config(config_text(urls, env.kinds), str(path))
    db = env.tmp_path / "only-comments.db"
    _sync(db, config)
    async with ClpApp(config, db, clock=CLOCK, live=False).run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = {}
        for key, detail in (("1", "#board-detail"), ("2", "#branch-detail"), ("4", "#press-detail")):
            await pilot.press(key)
            await settle(pilot)
            said[key] = plain(pilot.app.screen.query_one(detail))
        assert 'No milestone feed is configured: add a [[feeds]] with kind = "milestone"' in said["1"]
        assert "docs/configuration.md" in said["1"]
        assert 'No activity feed is configured: add a [[feeds]] with kind = "activity"' in said["2"]
        assert 'No press feed is configured: add a [[feeds]] with kind = "press"' in said["4"]
        await pilot.press("3")  # the inbox has its feed: it lists comments, no hint
        await settle(pilot)
        assert "is configured" not in plain(pilot.app.screen.query_one("#inbox-detail"))


def _marked(text) -> list[str]:
    """The parts of a row drawn in the filter-match style."""
    from clp_tui.widgets.highlight import MATCH_STYLE

    return [text.plain[s.start : s.end] for s in text.spans if str(s.style) == MATCH_STYLE]


async def test_filter_words_are_marked_in_inbox_and_board_rows(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.press("slash")
        await type_text(pilot, "LOCKED platform:x")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.source.total > 0
        row = screen.source.render_row(0, 120, 1)[0]
        assert [m.lower() for m in _marked(row)] == ["locked"], row.plain
        assert "platform" not in "".join(_marked(row))  # field terms are not words of the text
        await pilot.press("1")
        board = pilot.app.screen
        await settle(pilot)
        title = next(r for r in board.source.rows if not isinstance(r, str)).title
        word = max(title.split(), key=len).strip(".,:;")
        await pilot.press("slash")
        await type_text(pilot, word.lower())
        await pilot.press("enter")
        await settle(pilot)
        index = next(i for i, r in enumerate(board.source.rows) if not isinstance(r, str))
        row = board.source.render_row(index, 120, 1)[0]
        assert word.lower() in [m.lower() for m in _marked(row)], row.plain

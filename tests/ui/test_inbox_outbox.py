"""The inbox with a feed that applies decisions (a Facebook Page on the loopback Graph
API): the preview says what a decision will do there before the key is pressed; a
hide is sent once by the dashboard's outbox worker and the row and preview show it
applied, pending (the platform failing) or failed (an expired token, with why); each
outcome is confirmed in a line."""

from __future__ import annotations

import asyncio

import pytest
from appwait import drained
from feedserver import config_toml
from frozen import CLOCK
from platforms.graph import EXPIRED_TOKEN, FB_TOKEN, PAGE_ID, GraphServer, graph_error

from clp_tui.app import ClpApp
from clp_tui.config import parse_config
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds
from clp_tui.screens.inbox import InboxScreen

from .conftest import notifications, plain, row_text

SIZE = (120, 40)


@pytest.fixture
def graph():
    with GraphServer() as server:
        yield server


@pytest.fixture
def page(tmp_path, graph, monkeypatch):
    """A synced cache of the Page's comments and the config that applies decisions."""
    monkeypatch.setenv("FB_PAGE_TOKEN", FB_TOKEN)
    feed = {
        "name": "page",
        "kind": "comment",
        "source": "facebook",
        "url": graph.url(f"/v21.0/{PAGE_ID}/posts"),
        "token_env": "FB_PAGE_TOKEN",
        "apply_decisions": True,
    }
    config = parse_config(config_toml([feed], officer={"name": "Sam"}))
    db = tmp_path / "cache.db"
    store = Store(db, clock=CLOCK)
    [report] = asyncio.run(sync_feeds(store, config))
    assert report.status == "ok", report.error
    store.close()
    graph.requests.clear()
    return config, db


async def sent(pilot) -> None:
    """The decision landed, the outbox run it started ended and its message was handled."""
    await drained(pilot)
    assert pilot.app.outbox.last is not None
    await asyncio.wrap_future(pilot.app.outbox.last)
    await pilot.pause()
    await drained(pilot)


async def hide_current(pilot) -> tuple[InboxScreen, tuple[str, str]]:
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    target = screen.current()
    assert target is not None
    await pilot.press("x")
    await sent(pilot)
    screen.view = "all"
    screen.refresh_data()
    screen.cursor_to(target.key)
    await pilot.pause()
    return screen, target.key


def preview(screen: InboxScreen) -> str:
    return plain(screen.query_one("#inbox-detail"))


async def test_the_preview_says_what_hide_will_do_before_the_key_is_pressed(page) -> None:
    config, db = page
    async with ClpApp(config, db, mode="inbox", clock=CLOCK, live=False).run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = " ".join(preview(pilot.app.screen).split())
        assert "Hide hides this comment on Facebook and Approve unhides it" in text
        assert "Escalate and Reply are recorded here only" in text


async def test_a_hide_reaches_facebook_once_and_the_inbox_shows_it_applied(page, graph) -> None:
    config, db = page
    async with ClpApp(config, db, mode="inbox", clock=CLOCK, live=False).run_test(size=SIZE) as pilot:
        screen, key = await hide_current(pilot)
        [request] = graph.log("POST")
        assert request.path == f"/v21.0/{key[1]}" and request.form == {"is_hidden": "true"}
        assert screen.current().key == key
        assert "On Facebook: hide applied." in preview(screen)
        assert "⊘ hidden  ●" in row_text(screen.rows, screen.rows.cursor)
        author = graph.world.comments[key[1]].author
        assert f"Facebook: hide {author}: applied" in notifications(pilot.app)


async def test_a_failing_platform_shows_pending_with_the_reason(page, graph) -> None:
    config, db = page
    graph.fail_next(500, graph_error(1, "An unknown error occurred"), method="POST")
    async with ClpApp(config, db, mode="inbox", clock=CLOCK, live=False).run_test(size=SIZE) as pilot:
        screen, _key = await hide_current(pilot)
        text = " ".join(preview(screen).split())
        assert "On Facebook: hide pending" in text and "the platform failed" in text
        assert "⊘ hidden  ◌" in row_text(screen.rows, screen.rows.cursor)
        assert any("still pending" in n for n in notifications(pilot.app))


async def test_an_expired_token_shows_failed_with_what_to_do(page, monkeypatch) -> None:
    config, db = page
    monkeypatch.setenv("FB_PAGE_TOKEN", EXPIRED_TOKEN)
    async with ClpApp(config, db, mode="inbox", clock=CLOCK, live=False).run_test(size=SIZE) as pilot:
        screen, _key = await hide_current(pilot)
        text = " ".join(preview(screen).split())
        assert "On Facebook: hide FAILED: Facebook: the access token has expired" in text
        assert "FB_PAGE_TOKEN" in text and "clp-tui outbox retry" in text and EXPIRED_TOKEN not in text
        assert "⊘ hidden  !" in row_text(screen.rows, screen.rows.cursor)


async def test_two_dashboards_hiding_the_same_comment_send_one_hide(page, graph) -> None:
    config, db = page
    first = ClpApp(config, db, mode="inbox", clock=CLOCK, live=False)
    second = ClpApp(config, db, mode="inbox", clock=CLOCK, live=False)
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        target = one.app.screen.current()
        assert target is not None and two.app.screen.current().key == target.key
        await one.press("x")
        await two.press("x")
        await sent(one)
        await sent(two)
    [request] = graph.log("POST")
    assert request.path == f"/v21.0/{target.id}" and graph.world.comments[target.id].hidden is True

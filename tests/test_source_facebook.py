"""The Facebook source, end to end: the real `clp-tui sync` against a loopback fake
of the Graph API (tests/platforms/graph.py) with a Page's posts and comments.

Every comment and reply is taken with its text as written; paging is followed; a
changed comment updates one item and a deleted one goes on the next complete
sync; an expired token, a missing permission, a rate limit, a 500 or a malformed
page gives one clear line and leaves the cache as it was; the token is never
printed or stored; plain http goes to loopback only.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
from platforms.graph import (
    EXPIRED_TOKEN,
    FB_TOKEN,
    NARROW_TOKEN,
    PAGE_ID,
    PAGE_NAME,
    RATE_LIMITS,
    GraphServer,
    graph_error,
)

ENV = {"FB_PAGE_TOKEN": FB_TOKEN}
BUSY_POST = "/v21.0/1234_5002/comments"  # five comments: three pages of two


@pytest.fixture
def graph():
    with GraphServer() as server:
        yield server


def page_feed(graph: GraphServer, url: str | None = None, **extra) -> dict:
    return {
        "name": "page",
        "kind": "comment",
        "source": "facebook",
        "url": url or graph.url(f"/v21.0/{PAGE_ID}/posts"),
        "token_env": "FB_PAGE_TOKEN",
        **extra,
    }


def facebook_comments(graph: GraphServer) -> dict[str, object]:
    posts = {p.id for p in graph.world.posts if not p.instagram}
    return {c.id: c for c in graph.world.comments.values() if c.on in posts}


def listed(cli) -> dict[str, dict]:
    result = cli("list", "comments", "--json")
    assert result.returncode == 0, result.stderr
    return {item["id"]: item for item in map(json.loads, result.stdout.splitlines())}


def cached(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT feed, id, raw, hash FROM items ORDER BY feed, id").fetchall()
    finally:
        conn.close()


def one_line_of(result) -> str:
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def synced(cli, graph: GraphServer, env: dict | None = None) -> None:
    cli.write_config([page_feed(graph)])
    result = cli("sync", env=env or ENV)
    assert result.returncode == 0, result.stdout + result.stderr


# -- every comment, as written ---------------------------------------------------------


def test_every_comment_and_reply_is_taken_with_its_text_as_written(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    items = listed(cli)
    expected = facebook_comments(graph)
    assert set(items) == set(expected) and len(items) == 7
    for comment_id, c in expected.items():
        item = items[comment_id]
        assert item["content_text"] == c.text  # emoji, quotes, a line break and HTML as they came
        assert item["authors"] == [{"name": c.author}]
        assert item["date_published"] == c.created.replace("+0000", "Z")
        ext = item["_clp"]
        assert ext["platform"] == "facebook" and ext["channel"] == PAGE_NAME
        assert ext["thread_id"] == c.on
        assert ext.get("in_reply_to") == c.parent
        assert ext["state"] == ("hidden" if c.hidden else "visible")
        assert item["url"].startswith("https://www.facebook.com/")
    assert items["5002_7001"]["_clp"]["thread_title"] == "Canvassing this Saturday in Northbank!"


def test_paging_is_followed_and_comments_are_asked_for_as_a_stream(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    assert len(graph.log("GET", f"/v21.0/{PAGE_ID}/posts")) == 2  # three posts, two a page
    pages = graph.log("GET", BUSY_POST)
    assert len(pages) == 3 and [bool(p.query.get("after")) for p in pages] == [False, True, True]
    for request in graph.log("GET"):
        assert request.bearer == FB_TOKEN and "access_token" not in request.query
        if request.path.endswith("/comments"):
            assert request.query["filter"] == "stream"
            assert {"parent{id}", "is_hidden", "permalink_url"} <= set(request.query["fields"].split(","))


def test_a_changed_comment_updates_one_item_and_a_deleted_one_goes(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    graph.world.comments["5002_7003"].text = "Which streets? (edited: and which day?)"
    del graph.world.comments["5003_7102"]
    result = cli("sync", "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert (counts["added"], counts["updated"], counts["unchanged"], counts["removed"]) == (0, 1, 5, 1)
    items = listed(cli)
    assert items["5002_7003"]["content_text"] == "Which streets? (edited: and which day?)"
    assert "5003_7102" not in items and len(items) == 6


def test_hidden_on_facebook_shows_as_hidden_on_the_next_sync(cli, graph: GraphServer) -> None:
    """The fake's moderation endpoint (for the companion issue): POST is_hidden=true."""
    synced(cli, graph)
    answer = httpx.post(
        graph.url("/v21.0/5002_7001"), data={"is_hidden": "true"}, headers={"Authorization": f"Bearer {FB_TOKEN}"}
    )
    assert answer.json() == {"success": True}
    assert cli("sync", env=ENV).returncode == 0
    assert listed(cli)["5002_7001"]["_clp"]["state"] == "hidden"


def test_a_read_cut_short_by_the_request_budget_keeps_what_it_read_and_deletes_nothing(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = set(listed(cli))
    del graph.world.comments["5002_7005"]  # on a page of comments the short read never reaches
    graph.world.comments["5003_7101"].text = "Great night, edited"
    cli.write_config([page_feed(graph)], {"max_pages": 3})
    result = cli("sync", "--json", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert (counts["updated"], counts["removed"]) == (1, 0)
    assert set(listed(cli)) == before
    cli.write_config([page_feed(graph)], {"max_pages": 1})  # the posts, and not one comment
    result = cli("sync", env=ENV)
    assert result.returncode == 1 and "max_pages" in one_line_of(result)


# -- one clear line, the cache as it was -----------------------------------------------


def test_an_expired_token_says_to_make_a_new_one(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    result = cli("sync", env={"FB_PAGE_TOKEN": EXPIRED_TOKEN})
    line = one_line_of(result)
    assert result.returncode == 1
    assert "expired" in line and "make a new token" in line and "FB_PAGE_TOKEN" in line
    assert EXPIRED_TOKEN not in line
    assert cached(cli.db) == before


def test_no_token_at_all_says_which_variable(cli, graph: GraphServer) -> None:
    cli.write_config([page_feed(graph)])
    result = cli("sync")
    assert result.returncode == 1 and "FB_PAGE_TOKEN" in one_line_of(result)
    assert graph.log() == []


def test_a_missing_permission_is_named(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    result = cli("sync", env={"FB_PAGE_TOKEN": NARROW_TOKEN})
    line = one_line_of(result)
    assert result.returncode == 1
    assert "pages_read_engagement" in line and "pages_read_user_content" in line and "200" in line
    assert cached(cli.db) == before


@pytest.mark.parametrize("code", [*sorted(RATE_LIMITS), 429])
def test_a_rate_limit_backs_off_until_forced(cli, graph: GraphServer, code: int) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    if code == 429:
        graph.fail_next(429, graph_error(4, RATE_LIMITS[4]), path=BUSY_POST, headers={"Retry-After": "600"})
    else:
        graph.fail_next(400, graph_error(code, RATE_LIMITS[code]), path=BUSY_POST)
    started = time.time()
    result = cli("sync", "--json", env=ENV)
    assert result.returncode == 1
    report = json.loads(one_line_of(result))
    assert "rate limit" in report["error"] and report["http_status"] == 429
    if code == 429:
        assert started + 590 <= report["next_allowed_at"] <= time.time() + 601
    assert cached(cli.db) == before
    served = len(graph.log())
    again = cli("sync", env=ENV)
    assert again.returncode == 0 and "deferred" in one_line_of(again) and len(graph.log()) == served
    forced = cli("sync", "--force", env=ENV)
    assert forced.returncode == 0 and " ok " in one_line_of(forced)


@pytest.mark.parametrize("body", [None, graph_error(2, "Service temporarily unavailable")])
def test_a_500_is_one_line_and_no_backoff(cli, graph: GraphServer, body) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    graph.fail_next(500, body, path=BUSY_POST)
    result = cli("sync", env=ENV)
    line = one_line_of(result)
    assert result.returncode == 1 and "the platform failed" in line and "try again later" in line
    assert cached(cli.db) == before
    assert cli("sync", env=ENV).returncode == 0  # not deferred


@pytest.mark.parametrize(
    ("body", "said"),
    [(b"<html><body>Sorry, something went wrong</body></html>", "not valid JSON"), ({"datum": []}, "not a Graph list")],
)
def test_a_malformed_page_is_one_line_and_the_cache_is_kept(cli, graph: GraphServer, body, said: str) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    graph.world.comments["5002_7001"].text = "changed, but the sync fails"
    graph.fail_next(200, body, path=BUSY_POST)
    result = cli("sync", env=ENV)
    assert result.returncode == 1 and said in one_line_of(result)
    assert cached(cli.db) == before


def test_a_page_link_to_another_site_is_refused(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    elsewhere = {"data": [], "paging": {"next": "http://127.0.0.2:9/v21.0/1234/posts?after=x"}}
    elsewhere["data"] = [{"id": "1234_5003", "message": "x"}]
    graph.fail_next(200, elsewhere, path=f"/v21.0/{PAGE_ID}/posts")
    result = cli("sync", env=ENV)
    assert result.returncode == 1 and "another site" in one_line_of(result)
    assert cached(cli.db) == before


# -- the token -------------------------------------------------------------------------


def test_the_token_is_never_printed_or_stored(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    outputs = [cli("sync", "--json", env=ENV), cli("list", "comments", "--json"), cli("list", "comments")]
    # A platform that quotes the request's token back in its error message.
    graph.fail_next(400, graph_error(100, f"Invalid parameter near access_token={FB_TOKEN}"), path=BUSY_POST)
    outputs += [cli("sync", env=ENV)]
    graph.fail_next(400, graph_error(100, f"Invalid parameter near access_token={FB_TOKEN}"), path=BUSY_POST)
    outputs += [cli("sync", "--json", env=ENV)]
    assert "refused" in outputs[-1].stdout
    for result in outputs:
        assert FB_TOKEN not in result.stdout + result.stderr
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{cli.db}{suffix}")
        if path.exists():
            assert FB_TOKEN.encode() not in path.read_bytes()


@pytest.mark.parametrize("with_token", [True, False])
def test_plain_http_to_another_machine_is_refused(cli, graph: GraphServer, with_token: bool) -> None:
    feed = page_feed(graph, url="http://192.0.2.10/v21.0/1234/posts")
    if not with_token:
        feed.pop("token_env")
    cli.write_config([feed])
    result = cli("sync", env=ENV)
    assert result.returncode in (1, 2) and "https" in one_line_of(result)

"""The Instagram source, end to end: the real `clp-tui sync` against a loopback fake
of the Graph API (tests/platforms/graph.py) with an account's media, comments and
replies (nested in each comment, and paged on at /{comment-id}/replies).

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
    IG_ASKED,
    IG_POST,
    IG_TOKEN,
    IG_USER,
    IG_USERNAME,
    RATE_LIMITS,
    GraphServer,
    graph_error,
)

ENV = {"IG_TOKEN": IG_TOKEN}
BUSY_MEDIA = f"/v21.0/{IG_POST}/comments"  # three comments (two pages), one with three replies


@pytest.fixture
def graph():
    with GraphServer() as server:
        yield server


def ig_feed(graph: GraphServer, url: str | None = None, **extra) -> dict:
    return {
        "name": "insta",
        "kind": "comment",
        "source": "instagram",
        "url": url or graph.url(f"/v21.0/{IG_USER}/media"),
        "token_env": "IG_TOKEN",
        **extra,
    }


def ig_comments(graph: GraphServer) -> dict[str, object]:
    media = {p.id for p in graph.world.posts if p.instagram}
    return {c.id: c for c in graph.world.comments.values() if c.on in media}


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


def synced(cli, graph: GraphServer) -> None:
    cli.write_config([ig_feed(graph)])
    result = cli("sync", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_comment_and_reply_is_taken_with_its_text_as_written(cli, graph: GraphServer) -> None:
    graph.world.comments["17900000000000201"].text = 'See you there 👋 "soon" <3\nfrom Dale'
    synced(cli, graph)
    items = listed(cli)
    expected = ig_comments(graph)
    assert set(items) == set(expected) and len(items) == 7
    for comment_id, c in expected.items():
        item = items[comment_id]
        assert item["content_text"] == c.text
        assert item["authors"] == [{"name": c.author}]
        assert item["date_published"] == c.created.replace("+0000", "Z")
        ext = item["_clp"]
        assert ext["platform"] == "instagram" and ext["channel"] == IG_USERNAME
        assert ext["thread_id"] == c.on and ext.get("in_reply_to") == c.parent
        assert ext["state"] == ("hidden" if c.hidden else "visible")
    assert items["17900000000000201"]["_clp"]["thread_title"] == "Street stall at Millbrook market"
    replies = sorted(i for i, item in items.items() if item["_clp"].get("in_reply_to") == IG_ASKED)
    assert replies == ["17900000000000203", "17900000000000204", "17900000000000205"]  # a page and a half


def test_paging_is_followed_for_media_comments_and_replies(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    assert len(graph.log("GET", f"/v21.0/{IG_USER}/media")) == 2  # three media, two a page
    assert len(graph.log("GET", BUSY_MEDIA)) == 2
    (more,) = graph.log("GET", f"/v21.0/{IG_ASKED}/replies")
    assert more.query.get("after")
    for request in graph.log("GET"):
        assert request.bearer == IG_TOKEN and "access_token" not in request.query


def test_a_changed_comment_updates_one_item_and_a_deleted_one_goes(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    graph.world.comments["17900000000000207"].text = "Good luck in May! (edited)"
    del graph.world.comments["17900000000000204"]
    result = cli("sync", "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert (counts["added"], counts["updated"], counts["unchanged"], counts["removed"]) == (0, 1, 5, 1)
    items = listed(cli)
    assert items["17900000000000207"]["content_text"] == "Good luck in May! (edited)"
    assert "17900000000000204" not in items


def test_hide_on_instagram_shows_as_hidden_on_the_next_sync(cli, graph: GraphServer) -> None:
    """The fake's moderation endpoint (for the companion issue): POST hide=true."""
    synced(cli, graph)
    answer = httpx.post(
        graph.url("/v21.0/17900000000000207"), data={"hide": "true"}, headers={"Authorization": f"Bearer {IG_TOKEN}"}
    )
    assert answer.json() == {"success": True}
    assert cli("sync", env=ENV).returncode == 0
    assert listed(cli)["17900000000000207"]["_clp"]["state"] == "hidden"


def test_an_expired_token_says_to_make_a_new_one(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    result = cli("sync", env={"IG_TOKEN": EXPIRED_TOKEN})
    line = one_line_of(result)
    assert result.returncode == 1 and "expired" in line and "make a new token" in line and "IG_TOKEN" in line
    assert cached(cli.db) == before


def test_a_missing_permission_is_named(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    result = cli("sync", env={"IG_TOKEN": FB_TOKEN})  # a Facebook Page token: no instagram_basic
    line = one_line_of(result)
    assert result.returncode == 1 and "instagram_basic" in line and "instagram_manage_comments" in line
    assert cached(cli.db) == before


@pytest.mark.parametrize("code", [*sorted(RATE_LIMITS), 429])
def test_a_rate_limit_backs_off_until_forced(cli, graph: GraphServer, code: int) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    if code == 429:
        graph.fail_next(429, b"Too Many Requests", path=BUSY_MEDIA, headers={"Retry-After": "900"})
    else:
        graph.fail_next(400, graph_error(code, RATE_LIMITS[code]), path=BUSY_MEDIA)
    started = time.time()
    result = cli("sync", "--json", env=ENV)
    report = json.loads(one_line_of(result))
    assert result.returncode == 1 and "rate limit" in report["error"] and report["http_status"] == 429
    if code == 429:
        assert started + 890 <= report["next_allowed_at"] <= time.time() + 901
    assert cached(cli.db) == before
    again = cli("sync", env=ENV)
    assert again.returncode == 0 and "deferred" in one_line_of(again)
    assert cli("sync", "--force", env=ENV).returncode == 0


def test_a_500_is_one_line_and_the_cache_is_kept(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    graph.fail_next(500, graph_error(1, "An unknown error occurred"), path=f"/v21.0/{IG_ASKED}/replies")
    result = cli("sync", env=ENV)
    assert result.returncode == 1 and "the platform failed" in one_line_of(result)
    assert cached(cli.db) == before


@pytest.mark.parametrize("body", [b'{"data": [', {"data": "nothing"}])
def test_a_malformed_page_is_one_line_and_the_cache_is_kept(cli, graph: GraphServer, body) -> None:
    synced(cli, graph)
    before = cached(cli.db)
    graph.fail_next(200, body, path=BUSY_MEDIA)
    result = cli("sync", env=ENV)
    assert result.returncode == 1 and "malformed page" in one_line_of(result)
    assert cached(cli.db) == before


def test_the_token_is_never_printed_or_stored(cli, graph: GraphServer) -> None:
    synced(cli, graph)
    outputs = [cli("sync", "--json", env=ENV), cli("list", "comments", "--json")]
    graph.fail_next(400, graph_error(100, f"Bad request with token {IG_TOKEN}"), path=BUSY_MEDIA)
    outputs.append(cli("sync", "--json", env=ENV))
    for result in outputs:
        assert IG_TOKEN not in result.stdout + result.stderr
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{cli.db}{suffix}")
        if path.exists():
            assert IG_TOKEN.encode() not in path.read_bytes()


def test_plain_http_to_another_machine_is_refused(cli, graph: GraphServer) -> None:
    feed = ig_feed(graph, url=f"http://192.0.2.10/v21.0/{IG_USER}/media")
    feed.pop("token_env")
    cli.write_config([feed])
    result = cli("sync", env=ENV)
    assert result.returncode == 1 and "plain http" in one_line_of(result)

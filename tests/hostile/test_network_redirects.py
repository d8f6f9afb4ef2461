"""Redirects from a hostile server, over real sockets on 127.0.0.1: chains of every
status, loops, redirects out of http(s), and the token kept from another origin."""

from __future__ import annotations

import pytest
from feedserver import FeedServer

from .fast_fetch import GOOD, fetch, timed


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_five_redirects_are_followed_and_a_sixth_is_refused(server: FeedServer, status: int) -> None:
    server.route("/feed.json", body=GOOD)
    for n in range(1, 7):
        target = "/feed.json" if n == 1 else f"/r{n - 1}"
        server.route(f"/r{n}", status=status, headers={"Location": target})
    ok = fetch(server.url("/r5"))
    assert ok.status == "ok" and ok.pages == [GOOD]
    refused = fetch(server.url("/r6"))
    assert refused.status == "error" and "more than 5 redirects" in refused.error


@pytest.mark.parametrize(
    "chain",
    [
        pytest.param({"/a": "/a"}, id="to-itself"),
        pytest.param({"/a": "/b", "/b": "/a"}, id="two-step"),
        pytest.param({"/a": "/b", "/b": "/c", "/c": "/a?"}, id="query-twin"),
        pytest.param({"/a": "/b", "/b": "http://127.0.0.1:{port}/a"}, id="absolute"),
    ],
)
def test_a_redirect_loop_is_refused_quickly(server: FeedServer, chain: dict[str, str]) -> None:
    for path, location in chain.items():
        server.route(path, status=302, headers={"Location": location.format(port=server.port)})
    result, elapsed = timed(server.url("/a"))
    assert result.status == "error"
    assert "redirect loop" in result.error or "more than 5 redirects" in result.error
    assert elapsed < 2 and len(server.log()) <= 6


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://127.0.0.1/feed.json", "javascript:alert(1)", "data:,{}", "//[::1"]
)
def test_a_redirect_out_of_http_is_refused(server: FeedServer, location: str) -> None:
    server.route("/a", status=307, headers={"Location": location})
    result = fetch(server.url("/a"))
    assert result.status == "error" and result.pages == []
    assert len(server.log()) == 1  # nothing else was asked for


def test_the_token_does_not_follow_a_redirect_to_another_origin_but_the_feed_is_taken(
    server: FeedServer, other_server: FeedServer
) -> None:
    other_server.route("/feed.json", body=GOOD)
    server.route("/a", status=301, headers={"Location": other_server.url("/feed.json")})
    result = fetch(server.url("/a"), token="tok-REDIRECT-SECRET", hosts=(f"127.0.0.1:{other_server.port}",))
    assert result.status == "ok"
    (first,) = server.requests_for("/a")
    (second,) = other_server.requests_for("/feed.json")
    assert first.headers.get("authorization") == "Bearer tok-REDIRECT-SECRET"
    assert "authorization" not in second.headers

"""Fetching a feed through redirects and with a token: the token goes to the feed's
own origin only, loops and non-http redirects are refused, a token no header can
carry and a malformed URL are errors, and no message shows credentials.

Every test talks to a real loopback server (tests/feedserver.py)."""

from __future__ import annotations

import pytest
from feedserver import FeedServer
from fetching import BODY, fetch
from fetching import page as _page


def test_the_token_goes_to_the_feeds_own_origin(server: FeedServer) -> None:
    server.route("/old", status=301, headers={"Location": "/feed.json"})
    server.route("/feed.json", body=BODY)
    result = fetch(server.url("/old"), token="s3cret-token")
    assert result.status == "ok", result.error
    assert [r.headers.get("authorization") for r in server.log()] == ["Bearer s3cret-token"] * 2


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_the_token_is_not_sent_after_a_redirect_to_another_origin(
    server: FeedServer, other_server: FeedServer, status: int
) -> None:
    other_server.route("/feed.json", body=BODY)
    url = server.route("/feed.json", status=status, headers={"Location": other_server.url("/feed.json")})
    result = fetch(url, token="s3cret-token", hosts=(f"127.0.0.1:{other_server.port}",))
    assert result.status == "ok", result.error
    assert result.pages == [BODY]
    assert server.log()[0].headers["authorization"] == "Bearer s3cret-token"
    (elsewhere,) = other_server.log()
    assert "authorization" not in elsewhere.headers


def test_the_token_is_not_sent_to_a_next_url_on_another_origin(server: FeedServer, other_server: FeedServer) -> None:
    other_server.route("/p2", body=_page(2, None))
    url = server.route("/p1", body=_page(1, other_server.url("/p2")))
    result = fetch(url, token="s3cret-token", hosts=(f"127.0.0.1:{other_server.port}",))
    assert result.status == "ok" and len(result.pages) == 2
    assert server.log()[0].headers["authorization"] == "Bearer s3cret-token"
    assert "authorization" not in other_server.log()[0].headers


def test_a_redirect_loop_is_refused(server: FeedServer) -> None:
    server.route("/a", status=302, headers={"Location": "/b"})
    server.route("/b", status=302, headers={"Location": "/a"})
    result = fetch(server.url("/a"))
    assert result.status == "error" and "redirect loop" in result.error


def test_more_than_five_redirects_are_refused(server: FeedServer) -> None:
    for n in range(7):
        server.route(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    server.route("/r7", body=BODY)
    result = fetch(server.url("/r0"))
    assert result.status == "error" and "more than 5 redirects" in result.error


def test_a_redirect_away_from_http_is_refused(server: FeedServer) -> None:
    server.route("/a", status=302, headers={"Location": "file:///etc/passwd"})
    result = fetch(server.url("/a"))
    assert result.status == "error" and "not http(s)" in result.error


def test_a_redirect_without_location_is_an_error(server: FeedServer) -> None:
    result = fetch(server.route("/a", status=302))
    assert result.status == "error" and "without a Location" in result.error


@pytest.mark.parametrize("token", ["SECRET\r\nX-Injected: 1", "SECRET\x00TOKEN", "SECRÉT-TOKEN"])
def test_a_token_no_header_can_carry_is_an_error_that_does_not_show_it(server: FeedServer, token: str) -> None:
    url = server.route("/feed.json", body=BODY)
    result = fetch(url, token=token)  # must not raise
    assert result.status == "error"
    assert "token" in result.error and "SECRET" not in result.error and "SECRÉT" not in result.error
    assert server.log() == []  # nothing was sent


@pytest.mark.parametrize("bad", ["http://[oops/", "http://127.0.0.1:99999/p2", "http://exa\x01mple/"])
def test_a_malformed_url_from_the_server_is_an_error_not_a_crash(server: FeedServer, bad: str) -> None:
    server.route("/next", body=_page(1, bad))
    server.route("/moved", status=302, headers={"Location": bad})
    result = fetch(server.url("/moved"))  # must not raise
    assert result.status == "error"
    assert "not a valid URL" in result.error or "could not reach" in result.error or "refused" in result.error
    result = fetch(server.url("/next"))  # page 1 kept, the link not followed
    (note,) = result.notes
    assert "not a valid URL" in note or "could not reach" in note or "refused" in note, note


def test_messages_never_show_credentials_in_the_url(server: FeedServer) -> None:
    url = server.route("/feed.json", status=500).replace("http://", "http://user:hunter2@")
    result = fetch(url)
    assert result.status == "error"
    assert "hunter2" not in result.error and "user" not in result.error

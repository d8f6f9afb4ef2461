"""Fetching a feed over HTTP, the ordinary path: conditional requests, gzip, bodies
without a length, file URLs and the on_body call. Pagination and the hard limits,
server errors, and redirects and the token are in the test_fetch_*.py files beside it.

Every test talks to a real loopback server (tests/feedserver.py)."""

from __future__ import annotations

import asyncio
import gzip
import ssl
import threading

import pytest
from feedserver import FeedServer, Request, Route
from fetching import BODY, fetch
from fetching import page as _page

from clp_tui.data.fetch import Fetcher, FetchResult, Limits


def test_a_feed_is_fetched_with_its_validator(server: FeedServer) -> None:
    url = server.route("/feed.json", body=BODY, etag='"v1"')
    result = fetch(url)
    assert result.status == "ok", result.error
    assert result.pages == [BODY]
    assert result.http_status == 200
    assert result.etag == '"v1"'
    (request,) = server.requests_for("/feed.json")
    assert "if-none-match" not in request.headers
    assert "application/feed+json" in request.headers["accept"]


def test_an_http_feed_is_fetched_without_loading_certificates(server: FeedServer, monkeypatch) -> None:
    """TLS (certifi's bundle, ~35 ms) is set up at the first https:// URL, not for every
    client (fetch_transport.py); an https feed is still verified (tests/hostile)."""
    loaded: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loaded.append(args or kwargs)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    url = server.route("/feed.json", body=BODY, etag='"v1"')
    assert fetch(url).pages == [BODY]
    assert loaded == []


def test_a_conditional_request_is_answered_304_and_yields_no_pages(server: FeedServer) -> None:
    url = server.route("/feed.json", body=BODY, etag='"v1"')
    result = fetch(url, etag='"v1"')
    assert result.status == "not_modified"
    assert result.pages == []
    assert result.etag == '"v1"'
    (request,) = server.requests_for("/feed.json")
    assert request.headers["if-none-match"] == '"v1"'
    assert request.status == 304


def test_a_stale_validator_gets_the_new_body(server: FeedServer) -> None:
    url = server.route("/feed.json", body=BODY, etag='"v2"')
    result = fetch(url, etag='"v1"')
    assert (result.status, result.pages, result.etag) == ("ok", [BODY], '"v2"')


def test_last_modified_is_kept_and_sent_back(server: FeedServer) -> None:
    stamp = "Sat, 01 Mar 2025 10:00:00 GMT"

    def answer(request: Request) -> Route:
        if request.headers.get("if-modified-since") == stamp:
            return Route(status=304)
        return Route(body=BODY, headers={"Last-Modified": stamp})

    url = server.route("/feed.json", dynamic=answer)
    first = fetch(url)
    assert (first.status, first.last_modified) == ("ok", stamp)

    async def again() -> FetchResult:
        async with Fetcher(Limits(read_timeout=2.0)) as fetcher:
            return await fetcher.fetch(url, last_modified=first.last_modified)

    second = asyncio.run(again())
    assert (second.status, second.last_modified) == ("not_modified", stamp)
    conditional = server.log()[1]
    assert (conditional.headers["if-modified-since"], conditional.status) == (stamp, 304)


def test_a_gzipped_body_is_decoded(server: FeedServer) -> None:
    url = server.route("/feed.json", body=BODY, gzip=True)
    result = fetch(url)
    assert result.status == "ok", result.error
    assert result.pages == [BODY]
    assert "gzip" in server.requests_for("/feed.json")[0].headers["accept-encoding"]


def test_a_gzip_body_of_several_members_is_decoded_whole(server: FeedServer) -> None:
    """`cat a.gz b.gz` is a valid gzip file; a decoder that stops at the first member's
    end would hand the parser half a feed."""
    half = len(BODY) // 2
    url = server.route(
        "/feed.json", body=gzip.compress(BODY[:half]) + gzip.compress(BODY[half:]), headers={"Content-Encoding": "gzip"}
    )
    result = fetch(url)
    assert result.status == "ok", result.error
    assert result.pages == [BODY]


def test_garbage_after_a_gzip_member_is_an_error(server: FeedServer) -> None:
    url = server.route(
        "/feed.json", body=gzip.compress(BODY) + b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    result = fetch(url)
    assert result.status == "error"
    assert "compressed body" in result.error


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_bodies_without_content_length_are_read_whole(server: FeedServer, framing: str) -> None:
    url = server.route("/feed.json", body=BODY, framing=framing, trickle=(7, 0.0))
    assert fetch(url).pages == [BODY]


def test_a_corrupt_gzip_body_is_an_error(server: FeedServer) -> None:
    url = server.route("/feed.json", body=b"\x1f\x8b\x08\x00garbage-not-deflate", headers={"Content-Encoding": "gzip"})
    result = fetch(url)
    assert result.status == "error"
    assert "compressed body" in result.error


def test_a_truncated_gzip_body_is_an_error(server: FeedServer) -> None:
    url = server.route("/feed.json", body=gzip.compress(BODY)[:-12], headers={"Content-Encoding": "gzip"})
    result = fetch(url)
    assert result.status == "error"
    assert "ended early" in result.error


def test_an_unsupported_content_encoding_is_named(server: FeedServer) -> None:
    url = server.route("/feed.json", body=BODY, headers={"Content-Encoding": "br"})
    result = fetch(url)
    assert result.status == "error"
    assert "'br'" in result.error


def test_an_unreachable_server_is_an_error_not_an_exception() -> None:
    with FeedServer() as gone:
        url = gone.url("/feed.json")
    result = fetch(url)  # the port is closed now
    assert result.status == "error"
    assert "could not reach" in result.error


def test_a_file_url_is_read_and_its_stamp_serves_as_an_etag(tmp_path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(BODY)
    first = fetch(path.as_uri())
    assert first.status == "ok" and first.pages == [BODY]
    again = fetch(path.as_uri(), etag=first.etag)
    assert again.status == "not_modified"


def test_on_body_is_called_once_a_200_is_known_and_before_its_body_arrives(server: FeedServer) -> None:
    # The server holds the body back until on_body is called: had the call waited for
    # the body, the fetch would time out.
    coming = threading.Event()
    calls: list[int] = []

    def on_body() -> None:
        calls.append(len(server.requests_for("/feed.json")))
        coming.set()

    url = server.route("/feed.json", body=_page(1, "/p2.json"), etag='"v1"', hold_body=coming)
    server.route("/p2.json", body=_page(2, None))
    result = fetch(url, on_body=on_body)
    assert result.status == "ok" and len(result.pages) == 2
    assert calls == [1]  # once, for the first page only


def test_on_body_is_not_called_for_a_304_a_redirect_or_an_error(server: FeedServer) -> None:
    calls: list[str] = []
    url = server.route("/feed.json", body=BODY, etag='"v1"')
    assert fetch(url, etag='"v1"', on_body=lambda: calls.append("304")).status == "not_modified"
    moved = server.route("/old", status=302, headers={"Location": url})
    assert fetch(moved, etag='"v1"', on_body=lambda: calls.append("302 then 304")).status == "not_modified"
    broken = server.route("/broken", status=500, body=b"no")
    assert fetch(broken, on_body=lambda: calls.append("500")).status == "error"
    assert calls == []
    assert fetch(moved, on_body=lambda: calls.append("302 then 200")).status == "ok"
    assert calls == ["302 then 200"]


def test_on_body_is_called_for_a_changed_file_and_not_for_an_unchanged_one(tmp_path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(BODY)
    calls: list[str] = []
    first = fetch(path.as_uri(), on_body=lambda: calls.append("new"))
    assert fetch(path.as_uri(), etag=first.etag, on_body=lambda: calls.append("same")).status == "not_modified"
    assert calls == ["new"]

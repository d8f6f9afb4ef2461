"""Fetching a feed over HTTP within hard limits: conditional requests, gzip,
pagination, the size cap, timeouts, server errors, redirects and the token.

Every test talks to a real loopback server (tests/feedserver.py)."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import ssl
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable

import pytest
from feedserver import FeedServer, Request, Route, comment, feed_bytes

from clp_tui.data.fetch import Fetcher, FetchResult, Limits
from clp_tui.data.fetch_retry import MAX_RETRY_AFTER, MIN_RETRY_AFTER


def fetch(
    url: str,
    *,
    token: str | None = None,
    etag: str | None = None,
    hosts: tuple[str, ...] = (),
    on_body: Callable[[], None] | None = None,
    **limits: float,
) -> FetchResult:
    settings = {"connect_timeout": 2.0, "read_timeout": 2.0, "deadline": 8.0, **limits}

    async def go() -> FetchResult:
        async with Fetcher(Limits(**settings)) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url, token=token, etag=etag, redirect_hosts=hosts, on_body=on_body)

    return asyncio.run(go())


BODY = feed_bytes([comment("c1"), comment("c2")])


# -- the ordinary path -------------------------------------------------------------------


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


# -- pagination --------------------------------------------------------------------------


def _page(n: int, next_url: str | None) -> bytes:
    extra = {"next_url": next_url} if next_url else {}
    return feed_bytes([comment(f"p{n}")], **extra)


def test_next_url_pages_are_followed_relative_or_absolute(server: FeedServer) -> None:
    server.route("/p1", body=_page(1, "p2"))  # relative to the page
    server.route("/p2", body=_page(2, server.url("/p3")))
    server.route("/p3", body=_page(3, None))
    result = fetch(server.url("/p1"))
    assert result.status == "ok", result.error
    assert result.pages == [_page(1, "p2"), _page(2, server.url("/p3")), _page(3, None)]


def _stopped(result: FetchResult, pages: int, why: str) -> None:
    """The read stopped early: the pages before kept, a note saying why, incomplete."""
    assert result.status == "ok" and len(result.pages) == pages, result.error
    (note,) = result.notes
    assert why in note and "the pages before it were taken" in note
    assert not result.complete


def test_a_next_url_loop_is_refused(server: FeedServer) -> None:
    server.route("/p1", body=_page(1, "/p2"))
    server.route("/p2", body=_page(2, "/p1"))
    _stopped(fetch(server.url("/p1")), 2, "loops back")
    assert len(server.log()) == 2  # the loop was not walked again


def test_more_than_max_pages_is_refused(server: FeedServer) -> None:
    for n in range(1, 6):
        server.route(f"/p{n}", body=_page(n, f"/p{n + 1}" if n < 5 else None))
    assert fetch(server.url("/p1"), max_pages=5).complete
    _stopped(fetch(server.url("/p1"), max_pages=4), 4, "more than 4 pages")
    assert [r.path for r in server.log()][-4:] == ["/p1", "/p2", "/p3", "/p4"]  # /p5 never asked for


def test_a_next_url_that_changes_scheme_is_refused(server: FeedServer) -> None:
    server.route("/p1", body=_page(1, "file:///etc/passwd"))
    _stopped(fetch(server.url("/p1")), 1, "changes the scheme")


# -- the size cap ------------------------------------------------------------------------

CAP = 64 * 1024


def test_a_content_length_over_the_cap_is_refused_before_download(server: FeedServer) -> None:
    url = server.route("/big", body=b"x" * (CAP + 1))
    result = fetch(url, max_bytes=CAP)
    assert result.status == "error"
    assert "not downloaded" in result.error
    assert fetch(server.route("/fits", body=b"x" * CAP), max_bytes=CAP).status == "ok"


def test_an_endless_chunked_body_is_cut_at_the_cap(server: FeedServer) -> None:
    url = server.route("/endless", endless=b'{"items":[' * 400)
    started = time.monotonic()
    result = fetch(url, max_bytes=CAP)
    assert result.status == "error"
    assert "cut off" in result.error
    assert time.monotonic() - started < 2


def test_a_close_delimited_body_over_the_cap_is_cut(server: FeedServer) -> None:
    url = server.route("/big", body=b" " * (CAP * 4), framing="close")
    result = fetch(url, max_bytes=CAP)
    assert result.status == "error" and "cut off" in result.error


def test_the_cap_counts_every_page_together(server: FeedServer) -> None:
    padding = " " * (CAP // 2)
    server.route("/p1", body=_page(1, "/p2")[:-1] + f', "pad": "{padding}"}}'.encode())
    server.route("/p2", body=_page(2, None)[:-1] + f', "pad": "{padding}"}}'.encode())
    _stopped(fetch(server.url("/p1"), max_bytes=CAP), 1, "page 2 could not be read: with the pages before it")


def _gzip_bomb(inflated: int) -> bytes:
    """A valid gzip stream of `inflated` zero bytes, built without inflating it."""
    block = 1 << 20
    zeros = bytes(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    unit = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    assert unit == comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)  # a full flush resets the state
    tail = comp.flush()[:-8]  # the final empty block; the trailer is recomputed below
    count = inflated // block
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    return head + unit * (count - 1) + tail + struct.pack("<II", crc, (count * block) & 0xFFFFFFFF)


def test_the_gzip_bomb_helper_is_a_real_gzip_stream() -> None:
    assert gzip.decompress(_gzip_bomb(4 << 20)) == bytes(4 << 20)


def test_a_gzip_bomb_is_cut_at_the_cap_without_inflating_it(server: FeedServer) -> None:
    bomb = _gzip_bomb(1 << 30)  # ~1 MB on the wire (under the cap), 1 GiB inflated
    assert len(bomb) < 2 << 20
    url = server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    cap = 4 << 20
    tracemalloc.start()
    try:
        result = fetch(url, max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "error"
    assert "after decompression" in result.error
    assert peak < 4 * cap, f"peak {peak:,} bytes while reading a bomb capped at {cap:,}"


# -- timeouts ----------------------------------------------------------------------------


def test_a_server_that_never_answers_times_out(server: FeedServer) -> None:
    url = server.route("/never", hang=True)
    started = time.monotonic()
    result = fetch(url, read_timeout=0.5, deadline=5)
    elapsed = time.monotonic() - started
    assert result.status == "error"
    assert "timed out" in result.error
    assert 0.4 < elapsed < 2.5


def test_a_trickling_server_is_stopped_by_the_total_deadline(server: FeedServer) -> None:
    # A byte every 0.1 s never trips the read timeout; only the deadline ends it.
    url = server.route("/drip", body=BODY, trickle=(1, 0.1))
    started = time.monotonic()
    result = fetch(url, read_timeout=0.5, deadline=1.5)
    elapsed = time.monotonic() - started
    assert result.status == "error"
    assert "gave up after 1.5 s" in result.error
    assert 1.4 < elapsed < 3


# -- server errors and Retry-After -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "phrase"), [(404, "Not Found"), (500, "Internal Server Error"), (401, "Unauthorized")]
)
def test_an_http_error_is_reported_with_its_status(server: FeedServer, status: int, phrase: str) -> None:
    url = server.route("/feed.json", status=status, body=b"<html>oops</html>")
    result = fetch(url)
    assert result.status == "error"
    assert result.http_status == status
    assert f"HTTP {status} {phrase}" in result.error
    assert result.retry_after is None


def test_429_retry_after_in_seconds(server: FeedServer) -> None:
    url = server.route("/feed.json", status=429, headers={"Retry-After": "120"})
    result = fetch(url)
    assert (result.status, result.http_status, result.retry_after) == ("error", 429, 120.0)


def test_503_retry_after_as_an_http_date(server: FeedServer) -> None:
    when = email.utils.formatdate(time.time() + 600, usegmt=True)
    url = server.route("/feed.json", status=503, headers={"Retry-After": when})
    result = fetch(url)
    assert result.http_status == 503
    assert 590 <= result.retry_after <= 601


@pytest.mark.parametrize(
    ("header", "expected"),
    [("99999999", MAX_RETRY_AFTER), ("0", MIN_RETRY_AFTER), ("Wed, 21 Oct 2015 07:28:00 GMT", MIN_RETRY_AFTER)],
)
def test_retry_after_is_clamped(server: FeedServer, header: str, expected: float) -> None:
    url = server.route("/feed.json", status=429, headers={"Retry-After": header})
    assert fetch(url).retry_after == expected


def test_a_garbled_retry_after_is_ignored(server: FeedServer) -> None:
    url = server.route("/feed.json", status=429, headers={"Retry-After": "soon-ish"})
    result = fetch(url)
    assert result.http_status == 429 and result.retry_after is None


# -- redirects and the token -------------------------------------------------------------


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

"""Fetching a feed within hard limits: pagination (loops, max_pages, a change of
scheme), the size cap (Content-Length, endless and close-delimited bodies, every page
counted, gzip bombs) and timeouts (a server that never answers, one that trickles).

Every test talks to a real loopback server (tests/feedserver.py)."""

from __future__ import annotations

import gzip
import struct
import time
import tracemalloc
import zlib

from feedserver import FeedServer
from fetching import BODY, fetch
from fetching import page as _page

from clp_tui.data.fetch import FetchResult

# -- pagination --------------------------------------------------------------------------


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

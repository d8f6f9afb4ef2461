"""Dead, slow, lying and hostile servers, over real sockets on 127.0.0.1.

What tests/test_fetch.py already covers (a hang after the request, a body trickle,
the basic size cap and bomb, Retry-After parsing) is not repeated; this file adds
what sits below or around HTTP: refused and never-accepted connections, a status
line dripped a byte at a time, lies in Content-Length, garbage instead of HTTP,
redirect chains of every kind, TLS verification, and memory measured in a child
process while an endless body or a 200 MB gzip bomb arrives.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import socket
import sqlite3
import ssl
import time
import zlib
from pathlib import Path

import httpx
import pytest
from feedserver import FeedServer, comment, feed_bytes

from clp_tui.data.fetch import Fetcher, FetchResult, Limits
from clp_tui.data.fetch_retry import MAX_RETRY_AFTER

from .children import run_python
from .servers import RawServer, TLSServer, read_request

FAST = {"connect_timeout": 1.0, "read_timeout": 1.0, "deadline": 6.0}
GOOD = feed_bytes([comment("c1"), comment("c2")])


def fetch(url: str, *, token: str | None = None, hosts: tuple[str, ...] = (), **limits: float) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(Limits(**{**FAST, **limits})) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url, token=token, redirect_hosts=hosts)

    return asyncio.run(go())


def timed(url: str, **limits: float) -> tuple[FetchResult, float]:
    started = time.monotonic()
    result = fetch(url, **limits)
    return result, time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


# -- below HTTP ----------------------------------------------------------------------------------


def test_a_refused_connection_fails_fast_and_keeps_the_cache(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/c", body=GOOD)
    assert [r.status for r in sync_now(db, [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])] == ["ok"]
    dead = f"http://127.0.0.1:{_free_port()}/c"
    started = time.monotonic()
    (report,) = sync_now(db, [{"name": "inbox", "url": dead, "kind": "comment"}])
    assert time.monotonic() - started < 3
    assert report.status == "error" and "could not reach" in report.error
    assert sql(db, "SELECT id FROM items ORDER BY id") == [("c1",), ("c2",)]
    assert sql(db, "SELECT last_outcome, failures FROM feeds") == [("error", 1)]


def test_a_server_that_never_accepts_is_given_up_within_the_read_timeout() -> None:
    # The kernel completes the handshake into the backlog, so connecting succeeds; nothing reads.
    with RawServer(accept=False) as raw:
        result, elapsed = timed(raw.url(), read_timeout=0.7)
    assert result.status == "error" and "timed out" in result.error
    assert elapsed < 0.7 + 1.5


def test_a_server_that_accepts_reads_and_never_answers_is_given_up_within_the_read_timeout() -> None:
    def silent(conn: socket.socket) -> None:
        read_request(conn)
        time.sleep(10)

    with RawServer(silent) as raw:
        result, elapsed = timed(raw.url(), read_timeout=0.7)
    assert result.status == "error" and "timed out" in result.error
    assert elapsed < 0.7 + 1.5


def test_a_status_line_dripped_a_byte_at_a_time_is_stopped_by_the_deadline() -> None:
    # Each byte resets the read timeout: only the total deadline can end this.
    def drip(conn: socket.socket) -> None:
        read_request(conn)
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 10_000:
            conn.sendall(bytes([byte]))
            time.sleep(0.1)

    with RawServer(drip) as raw:
        result, elapsed = timed(raw.url(), read_timeout=0.5, deadline=1.5)
    assert result.status == "error" and "gave up after 1.5 s" in result.error
    assert elapsed < 3


def test_a_content_length_over_the_cap_is_refused_before_a_byte_of_body_arrives() -> None:
    # The server promises a terabyte and then sends nothing: we must not wait to find out.
    def liar(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n")
        time.sleep(10)

    with RawServer(liar) as raw:
        result, elapsed = timed(raw.url(), read_timeout=4)
    assert result.status == "error" and "not downloaded" in result.error
    assert elapsed < 2.0, "the body was waited for although its length alone was over the cap"


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(b"SSH-2.0-OpenSSH_9.6\r\n", id="not-http"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(64), id="tls-bytes"),
        pytest.param(b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"version":', id="body-cut-short"),
        pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}", id="negative-length"),
        pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}", id="two-lengths"),
        pytest.param(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n", id="huge-header"),
        pytest.param(b"HTTP/1.1 200 OK\r\n" + b"X-H: 1\r\n" * 50_000 + b"\r\n", id="many-headers"),
        pytest.param(b"HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n", id="status-999"),
        pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", id="bad-chunk"),
        pytest.param(b"", id="closed-at-once"),
    ],
)
def test_garbage_instead_of_http_is_that_feeds_error_not_a_crash(answer: bytes) -> None:
    def garbage(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(answer)
        conn.shutdown(socket.SHUT_WR)
        time.sleep(0.5)

    with RawServer(garbage) as raw:
        result, elapsed = timed(raw.url())
    assert result.status == "error", result
    assert result.error and "\n" not in result.error
    assert elapsed < 3


@pytest.mark.parametrize(
    "content_type", [None, "text/html; charset=iso-8859-1", "application/octet-stream", "image/png", "x/\x7f"]
)
def test_a_valid_body_is_taken_whatever_the_content_type_says(content_type: str | None) -> None:
    header = b"" if content_type is None else b"Content-Type: " + content_type.encode("latin-1") + b"\r\n"

    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + header + b"Content-Length: %d\r\n\r\n" % len(GOOD) + GOOD)
        time.sleep(0.5)

    with RawServer(answer) as raw:
        result = fetch(raw.url())
    assert result.status == "ok", result.error
    assert result.pages == [GOOD]


def _gzip(data: bytes) -> bytes:
    z = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


@pytest.mark.parametrize(
    ("encoding", "body", "reason"),
    [
        pytest.param("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate" * 10, "corrupt", id="corrupt-gzip"),
        pytest.param("gzip", _gzip(GOOD)[:-12], "ended early", id="truncated-gzip"),
        pytest.param("gzip", _gzip(GOOD)[:10] + b"\xff" * 20 + _gzip(GOOD)[30:], "corrupt", id="flipped-bytes"),
        pytest.param("deflate", b"\x78\x9c" + b"\x00" * 40, "compressed body", id="corrupt-deflate"),
        pytest.param("br", b"\x0b\x02\x80{}\x03", "not supported", id="brotli"),
        pytest.param("gzip, gzip", _gzip(_gzip(GOOD)), "not supported", id="stacked"),
    ],
)
def test_a_broken_compressed_body_is_that_feeds_error_and_the_cache_stays(
    server: FeedServer, db: Path, sync_now, sql, encoding: str, body: bytes, reason: str
) -> None:
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=GOOD)
    assert [r.status for r in sync_now(db, feeds)] == ["ok"]
    server.route("/c", body=body, headers={"Content-Encoding": encoding})
    (report,) = sync_now(db, feeds)
    assert report.status == "error" and reason in report.error, report.error
    assert sql(db, "SELECT id FROM items ORDER BY id") == [("c1",), ("c2",)]


# -- redirects -----------------------------------------------------------------------------------


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


# -- HTTP errors and being told to wait ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "deferred"), [(404, False), (410, False), (500, False), (502, False), (503, True), (429, True)]
)
def test_an_http_error_keeps_the_cache_and_only_busy_answers_defer(
    server: FeedServer, db: Path, sync_now, sql, status: int, deferred: bool
) -> None:
    feeds = [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}]
    server.route("/c", body=GOOD)
    assert [r.status for r in sync_now(db, feeds)] == ["ok"]
    server.route("/c", status=status, body=b"<html><body>Oops [bold]x[/] \x1b[2J</body></html>")
    (report,) = sync_now(db, feeds)
    assert report.status == "error" and report.http_status == status
    assert f"HTTP {status}" in report.error and "\x1b" not in report.error
    assert sql(db, "SELECT id FROM items ORDER BY id") == [("c1",), ("c2",)]
    (next_allowed,) = sql(db, "SELECT next_allowed_at FROM feeds")[0]
    if deferred:  # no Retry-After: exponential backoff from a minute, with jitter
        assert time.time() + 40 < next_allowed < time.time() + 80
        (again,) = sync_now(db, feeds)
        assert again.status == "deferred"
    else:
        assert next_allowed is None


@pytest.mark.parametrize("status", [503, 429])  # Retry-After in seconds: tests/test_cli.py
def test_retry_after_as_an_http_date_is_kept_across_two_sync_runs_and_force_overrides(
    server: FeedServer, cli, status: int
) -> None:
    when = email.utils.formatdate(time.time() + 600, usegmt=True)
    server.route("/c", status=status, headers={"Retry-After": when})
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    first = cli("sync", "--json")
    assert first.returncode == 1
    report = json.loads(first.stdout)
    assert report["http_status"] == status and time.time() + 580 < report["next_allowed_at"] < time.time() + 602

    server.route("/c", body=GOOD)
    second = cli("sync")
    assert second.returncode == 0, "a deferral is not a failure"
    assert "deferred" in second.stdout and "--force" in second.stdout
    assert len(server.log()) == 1, "the second run asked the server anyway"

    forced = cli("sync", "--force")
    assert forced.returncode == 0 and "+2 added" in forced.stdout
    assert len(server.log()) == 2
    assert sqlite3.connect(cli.db).execute("SELECT next_allowed_at, failures FROM feeds").fetchone() == (None, 0)


@pytest.mark.parametrize(
    "header",
    [
        "99999999999",
        "1e400",
        "inf",
        "-5",
        "0",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "tomorrow",
        "12" * 400,
    ],
)
def test_an_absurd_retry_after_is_clamped_when_stored(server: FeedServer, db: Path, sync_now, sql, header: str) -> None:
    server.route("/c", status=429, headers={"Retry-After": header})
    (report,) = sync_now(db, [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    assert report.status == "error" and report.http_status == 429
    (next_allowed,) = sql(db, "SELECT next_allowed_at FROM feeds")[0]
    wait = next_allowed - time.time()
    assert 0 < wait <= MAX_RETRY_AFTER + 1, f"Retry-After {header[:30]!r} became a {wait:.0f} s wait"


# -- TLS -----------------------------------------------------------------------------------------


def test_https_verifies_certificates_by_default(self_signed: tuple[Path, Path], cli) -> None:
    cert, key = self_signed
    with TLSServer(cert, key, GOOD) as tls:
        # The server works for a client that trusts its certificate...
        trusting = ssl.create_default_context(cafile=str(cert))
        assert httpx.get(tls.url(), verify=trusting).content == GOOD
        served = len(tls.requests)
        # ...and clp-tui, trusting only the public CAs, refuses it, token unsent.
        result = fetch(tls.url(), token="tok-TLS-SECRET")
        assert result.status == "error" and "certificate" in result.error.lower(), result.error
        cli.write_config([{"name": "private", "url": tls.url(), "kind": "comment", "token_env": "TLS_TOKEN"}])
        # Not even a CA bundle named in the environment is trusted silently.
        run = cli("sync", env={"TLS_TOKEN": "tok-TLS-SECRET", "SSL_CERT_FILE": str(cert)})
        assert run.returncode == 1 and "certificate" in run.stdout.lower() and "Traceback" not in run.stderr
        assert "tok-TLS-SECRET" not in run.stdout + run.stderr
        assert len(tls.requests) == served, "a request got through an unverified connection"


# -- memory, measured in a child process ---------------------------------------------------------

# Peak RSS in KiB. getrusage's ru_maxrss survives fork and exec, so a child of a big
# pytest process starts with the parent's peak and shows no growth at all; Linux's
# VmHWM belongs to this process image alone. Elsewhere, ru_maxrss is the best there is.
_MEASURE = r"""
import asyncio, json, resource, sys
from clp_tui.data.fetch import Fetcher, Limits

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return int(next(l for l in status if l.startswith("VmHWM:")).split()[1])
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def main():
    async with Fetcher(Limits(connect_timeout=2, read_timeout=2, deadline=30)) as fetcher:
        warm = await fetcher.fetch(sys.argv[2])  # imports and buffers of an ordinary fetch
        assert warm.status == "ok", warm.error
        before = peak_kb()
        result = await fetcher.fetch(sys.argv[1])
        after = peak_kb()
    print(json.dumps({"status": result.status, "error": result.error, "grown_kb": after - before}))

asyncio.run(main())
"""


def _gzip_bomb(inflated: int) -> bytes:
    """A gzip stream of `inflated` zero bytes (~1000:1), built without inflating it."""
    block = 1 << 20
    zeros = bytes(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    unit = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)  # identical for every later block
    tail = comp.flush()[:-8]
    count = inflated // block
    crc = zlib.crc32(zeros)
    for _ in range(count - 1):
        crc = zlib.crc32(zeros, crc)
    return (
        head + unit * (count - 1) + tail + (crc.to_bytes(4, "little") + (count * block % 2**32).to_bytes(4, "little"))
    )


@pytest.mark.parametrize("shape", ["endless", "gzip-bomb", "deflate-bomb"])
def test_memory_stays_bounded_while_a_hostile_body_is_cut_at_the_cap(
    server: FeedServer, home: Path, shape: str
) -> None:
    server.route("/warm", body=GOOD)
    if shape == "endless":
        server.route("/evil", endless=b'{"items":["' + b"x" * 65_000 + b'",')
    elif shape == "gzip-bomb":
        bomb = _gzip_bomb(200 << 20)
        assert len(bomb) < 300_000, len(bomb)  # ~200 KB on the wire for 200 MB inflated
        server.route("/evil", body=bomb, headers={"Content-Encoding": "gzip"})
    else:
        raw = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
        bomb = b"".join(raw.compress(bytes(1 << 20)) for _ in range(64)) + raw.flush()
        server.route("/evil", body=bomb, headers={"Content-Encoding": "deflate"})
    run = run_python(_MEASURE, home, server.url("/evil"), server.url("/warm"), timeout=60)
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout)
    assert outcome["status"] == "error" and "cap" in outcome["error"], outcome
    # The default cap is 20 MiB of decoded body; allow for it twice over plus buffers.
    assert 0 < outcome["grown_kb"] < 100 * 1024, f"peak RSS grew {outcome['grown_kb'] / 1024:.0f} MB"

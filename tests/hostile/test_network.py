"""Dead, slow, lying and hostile servers, over real sockets on 127.0.0.1.

What tests/test_fetch*.py already cover (a hang after the request, a body trickle,
the basic size cap and bomb, Retry-After parsing) is not repeated; this file adds
what sits below HTTP: refused and never-accepted connections, a status line dripped
a byte at a time, lies in Content-Length, garbage instead of HTTP, broken compressed
bodies, and TLS verification. Redirects, HTTP errors and memory under a hostile body
are in the test_network_*.py files beside it.
"""

from __future__ import annotations

import socket
import ssl
import time
import zlib
from pathlib import Path

import httpx
import pytest
from feedserver import FeedServer

from .fast_fetch import GOOD, fetch, timed
from .servers import RawServer, TLSServer, read_request


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

"""A loopback HTTP server that publishes JSON Feeds the way a careful publisher does.

The demo, the tests and the benchmarks point the dashboard at it. It answers
`GET /NAME.json` (or `/NAME`) with whatever bytes a provider function returns
for NAME, and behaves like a good static host so the dashboard's fetcher is
exercised for real: a strong ETag, Last-Modified, 304 Not Modified for
conditional requests, and gzip for clients that ask for it.

It knows nothing of the demo world: the caller wires one in, e.g.
`FeedServer(lambda name: json.dumps(world.feed(name)).encode())`. A caller that
takes writes (the demo's Graph-shaped Page, which applies moderation decisions)
passes `poster`: `POST /NAME` with a urlencoded form is answered with what
`poster(NAME, form)` returns as JSON (None: 404).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FEED_CONTENT_TYPE = "application/feed+json; charset=utf-8"

# Maps a feed name to its JSON bytes; None (or a LookupError) means there is no such feed.
FeedProvider = Callable[[str], bytes | None]
# Answers a POST to NAME with its form fields: the JSON bytes to send back, or None (404).
Poster = Callable[[str, dict[str, str]], bytes | None]
_MAX_FORM = 64 * 1024

# Short enough for tests to stop promptly, long enough not to spin.
_POLL_INTERVAL = 0.05
# An idle keep-alive connection is dropped after this many seconds.
_IDLE_TIMEOUT = 30


@dataclass
class _Version:
    """One body served under a feed name: its validators and, once asked for, its gzip."""

    etag: str
    last_modified: int  # whole seconds since the epoch: HTTP dates have no finer grain
    gzipped: bytes | None = None


class FeedServer:
    """Serves feeds from `provider` on a loopback address, from a background daemon thread.

    The socket is bound on construction, so `port` and `url()` work before `start()`.
    """

    def __init__(
        self, provider: FeedProvider, host: str = "127.0.0.1", port: int = 0, *, poster: Poster | None = None
    ) -> None:
        self.provider = provider
        self.poster = poster
        self._versions: dict[str, _Version] = {}
        self._lock = threading.Lock()
        self._httpd = _HTTPServer((host, port), self)
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, name: str) -> str:
        """The address of feed `name`, e.g. http://127.0.0.1:8123/plan.json."""
        return f"http://{self.host}:{self.port}/{name}.json"

    def start(self) -> None:
        """Begin serving in a daemon thread; a server can be started once."""
        if self._thread is not None or self._stopped:
            raise RuntimeError("this FeedServer has already been started")
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"feed-server-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port. Safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        # shutdown() waits for serve_forever() to return, so only call it if that is running.
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _version_of(self, name: str, body: bytes) -> _Version:
        """The validators for `body` under `name`, noting the time whenever the body changes."""
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        with self._lock:
            current = self._versions.get(name)
            if current is None or current.etag != etag:
                now = int(time.time())
                # A body that changes twice within one second must still get a later
                # Last-Modified, or a client revalidating by date would miss the change.
                if current is not None and now <= current.last_modified:
                    now = current.last_modified + 1
                current = _Version(etag, now)
                self._versions[name] = current
            return current

    @staticmethod
    def _gzipped(version: _Version, body: bytes) -> bytes:
        """`body` compressed, computed once per version so a 20 MB feed is not re-compressed.

        Two first requests racing may both compress; either result is the same bytes.
        """
        if version.gzipped is None:
            # mtime=0 keeps the output identical for identical input.
            version.gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        return version.gzipped


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], feeds: FeedServer) -> None:
        self.feeds = feeds
        super().__init__(address, _FeedHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A reader that hangs up mid-body (a byte cap, a timeout, a cancelled
        # sync) is normal here; a traceback on stderr would garble a terminal UI.
        if isinstance(sys.exception(), ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _FeedHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    # HTTP/1.1 keeps connections alive between polls, as real hosts do.
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        feeds = self.server.feeds
        length = int(self.headers.get("Content-Length") or 0)
        if feeds.poster is None or not 0 <= length <= _MAX_FORM:
            self._send_text(HTTPStatus.METHOD_NOT_ALLOWED, "this server takes no writes", True)
            return
        raw = self.rfile.read(length).decode("utf-8", "replace")
        form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        try:
            body = feeds.poster(_feed_name(self.path), form)
        except Exception as exc:  # caller code: report, don't crash the thread
            self._send_text(HTTPStatus.INTERNAL_SERVER_ERROR, f"write failed: {exc!r}", True)
            return
        if body is None:
            self._send_text(HTTPStatus.NOT_FOUND, "nothing to write to there", True)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the default writes every request to stderr, under the UI."""

    def _respond(self, send_body: bool) -> None:
        feeds = self.server.feeds
        name = _feed_name(self.path)
        try:
            body = feeds.provider(name) if name else None
        except LookupError:
            body = None
        except Exception as exc:  # the provider is caller code; report, don't crash the thread
            self._send_text(HTTPStatus.INTERNAL_SERVER_ERROR, f"feed {name!r} failed: {exc!r}", send_body)
            return
        if body is None:
            self._send_text(HTTPStatus.NOT_FOUND, f"no feed called {name!r}", send_body)
            return
        version = feeds._version_of(name, body)
        if self._not_modified(version):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_validators(version)
            self.end_headers()
            return
        compress = _accepts_gzip(self.headers.get("Accept-Encoding", ""))
        payload = feeds._gzipped(version, body) if compress else body
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", FEED_CONTENT_TYPE)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self._send_validators(version)
        self.end_headers()
        if send_body:
            self.wfile.write(payload)

    def _send_validators(self, version: _Version) -> None:
        self.send_header("ETag", version.etag)
        self.send_header("Last-Modified", email.utils.formatdate(version.last_modified, usegmt=True))
        # Readers may keep a copy but must revalidate it every time.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Vary", "Accept-Encoding")

    def _not_modified(self, version: _Version) -> bool:
        """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # Weak comparison, as the RFC asks for If-None-Match.
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or version.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False  # an unreadable date is ignored, as the RFC says
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)  # "-0000": HTTP dates are always GMT
        return since.timestamp() >= version.last_modified

    def _send_text(self, status: HTTPStatus, text: str, send_body: bool) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(payload)


def _feed_name(path: str) -> str:
    """The feed a request path names: `/plan.json` and `/plan` are both `plan`, and
    `/v21.0/ID/posts` is `v21.0/ID/posts` (the demo's Graph-shaped Page); '' if none."""
    return unquote(urlsplit(path).path).lstrip("/").removesuffix(".json")


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (a q of 0 refuses it)."""
    for part in accept_encoding.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() not in {"gzip", "x-gzip"}:
            continue
        key, _, value = params.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value) > 0
            except ValueError:
                return False
        return True
    return False

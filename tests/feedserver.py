"""The suite's one loopback HTTP server and its one config builder (stdlib only).

Every test that needs feeds over HTTP uses this `FeedServer`: the data-layer tests
through the `server` and `other_server` fixtures in conftest.py (two servers are two
origins), the UI, report and meeting fixtures by publishing whole feeds with
`feed()`. (clp_tui/demo/server.py is the demo's own server: it ships in the package
and runs under `clp-tui demo`, which cannot import from tests/; the tests do not use
it.) Routes are set per path:

    server.route("/feed.json", body=b"...", etag='"v1"', gzip=True)
    server.route("/old", status=302, headers={"Location": other.url("/feed.json")})
    server.route("/slow", body=b"...", trickle=(16, 0.1))   # 16 bytes every 0.1 s
    server.route("/never", hang=True)                        # headers never sent
    server.route("/held", body=b"...", hold_body=event)      # headers, then the body once event is set
    server.route("/forever", endless=b"[" * 4096)            # chunked, never ends
    server.feed("plan", body)   # /plan.json as a careful static host serves it

Every request is logged (`server.requests`: method, path, headers) so a test can
assert what was sent, e.g. that an Authorization header never reached another
origin, or that a conditional request was answered with 304.
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Request:
    """One request as the server saw it. `headers` keys are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    status: int | None = None  # what the server answered


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # A strong validator: sent as ETag, and a matching If-None-Match gets a 304.
    etag: str | None = None
    # Compress the body with gzip (Content-Encoding: gzip) when the client accepts it.
    gzip: bool = False
    # Send Content-Length (False: close-delimited body; "chunked": chunked encoding).
    framing: str = "length"  # "length" | "close" | "chunked"
    # Send the body `size` bytes at a time, sleeping `interval` between pieces.
    trickle: tuple[int, float] | None = None
    # Never send a status line: the client must time out.
    hang: bool = False
    # A chunked body that repeats this piece until the client goes away.
    endless: bytes | None = None
    # Hold the response until this barrier trips (requests from several clients at once).
    barrier: threading.Barrier | None = None
    # Send the status line and headers, then hold the body until this event is set (or
    # the server stops): what a client does between the two can be observed.
    hold_body: threading.Event | None = None
    # Compute the answer per request: fn(request) -> Route.
    dynamic: Callable[[Request], Route] | None = None


class FeedServer:
    """A threaded loopback HTTP/1.1 server whose answers the test programs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.feedserver = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for route in self.routes.values():
            if route.barrier is not None:
                route.barrier.abort()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- programming it -----------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/feed.json") -> str:
        return self.origin + path

    def route(self, path: str, **kwargs: Any) -> str:
        """Set what `path` answers; returns its absolute URL."""
        with self._lock:
            self.routes[path] = Route(**kwargs)
        return self.url(path)

    def feed(self, name: str, body: bytes) -> str:
        """Publish `body` as feed `name` at /NAME.json, the way a careful static host
        does: a strong ETag taken from the bytes (a matching If-None-Match gets a 304),
        gzip for clients that ask, revalidate every time. Returns the feed's URL."""
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        return self.route(f"/{name}.json", body=body, etag=etag, gzip=True, headers={"Cache-Control": "no-cache"})

    # -- what happened ------------------------------------------------------------------

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def log(self) -> list[Request]:
        with self._lock:
            return list(self.requests)

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> None:
        """Block until at least `count` requests arrived (used to time a kill)."""
        end = time.monotonic() + timeout
        while len(self.log()) < count:
            if time.monotonic() > end:
                raise TimeoutError(f"only {len(self.log())} of {count} requests arrived")
            time.sleep(0.005)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    feedserver: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-body (the fetcher cutting at its cap) is expected.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stalls
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        fs = self.server.feedserver
        path = urlsplit(self.path).path or "/"
        if urlsplit(self.path).query:
            path += "?" + urlsplit(self.path).query
        request = Request("GET", path, {k.lower(): v for k, v in self.headers.items()})
        with fs._lock:
            fs.requests.append(request)
            route = fs.routes.get(path)
        if route is None:
            route = Route(status=404, body=b"not found")
        if route.dynamic is not None:
            route = route.dynamic(request)
        try:
            self._answer(fs, request, route)
        except (BrokenPipeError, ConnectionResetError, threading.BrokenBarrierError):
            self.close_connection = True

    def _answer(self, fs: FeedServer, request: Request, route: Route) -> None:
        if route.barrier is not None:
            route.barrier.wait(timeout=30)
        if route.hang:
            fs.stopping.wait(60)
            self.close_connection = True
            return
        status, body = route.status, route.body
        headers = dict(route.headers)
        if route.etag is not None:
            headers["ETag"] = route.etag
            if request.headers.get("if-none-match") == route.etag:
                status, body = 304, b""
        if route.gzip and status != 304 and "gzip" in request.headers.get("accept-encoding", ""):
            body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        request.status = status
        self.send_response(status)
        headers.setdefault("Content-Type", "application/feed+json")
        for key, value in headers.items():
            self.send_header(key, value)
        if route.endless is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            piece = b"%x\r\n%s\r\n" % (len(route.endless), route.endless)
            while not fs.stopping.is_set():
                self.wfile.write(piece)
            return
        if status == 304 or status < 200 or status == 204:
            self.end_headers()
            return
        if route.framing == "length":
            self.send_header("Content-Length", str(len(body)))
        elif route.framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if route.hold_body is not None:
            self.wfile.flush()
            while not route.hold_body.wait(0.05):
                if fs.stopping.is_set():
                    return
        size, interval = route.trickle or (max(len(body), 1), 0.0)
        for start in range(0, len(body), size):
            piece = body[start : start + size]
            if route.framing == "chunked":
                piece = b"%x\r\n%s\r\n" % (len(piece), piece)
            self.wfile.write(piece)
            self.wfile.flush()
            if interval and start + size < len(body) and fs.stopping.wait(interval):
                return  # the server is stopping
        if route.framing == "chunked":
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


# -- feed documents and configs the tests serve and write ---------------------------------

JSONFEED = "https://jsonfeed.org/version/1.1"
# Generous enough for a loaded CI machine, small enough that a hang fails fast.
TEST_NETWORK = {"connect_timeout": 2, "read_timeout": 2, "deadline": 8}


def feed_bytes(items: list[dict[str, Any]], title: str = "Test feed", **envelope: Any) -> bytes:
    """A JSON Feed 1.1 document. `clp=` becomes the envelope's `_clp` object."""
    doc: dict[str, Any] = {"version": JSONFEED, "title": title}
    if "clp" in envelope:
        doc["_clp"] = envelope.pop("clp")
    doc.update(envelope)
    doc["items"] = items
    return json.dumps(doc, ensure_ascii=False).encode()


def comment(item_id: Any, text: str = "a comment", **clp: Any) -> dict[str, Any]:
    ext = {"type": "comment", "platform": "facebook", "channel": "CLP page", **clp}
    return {
        "id": item_id,
        "content_text": text,
        "authors": [{"name": "A. Member"}],
        "date_published": "2025-03-01T10:00:00Z",
        "_clp": ext,
    }


def milestone(item_id: str, due: str = "2030-05-01", **clp: Any) -> dict[str, Any]:
    return {"id": item_id, "title": f"Milestone {item_id}", "_clp": {"type": "milestone", "due": due, **clp}}


def activity(item_id: str, branch: str = "Northside", week: str = "2025-W10", **clp: Any) -> dict[str, Any]:
    ext = {"type": "activity", "branch": branch, "week": week, "metrics": {"doors": 120}, **clp}
    return {"id": item_id, "title": f"{branch} {week}", "_clp": ext}


def press(item_id: str, stage: str = "drafting", fmt: str = "press_release", **clp: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": f"Release {item_id}",
        "_clp": {"type": "press", "format": fmt, "stage": stage, **clp},
    }


# -- config ------------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML basic string: quote, backslash and control characters escaped, the rest as is."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch != "\t" and (ord(ch) < 0x20 or ord(ch) == 0x7F):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    """A bare key when TOML allows one, else a quoted key (`"inbox.approve" = ...`)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def feed_cfg(server: FeedServer, name: str = "inbox", kind: str = "comment", path: str = "/feed.json", **extra):
    """One feed's entry for `config_toml` or `sync_now`: a feed of `kind` at `path` on `server`."""
    return {"name": name, "url": server.url(path), "kind": kind, **extra}


def config_toml(
    feeds: list[dict[str, Any]], network: dict[str, Any] | None | bool = None, **tables: dict[str, Any]
) -> str:
    """The suite's one config.toml writer: a [[feeds]] table per dict in `feeds`, plus
    any other tables as keyword arguments (officer=, moderation=, campaign=, keys=, ...).

    [network] gets TEST_NETWORK's short timeouts with `network` laid over them;
    `network=False` writes no [network] table at all, leaving clp-tui's defaults.
    """
    head: dict[str, dict[str, Any]] = {}
    if network is not False:
        head["network"] = {**TEST_NETWORK, **(network or {})}
    lines = []
    for name, table in {**head, **tables}.items():
        lines.append(f"[{_toml_key(name)}]")
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    for feed in feeds:
        lines.append("[[feeds]]")
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in feed.items()]
    return "\n".join(lines) + "\n"

"""A loopback HTTP server for a platform's API, for tests (stdlib only).

Each platform's fake (tests/platforms/NAME.py) subclasses `PlatformServer` and
answers `handle()` from its own data, following the platform's published API
reference (request paths, parameters, paging, error documents). This base gives
them what every fake needs:

- one real server on 127.0.0.1, started and stopped with `with`;
- a log of every request (`server.requests`: method, path, query, headers, form);
- faults injected from a test: `server.fail_next(status, body, times=1, path=...)`
  answers the next matching requests with that error instead (500, 429, an
  expired-token document, a malformed page);
- a stall: `server.stall(method, path, after=False)` makes the next matching request
  wait (before it is handled, or after, with `after=True`) until `release()`, so a
  test can kill a client while its request is in flight.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]  # the last value of each parameter
    headers: dict[str, str]  # lower-cased names
    form: dict[str, str]  # a urlencoded POST body (or a JSON body's top level)
    raw_query: str = ""

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:] if value.startswith("Bearer ") else None


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Fault:
    answer: Answer
    times: int
    path: str | None
    method: str | None


class PlatformServer:
    """Subclass and implement `handle(request) -> Answer`."""

    def __init__(self) -> None:
        self.requests: list[ApiRequest] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._stall: tuple[str, str, bool] | None = None
        self._released = threading.Event()
        self.stalled = threading.Event()  # set once a stalled request has arrived
        self._dropping = False
        self.dropped: list[ApiRequest] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.platform = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PlatformServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def fail_next(
        self,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        path: str | None = None,
        method: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests (whose path starts with `path`) with this instead."""
        with self._lock:
            self._faults.append(_Fault(Answer(status, body, headers or {}), times, path, method))

    def stall(self, method: str, path: str, *, after: bool = False) -> None:
        """Hold the next `method` request under `path` until `release()`: unhandled, or
        (`after`) handled but unanswered."""
        with self._lock:
            self._stall = (method, path, after)
            self._released.clear()
            self.stalled.clear()

    def release(self, *, drop: bool = False) -> None:
        """Let the stalled request go on; `drop`: it never reaches the platform (a 503)."""
        self._dropping = drop
        self._released.set()

    def log(self, method: str | None = None, path: str | None = None) -> list[ApiRequest]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or r.path.startswith(path))
            ]

    def handle(self, request: ApiRequest) -> Answer:
        raise NotImplementedError

    def _answer(self, request: ApiRequest) -> Answer:
        with self._lock:
            stall = self._stall
            if stall and request.method == stall[0] and request.path.startswith(stall[1]):
                self._stall = None
            else:
                stall = None
        if stall is not None:
            if stall[2]:
                answer = self._answer_now(request)
                self.stalled.set()
                self._released.wait(60)
                return answer
            self.stalled.set()
            self._released.wait(60)
            if self._dropping:
                self.dropped.append(request)
                return Answer(503, {"error": "dropped by the test"})
        return self._answer_now(request)

    def _answer_now(self, request: ApiRequest) -> Answer:
        with self._lock:
            self.requests.append(request)
            for fault in self._faults:
                if (
                    fault.times > 0
                    and (fault.path is None or request.path.startswith(fault.path))
                    and (fault.method is None or fault.method == request.method)
                ):
                    fault.times -= 1
                    return fault.answer
        return self.handle(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    platform: PlatformServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        form: dict[str, str] = {}
        if raw:
            if "json" in (self.headers.get("content-type") or ""):
                loaded = json.loads(raw)
                form = loaded if isinstance(loaded, dict) else {}
            else:
                form = {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        request = ApiRequest(
            method, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, form, parts.query
        )
        answer = self.server.platform._answer(request)
        body = (
            answer.body
            if isinstance(answer.body, bytes)
            else (b"" if answer.body is None else json.dumps(answer.body).encode())
        )
        self.send_response(answer.status)
        headers = {"Content-Type": "application/json; charset=UTF-8", **answer.headers}
        for key, value in headers.items():
            self.send_header(key, value)
        if answer.status in (204, 304):
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

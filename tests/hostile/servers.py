"""Servers for the adversarial suite that misbehave below HTTP (`RawServer`, a TCP
socket on 127.0.0.1 handed to a handler) or speak TLS with a self-signed certificate
(`TLSServer`); well-formed HTTP is tests/feedserver.py's FeedServer."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class RawServer:
    """A TCP server on 127.0.0.1 that hands each accepted connection to `handler`
    (in its own thread); or, with `accept=False`, one that never even accepts."""

    def __init__(self, handler: Callable[[socket.socket], None] | None = None, *, accept: bool = True) -> None:
        self.handler = handler
        self.accept = accept
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.stopping = threading.Event()
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def url(self, path: str = "/feed.json") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            assert self.handler is not None
            self.handler(conn)
        except OSError:
            pass

    def __enter__(self) -> RawServer:
        if self.accept:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        if self.accept:
            self._thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
        self.sock.close()


def read_request(conn: socket.socket) -> bytes:
    """Read one request head (up to the blank line)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class TLSServer:
    """An https server on 127.0.0.1 serving one body at every path, logging request headers."""

    def __init__(self, cert: Path, key: Path, body: bytes) -> None:
        requests: list[dict[str, str]] = []
        self.requests = requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                requests.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Type", "application/feed+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str = "/feed.json") -> str:
        return f"https://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> TLSServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

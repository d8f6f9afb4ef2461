"""Tools for the adversarial suite.

Everything here is real: TCP sockets on 127.0.0.1 (tests/feedserver.py's FeedServer
for well-formed HTTP, `RawServer` below for servers that misbehave below HTTP), a
TLS server with a self-signed certificate made by the `openssl` command, SQLite
files under tmp_path, and `clp-tui` run as a subprocess. The fixtures of
tests/conftest.py (server, other_server, db, cli, sync_now, sql) are available too.
"""

from __future__ import annotations

import ctypes
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from feedserver import JSONFEED

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"

# -- hostile text --------------------------------------------------------------------------

# Each piece carries a visible marker so a test can find it wherever it is shown.
HOSTILE: dict[str, str] = {
    "bold": "[bold]BOLDMARK[/bold]",
    "close": "CLOSEMARK[/]",
    "link": "[link=https://e.vl/]LINKMARK[/link]",
    "click": "[@click=app.quit]QUITMARK[/]",
    "csi": "CSIMARK\x1b[2J\x1b[H\x1b[31mred\x1b[0m",
    "c1": "C1MARK\x9b2J\x9d0;title\x9c",
    "osc_title": "OSCMARK\x1b]0;pwned-title\x07",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\HYPERMARK\x1b]8;;\x1b\\",
    "bel": "BELMARK\x07\x07",
    "backspace": "BSMARK\x08\x08\x08XYZ",
    "cr": "CRMARK\rOVERWRITE",
    "rtl": "RTLMARK\u202egnp.exe\u202c",
    "isolate": "ISOMARK\u2067x\u2069",
    "zero_width": "ZW\u200bMA\u200cR\u200dK\ufeff",
    "combining": "ZALGO" + "\u0351\u0310\u0300\u0301\u0302\u0303" * 8,
    "emoji": "EMOJI👩‍👩‍👧‍👦🏴‍☠️🇬🇧",
    "html": "<script>alert('HTMLMARK')</script><img src=x onerror=alert(2)>",
    "csv": '=HYPERLINK("https://evil.example","CSVMARK")',
    "separators": "SEPMARK\u2028LS\u2029PS",
    "del_nul": "NULMARK\x7f\x00end",
}
EVIL = " ".join(HOSTILE.values())
# The markup that must survive literally wherever feed text is shown in full.
MARKUP_LITERALS = (
    "[bold]BOLDMARK[/bold]",
    "CLOSEMARK[/]",
    "[@click=app.quit]QUITMARK[/]",
    "[link=https://e.vl/]LINKMARK[/link]",
)
# Bytes that must never leave clp-tui when they came from a feed: terminal
# controls (ESC, BEL, backspace, NUL, DEL), C1 controls (CSI, OSC, ST) and bidi overrides.
RAW_CONTROLS = ("\x1b", "\x07", "\x08", "\x00", "\x7f", "\x9b", "\x9c", "\x9d", "\u202e", "\u2067")
LONG_COMMENT = ("LONGSTART " + "twenty thousand characters of comment " * 600)[:20_000]


def assert_inert(text: str, where: str, *, allow_cr: bool = False) -> None:
    """No raw control byte from a feed in `text` (CSV may end its lines with CR LF)."""
    for ch in RAW_CONTROLS:
        assert ch not in text, f"{where}: raw {ch!r} in output"
    if not allow_cr:
        assert "\r" not in text, f"{where}: raw CR in output"


def hostile_docs() -> dict[str, tuple[str, dict[str, Any]]]:
    """One feed per kind (name -> (kind, JSON Feed document)) with hostile text in
    every text field, ids included, plus extreme but valid numbers and dates."""
    e = EVIL
    plan = {
        "version": JSONFEED,
        "title": e,
        "_clp": {"constituency": e, "polling_day": "2027-05-06"},
        "items": [
            {
                "id": "m-\x1b[2J" + HOSTILE["click"],
                "title": e,
                "content_text": e + "\n" + LONG_COMMENT,
                "_clp": {
                    "type": "milestone",
                    "due": "2026-12-01",
                    "start": "2026-11-01",
                    "strand": e,
                    "owner": e,
                    "target": 1e308,
                    "achieved": 1e307,
                    "depends_on": [e, "m-far"],
                    "status": "at_risk",
                },
            },
            {
                "id": "m-far",
                "title": "far future " + HOSTILE["bold"],
                "_clp": {
                    "type": "milestone",
                    "due": "9999-12-31",
                    "strand": "doorstep",
                    "target": 5e-324,
                    "achieved": 0,
                },
            },
            {
                "id": "m-1970",
                "title": "epoch " + HOSTILE["link"],
                "date_published": "1970-01-01T00:00:00Z",
                "_clp": {"type": "milestone", "due": "1970-01-01", "strand": e},
            },
        ],
    }
    grid = {
        "version": JSONFEED,
        "title": e,
        "items": [
            {
                "id": f"a{n}-{e}",
                "title": e,
                "_clp": {
                    "type": "activity",
                    "branch": e,
                    "ward": e,
                    "twinned_with": e,
                    "target_ward": True,
                    "week": week,
                    "metrics": {"doors": 1e308, e: 3, "leaflets": 0},
                },
            }
            for n, week in enumerate(("2026-W47", "2026-W48", "2026-W46"))
        ]
        + [
            # Two 1e308s in one week add up to infinity.
            {
                "id": "second",
                "_clp": {"type": "activity", "branch": "Second", "week": "2026-W47", "metrics": {"doors": 1e308}},
            },
            # Weeks the pattern allows but the calendar does not have.
            {
                "id": "year0",
                "_clp": {
                    "type": "activity",
                    "branch": HOSTILE["close"],
                    "week": "0000-W01",
                    "metrics": {"doors": 5e-324},
                },
            },
            {
                "id": "w53",
                "_clp": {"type": "activity", "branch": HOSTILE["close"], "week": "2025-W53", "metrics": {"doors": 1}},
            },
        ],
    }
    comments = {
        "version": JSONFEED,
        "title": e,
        "items": [
            {
                "id": "c-" + e,
                "url": "https://evil.example/" + e,
                "title": e,
                "content_text": e,
                "date_published": "2026-11-23T09:00:00Z",
                "authors": [{"name": e, "url": "javascript:alert(1)//" + e}],
                "_clp": {
                    "type": "comment",
                    "platform": e,
                    "channel": e,
                    "thread_id": "t1",
                    "thread_title": e,
                    "in_reply_to": "c-long",
                },
            },
            {
                "id": "c-long",
                "content_text": LONG_COMMENT,
                "date_published": "2026-11-22T09:00:00Z",
                "authors": [{"name": HOSTILE["click"]}],
                "_clp": {"type": "comment", "platform": "facebook", "thread_id": "t1", "thread_title": e},
            },
            {
                "id": "c-far",
                "content_html": "<p>" + e.replace("<", "&lt;") + "</p><script>x</script>",
                "date_published": "9999-12-31T23:59:59-23:59",
                "_clp": {"type": "comment", "platform": "x", "state": "hidden"},
            },
            {
                "id": "c-1970",
                "content_text": "epoch " + HOSTILE["click"],
                "date_published": "1970-01-01T00:00:00Z",
                "authors": [{"name": "\u202eevil"}],
                "_clp": {"type": "comment", "platform": "youtube"},
            },
            {
                "id": 12345,
                "content_text": "numeric id " + HOSTILE["bold"],
                "date_published": "2026-11-20T09:00:00Z",
                "_clp": {"type": "comment", "platform": "instagram"},
            },
        ],
    }
    press = {
        "version": JSONFEED,
        "title": e,
        "items": [
            {
                "id": "p-" + e,
                "title": e,
                "content_text": e,
                "_clp": {
                    "type": "press",
                    "format": "statement",
                    "stage": "drafting",
                    "candidate": e,
                    "owner": e,
                    "outlets": [e, e],
                    "consent": {"by": e, "at": e},
                    "embargo": "9999-12-31T23:59:59-23:59",
                },
            },
            {
                "id": "p-gate",
                "title": "gated " + HOSTILE["click"],
                "_clp": {
                    "type": "press",
                    "format": "op_ed",
                    "stage": "published",
                    "candidate": e,
                    "regional_signoff": {"by": e},
                    "embargo": "0001-01-01T00:00:00+23:59",
                },
            },
        ],
    }
    return {
        "plan": ("milestone", plan),
        "grid": ("activity", grid),
        "comments": ("comment", comments),
        "press": ("press", press),
    }


def feed_body(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


# -- servers that misbehave below HTTP -------------------------------------------------------


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


# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 and localhost, self-signed, made with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


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


# -- subprocesses ---------------------------------------------------------------------------------


def child_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for a child Python: private HOME and XDG folders, the repo importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CLP_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONPATH=os.pathsep.join([str(REPO), str(TESTS)]),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra or {})
    return env


def run_python(
    script: str,
    home: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `script` in a fresh interpreter (argv[1:] = args) with a private HOME."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=child_env(home, env),
        cwd=home,
        timeout=timeout,
        preexec_fn=preexec,
    )


_PR_CAPBSET_DROP = 24
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER: what lets root ignore file modes.
_DAC_CAPS = (1, 2, 3)


def mere_mortal() -> None:
    """preexec_fn: make a root child obey file permissions (drop the capabilities that
    bypass them from the bounding set, so the exec'd interpreter never has them)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            os._exit(97)


def permissions_bite(tmp_path: Path) -> bool:
    """Whether a child started with `mere_mortal` is refused a write to a read-only file."""
    probe = tmp_path / "probe-readonly"
    probe.write_text("x")
    probe.chmod(0o444)
    result = subprocess.run(
        [sys.executable, "-c", f"open({str(probe)!r}, 'a')"], capture_output=True, preexec_fn=mere_mortal, timeout=30
    )
    probe.chmod(0o644)
    return result.returncode == 1 and b"PermissionError" in result.stderr


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A private HOME for child processes (not the `cli` fixture's, which makes its own)."""
    folder = tmp_path / "child-home"
    folder.mkdir()
    return folder

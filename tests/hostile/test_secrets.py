"""Where a feed's token goes, and where it must never go.

The token lives in an environment variable named by `token_env`. It is sent as
a bearer token to the feed's own origin and nowhere else; it must never be
written to the cache file (or its -wal and -shm), printed by any command, kept
in an error message (even when a hostile server echoes it back), put in an
export, a snapshot or a report, or appear in a crash report, which holds no
local variables at all.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import FeedServer, Route, comment, feed_bytes

from clp_tui.config import config_warnings
from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store

from .children import run_python
from .servers import RawServer, read_request

TOKEN = "tok_9f8e7d6c5b4a+3210/SECRET=="
ENV = {"FEED_TOKEN": TOKEN}


def _authorised(token: str):
    def answer(request) -> Route:
        if request.headers.get("authorization") != f"Bearer {token}":
            return Route(status=401, body=b"who are you?")
        return Route(body=feed_bytes([comment("c1", "private comment"), comment("c2")]))

    return answer


def _echo(kind: str):
    """A hostile server that echoes the Authorization header back in its answer."""

    def handler(conn: socket.socket) -> None:
        head = read_request(conn).decode("latin-1")
        auth = re.search(r"(?im)^authorization: *(.*?)\r$", head)
        said = auth.group(1) if auth else "none"
        token = said.removeprefix("Bearer ")
        if kind == "status":
            answer = f"HTTP/1.1 401 Unauthorized {said}\r\nWWW-Authenticate: {said}\r\nContent-Length: 0\r\n\r\n"
        elif kind == "location":  # a redirect loop whose URL carries the token, plain and encoded
            answer = f"HTTP/1.1 302 Found\r\nLocation: /again?t={token}&e={token.replace('+', '%2B')}\r\nContent-Length: 0\r\n\r\n"
        else:  # a next_url on another scheme, naming the token
            body = feed_bytes([comment("e1")], next_url=f"ftp://127.0.0.1/{token}").decode()
            answer = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        conn.sendall(answer.encode("latin-1"))
        read_request(conn)  # keep-alive: answer one more on this connection, the same way
        conn.close()

    return handler


def _files_holding(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_the_token_is_used_and_leaves_no_trace(
    server: FeedServer, other_server: FeedServer, cli, tmp_path: Path, sql
) -> None:
    server.route("/private", dynamic=_authorised(TOKEN))
    server.route("/moved", status=307, headers={"Location": other_server.url("/elsewhere")})
    other_server.route("/elsewhere", body=feed_bytes([comment("m1")]))
    with (
        RawServer(_echo("status")) as status,
        RawServer(_echo("location")) as location,
        RawServer(_echo("next")) as next_page,
    ):
        feeds = [
            {"name": "private", "url": server.url("/private"), "kind": "comment", "token_env": "FEED_TOKEN"},
            {
                "name": "moved",
                "url": server.url("/moved"),
                "kind": "comment",
                "token_env": "FEED_TOKEN",
                "redirect_hosts": [f"127.0.0.1:{other_server.port}"],
            },
            {"name": "echo-status", "url": status.url(), "kind": "comment", "token_env": "FEED_TOKEN"},
            {"name": "echo-location", "url": location.url(), "kind": "comment", "token_env": "FEED_TOKEN"},
            {"name": "echo-next", "url": next_page.url(), "kind": "comment", "token_env": "FEED_TOKEN"},
        ]
        cli.write_config(feeds)
        outputs = [cli("sync", env=ENV), cli("sync", "--json", "--force", env=ENV)]
    assert outputs[0].returncode == 1  # the echoing feeds fail...
    assert "private  " in outputs[0].stdout and "+2 added" in outputs[0].stdout  # ...the real one works
    assert {r.headers.get("authorization") for r in server.log()} == {f"Bearer {TOKEN}"}
    assert all("authorization" not in r.headers for r in other_server.log())

    store = Store(cli.db)
    decide(store, [("private", "c1")], "moderation", "escalated", officer="Sam", reason="threat")
    store.close()
    out = tmp_path / "out"
    out.mkdir()
    outputs += [
        cli("list", "comments", env=ENV),
        cli("list", "comments", "--json", env=ENV),
        cli("report", "--output", str(out / "report.html"), env=ENV),
        cli("export", "decisions", "--format", "json", "--output", str(out / "log.json"), env=ENV),
        cli("export", "escalation", "private/c1", "--output", str(out), env=ENV),
        cli("snapshot", "--screen", "inbox", "--output", str(out / "inbox.svg"), env=ENV),
    ]
    for result in outputs:
        assert "Traceback" not in result.stderr, result.args
        assert TOKEN not in result.stdout + result.stderr, result.args
        assert "SECRET" not in result.stdout + result.stderr, result.args  # nor a piece of it, encoded
    errors = dict(sql(cli.db, "SELECT name, last_error FROM feeds"))
    assert "HTTP 401" in errors["echo-status"] and "redirect loop" in errors["echo-location"]
    assert errors["echo-next"] is None  # page 1 was taken; the link, refused, is a warning
    assert "next_url ftp://127.0.0.1/[token] changes the scheme" in outputs[0].stdout
    # Not in the cache file, its -wal or -shm, nor in anything else written under this test's folder.
    assert _files_holding(tmp_path, b"SECRET") == []


def _echo_into_the_feed(request) -> Route:
    """A hostile feed that puts the Authorization header it was sent where the parser
    quotes it: the version, an unknown `_clp.type`, a date, an invalid item's id."""
    said = request.headers.get("authorization", "none")
    token = said.removeprefix("Bearer ")
    if request.path == "/version":
        return Route(body=json.dumps({"version": said, "title": "t", "items": []}).encode())
    bad_items = [
        {"id": "typed", "_clp": {"type": said}},
        {**comment("dated"), "date_published": said},
        {"id": token, "_clp": {"type": 5}},
        comment("fine"),
    ]
    return Route(body=feed_bytes(bad_items))


def test_a_token_echoed_into_what_the_parser_quotes_is_scrubbed(server: FeedServer, cli, sql) -> None:
    server.route("/version", dynamic=_echo_into_the_feed)
    server.route("/items", dynamic=_echo_into_the_feed)
    cli.write_config(
        [
            {"name": "version", "url": server.url("/version"), "kind": "comment", "token_env": "FEED_TOKEN"},
            {"name": "items", "url": server.url("/items"), "kind": "comment", "token_env": "FEED_TOKEN"},
        ]
    )
    outputs = [cli("sync", env=ENV)]
    problems = sql(cli.db, "SELECT item_id, path, reason FROM problems WHERE feed = 'items'")
    assert len(problems) == 3 and "SECRET" not in repr(problems) and "[token]" in repr(problems)
    outputs += [
        cli("sync", "--json", "--force", env=ENV),
        cli("check-feed", server.url("/items"), "--token-env", "FEED_TOKEN", env=ENV),
        cli("check-feed", server.url("/items"), "--token-env", "FEED_TOKEN", "--json", env=ENV),
        cli("check-feed", server.url("/version"), "--token-env", "FEED_TOKEN", env=ENV),
    ]
    shown = "".join(r.stdout + r.stderr for r in outputs)
    assert "Traceback" not in shown
    # Each place was quoted (so the test bites), with the token scrubbed out of it.
    assert "version is 'Bearer [token]'" in shown
    assert "unknown type" in shown and "not an RFC 3339 date-time" in shown and "item '[token]'" in shown
    assert TOKEN not in shown and "SECRET" not in shown
    stored = sql(cli.db, "SELECT last_error FROM feeds") + sql(cli.db, "SELECT error FROM sync_log")
    stored += sql(cli.db, "SELECT item_id, path, reason FROM problems")
    assert "SECRET" not in repr(stored)
    # (The item whose date was the token is kept as published: an item's own fields are
    # the feed's data, not clp-tui's messages, and `list` shows them as the feed wrote them.)


def test_a_secret_in_a_url_query_is_redacted_in_output_and_the_cache(
    server: FeedServer, cli, sql, tmp_path: Path
) -> None:
    server.route("/ok?token=QUERYSECRET1&page=1", body=feed_bytes([comment("c1")]), etag='"v1"')
    server.route("/moved", status=302, headers={"Location": "/nowhere?access_token=QUERYSECRET2"})
    feeds = [
        {"name": "ok", "url": server.url("/ok?token=QUERYSECRET1&page=1"), "kind": "comment"},
        {"name": "gone", "url": server.url("/gone?key=QUERYSECRET3&sig=QUERYSECRET4"), "kind": "comment"},
        {"name": "moved", "url": server.url("/moved"), "kind": "comment"},
        {"name": "userinfo", "url": server.url("/gone").replace("://", "://alex:QUERYSECRET5@"), "kind": "comment"},
    ]
    cli.write_config(feeds)
    outputs = [
        cli("sync"),
        cli("sync", "--json"),
        cli("check-feed", feeds[1]["url"]),
        cli("check-feed", feeds[0]["url"]),
    ]
    shown = "".join(r.stdout + r.stderr for r in outputs)
    assert "Traceback" not in shown and "QUERYSECRET" not in shown
    assert "/gone?key=[redacted]&sig=[redacted]" in shown and "access_token=[redacted]" in shown
    assert "/ok?token=[redacted]&page=1" in shown  # check-feed names what it read
    stored = sql(cli.db, "SELECT url, last_error FROM feeds") + sql(cli.db, "SELECT error FROM sync_log")
    assert "QUERYSECRET" not in repr(stored) and "[redacted]" in repr(stored)
    assert _files_holding(tmp_path, b"QUERYSECRET") == [cli.config]  # the config keeps the real URLs
    # The cache knows the feed by its redacted URL, and still revalidates it.
    assert cli("sync").returncode == 1
    assert server.requests_for("/ok?token=QUERYSECRET1&page=1")[-1].headers.get("if-none-match") == '"v1"'


# -- crash reports -----------------------------------------------------------------------------

_CRASH_IN_SYNC = r"""
import os, sys
import clp_tui.data.sync

async def exploding_sync(store, config, **kwargs):
    secret_token_value = os.environ["FEED_TOKEN"]  # a local a careless traceback would print
    headers = {"Authorization": "Bearer " + secret_token_value}
    raise RuntimeError("boom inside the sync")

clp_tui.data.sync.sync_feeds = exploding_sync
from clp_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""

_CRASH_IN_SCREEN = r"""
import os, sys
from clp_tui.app import ClpApp
from clp_tui.screens.board import BoardScreen

def exploding_refresh(self):
    secret_token_value = os.environ["FEED_TOKEN"]
    headers = {"Authorization": "Bearer " + secret_token_value}
    raise ValueError("boom on the board")

BoardScreen.refresh_data = exploding_refresh
run = ClpApp.run
ClpApp.run = lambda self, **kwargs: run(self, headless=True, size=(120, 40))  # no terminal here
from clp_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _crash_files(home: Path) -> list[Path]:
    return sorted((home / ".local" / "state" / "clp-tui").glob("crash-*.txt"))


@pytest.mark.parametrize(
    ("script", "args", "error"),
    [
        (_CRASH_IN_SYNC, ["sync"], "RuntimeError: boom inside the sync"),
        (_CRASH_IN_SCREEN, [], "ValueError: boom on the board"),
    ],
)
def test_a_crash_report_names_the_frames_but_no_local_variable(
    server: FeedServer, cli, script: str, args: list[str], error: str
) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment", "token_env": "FEED_TOKEN"}])
    run = run_python(script, cli.home, *args, "--config", str(cli.config), "--db", str(cli.db), env=ENV)
    shown = run.stdout + run.stderr
    assert run.returncode == 1, (run.returncode, shown)
    assert "something went wrong inside clp-tui" in shown and "Your cached data and decisions are safe" in shown
    assert TOKEN not in shown and "secret_token_value" not in shown
    assert "locals" not in shown.lower(), "Textual's own crash screen (with every local variable) was shown"
    (report,) = _crash_files(cli.home)
    assert str(report) in shown
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text(encoding="utf-8")
    assert error in text and "Traceback" in text and 'File "' in text
    assert TOKEN not in text and "secret_token_value =" not in text and "headers =" not in text


# -- a config that gives a secret away ---------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param('url = "https://feeds.example/c.json?token=9f8e7d6c5b4a3210"', id="token-in-query"),
        pytest.param('url = "https://feeds.example/c.json?access_token=9f8e7d6c5b4a3210"', id="access-token"),
        pytest.param('url = "https://feeds.example/c.json?api_key=9f8e7d6c5b4a3210"', id="api-key"),
        pytest.param('url = "https://alex:hunter2hunter2@feeds.example/c.json"', id="password-in-url"),
        pytest.param('url = "https://feeds.example/ghp_abcdefghijklmnopqrstuvwx/c.json"', id="github-token"),
        pytest.param('url = "https://feeds.example/c.json?k=glpat-abcdefghijklmnopqrst"', id="gitlab-token"),
        pytest.param("# Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", id="jwt"),
        pytest.param('# token = "9f8e7d6c5b4a3210"', id="commented-token"),
    ],
)
def test_a_world_readable_config_with_a_secret_in_it_gets_a_warning(cli, secret: str, server: FeedServer) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    url_line = secret if secret.startswith("url") else f'url = "{server.url("/c")}"'
    text = f'[[feeds]]\nname = "inbox"\nkind = "comment"\n{url_line}\n' + ("" if secret.startswith("url") else secret)
    cli.config.write_text(text + "\n", encoding="utf-8")
    os.chmod(cli.config, 0o644)
    (warning,) = config_warnings(cli.config)
    assert "chmod 600" in warning
    shown = cli("list", "comments")
    assert shown.stderr.startswith("warning: ") and "chmod 600" in shown.stderr
    for piece in ("9f8e7d6c5b4a3210", "hunter2", "ghp_", "glpat-", "eyJ"):
        assert piece not in shown.stderr, "the warning repeats the secret"
    os.chmod(cli.config, 0o600)
    assert config_warnings(cli.config) == []


@pytest.mark.parametrize(
    "text",
    [
        'url = "https://feeds.example/c.json"\ntoken_env = "FEED_TOKEN"',
        'url = "https://feeds.example/c.json?page=2&sort=new"',
        'url = "https://feeds.example/tokens/c.json"',
    ],
)
def test_a_world_readable_config_without_secrets_gets_no_warning(cli, text: str) -> None:
    cli.config.write_text(f'[[feeds]]\nname = "inbox"\nkind = "comment"\n{text}\n', encoding="utf-8")
    os.chmod(cli.config, 0o644)
    assert config_warnings(cli.config) == []


def test_the_token_is_not_in_the_process_arguments(server: FeedServer, cli) -> None:
    """`ps` shows every user's command lines: the token comes from the environment only."""
    server.route("/c", dynamic=_authorised(TOKEN))
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment", "token_env": "FEED_TOKEN"}])
    proc = subprocess.Popen(
        [sys.executable, "-m", "clp_tui.cli", "sync", "--config", str(cli.config), "--db", str(cli.db)],
        env=cli.env(ENV),
        cwd=cli.home,
        stdout=subprocess.PIPE,
        text=True,
    )
    cmdline = Path(f"/proc/{proc.pid}/cmdline")
    seen = cmdline.read_bytes() if cmdline.exists() else b""
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "+2 added" in out
    assert b"SECRET" not in seen

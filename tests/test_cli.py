"""`clp-tui sync` as a user runs it (subprocesses, private HOME): one line per feed,
exit codes, --json, deferrals, the token never printed nor stored, and what it never
prints. The other commands are in the test_cli_*.py files beside this one."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, comment, feed_bytes, press
from feedserver import feed_cfg as cfg


def test_sync_prints_one_line_per_feed_and_exits_0(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    server.route("/p", body=feed_bytes([press("p1")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c"), cfg(server, "press", "press", "/p")])
    result = cli("sync")
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.splitlines())
    assert len(lines) == 2
    assert lines[0].startswith("inbox  ok") and "+2 added" in lines[0] and "!0 skipped" in lines[0]
    assert lines[1].startswith("press  ok") and "+1 added" in lines[1]
    assert result.stderr == ""


def test_sync_of_an_unchanged_feed_says_not_modified(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]), etag='"abc"')
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    assert cli("sync").returncode == 0
    observer = sqlite3.connect(cli.db)
    try:
        version = observer.execute("PRAGMA data_version").fetchone()[0]
        log_rows = observer.execute("SELECT count(*) FROM sync_log").fetchone()[0]
        result = cli("sync")
        assert observer.execute("PRAGMA data_version").fetchone()[0] == version, "the 304 run wrote to the cache"
        assert observer.execute("SELECT count(*) FROM sync_log").fetchone()[0] == log_rows
    finally:
        observer.close()
    assert result.returncode == 0
    assert "not modified  (HTTP 304" in result.stdout
    assert server.requests_for("/c")[1].status == 304


def test_sync_exits_1_when_a_feed_fails_and_keeps_the_cache(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    server.route("/gone", status=404)
    cli.write_config([cfg(server, "inbox", "comment", "/c"), cfg(server, "gone", "press", "/gone")])
    result = cli("sync")
    assert result.returncode == 1
    gone = next(line for line in result.stdout.splitlines() if line.startswith("gone"))
    assert "ERROR" in gone and "HTTP 404 Not Found" in gone and "cached items kept" in gone
    assert "Traceback" not in result.stderr


def test_sync_exits_1_for_skipped_items_and_names_them_safely(server: FeedServer, cli) -> None:
    bad_id = "evil\x1b[31m"
    server.route("/c", body=feed_bytes([comment("ok"), comment(bad_id, state="shadowbanned")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    result = cli("sync")
    assert result.returncode == 1
    assert "inbox: item 'evil" in result.stdout and "$.items[1]._clp.state" in result.stdout
    assert "\x1b" not in result.stdout  # the id's escape sequence is shown, not obeyed


def test_sync_json_prints_one_object_per_feed(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1"), {"title": "no id"}]))
    server.route("/x", body=b"<html>")
    cli.write_config([cfg(server, "inbox", "comment", "/c"), cfg(server, "broken", "comment", "/x")])
    result = cli("sync", "--json")
    assert result.returncode == 1
    reports = {r["feed"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert reports["inbox"]["status"] == "ok"
    assert reports["inbox"]["counts"] == {"added": 1, "updated": 0, "unchanged": 0, "removed": 0, "skipped": 1}
    assert reports["inbox"]["problems"] == [
        {"item_id": None, "path": "$.items[1].id", "reason": "no id and no url; skipped", "severity": "error"}
    ]
    assert reports["broken"]["status"] == "error" and reports["broken"]["error"].startswith("not JSON")


def test_a_deferral_is_stored_and_the_next_run_respects_it_unless_forced(server: FeedServer, cli, sql) -> None:
    # (the HTTP-date form of Retry-After is stored the same way: see test_sync_failures.py)
    server.route("/c", status=429, headers={"Retry-After": "900"})
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    first = cli("sync")
    assert first.returncode == 1 and "HTTP 429" in first.stdout
    ((next_allowed,),) = sql(cli.db, "SELECT next_allowed_at FROM feeds")
    assert time.time() + 880 < next_allowed < time.time() + 901

    server.route("/c", body=feed_bytes([comment("c1")]))
    second = cli("sync")
    assert "deferred" in second.stdout and "--force" in second.stdout
    assert len(server.log()) == 1, "the second run asked the server anyway"

    forced = cli("sync", "--force")
    assert forced.returncode == 0 and "+1 added" in forced.stdout
    assert len(server.log()) == 2


def test_the_token_is_sent_but_never_printed_nor_stored(server: FeedServer, other_server: FeedServer, cli) -> None:
    token = "tok-1234567890-abcdefSECRET"
    server.route("/c", body=feed_bytes([comment("c1")]))
    server.route("/moved", status=307, headers={"Location": other_server.url("/c")})
    server.route("/fails", status=401)
    other_server.route("/c", body=feed_bytes([comment("o1")]))
    cli.write_config(
        [
            cfg(server, "own", "comment", "/c", token_env="FEED_TOKEN"),
            cfg(server, "moved", "comment", "/moved", token_env="FEED_TOKEN"),
            cfg(server, "fails", "comment", "/fails", token_env="FEED_TOKEN"),
        ]
    )
    for args in (("sync",), ("sync", "--json"), ("list", "comments", "--json")):
        result = cli(*args, env={"FEED_TOKEN": token})
        assert token not in result.stdout + result.stderr, args
    assert {r.headers.get("authorization") for r in server.log()} == {f"Bearer {token}"}
    assert all("authorization" not in r.headers for r in other_server.log())
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{cli.db}{suffix}")
        if path.exists():
            assert token.encode() not in path.read_bytes()


def test_a_token_with_a_stray_line_break_is_trimmed(server: FeedServer, cli) -> None:
    # e.g. FEED_TOKEN="$(cat token.txt)" where the file was saved with Windows line endings
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config([cfg(server, "own", "comment", "/c", token_env="FEED_TOKEN")])
    result = cli("sync", env={"FEED_TOKEN": "tok-123456789\r\n"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert server.log()[0].headers["authorization"] == "Bearer tok-123456789"


@pytest.mark.parametrize("token", ["SECRET-tok\nen-123456", "SECRÉT-token-123456"])
def test_a_token_no_header_can_carry_fails_that_feed_only_and_is_not_shown(server: FeedServer, cli, token: str) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config(
        [
            cfg(server, "own", "comment", "/c", token_env="FEED_TOKEN"),
            cfg(server, "open", "comment", "/c"),
        ]
    )
    result = cli("sync", env={"FEED_TOKEN": token})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "went wrong" not in result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["own"].startswith("ERROR") and "token" in lines["own"]
    assert lines["open"].startswith("ok")
    assert "SECR" not in result.stdout + result.stderr
    for suffix in ("", "-wal"):
        path = Path(f"{cli.db}{suffix}")
        if path.exists():
            assert b"SECR" not in path.read_bytes()


def test_sync_without_feeds_is_a_usage_error(cli) -> None:
    cli.write_config([])
    result = cli("sync")
    assert result.returncode == 2
    assert "no feeds configured" in result.stderr and str(cli.config) in result.stderr


def test_an_unusable_cache_path_is_one_line_and_exit_1(server: FeedServer, cli, tmp_path: Path) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    cli.db.mkdir()  # a folder where the cache file should be
    result = cli("sync")
    assert result.returncode == 1
    assert result.stderr.startswith("clp-tui: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr

"""HTTP errors and being told to wait: an error keeps the cache, only busy answers
(429, 503) defer the feed, Retry-After is kept across runs, and an absurd one is clamped."""

from __future__ import annotations

import email.utils
import json
import sqlite3
import time
from pathlib import Path

import pytest
from feedserver import FeedServer

from clp_tui.data.fetch_retry import MAX_RETRY_AFTER

from .fast_fetch import GOOD


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

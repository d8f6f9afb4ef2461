"""Hardening (issue 15): a feed server's odd bytes in validators or host names, and a
new cache's file modes. Each of these crashed `sync` or leaked before."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from feedserver import FeedServer, comment, feed_bytes


def test_a_non_ascii_etag_is_not_kept_and_every_later_sync_works(server: FeedServer, cli, sql) -> None:
    server.route(
        "/c", body=feed_bytes([comment("c1")]), headers={"ETag": '"caf\u00e9"', "Last-Modified": "lundi \u00e9t\u00e9"}
    )
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    first = cli("sync")
    assert first.returncode == 0, first.stdout + first.stderr
    assert sql(cli.db, "SELECT etag, last_modified FROM feeds") == [(None, None)]
    for _ in range(2):
        again = cli("sync")
        assert again.returncode == 0 and "Traceback" not in again.stderr, again.stdout + again.stderr


def test_an_unusable_host_in_a_redirect_is_that_feeds_error_only(server: FeedServer, cli) -> None:
    server.route("/bad", status=302, headers={"Location": "http://xn--a.example/feed.json"})
    server.route("/good", body=feed_bytes([comment("c1")]))
    cli.write_config(
        [
            {"name": "bad", "url": server.url("/bad"), "kind": "comment"},
            {"name": "good", "url": server.url("/good"), "kind": "comment"},
        ]
    )
    result = cli("sync")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "ERROR" in lines["bad"] and " ok " in lines["good"]


def test_a_new_cache_is_readable_by_its_owner_only(server: FeedServer, cli, tmp_path: Path) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    db = tmp_path / "new-folder" / "cache.db"
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    result = cli("sync", "--config", str(cli.config), "--db", str(db), files=False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_numbers_no_program_can_hold_stay_text_and_list_json_stays_json(server: FeedServer, cli) -> None:
    import json

    item = comment("c1")
    item["_clp"]["x_count"] = "COUNT"  # placeholders: JSON that Python's own json cannot write
    item["_clp"]["x_ratio"] = "RATIO"
    body = feed_bytes([item]).replace(b'"COUNT"', b"9" * 5000).replace(b'"RATIO"', b"1e999")
    server.route("/c", body=body)
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    assert cli("sync").returncode == 0
    plain = cli("list", "comments")
    assert plain.returncode == 0 and "Traceback" not in plain.stderr, plain.stderr
    out = cli("list", "comments", "--json")
    assert out.returncode == 0 and "Infinity" not in out.stdout, out.stdout[:200]
    (record,) = map(json.loads, out.stdout.splitlines())
    assert record["_clp"]["x_count"] == "9" * 5000 and record["_clp"]["x_ratio"] == "1e999"


def test_a_fifo_as_a_feed_is_refused_at_once(cli, tmp_path: Path) -> None:
    """Reading a FIFO blocks until someone writes; a thread cannot be cut off by the deadline."""
    fifo = tmp_path / "feed.json"
    os.mkfifo(fifo)
    cli.write_config([{"name": "pipe", "url": fifo.as_uri(), "kind": "comment"}])
    result = cli("sync", timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stdout, result.stdout
    check = cli("check-feed", str(fifo), files=False, timeout=20)
    assert check.returncode == 2 and "not a regular file" in check.stderr


def test_output_through_a_planted_symlink_is_refused(server: FeedServer, cli, tmp_path: Path) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    assert cli("sync").returncode == 0
    victim = tmp_path / "someone-elses-file"
    victim.write_text("keep me", encoding="utf-8")
    victim.chmod(0o644)
    trap = tmp_path / "report.md"
    trap.symlink_to(victim)
    result = cli("report", "--output", str(trap))
    assert result.returncode == 1 and "symbolic link" in result.stderr, result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644

"""`clp-tui check-feed` as a user runs it (subprocesses, private HOME): a clean feed
passes, every problem is listed with exit 1, a non-feed or unreachable feed says why,
and a local file's pages are followed."""

from __future__ import annotations

import json
from pathlib import Path

from feedserver import FeedServer, comment, feed_bytes, milestone, press


def test_check_feed_passes_a_clean_feed(server: FeedServer, cli) -> None:
    url = server.route("/p", body=feed_bytes([press("p1"), press("p2", stage="idea")]))
    result = cli("check-feed", url, "--kind", "press", files=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 item(s) taken over 1 page(s); 0 error(s), 0 warning(s)" in result.stdout
    assert "the feed follows the contract" in result.stdout


def test_check_feed_lists_every_problem_and_exits_1(server: FeedServer, cli) -> None:
    url = server.route(
        "/m",
        body=feed_bytes(
            [
                milestone("m1", due="soon"),
                milestone("m1"),
                {"url": "https://x/1", "_clp": {"type": "milestone", "due": "2030-01-01"}},
            ]
        ),
    )
    result = cli("check-feed", url, "--kind", "milestone", "--json", files=False)
    assert result.returncode == 1
    *problems, summary = map(json.loads, result.stdout.splitlines())
    # The second m1 is a duplicate even though the first was invalid: which one is meant is unknowable.
    assert [(p["item_id"], p["path"], p["severity"]) for p in problems] == [
        ("m1", "$.items[0]._clp.due", "error"),
        ("m1", "$.items[1].id", "error"),
        ("https://x/1", "$.items[2].id", "warning"),
    ]
    assert summary == {"summary": True, "title": "Test feed", "items_taken": 1, "errors": 2, "warnings": 1, "pages": 1}


def test_check_feed_on_something_that_is_not_a_feed_exits_1_with_the_reason(server: FeedServer, cli) -> None:
    url = server.route("/x", body=b"<!doctype html><p>sign in</p>")
    result = cli("check-feed", url, files=False)
    assert result.returncode == 1
    assert "(not a feed)" in result.stdout and "it looks like HTML" in result.stdout


def test_check_feed_on_an_unreachable_feed_exits_2(server: FeedServer, cli, tmp_path: Path) -> None:
    result = cli("check-feed", server.route("/gone", status=404), files=False)
    assert result.returncode == 2 and "HTTP 404" in result.stderr
    missing = cli("check-feed", str(tmp_path / "nope.json"), files=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr
    broken = cli("check-feed", "http://127.0.0.1:99999/feed.json", files=False)
    assert broken.returncode == 2 and "not a valid URL" in broken.stderr, broken.stderr


def test_check_feed_reads_a_local_file_and_follows_its_pages(cli, tmp_path: Path) -> None:
    (tmp_path / "p2.json").write_bytes(feed_bytes([comment("c2")]))
    (tmp_path / "p1.json").write_bytes(feed_bytes([comment("c1")], next_url="p2.json"))
    result = cli("check-feed", str(tmp_path / "p1.json"), "--kind", "comment", files=False)
    assert result.returncode == 0
    assert "2 item(s) taken over 2 page(s)" in result.stdout

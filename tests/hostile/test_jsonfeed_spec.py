"""What JSON Feed 1.1 says, for the corners foreign feeds reach: paging is optional
(keep what was read, warn, delete nothing unseen), ids that are not strings are
coerced to strings, RFC 3339 allows `z` and leap seconds, `content_html` is text
not code, and a body that is not a UTF-8 JSON Feed is called what it is.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from feedserver import JSONFEED, FeedServer, comment, feed_bytes

SNAP = {"snapshot": True}


def _feed(server: FeedServer, path: str = "/p1") -> dict[str, str]:
    return {"name": "inbox", "url": server.url(path), "kind": "comment"}


@pytest.mark.parametrize(
    ("page2", "said"),
    [
        pytest.param({"next_url": "ftp://127.0.0.1/p2"}, "changes the scheme from http", id="another-scheme"),
        pytest.param({"status": 500}, "page 2 could not be read: HTTP 500", id="page-2-fails"),
        pytest.param({"body": b"<html>oops</html>"}, "page 2 refused (not JSON (it looks like HTML)", id="page-2-html"),
        pytest.param(
            {"body": b'{"version": "x", "title": "t", "items": []}'},
            "page 2 refused (not a JSON Feed: version",
            id="page-2-version",
        ),
    ],
)
def test_a_page_that_cannot_be_had_keeps_page_one_and_deletes_nothing_unseen(
    server: FeedServer, sync_now, sql, db: Path, page2: dict, said: str
) -> None:
    server.route("/p1", body=feed_bytes([comment("a")], next_url="/p2", clp=SNAP))
    server.route("/p2", body=feed_bytes([comment("b")], clp=SNAP))
    assert sync_now(db, [_feed(server)])[0].counts.added == 2
    link = page2.pop("next_url", "/p2")
    server.route("/p1", body=feed_bytes([comment("a", "edited"), comment("new")], next_url=link, clp=SNAP))
    if page2:
        server.route("/p2", **page2)
    (report,) = sync_now(db, [_feed(server)])
    assert report.status == "ok" and not report.failed
    (warning,) = [p for p in report.problems if p.severity == "warning"]
    assert said in warning.reason, warning.reason
    assert report.counts.removed == 0  # "b" was not seen, so it is not taken as deleted
    assert sorted(sql(db, "SELECT id, body FROM items")) == [("a", "edited"), ("b", "a comment"), ("new", "a comment")]


def test_the_version_of_page_one_is_what_a_bad_feed_is_told(server: FeedServer, sync_now, db: Path) -> None:
    server.route(
        "/p1", body=b'{"version": "https://example.org/v9", "title": "t", "next_url": "ftp://x/", "items": []}'
    )
    (report,) = sync_now(db, [_feed(server)])
    assert report.status == "error" and "version is 'https://example.org/v9'" in report.error
    assert [r.path for r in server.log()] == ["/p1"]  # no page 2 asked for, no pagination warning


def test_boolean_and_number_ids_are_coerced_to_strings(server: FeedServer, sync_now, sql, db: Path) -> None:
    docs = [{**comment(None), "id": value} for value in (True, False, 7, 2.5)]
    server.route("/p1", body=feed_bytes(docs))
    (report,) = sync_now(db, [_feed(server)])
    assert report.counts.added == 4 and report.problems == []
    assert sorted(i for (i,) in sql(db, "SELECT id FROM items")) == ["2.5", "7", "false", "true"]


def test_a_lone_surrogate_costs_nothing_where_unused_and_becomes_a_replacement_where_used(
    server: FeedServer, sync_now, sql, db: Path
) -> None:
    head = f'{{"version": "{JSONFEED}", "title": "t", "_ext": {{"odd": "\\ud800"}}, "items": ['.encode()
    items = [
        b'{"id": "ext", "content_text": "fine", "_unknown": "\\udfff \\\\ud800", "_clp": {"type": "comment"}}',
        b'{"id": "used", "content_text": "a \\ud800 b \\ud83d\\ude00", "_clp": {"type": "comment"}}',
    ]
    server.route("/p1", body=head + b", ".join(items) + b"]}")
    (report,) = sync_now(db, [_feed(server)])
    assert report.status == "ok" and report.counts.added == 2
    (warning,) = report.problems
    assert warning.severity == "warning" and "3 lone surrogate escape(s)" in warning.reason
    assert dict(sql(db, "SELECT id, body FROM items")) == {"ext": "fine", "used": "a \ufffd b \U0001f600"}


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2020-06-15T12:30:45z", "2020-06-15T12:30:45Z"),
        ("2020-06-15t12:30:45.250+01:00", "2020-06-15T11:30:45Z"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),  # a leap second, held at :59
    ],
)
def test_rfc_3339_lower_case_and_leap_seconds_are_read(
    server: FeedServer, sync_now, sql, db: Path, written: str, stored: str
) -> None:
    server.route("/p1", body=feed_bytes([{**comment("c"), "date_published": written}]))
    (report,) = sync_now(db, [_feed(server)])
    assert report.problems == []
    assert sql(db, "SELECT published FROM items") == [(stored,)]


def test_script_and_style_in_content_html_are_not_text(server: FeedServer, sync_now, sql, db: Path) -> None:
    html = "<style>p { color: red }</style><p>Before</p><script>alert('x')</script><p>after</p><script>unclosed"
    doc = {**comment("c"), "content_html": html}
    del doc["content_text"]
    server.route("/p1", body=feed_bytes([doc]))
    sync_now(db, [_feed(server)])
    assert sql(db, "SELECT body FROM items") == [("Before\nafter",)]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        pytest.param(b"", "the feed is empty (0 bytes)", id="empty"),
        pytest.param(b" \n\n ", "the feed is empty (4 bytes, all blank)", id="blank"),
        pytest.param(
            feed_bytes([comment("c")]).decode().encode("utf-16"),
            "UTF-16 (little-endian, with a byte-order mark)",
            id="utf-16",
        ),
        pytest.param(
            feed_bytes([comment("c")]).decode().encode("utf-16-be"), "looks like UTF-16 (big-endian)", id="utf-16-be"
        ),
        pytest.param(
            feed_bytes([comment("c")]).decode().encode("utf-32"),
            "UTF-32 (little-endian, with a byte-order mark)",
            id="utf-32",
        ),
        pytest.param(gzip.compress(feed_bytes([comment("c")])), "the feed is a gzip file, not JSON", id="gzip"),
    ],
)
def test_a_body_that_is_not_utf8_json_is_called_what_it_is(tmp_path: Path, cli, body: bytes, said: str) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(body)
    result = cli("check-feed", str(path), files=False)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and said in result.stdout, result.stdout + result.stderr
    assert "Input data was truncated" not in result.stdout and "(byte 0)" not in result.stdout


def test_a_file_whose_next_url_is_refused_is_read_and_the_refusal_is_exit_1(tmp_path: Path, cli) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(feed_bytes([comment("c")], next_url="https://elsewhere.example/p2"))
    result = cli("check-feed", str(path), files=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 item(s) taken" in result.stdout and "changes the scheme from file" in result.stdout
    as_json = cli("check-feed", str(path), "--json", files=False)
    summary = json.loads(as_json.stdout.splitlines()[-1])
    assert as_json.returncode == 1 and summary["items_taken"] == 1 and summary["errors"] == 1

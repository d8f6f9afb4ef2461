"""Hostile feed bodies, served over loopback HTTP and synced into a real SQLite file.

tests/test_parse.py checks the parser's verdicts one by one; here every body goes
the whole way (HTTP, parse, one transaction, and then `list` and `report` over
what was kept), and the rule is the contract's: a bad feed is that feed's error
with the cache untouched; a bad item is skipped with a reason and a JSON path;
nothing raises.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from feedserver import JSONFEED, FeedServer, activity, comment, feed_bytes, milestone, press

from clp_tui.data.contract import EXT_BY_KIND, Item
from clp_tui.data.parse import parse_page

GOOD = feed_bytes([comment("c1"), comment("c2")])
HEAD = f'{{"version": "{JSONFEED}", "title": "t", '.encode()
DEEP = b"[" * 100_000 + b"]" * 100_000


def feed(server: FeedServer, name: str = "inbox", kind: str = "comment", path: str = "/f") -> dict[str, Any]:
    return {"name": name, "url": server.url(path), "kind": kind}


def items(sql, db: Path) -> list[str]:
    return [r[0] for r in sql(db, "SELECT id FROM items WHERE archived = 0 ORDER BY id")]


# -- whole feeds refused, cache untouched ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"this is not json at all", "not JSON", id="prose"),
        pytest.param(b"", "the feed is empty (0 bytes)", id="empty"),
        pytest.param(
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
            "looks like HTML",
            id="html-error-page",
        ),
        pytest.param(GOOD[: len(GOOD) // 2], "not JSON", id="truncated"),
        pytest.param(DEEP, "not a JSON", id="100k-deep-array"),
        pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply", id="100k-deep-object"),
        pytest.param(HEAD + b'"items": [' + DEEP + b"]}", "nested too deeply", id="100k-deep-item"),
        pytest.param(
            HEAD + b'"items": [{"id": "a", "_clp": {"x": ' + DEEP + b"}}]}", "nested too deeply", id="100k-deep-clp"
        ),
        pytest.param(
            HEAD + b'"items": [{"id": "a", "_clp": {"type": "activity", "metrics": {"doors": NaN}}}]}',
            "not JSON",
            id="NaN",
        ),
        pytest.param(HEAD + b'"items": [{"id": "a", "achieved": Infinity}]}', "not JSON", id="Infinity"),
        pytest.param(HEAD + b'"items": [{"id": "a", "achieved": -Infinity}]}', "not JSON", id="-Infinity"),
        pytest.param(HEAD + b'"items": [{"id": "a", "title": "\xff\xfe\xc0\xaf"}]}', "UTF-8", id="invalid-utf8"),
        # Bytes the decoder never looks at (an unknown field, the raw _clp) must not slip into the cache.
        pytest.param(HEAD + b'"items": [{"id": "a", "_x": "\xc0\xaf"}]}', "UTF-8", id="invalid-utf8-unknown-field"),
        pytest.param(
            HEAD + b'"items": [{"id": "a", "_clp": {"type": "comment", "channel": "\xed\xa0\x80"}}]}',
            "UTF-8",
            id="invalid-utf8-in-clp",
        ),
        pytest.param("\ufeff".encode("utf-16-le") + GOOD.decode().encode("utf-16-le"), "not", id="utf-16"),
        pytest.param(b"[1, 2, 3]", "not a JSON object", id="array"),
        pytest.param(b'"a feed"', "not a JSON object", id="string"),
        pytest.param(b"null", "not a JSON object", id="null"),
        pytest.param(HEAD + b'"items": {"0": {"id": "a"}}}', "not a JSON Feed", id="items-object"),
        pytest.param(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "title", id="no-title"),
        pytest.param(b'{"version": 1.1, "title": "t", "items": []}', "version", id="numeric-version"),
        pytest.param(GOOD + b"\x00trailing", "not JSON", id="trailing-junk"),
    ],
)
def test_a_body_that_is_not_a_feed_is_that_feeds_error_and_the_cache_stays(
    server: FeedServer, db: Path, sync_now, sql, body: bytes, reason: str
) -> None:
    server.route("/f", body=GOOD)
    assert [r.status for r in sync_now(db, [feed(server)])] == ["ok"]
    server.route("/f", body=body)
    (report,) = sync_now(db, [feed(server)])
    assert report.status == "error", report
    assert reason in report.error and "\n" not in report.error and len(report.error) < 400
    assert items(sql, db) == ["c1", "c2"]
    assert sql(db, "SELECT last_outcome, last_error FROM feeds") == [("error", report.error)]
    assert sql(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_byte_order_mark_and_a_one_megabyte_string_are_taken(server: FeedServer, db: Path, sync_now, sql) -> None:
    huge = "é" * 500_000 + "end"  # a megabyte of UTF-8 in one string
    server.route("/f", body=b"\xef\xbb\xbf" + feed_bytes([comment("big", huge)], title="x" * 1_000_000))
    (report,) = sync_now(db, [feed(server)])
    assert report.status == "ok" and report.counts.added == 1
    assert sql(db, "SELECT body FROM items") == [(huge,)]


# -- items: skipped with a path, or taken exactly ----------------------------------------------


def test_ids_of_every_shape(server: FeedServer, db: Path, sync_now, sql) -> None:
    hostile_ids = [
        {"id": 12345},
        {"id": 1.5},
        {"id": 1e20},
        {"id": -7},
        {"id": 0},
        {"id": True},
        {"id": None},
        {"id": [1]},
        {"id": {"x": 1}},
        {"id": ""},
        {"id": "", "url": "https://example.org/only-a-url"},
        {"id": "x" * 10_000},
        {"id": "dup", "title": "first"},
        {"id": "dup", "title": "second"},
        {"id": "\x1b[2J[bold]id[/]\u202e"},
        {"title": "no id at all"},
    ]
    docs = [{**i, "content_text": "text", "_clp": {"type": "comment"}} for i in hostile_ids]
    server.route("/f", body=feed_bytes(docs))
    (report,) = sync_now(db, [feed(server)])
    assert report.status == "ok"
    assert sorted(items(sql, db)) == sorted(
        [
            "12345",
            "1.5",
            "100000000000000000000",
            "-7",
            "0",
            "true",  # JSON Feed 1.1: an id that is not a string is coerced to one
            "https://example.org/only-a-url",
            "dup",
            "\x1b[2J[bold]id[/]\u202e",
        ]
    )
    assert sql(db, "SELECT title FROM items WHERE id = 'dup'") == [("first",)]
    problems = sql(db, "SELECT item_id, path, reason, severity FROM problems")
    errors = [p for p in problems if p[3] == "error"]
    assert len(errors) == 7  # null, [1], {x}, "", 10 KB, the duplicate, no id
    assert max(len(p[0] or "") for p in problems) <= 80, "a 10 KB id was copied into the problem log"
    assert any("10000 characters" in p[2] for p in errors)
    assert any("duplicate id" in p[2] for p in errors)


def _wrong_value(annotation: Any) -> Any:
    """A JSON value the annotated type refuses."""
    for candidate in ({"nested": {"deeper": 1}}, [1, 2], 12345, "text", True, -1):
        try:
            msgspec.convert(candidate, annotation)
        except msgspec.ValidationError:
            return candidate
    raise AssertionError(f"every candidate fits {annotation}")


VALID = {
    "milestone": milestone("base", strand="doorstep", target=10, achieved=1),
    "activity": activity("base"),
    "comment": comment("base"),
    "press": press("base"),
}


def _every_wrong_field() -> list[tuple[str, str, str, Any]]:
    """(kind, where, field, wrong value) for every field of Item and of each kind's _clp."""
    cases = []
    for kind in VALID:
        for f in msgspec.structs.fields(Item):
            if f.encode_name != "_clp":
                cases.append((kind, "item", f.encode_name, _wrong_value(f.type)))
        for f in msgspec.structs.fields(EXT_BY_KIND[kind]):
            cases.append((kind, "_clp", f.encode_name, _wrong_value(f.type)))
    return cases


WRONG = _every_wrong_field()


def test_a_wrong_type_in_any_field_skips_that_item_only(server: FeedServer, db: Path, sync_now, sql, cli) -> None:
    """One feed per kind; each holds the valid base item plus, for every field of the
    item and of its `_clp`, a copy with only that field given a value of the wrong type."""
    feeds = []
    expected: dict[str, list[tuple[str, str]]] = {}
    for kind, base in VALID.items():
        docs, expected[kind] = [base], []
        for n, (_, where, name, value) in enumerate(c for c in WRONG if c[0] == kind):
            item = json.loads(json.dumps(base))
            item["id"] = f"{kind}-{n}"
            target = item if where == "item" else item["_clp"]
            target[name] = value
            if name == "id":
                item["url"] = None  # no fallback: the wrong id alone must cost the item
            docs.append(item)
            expected[kind].append((item["id"] if name != "id" else None, name))
        server.route(f"/{kind}", body=feed_bytes(docs))
        feeds.append(feed(server, kind, kind, f"/{kind}"))
    reports = sync_now(db, feeds)
    assert [r.status for r in reports] == ["ok"] * 4, [r.error for r in reports]
    assert sorted(items(sql, db)) == ["base"] * 4
    for report in reports:
        errors = [p for p in report.problems if p.severity == "error"]
        assert report.counts.skipped == len(expected[report.feed]) == len(errors)
        for (item_id, name), problem in zip(expected[report.feed], errors, strict=True):
            assert problem.item_id == item_id, (report.feed, name, problem)
            assert name in problem.path or name == "id", (report.feed, name, problem)
    # Everything downstream still works on what was kept.
    cli.write_config(feeds)
    for what in ("milestones", "activity", "comments", "press"):
        listed = cli("list", what)
        assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert cli("report").returncode == 0


def test_unknown_types_bad_dates_and_negative_metrics(server: FeedServer, db: Path, sync_now, sql, cli) -> None:
    docs = [
        {"id": "poll", "_clp": {"type": "poll"}},
        {"id": "type-markup", "_clp": {"type": "[bold]comment[/]"}},
        {**comment("d-words"), "date_published": "yesterday"},
        {**comment("d-nonsense"), "date_published": "2026-13-45T99:99:99Z"},
        {**comment("d-empty"), "date_published": ""},
        {**comment("d-rfc822"), "date_published": "Mon, 23 Nov 2026 10:00:00 GMT"},
        {**comment("d-naive"), "date_published": "2026-11-23T10:00:00"},
        {**comment("d-far"), "date_published": "9999-12-31T23:59:59Z"},
        {**comment("d-overflow"), "date_published": "9999-12-31T23:59:59-23:59"},
        {**comment("d-underflow"), "date_published": "0001-01-01T00:00:00+23:59"},
        {**comment("d-1970"), "date_published": "1970-01-01T00:00:00Z", "date_modified": "1969-12-31T23:59:59Z"},
        milestone("m-year-10000", due="10000-01-01"),
        milestone("m-year-0", due="0000-01-01"),
        milestone("m-9999", due="9999-12-31", start="0001-01-01", strand="doorstep", target=1e308, achieved=5e-324),
        activity("a-negative", metrics={"doors": -1}),
        activity("a-string", metrics={"doors": "12"}),
        activity("a-empty", metrics={}),
        activity("a-w53", week="2025-W53"),
        press("p-embargo", embargo="9999-12-31T23:59:59-23:59"),
        press("p-bad-embargo", embargo="soon"),
    ]
    server.route("/f", body=feed_bytes(docs))
    cli.write_config([feed(server)])
    (report,) = sync_now(db, [feed(server)])
    assert report.status == "ok"
    kept = set(items(sql, db))
    assert kept == {
        "d-words",
        "d-nonsense",
        "d-empty",
        "d-rfc822",
        "d-naive",
        "d-far",
        "d-overflow",
        "d-underflow",
        "d-1970",
        "m-9999",
        "a-empty",
        "a-w53",
        "p-embargo",
    }
    dates = dict(sql(db, "SELECT id, published FROM items WHERE kind = 'comment'"))
    assert dates["d-rfc822"] == "2026-11-23T10:00:00Z" and dates["d-naive"] == "2026-11-23T10:00:00Z"
    assert dates["d-far"] == "9999-12-31T23:59:59Z" and dates["d-1970"] == "1970-01-01T00:00:00Z"
    assert dates["d-overflow"] is None and dates["d-words"] is None and dates["d-empty"] is None
    reasons = {p.item_id: p.reason for p in report.problems if p.severity == "error"}
    assert "unknown type" in reasons["poll"] and "unknown type" in reasons["type-markup"]
    assert ">= 0" in reasons["a-negative"]
    for what in ("milestones", "activity", "comments", "press"):
        assert cli("list", what).returncode == 0
    for fmt in ("markdown", "html"):
        done = cli("report", "--format", fmt, "--as-of", "2026-11-23")
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


# -- next_url ------------------------------------------------------------------------------------


def _page(n: int, next_url: str | None) -> bytes:
    return feed_bytes([comment(f"p{n}")], next_url=next_url) if next_url else feed_bytes([comment(f"p{n}")])


@pytest.mark.parametrize(
    ("next_url", "reason"),
    [
        pytest.param("/f", "loops back", id="itself"),
        pytest.param("http://127.0.0.1:{port}/f", "loops back", id="itself-absolute"),
        pytest.param("file:///etc/passwd", "changes the scheme", id="file"),
        pytest.param("https://127.0.0.1:{port}/f", "changes the scheme", id="https"),
        pytest.param("ftp://127.0.0.1/f", "changes the scheme", id="ftp"),
        pytest.param("javascript:alert(1)", "changes the scheme", id="javascript"),
        pytest.param("http://[::1", "not a valid URL", id="broken-host"),
    ],
)
def test_a_bad_next_url_keeps_page_one_with_a_warning_and_the_cache(
    server: FeedServer, db: Path, sync_now, sql, next_url: str, reason: str
) -> None:
    server.route("/f", body=GOOD)
    assert [r.status for r in sync_now(db, [feed(server)])] == ["ok"]
    server.route("/f", body=_page(1, next_url.format(port=server.port)))
    (report,) = sync_now(db, [feed(server)])
    # JSON Feed paging is optional: page 1 is taken, the link refused with a warning.
    assert report.status == "ok" and not report.failed, report.error
    assert any(reason in p.reason and p.severity == "warning" for p in report.problems), report.problems
    assert items(sql, db) == ["c1", "c2", "p1"]
    assert len(server.requests_for("/f")) == 2


def test_a_feed_a_thousand_pages_deep_stops_at_the_page_limit(server: FeedServer, db: Path, sync_now, sql) -> None:
    server.route("/f", body=GOOD)
    assert [r.status for r in sync_now(db, [feed(server)])] == ["ok"]
    server.route("/f", body=_page(0, "/page/1"))
    for n in range(1, 1000):
        server.route(f"/page/{n}", body=_page(n, f"/page/{n + 1}"))
    (report,) = sync_now(db, [feed(server)])
    assert report.status == "ok" and any("more than 50 pages" in p.reason for p in report.problems)
    assert len(server.log()) == 1 + 50
    assert items(sql, db) == sorted(["c1", "c2", *(f"p{n}" for n in range(50))])


def test_next_urls_that_differ_only_in_a_fragment_are_still_bounded(server: FeedServer, db: Path, sync_now) -> None:
    # "/f#1", "/f#2", ... are different strings for the same page: the page limit still ends it.
    server.route("/f", body=b"", dynamic=lambda request: _fragment_page(len(server.log())))
    (report,) = sync_now(db, [feed(server)], network={"max_pages": 5})
    assert report.status == "ok"
    assert any("more than 5 pages" in p.reason or "loops" in p.reason for p in report.problems)
    assert len(server.log()) <= 5


def _fragment_page(n: int):
    from feedserver import Route

    return Route(body=_page(n, f"/f#{n}"))


def test_parse_page_never_raises_anything_but_feed_error_for_these_bodies() -> None:
    """The same bodies straight into the parser, as check-feed reads them."""
    from clp_tui.data.parse import FeedError

    for body in (DEEP, b"\xff" * 10, HEAD + b'"items": [' + b"1," * 10_000 + b"1]}", b"{" * 10, b'{"":' * 5000):
        with contextlib.suppress(FeedError):
            parse_page(body, "comment")

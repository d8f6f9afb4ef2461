"""Reading a feed page against the contract: every kind, ids, bad items skipped
with a reason, and whole-feed refusals (not JSON, not a JSON Feed, too deep)."""

from __future__ import annotations

import json

import msgspec
import pytest
from feedserver import JSONFEED, activity, comment, feed_bytes, milestone, press

from clp_tui.data.parse import FeedError, ItemRecord, ParsedPage, parse_page
from clp_tui.data.sync import parse_pages


def only(page: ParsedPage) -> ItemRecord:
    assert [p for p in page.problems if p.severity == "error"] == []
    (record,) = page.records
    return record


# -- each kind ---------------------------------------------------------------------------


def test_a_milestone_is_read_with_its_plan_fields() -> None:
    item = milestone(
        "m1",
        due="2030-05-01",
        strand="doorstep",
        horizon="short",
        owner="Organiser",
        start="2030-01-01",
        status="on_track",
        target=5000,
        achieved=2100,
        depends_on=["m0"],
    )
    record = only(parse_page(feed_bytes([item]), "milestone"))
    assert (record.id, record.kind, record.title) == ("m1", "milestone", "Milestone m1")
    assert (record.due, record.owner) == ("2030-05-01", "Organiser")
    ext = json.loads(record.ext)
    assert ext["strand"] == "doorstep" and ext["target"] == 5000 and ext["depends_on"] == ["m0"]


def test_an_activity_row_is_read_with_its_metrics() -> None:
    item = activity(
        "a1",
        branch="Northside",
        week="2025-W09",
        ward="Abbey",
        target_ward=True,
        twinned_with="Southside",
        metrics={"doors": 310, "contacts": 95.5, "custom": 1},
    )
    record = only(parse_page(feed_bytes([item]), "activity"))
    assert (record.kind, record.branch, record.week) == ("activity", "Northside", "2025-W09")
    assert json.loads(record.ext)["metrics"] == {"doors": 310, "contacts": 95.5, "custom": 1}


def test_a_comment_is_read_with_its_platform_thread_and_author() -> None:
    item = comment(
        "c1",
        "Great work",
        platform="x",
        channel="@clp",
        thread_id="t9",
        thread_title="Launch",
        in_reply_to="c0",
        state="hidden",
    )
    record = only(parse_page(feed_bytes([item]), "comment"))
    assert (record.kind, record.body, record.author_name) == ("comment", "Great work", "A. Member")
    assert (record.platform, record.channel, record.thread_id) == ("x", "@clp", "t9")
    assert (record.in_reply_to, record.state) == ("c0", "hidden")
    assert record.published == "2025-03-01T10:00:00Z"


def test_a_press_card_is_read_with_its_stage_and_signoffs() -> None:
    item = press(
        "p1",
        stage="approved",
        fmt="op_ed",
        candidate="Jo Bloggs",
        owner="Comms",
        consent={"by": "Jo Bloggs", "at": "2025-03-01"},
        regional_signoff={"by": "Regional office", "at": "2025-03-02T09:00:00Z"},
        outlets=["Echo", "Radio"],
        embargo="2025-03-03T00:01:00Z",
    )
    record = only(parse_page(feed_bytes([item]), "press"))
    assert (record.kind, record.stage, record.owner) == ("press", "approved", "Comms")
    ext = json.loads(record.ext)
    assert ext["consent"] == {"by": "Jo Bloggs", "at": "2025-03-01"}
    assert ext["outlets"] == ["Echo", "Radio"]


def test_an_items_own_type_beats_the_feeds_kind() -> None:
    page = parse_page(feed_bytes([milestone("m1"), comment("c1")]), "comment")
    assert [(r.id, r.kind) for r in page.records] == [("m1", "milestone"), ("c1", "comment")]


def test_an_item_without_clp_takes_the_configured_kind() -> None:
    plain = {"id": "n1", "title": "News", "content_html": "<p>Hello <b>there</b> &amp; all</p>"}
    as_comment = only(parse_page(feed_bytes([plain]), "comment"))
    assert (as_comment.kind, as_comment.body) == ("comment", "Hello there & all")
    as_press = only(parse_page(feed_bytes([plain]), "press"))
    assert (as_press.kind, as_press.stage) == ("press", "published")


def test_a_milestone_without_clp_is_skipped_because_due_is_required() -> None:
    page = parse_page(feed_bytes([{"id": "m1", "title": "x"}]), "milestone")
    assert page.records == [] and page.invalid_ids == ["m1"]
    (problem,) = page.problems
    assert problem.path == "$.items[0]._clp" and "needs a _clp object" in problem.reason


def test_jsonfeed_1_0_author_is_read_as_authors() -> None:
    item = {"id": "c1", "content_text": "hi", "author": {"name": "Old Style", "url": "https://a.example"}}
    record = only(parse_page(feed_bytes([item], version="https://jsonfeed.org/version/1"), "comment"))
    assert (record.author_name, record.author_url) == ("Old Style", "https://a.example")


def test_a_tombstone_is_read_as_deleted() -> None:
    record = only(parse_page(feed_bytes([{"id": "c1", "_clp": {"deleted": True}}]), "comment"))
    assert record.deleted


def test_dates_are_normalised_to_utc_and_bad_ones_cost_only_the_field() -> None:
    items = [
        {"id": "a", "content_text": "x", "date_published": "2025-03-01T11:00:00+01:00"},
        {"id": "b", "content_text": "x", "date_published": "yesterday"},
        {"id": "c", "content_text": "x", "date_modified": "Fri, 31 May 2019 12:17:58 -0700"},
    ]
    page = parse_page(feed_bytes(items), "comment")
    assert [(r.id, r.published) for r in page.records] == [
        ("a", "2025-03-01T10:00:00Z"),
        ("b", None),
        ("c", "2019-05-31T19:17:58Z"),
    ]
    assert {(p.item_id, p.path, p.severity) for p in page.problems} == {
        ("b", "$.items[1].date_published", "warning"),
        ("c", "$.items[2].date_modified", "warning"),
    }


def test_a_timestamp_in_the_stored_form_must_still_be_a_real_moment() -> None:
    items = [
        {"id": "a", "content_text": "x", "date_published": "2025-03-01T10:00:00Z"},
        {"id": "b", "content_text": "x", "date_published": "2025-13-01T10:00:00Z"},
        {"id": "c", "content_text": "x", "date_published": "2025-02-30T10:00:00Z"},
        {"id": "d", "content_text": "x", "date_published": "\u0662\u0660\u0662\u0665-03-01T10:00:00Z"},
    ]
    page = parse_page(feed_bytes(items), "comment")
    assert [(r.id, r.published) for r in page.records] == [
        ("a", "2025-03-01T10:00:00Z"),
        ("b", None),
        ("c", None),
        ("d", None),
    ]
    assert sorted(p.item_id for p in page.problems if p.severity == "warning") == ["b", "c", "d"]


def test_untrusted_text_is_kept_exactly_as_written() -> None:
    text = "[bold]x[/] \x1b[2J <script>alert(1)</script> \u202etxet"
    record = only(parse_page(feed_bytes([comment("c1", text)]), "comment"))
    assert record.body == text
    assert json.loads(record.raw)["content_text"] == text


# -- ids ---------------------------------------------------------------------------------


def test_numeric_ids_are_coerced_to_strings() -> None:
    items = [comment(7), comment(2.0), comment(2.5), comment("7b")]
    page = parse_page(feed_bytes(items), "comment")
    assert [r.id for r in page.records] == ["7", "2", "2.5", "7b"]


def test_a_missing_id_falls_back_to_the_url_with_a_warning() -> None:
    item = {"url": "https://clp.example/news/1", "content_text": "x"}
    page = parse_page(feed_bytes([item]), "comment")
    assert [r.id for r in page.records] == ["https://clp.example/news/1"]
    (warning,) = page.problems
    assert (warning.severity, warning.path) == ("warning", "$.items[0].id")


def test_an_item_with_neither_id_nor_url_is_skipped() -> None:
    page = parse_page(feed_bytes([{"content_text": "x"}, {"id": "", "content_text": "y"}, comment("ok")]), "comment")
    assert [r.id for r in page.records] == ["ok"]
    assert [(p.item_id, p.path) for p in page.problems] == [(None, "$.items[0].id"), (None, "$.items[1].id")]


def test_duplicate_ids_keep_the_first() -> None:
    page = parse_page(feed_bytes([comment("c1", "first"), comment("c2"), comment("c1", "second")]), "comment")
    assert [(r.id, r.body) for r in page.records] == [("c1", "first"), ("c2", "a comment")]
    (problem,) = page.problems
    assert (problem.item_id, problem.path, problem.reason) == (
        "c1",
        "$.items[2].id",
        "duplicate id; the first one is kept",
    )


def test_duplicate_ids_across_pages_keep_the_first() -> None:
    pages = [feed_bytes([comment("c1", "page one")]), feed_bytes([comment("c1", "page two"), comment("c2")])]
    merged = parse_pages(pages, "comment")
    assert [(r.id, r.body) for r in merged.records] == [("c1", "page one"), ("c2", "a comment")]
    assert [p.reason for p in merged.problems] == ["duplicate id; the first one is kept"]


def test_a_duplicate_of_an_unchanged_item_is_still_a_duplicate() -> None:
    first = parse_page(feed_bytes([comment("c1", "cached")]), "comment")
    known = {first.records[0].hash: "c1"}
    page = parse_page(feed_bytes([comment("c1", "cached"), comment("c1", "impostor")]), "comment", known)
    assert page.unchanged == ["c1"] and page.records == []
    assert [p.reason for p in page.problems] == ["duplicate id; the first one is kept"]


def test_an_absurdly_long_id_is_skipped() -> None:
    page = parse_page(feed_bytes([comment("x" * 5000), comment("ok")]), "comment")
    assert [r.id for r in page.records] == ["ok"]
    assert "5000 characters" in page.problems[0].reason


# -- bad items are skipped with feed, item id and JSON path ------------------------------


@pytest.mark.parametrize(
    ("kind", "item", "path", "reason_part"),
    [
        ("milestone", milestone("m1", due="31/12/2030"), "$.items[0]._clp.due", "date"),
        ("milestone", milestone("m1", target=-5), "$.items[0]._clp.target", ">= 0"),
        ("milestone", milestone("m1", horizon="someday"), "$.items[0]._clp.horizon", "someday"),
        ("activity", activity("a1", week="2025-W60"), "$.items[0]._clp.week", "regex"),
        ("activity", activity("a1", metrics={"doors": "lots"}), "$.items[0]._clp.metrics[...]", "float"),
        ("activity", activity("a1", branch=""), "$.items[0]._clp.branch", "length"),
        ("comment", comment("c1", state="deleted-ish"), "$.items[0]._clp.state", "deleted-ish"),
        ("press", press("p1", stage="leaked"), "$.items[0]._clp.stage", "leaked"),
        ("press", press("p1", fmt="tweet"), "$.items[0]._clp.format", "tweet"),
        ("comment", {"id": "c1", "_clp": {"type": "rumour"}}, "$.items[0]._clp.type", "unknown type"),
        ("comment", {"id": "c1", "tags": "not-a-list"}, "$.items[0].tags", "array"),
        ("comment", {"id": "c1", "_clp": "nope"}, "$.items[0]._clp", "object"),
    ],
)
def test_a_bad_item_is_skipped_with_its_id_and_json_path(kind: str, item: dict, path: str, reason_part: str) -> None:
    page = parse_page(feed_bytes([item, comment("fine")]), kind)
    assert [r.id for r in page.records] == ["fine"]
    (problem,) = page.problems
    assert problem.severity == "error"
    assert problem.path == path
    assert reason_part in problem.reason
    line = problem.line("plan")
    assert line.startswith("plan: item ") and path in line


def test_an_item_that_is_not_an_object_is_skipped_by_index() -> None:
    page = parse_page(feed_bytes([42, comment("fine")]), "comment")
    assert [r.id for r in page.records] == ["fine"]
    assert page.problems[0].path == "$.items[0]"


def test_an_invalid_item_is_still_present_for_a_snapshot() -> None:
    page = parse_page(feed_bytes([press("p1", stage="leaked")]), "press")
    assert page.invalid_ids == ["p1"]


# -- whole-feed refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!doctype html><html>Login</html>", "not JSON (it looks like HTML)"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [', "not JSON"),
        (b"\xff\xfe{}", "not"),
        (b"[1, 2, 3]", "not a JSON Feed: the document is not a JSON object"),
        (b'{"rss": "2.0"}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "t"}', "`items`"),
        (b'{"version": "https://example.org/feed/2", "title": "t", "items": []}', "version is"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": 5, "items": []}', "$.title"),
    ],
)
def test_a_page_that_is_not_a_json_feed_is_refused_with_a_reason(body: bytes, message: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_page(body, "comment")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "where",
    ["document", "item", "item field", "clp", "envelope field"],
)
def test_deep_nesting_is_refused_not_a_crash(where: str) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    head = f'{{"version": "{JSONFEED}", "title": "t", '.encode()
    body = {
        "document": deep,
        "item": head + b'"items": [' + deep + b"]}",
        "item field": head + b'"items": [{"id": "a", "title": ' + deep + b"}]}",
        "clp": head + b'"items": [{"id": "a", "_clp": {"x": ' + deep + b"}}]}",
        "envelope field": head + b'"home_page_url": ' + deep + b', "items": []}',
    }[where]
    with pytest.raises(FeedError):
        parse_page(body, "comment")


def test_a_byte_order_mark_is_tolerated() -> None:
    assert only(parse_page(b"\xef\xbb\xbf" + feed_bytes([comment("c1")]), "comment")).id == "c1"


def test_envelope_extension_is_read() -> None:
    body = feed_bytes([], clp={"polling_day": "2029-05-03", "constituency": "Anytown", "snapshot": True})
    page = parse_page(body, "milestone")
    assert (str(page.ext.polling_day), page.ext.constituency, page.ext.snapshot) == ("2029-05-03", "Anytown", True)


def test_an_empty_feed_is_fine() -> None:
    page = parse_page(feed_bytes([]), "press")
    assert (page.title, page.records, page.problems) == ("Test feed", [], [])


def test_the_raw_item_is_kept_byte_for_byte() -> None:
    raw = b'{"id":"c1","content_text":"caf\\u00e9 \\ud83d\\ude00","_clp":{"type":"comment"}}'
    body = f'{{"version":"{JSONFEED}","title":"t","items":['.encode() + raw + b"]}"
    record = only(parse_page(body, "comment"))
    assert record.raw == raw
    assert record.body == "café 😀" == msgspec.json.decode(raw)["content_text"][:4] + " 😀"

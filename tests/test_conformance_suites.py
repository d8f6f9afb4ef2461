"""Other projects' JSON Feed test suites, vendored with their licences under
tests/conformance/ (see its README): feedparser's JSON cases, gofeed's JSON
test data and JsonFeed.NET's sample feeds. Each file is run through clp-tui;
where clp-tui's answer differs from the other project's on purpose, the reason
is written beside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from feedserver import JSONFEED, FeedServer

from clp_tui.data.pages import parse_pages
from clp_tui.data.parse import FeedError, ParsedPage

CONFORMANCE = Path(__file__).resolve().parent / "conformance"
FEEDPARSER = sorted((CONFORMANCE / "feedparser").glob("*.json"))
GOFEED = sorted((CONFORMANCE / "gofeed").glob("*.json"))
JSONFEED_NET = sorted((CONFORMANCE / "jsonfeed-net").glob("*.json"))


def _parse(body: bytes) -> ParsedPage | FeedError:
    try:
        return parse_pages([body], "comment")
    except FeedError as exc:  # anything else (a crash) fails the test
        return exc


def _completed(body: bytes) -> bytes:
    """A feedparser case is a fragment (often just the field it is about): given the
    envelope fields our contract requires where it left them out."""
    doc = json.loads(body.decode("utf-8-sig"), parse_constant=lambda name: name)
    if isinstance(doc, dict):
        for key, value in (("version", JSONFEED), ("title", "t"), ("items", [])):
            doc.setdefault(key, value)
    return json.dumps(doc).encode()


def test_the_vendored_suites_are_all_here_with_their_licences() -> None:
    assert len(FEEDPARSER) == 106 and len(GOFEED) == 4 and len(JSONFEED_NET) == 8
    for folder in ("feedparser", "gofeed", "jsonfeed-net"):
        assert (CONFORMANCE / folder / "LICENSE").is_file()


# -- feedparser (BSD-2-Clause) ---------------------------------------------------------------


@pytest.mark.parametrize("case", FEEDPARSER, ids=lambda p: p.stem)
def test_every_feedparser_case_gets_an_answer_not_a_crash(case: Path) -> None:
    """As published (most are fragments: refused for the missing `version`) and with the
    envelope completed, each case is taken or refused in one line."""
    as_published = _parse(case.read_bytes())
    if isinstance(as_published, FeedError):
        assert str(as_published) and "\n" not in str(as_published)
    completed = _parse(_completed(case.read_bytes())) if b"NaN" not in case.read_bytes() else None
    assert completed is None or isinstance(completed, ParsedPage | FeedError)


# Where clp-tui's id differs from feedparser's expectation, on purpose.
ID_DIFFERENCES = {
    # NaN and Infinity are not JSON (RFC 8259): the page is refused, as any JSON parser would.
    "items-id-nan": FeedError,
    "items-id-infinity": FeedError,
    "items-id-negative-infinity": FeedError,
    # A whole-number float is written as a whole number (1e20 -> "100000000000000000000").
    "items-id-float": "200",
    # null is no id at all: with no url either, the item is skipped with a reason (two
    # items with a null id would otherwise collide as "null").
    "items-id-null": None,
    # An id is an opaque key, kept exactly: trimming it could make two items one.
    "items-id-whitespace": " https://domain.example/entry ",
}
ID_CASES = [p for p in FEEDPARSER if re.search(rb"entries\[0\]\['id'\] ==", p.read_bytes())]


@pytest.mark.parametrize("case", ID_CASES, ids=lambda p: p.stem)
def test_feedparser_id_cases(case: Path) -> None:
    expected = re.search(r"entries\[0\]\['id'\] == '([^']*)'", case.read_text()).group(1)
    expected = ID_DIFFERENCES.get(case.stem, expected)
    if expected is FeedError:
        result = _parse(case.read_bytes())
        assert isinstance(result, FeedError) and "not JSON" in str(result)
        return
    result = _parse(_completed(case.read_bytes()))
    assert isinstance(result, ParsedPage)
    ids = [r.id for r in result.records]
    assert ids == ([] if expected is None else [expected]), result.problems


@pytest.mark.parametrize("case", [p for p in FEEDPARSER if p.stem.startswith("version-")], ids=lambda p: p.stem)
def test_feedparser_version_cases(case: Path) -> None:
    """A JSON Feed 1 or 1.1 version is taken (spaces around it too); anything else
    (blank, unknown, not text, missing) is refused, naming the version."""
    known = re.search(r"version == 'json1?1?'", case.read_text()).group(0) != "version == 'json'"
    doc = json.loads(case.read_text())
    doc.setdefault("title", "t")
    doc.setdefault("items", [])
    result = _parse(json.dumps(doc).encode())
    if known:
        assert isinstance(result, ParsedPage)
    else:
        assert isinstance(result, FeedError) and "version" in str(result)


@pytest.mark.parametrize("case", ["home_page_url-value-type-incorrect", "next_url-value-type-incorrect"])
def test_an_optional_link_of_the_wrong_type_costs_the_link_not_the_feed(case: str) -> None:
    result = _parse(_completed((CONFORMANCE / "feedparser" / f"{case}.json").read_bytes()))
    assert isinstance(result, ParsedPage) and result.next_url is None


# -- gofeed (MIT) and JsonFeed.NET (MIT), synced as officers would -------------------------------


def test_gofeeds_samples_with_a_bare_version_number_are_refused_in_one_line(
    server: FeedServer, sync_now, db: Path
) -> None:
    """gofeed's samples say `"version": "1.1"`; JSON Feed's version is a URL."""
    feeds = []
    for n, sample in enumerate(GOFEED):
        feeds.append(
            {"name": f"g{n}", "url": server.route(f"/{sample.name}", body=sample.read_bytes()), "kind": "comment"}
        )
    reports = {r.feed: r for r in sync_now(db, feeds)}
    for n, sample in enumerate(GOFEED):
        report = reports[f"g{n}"]
        assert report.status == "error", sample.name
        said = "not JSON" if sample.name == "invalid.json" else "version is '1"
        assert said in report.error, (sample.name, report.error)


@pytest.mark.parametrize("sample", [p for p in GOFEED if p.name != "invalid.json"], ids=lambda p: p.stem)
def test_gofeeds_samples_with_the_version_as_a_url_are_taken(
    sample: Path, server: FeedServer, sync_now, sql, db
) -> None:
    doc = json.loads(sample.read_text())
    doc["version"] = JSONFEED
    url = server.route("/feed.json", body=json.dumps(doc).encode())
    (report,) = sync_now(db, [{"name": "g", "url": url, "kind": "comment"}])
    assert report.status == "ok" and report.counts.added == len(doc["items"]), report.problems
    # Its next_url is on https://sample-json-feed.com: not this feed's scheme, so not followed.
    reasons = [p.reason for p in report.problems]
    assert any("changes the scheme from http" in r for r in reasons) == bool(doc.get("next_url"))


@pytest.mark.parametrize("sample", JSONFEED_NET, ids=lambda p: p.stem)
def test_jsonfeed_net_samples_are_taken_whole(sample: Path, server: FeedServer, sync_now, sql, db) -> None:
    doc = json.loads(sample.read_text(encoding="utf-8-sig"))
    url = server.route("/feed.json", body=sample.read_bytes())
    (report,) = sync_now(db, [{"name": "n", "url": url, "kind": "press"}])
    assert report.status == "ok", report.error
    assert report.counts.added == len(doc["items"]) and report.counts.skipped == 0
    assert sql(db, "SELECT count(*) FROM items WHERE feed = 'n'") == [(len(doc["items"]),)]

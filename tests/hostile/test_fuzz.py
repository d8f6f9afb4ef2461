"""Property tests with hypothesis: whatever a feed, a config file or a string holds,
the parser and the sanitiser keep their promises.

Example counts are kept modest (about 200 each) so the suite stays quick; a
failure prints the smallest input that breaks the property.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import msgspec
from feedserver import JSONFEED
from frozen import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text
from textual.content import Content

from clp_tui.config import ConfigError, config_warnings, parse_config
from clp_tui.data.board import load_milestones
from clp_tui.data.branches import load_branches
from clp_tui.data.contract import EXT_BY_KIND, KINDS, Item
from clp_tui.data.fetch import FetchResult
from clp_tui.data.html_text import html_to_text
from clp_tui.data.inbox import Inbox
from clp_tui.data.moderation import refresh_flags
from clp_tui.data.parse import FeedError, parse_page
from clp_tui.data.press import load_cards
from clp_tui.data.report import build_report
from clp_tui.data.store import Store
from clp_tui.data.sync import _take
from clp_tui.data.text import clean, json_line, one_line
from clp_tui.data.timestamps import parse_timestamp
from clp_tui.documents.charts import nice_ticks
from clp_tui.documents.report import render_html, render_markdown

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Everything clean() must never let through: C0 controls (bar tab and newline), DEL,
# C1 controls, bidi embeddings/overrides/isolates, and the line/paragraph separators.
DANGEROUS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)

ITEM_KEYS = [f.encode_name for f in msgspec.structs.fields(Item)]
EXT_KEYS = sorted({f.encode_name for ext in EXT_BY_KIND.values() for f in msgspec.structs.fields(ext)})
plausible = json_values | st.sampled_from(
    [
        "2026-11-23",
        "2026-W47",
        "2026-11-23T10:00:00Z",
        "9999-12-31",
        "0001-01-01T00:00:00+23:59",
        *KINDS,
        "drafting",
        "published",
        "press_release",
        "visible",
        1e308,
        -1,
        0,
        "",
    ]
)
clp_objects = st.dictionaries(st.sampled_from(EXT_KEYS), plausible, max_size=8) | json_values
items = st.dictionaries(st.sampled_from(ITEM_KEYS), plausible, max_size=8).flatmap(
    lambda item: st.builds(lambda clp: {**item, "_clp": clp}, clp_objects) | st.just(item)
)
# Items that follow the contract, with extreme but valid values: far dates, huge and tiny
# numbers, hostile text. Then the same with one field swapped for anything at all.
small_text = st.text(max_size=12) | st.sampled_from(["[bold]x[/]", "\x1b[2J", "\u202e", "=1+1", "a" * 3000])
dates = st.dates().map(str)
stamps = st.sampled_from(
    [
        "2026-11-23T10:00:00Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "1970-01-01T00:00:00Z",
        "Mon, 23 Nov 2026 10:00:00 GMT",
        "soon",
        "",
    ]
)
amounts = st.floats(min_value=0, max_value=1e308, allow_nan=False) | st.integers(min_value=0, max_value=2**60)
weeks = st.builds("{:04d}-W{:02d}".format, st.integers(0, 9999), st.integers(1, 53))
signoff = st.fixed_dictionaries({"by": small_text}, optional={"at": st.none() | small_text})
common = {
    "title": small_text,
    "content_text": small_text,
    "url": small_text,
    "date_published": stamps,
    "date_modified": stamps,
    "authors": st.lists(st.fixed_dictionaries({}, optional={"name": small_text}), max_size=2),
}
clp_by_kind = {
    "milestone": st.fixed_dictionaries(
        {"type": st.just("milestone"), "due": dates},
        optional={
            "start": dates,
            "target": amounts,
            "achieved": amounts,
            "strand": st.sampled_from(["doorstep", "x"]),
            "status": st.sampled_from(["done", "dropped", "at_risk", "behind"]),
            "owner": small_text,
            "depends_on": st.lists(st.sampled_from(["m0", "m1", "m2"]), max_size=3),
        },
    ),
    "activity": st.fixed_dictionaries(
        {
            "type": st.just("activity"),
            "branch": small_text.filter(bool),
            "week": weeks,
            "metrics": st.dictionaries(st.sampled_from(["doors", "calls", "x"]) | small_text, amounts, max_size=3),
        },
        optional={"ward": small_text, "target_ward": st.booleans(), "twinned_with": small_text},
    ),
    "comment": st.fixed_dictionaries(
        {"type": st.just("comment")},
        optional={
            "platform": small_text,
            "channel": small_text,
            "thread_id": st.sampled_from(["t1", "t2"]),
            "thread_title": small_text,
            "in_reply_to": small_text,
            "state": st.sampled_from(["visible", "hidden", "removed"]),
        },
    ),
    "press": st.fixed_dictionaries(
        {
            "type": st.just("press"),
            "format": st.sampled_from(["statement", "op_ed"]),
            "stage": st.sampled_from(["idea", "drafting", "approved", "published", "spiked"]),
        },
        optional={
            "candidate": small_text,
            "consent": signoff,
            "regional_signoff": signoff,
            "owner": small_text,
            "outlets": st.lists(small_text, max_size=2),
            "embargo": stamps.filter(lambda s: "T" in s),
        },
    ),
}


def _valid_item(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    ids = st.sampled_from([f"{kind[0]}{n}" for n in range(4)]) | st.integers(-5, 5) | small_text
    return st.builds(
        lambda item, clp: {**item, "_clp": clp}, st.fixed_dictionaries({"id": ids}, optional=common), clp_by_kind[kind]
    )


def _mutated(item: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    def swap(pair: tuple[dict[str, Any], tuple[str, Any]]) -> dict[str, Any]:
        base, (key, value) = pair
        inner = key not in ITEM_KEYS
        out = {**base, "_clp": {**base["_clp"]}}
        (out["_clp"] if inner else out)[key] = value
        return out

    return st.tuples(item, st.tuples(st.sampled_from(ITEM_KEYS + EXT_KEYS), plausible)).map(swap)


valid_items = st.sampled_from(KINDS).flatmap(_valid_item)
items = valid_items | valid_items | _mutated(valid_items) | items


# Mostly a valid envelope (so the items are reached), sometimes not.
feeds = st.fixed_dictionaries(
    {
        "version": st.sampled_from([JSONFEED] * 8 + ["https://jsonfeed.org/version/1", "2.0"]),
        "title": st.text(max_size=20) | st.text(max_size=20) | st.text(max_size=20) | json_values,
        "items": st.lists(items, max_size=6),
    },
    optional={
        "next_url": st.none() | json_values,
        "_clp": st.dictionaries(st.sampled_from(["polling_day", "constituency", "snapshot"]), plausible) | json_values,
    },
)


def _check(body: bytes, kind: str) -> None:
    """Parse; only FeedError may escape, and what is taken is what the screens can read back."""
    try:
        page = parse_page(body, kind)
    except FeedError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for record in page.records:
        assert isinstance(record.id, str) and record.id
        assert record.kind in KINDS
        if not record.deleted:
            # Every screen decodes `ext` again with the same struct: that must never fail.
            msgspec.json.decode(record.ext, type=EXT_BY_KIND[record.kind])
        for stamp in (record.published, record.modified):
            assert stamp is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp), stamp
    for problem in page.problems:
        assert problem.severity in ("error", "warning") and problem.path.startswith("$")
        assert problem.item_id is None or len(problem.item_id) <= 2048


@FUZZ
@given(value=json_values, kind=st.sampled_from(KINDS))
def test_any_json_document_is_a_feed_or_a_feed_error(value: Any, kind: str) -> None:
    _check(json.dumps(value).encode(), kind)


@FUZZ
@given(feed=feeds, kind=st.sampled_from(KINDS))
def test_any_feed_shaped_document_parses_or_is_refused_with_a_reason(feed: dict[str, Any], kind: str) -> None:
    _check(json.dumps(feed, ensure_ascii=False).encode(), kind)


@FUZZ
@given(body=st.binary(max_size=300), kind=st.sampled_from(KINDS))
def test_any_bytes_at_all_are_a_feed_or_a_feed_error(body: bytes, kind: str) -> None:
    _check(body, kind)


@FUZZ
@given(value=st.text(max_size=60))
def test_any_date_string_is_read_or_dropped_never_raised(value: str) -> None:
    stamp, note = parse_timestamp(value)
    assert stamp is not None or note is not None


# -- the sanitiser -------------------------------------------------------------------------------

texts = st.text(max_size=200) | st.text(
    alphabet=st.sampled_from(list("ab [/]=@\x1b\x07\x08\r\n\t\x9b\x9d\u202e\u2067\u200b\u0301\u2028👩‍")), max_size=80
)


@FUZZ
@given(text=texts)
def test_clean_leaves_nothing_a_terminal_would_obey_and_is_idempotent(text: str) -> None:
    cleaned = clean(text)
    assert DANGEROUS.search(cleaned) is None
    assert clean(cleaned) == cleaned
    flat = one_line(text)
    assert DANGEROUS.search(flat) is None and "\n" not in flat and "\t" not in flat
    assert one_line(flat) == flat


@FUZZ
@given(
    text=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"),
            blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029",
        ),
        max_size=200,
    )
)
def test_text_without_controls_is_shown_exactly_as_written(text: str) -> None:
    assert clean(text) == text
    assert one_line(text) == text


@FUZZ
@given(text=texts)
def test_cleaned_text_renders_literally_through_rich_and_textual(text: str) -> None:
    cleaned = clean(text)
    # What the widgets are handed: Text and Content objects, never markup strings.
    assert Text(cleaned).plain == cleaned
    assert Content(cleaned).plain == cleaned
    out = io.StringIO()
    Console(file=out, width=60, force_terminal=True, color_system=None, legacy_windows=False).print(Text(cleaned))
    shown = out.getvalue()
    for ch in ("\x1b", "\x07", "\x08", "\r", "\x9b", "\x9d", "\u202e"):
        assert ch not in shown
    # No markup was read: every visible character of the input is still there.
    visible = re.sub(r"\s", "", cleaned)
    assert visible == re.sub(r"\s", "", shown)


@FUZZ
@given(value=json_values | texts)
def test_json_line_is_the_same_data_with_nothing_raw(value: Any) -> None:
    line = json_line(value)
    assert json.loads(line) == value
    assert DANGEROUS.search(line) is None and "\n" not in line


@FUZZ
@given(fragment=st.text(max_size=200) | st.text(alphabet=st.sampled_from(list("<>/&;#x0123abp =\"'")), max_size=80))
def test_html_is_reduced_to_text_without_raising(fragment: str) -> None:
    assert isinstance(html_to_text(fragment), str)


# -- the config file -----------------------------------------------------------------------------

toml_like = st.text(max_size=200) | st.lists(
    st.sampled_from(
        [
            "[[feeds]]",
            'name = "a"',
            'url = "http://127.0.0.1/x"',
            'kind = "comment"',
            "refresh = 5",
            "[network]",
            "deadline = 1e400",
            "max_bytes = -1",
            "[keys]",
            '"a" = "b"',
            'token_env = "9X"',
            'url = "ftp://x"',
            'url = "http://[::1"',
            "[officer]",
            "name = 5",
            "feeds = 3",
        ]
    ),
    max_size=12,
).map("\n".join)


@FUZZ
@given(text=toml_like)
def test_any_config_text_is_a_config_or_a_config_error(text: str) -> None:
    try:
        parse_config(text, "fuzz.toml")
    except ConfigError as exc:
        assert str(exc).startswith("fuzz.toml") and "\n" not in str(exc).strip()


@settings(max_examples=50, deadline=2000)
@given(text=st.text(alphabet=st.sampled_from(list("://@a:?&=token Bearer eyJ.-_#\n")), max_size=3000))
def test_the_secret_detector_answers_quickly_whatever_the_file_holds(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        assert isinstance(config_warnings(path), list)


# -- what the parser takes, the rest of clp-tui can show ---------------------------------------

valid_feeds = st.fixed_dictionaries(
    {
        "version": st.just(JSONFEED),
        "title": small_text,
        "items": st.lists(valid_items | _mutated(valid_items), max_size=8),
    },
    optional={"_clp": st.fixed_dictionaries({}, optional={"polling_day": dates, "constituency": small_text})},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feed=valid_feeds, as_of=st.dates(min_value=dt.date(1, 2, 1), max_value=dt.date(9999, 11, 30)))
def test_whatever_a_feed_gets_into_the_cache_the_screens_and_the_report_can_show(
    feed: dict[str, Any], as_of: dt.date
) -> None:
    """Synced into a real SQLite file; then every screen's loader, the inbox rules and
    the meeting report (both formats) run over it, on any day from year 1 to 9999."""
    config = parse_config('[[feeds]]\nname = "f"\nurl = "http://127.0.0.1/f"\nkind = "comment"\n')
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "cache.db")
        try:
            body = json.dumps(feed, ensure_ascii=False).encode()
            _take(store, config.feeds[0], FetchResult("ok", pages=[body], http_status=200), 0.0)
            refresh_flags(store, config.moderation)
            load_milestones(store, as_of)
            load_branches(store)
            for card in load_cards(store):
                card.days_in_stage(NOW)
            inbox = Inbox(store, config.moderation)
            for comment in inbox.page(0, 50):
                inbox.thread(comment)
                inbox.flag_reasons(comment)
            report = build_report(store, config, as_of)
            for document in (render_markdown(report), render_html(report)):
                assert "\x1b" not in document and "<script" not in document.lower()
        finally:
            store.close()


@FUZZ
@given(top=st.floats(allow_nan=False) | st.sampled_from([5e-324, 2.5e-323, 1e-310, 1e308, 1.7976931348623157e308]))
def test_chart_ticks_for_any_figure_a_feed_can_send(top: float) -> None:
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks == sorted(ticks) and len(ticks) >= 2
    if 1e-290 < top < 1e300:
        assert ticks[-1] >= top * (1 - 1e-9)  # the axis reaches the figure (to rounding)

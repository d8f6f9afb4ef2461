"""Property tests of the parser with hypothesis: whatever a feed document, any JSON or
any bytes hold, the parser takes a feed or refuses it with a reason, and any date
string is read or dropped, never raised.

Example counts are kept modest (about 200 each) so the suite stays quick; a
failure prints the smallest input that breaks the property. The sanitiser, the
config file and what the cache can show are in the test_fuzz_*.py files beside it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from clp_tui.data.contract import EXT_BY_KIND, KINDS
from clp_tui.data.parse import FeedError, parse_page
from clp_tui.data.timestamps import parse_timestamp

from .fuzz_strategies import FUZZ, feeds, json_values


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

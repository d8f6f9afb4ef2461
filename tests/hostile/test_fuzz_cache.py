"""Property tests with hypothesis of what the parser takes: whatever a valid (or
nearly valid) feed gets into the cache, every screen's loader and the meeting report
can show; and the chart axis copes with any figure a feed can send."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from frozen import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clp_tui.config import parse_config
from clp_tui.data.board import load_milestones
from clp_tui.data.branches import load_branches
from clp_tui.data.fetch import FetchResult
from clp_tui.data.inbox import Inbox
from clp_tui.data.moderation import refresh_flags
from clp_tui.data.press import load_cards
from clp_tui.data.report import build_report
from clp_tui.data.store import Store
from clp_tui.data.sync import _take
from clp_tui.documents.charts import nice_ticks
from clp_tui.documents.report import render_html, render_markdown

from .fuzz_strategies import FUZZ, valid_feeds


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

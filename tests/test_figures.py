"""The figures officers judge by, each rule once in clp_tui/data/ (issue 14, part 6):
slack never positive when overdue, trends on small numbers, ward rates, days in
stage, "done since" and the burn-down as the board has them, one date style."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from feedserver import FeedServer, config_toml, feed_bytes, milestone, press
from frozen import NOW, TODAY

from clp_tui.clock import fixed_clock
from clp_tui.config import parse_config
from clp_tui.data.board import Milestone, load_milestones, schedule
from clp_tui.data.branches import BranchRow, Trend, load_branches, rate_words
from clp_tui.data.burndown import build_burndown
from clp_tui.data.contract import MilestoneExt
from clp_tui.data.datewords import day_words, moment_words
from clp_tui.data.decision_log import decide
from clp_tui.data.done_since import done_on, done_since
from clp_tui.data.press import load_cards
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds

POLLING = dt.date(2027, 5, 6)


def _milestone(due: dt.date, status: str | None = None, **ext) -> Milestone:
    return Milestone("plan", "m-1", "Leaflet round", "", MilestoneExt(due=due, **ext), status, ext.get("achieved"))


# -- 1. slack ---------------------------------------------------------------------------


def test_an_overdue_milestone_has_days_overdue_never_slack() -> None:
    overdue = _milestone(dt.date(2026, 11, 9))
    assert schedule(overdue, TODAY, POLLING) == ("overdue", 14)
    assert schedule(_milestone(dt.date(2026, 12, 1)), TODAY, POLLING) == ("slack", 156)
    assert schedule(_milestone(dt.date(2026, 7, 1), status="done"), TODAY, POLLING) is None
    assert schedule(_milestone(dt.date(2026, 12, 1)), TODAY, None) is None


# -- 2. trends --------------------------------------------------------------------------


def test_a_trend_on_small_numbers_is_the_change_never_a_percentage() -> None:
    assert Trend(3, 12).fraction is None and Trend(3, 12).words() == "+9"
    assert Trend(0, 40).fraction is None and Trend(0, 40).words() == "+40"
    assert Trend(12, 5).words() == "−7" and Trend(4, 4).words() == "0" and Trend(0, 0).words() == "—"
    assert Trend(100, 150).words() == "+50%" and Trend(100, 150).fraction == 0.5
    assert Trend(15, 30).words() == "+100%"  # one half at the floor or more: a percentage
    row = BranchRow("Otterdale", weeks={"2026-W45": {"doors": 3}, "2026-W46": {"doors": 12}})
    assert row.trend(["2026-W45", "2026-W46"], "doors") is None
    assert row.trend_of(["2026-W45", "2026-W46"], "doors") == Trend(3, 12)


def test_the_grid_shows_no_percentage_on_small_numbers() -> None:
    from clp_tui.screens.branches import trend_text

    assert "%" not in trend_text(Trend(3, 12)).plain and "▲" not in trend_text(Trend(3, 12)).plain
    assert trend_text(Trend(100, 150)).plain.strip() == "▲ +50%"


# -- 3. rates ---------------------------------------------------------------------------


def test_rates_are_sums_over_sums_and_a_dash_without_doors() -> None:
    weeks = ["2026-W45", "2026-W46", "2026-W47"]
    row = BranchRow(
        "Otterdale",
        weeks={
            "2026-W45": {"doors": 100, "contacts": 30, "ids": 20, "volunteers": 4},
            "2026-W46": {"doors": 0, "contacts": 2},
            "2026-W47": {"doors": 50, "contacts": 30, "ids": 10, "volunteers": 2},
        },
    )
    assert row.rate(weeks, "contact_rate") == 62 / 150
    assert row.value("2026-W46", "contact_rate") is None  # no doors: no rate, no division error
    assert rate_words("contact_rate", row.value("2026-W46", "contact_rate")) == "–"
    assert rate_words("contact_rate", row.rate(weeks, "contact_rate")) == "41%"
    assert row.rate(weeks, "voter_id_rate") == 30 / 150
    assert rate_words("doors_per_volunteer", row.rate(weeks, "doors_per_volunteer")) == "25.0"
    assert row.trend_of(weeks, "contact_rate") is None


def _sync(db: Path, feeds: list[dict], at: dt.datetime) -> None:
    store = Store(db, clock=fixed_clock(at))
    try:
        asyncio.run(sync_feeds(store, parse_config(config_toml(feeds))))
    finally:
        store.close()


def _activity(item_id: str, week: str, **metrics: float) -> dict:
    ext = {"type": "activity", "branch": "Otterdale", "week": week, "metrics": metrics}
    return {"id": item_id, "title": item_id, "_clp": ext}


def test_rates_are_metrics_when_the_feed_carries_their_figures(server: FeedServer, tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    server.route("/grid", body=feed_bytes([_activity("a1", "2026-W47", doors=80, contacts=20, volunteers=4)]))
    _sync(db, [{"name": "grid", "url": server.url("/grid"), "kind": "activity"}], NOW)
    rows, metrics = load_branches(Store(db, clock=fixed_clock(NOW)))
    # No voter-ID figure in this feed, so no voter-ID rate.
    assert metrics == ["doors", "contacts", "volunteers", "contact_rate", "doors_per_volunteer"]
    assert rows[0].value("2026-W47", "contact_rate") == 0.25


# -- 4. days in stage -------------------------------------------------------------------


def test_days_in_stage_count_from_when_the_card_entered_the_stage(server: FeedServer, tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    feeds = [{"name": "press", "url": server.url("/press"), "kind": "press"}]
    edited = "2026-11-22T09:00:00Z"  # the feed edits the card every day: that is no stage change
    first = NOW - dt.timedelta(days=20)
    server.route("/press", body=feed_bytes([{**press("p1", stage="drafting"), "date_modified": edited}]))
    _sync(db, feeds, first)
    server.route("/press", body=feed_bytes([{**press("p1", stage="drafting"), "title": "New title"}]))
    _sync(db, feeds, NOW - dt.timedelta(days=15))
    store = Store(db, clock=fixed_clock(NOW))
    assert load_cards(store)[0].days_in_stage(NOW) == 20  # first seen at Drafting 20 days ago
    store.close()
    # The feed moves it, and a card it last edited 30 days ago arrives.
    old = {**press("p2", stage="approved"), "date_modified": "2026-10-24T12:00:00Z"}
    server.route("/press", body=feed_bytes([press("p1", stage="regional_review"), old]))
    _sync(db, feeds, NOW - dt.timedelta(days=6))
    store = Store(db, clock=fixed_clock(NOW - dt.timedelta(days=2)))
    days = {c.id: c.days_in_stage(NOW) for c in load_cards(store)}
    assert days == {"p1": 6, "p2": 30}  # the sync that saw the feed move it; at it since its last edit
    decide(store, [("press", "p1")], "stage", "approved", officer="Pat")
    assert {c.id: c.days_in_stage(NOW) for c in load_cards(store)}["p1"] == 2  # moved here: the decision log's time
    store.close()


# -- 5. done since and the burn-down ----------------------------------------------------


def test_a_milestone_done_in_july_is_not_done_since_last_month() -> None:
    july = _milestone(dt.date(2026, 7, 15), status="done")
    # The feed edited it in November: that is when it changed, not when it was done.
    assert done_on(july, None, "2026-11-20T10:00:00Z", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z") == july.ext.due
    assert done_on(july, None, "2026-07-10T10:00:00Z", None, None) == dt.date(2026, 7, 10)
    # Seen turning done by the feed: that sync's day.
    assert done_on(july, None, "2026-11-20T10:00:00Z", "2026-11-05T08:00:00Z", "2026-11-01T00:00:00Z") == dt.date(
        2026, 11, 5
    )
    july.local_status = True  # marked done here: the decision log's time
    assert done_on(july, "2026-11-21T10:00:00Z", "2026-11-20T10:00:00Z", None, None) == dt.date(2026, 11, 21)


def test_done_since_leaves_out_a_july_milestone_the_feed_edited_lately(server: FeedServer, tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    items = [
        {**milestone("m-jul", due="2026-07-15", status="done"), "date_modified": "2026-11-20T10:00:00Z"},
        {**milestone("m-nov", due="2026-11-30", status="done"), "date_modified": "2026-11-10T10:00:00Z"},
    ]
    server.route("/plan", body=feed_bytes(items))
    _sync(db, [{"name": "plan", "url": server.url("/plan"), "kind": "milestone"}], NOW)
    store = Store(db, clock=fixed_clock(NOW))
    milestones = load_milestones(store, TODAY)
    done = done_since(store, milestones, TODAY - dt.timedelta(days=28), TODAY)
    assert [(d.milestone.id, d.done_on) for d in done] == [("m-nov", dt.date(2026, 11, 10))]
    store.close()


def test_the_burndown_uses_the_boards_achieved_figure() -> None:
    # Branches report 1,200 doors in every ward; the milestone (as the board shows it) 460 of 1,000.
    m = _milestone(dt.date(2026, 12, 20), start=dt.date(2026, 11, 2), target=1000, achieved=460, strand="doorstep")
    rows = [
        BranchRow("A", weeks={"2026-W45": {"doors": 600}, "2026-W46": {"doors": 300}}),
        BranchRow("B", weeks={"2026-W47": {"doors": 300}}),
    ]
    b = build_burndown(m, rows, TODAY)
    left = [x for x in b.remaining if x is not None]
    assert left[-1] == 1000 - 460  # not 0: the same 46 % as the board
    assert b.knocked == 460 and b.returns == 1200
    assert b.doors[:4] == [230, 115, 115, 0]


# -- 6. dates ---------------------------------------------------------------------------


def test_one_date_style_with_the_zone_named() -> None:
    assert day_words(dt.date(2026, 11, 3)) == "3 Nov 2026"
    assert moment_words(dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.UTC)) == "23 Nov 2026 14:05 UTC"
    assert moment_words("2026-11-23T15:05:00+01:00") == "23 Nov 2026 14:05 UTC"
    assert moment_words("2026-11-23") == "23 Nov 2026"
    assert moment_words("by phone, Tuesday") == "by phone, Tuesday"
    assert moment_words(None) == "–"


def test_the_html_report_keeps_each_date_on_one_line(tmp_path: Path) -> None:
    from clp_tui.data.report import build_report
    from clp_tui.documents.report import render_html

    config = parse_config(config_toml([]))
    page = render_html(build_report(Store(tmp_path / "c.db", clock=fixed_clock(NOW)), config, TODAY))
    assert "23\u00a0Nov\u00a02026" in page and "23 Nov 2026" not in page
    assert "23\u00a0Nov\u00a02026\u00a012:00\u00a0UTC" in page

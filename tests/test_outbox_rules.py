"""The outbox's rules on a real SQLite file, without a platform: what a decision queues,
the order an item's actions are claimed in, the backoff, and taking back a claim
whose sender is gone (or stuck past its lease)."""

from __future__ import annotations

import datetime as dt

from feedserver import config_toml
from frozen import NOW

from clp_tui.clock import stamp
from clp_tui.config import parse_config
from clp_tui.data.decision_log import decide, undo
from clp_tui.data.outbox import LEASE, Plan, claim, record
from clp_tui.data.store import Store

FEEDS = [
    {"name": "page", "kind": "comment", "source": "facebook", "apply_decisions": True,
     "url": "https://graph.facebook.com/v21.0/1/posts", "token_env": "T"},
    {"name": "yt", "kind": "comment", "source": "youtube", "apply_decisions": True, "youtube_hide": "rejected",
     "url": "https://www.googleapis.com/youtube/v3/commentThreads", "token_env": "T"},
    {"name": "masto", "kind": "comment", "source": "mastodon", "apply_decisions": True, "report_escalations": True,
     "url": "https://social.example/api/v1/accounts/1/statuses", "token_env": "T"},
]  # fmt: skip
PLAN = Plan.of(parse_config(config_toml(FEEDS)))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


def store_at(tmp_path) -> tuple[Store, Clock]:
    clock = Clock()
    return Store(tmp_path / "cache.db", clock=clock), clock


def rows(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.query("SELECT feed, item_id, action, state FROM outbox ORDER BY id")]


def test_each_decision_queues_what_its_platform_does(tmp_path) -> None:
    store, _ = store_at(tmp_path)
    for feed in ("page", "yt", "masto"):
        for value in ("hidden", "approved", "escalated", "needs_reply"):
            decide(store, [(feed, f"{feed}-{value}")], "moderation", value, officer="Sam", plan=PLAN)
    decide(store, [("page", "x")], "moderation", "hidden", officer="Sam")  # no plan: recorded only
    assert rows(store) == [
        ("page", "page-hidden", "hide", "pending"),
        ("page", "page-approved", "unhide", "pending"),
        ("yt", "yt-hidden", "reject", "pending"),
        ("yt", "yt-approved", "approve", "pending"),
        ("masto", "masto-escalated", "report", "pending"),
    ]


def test_an_items_actions_are_claimed_one_at_a_time_in_order(tmp_path) -> None:
    store, _ = store_at(tmp_path)
    decide(store, [("page", "c1")], "moderation", "hidden", officer="Sam", plan=PLAN)
    decide(store, [("page", "c1")], "moderation", "approved", officer="Jo", plan=PLAN)
    decide(store, [("page", "c2")], "moderation", "hidden", officer="Jo", plan=PLAN)
    first = claim(store, {"page"})
    assert [(a.item_id, a.action) for a in first] == [("c1", "hide"), ("c2", "hide")]
    assert claim(store, {"page"}) == []  # c1's unhide waits for its hide
    for action in first:
        record(store, action, "applied")
    assert [(a.item_id, a.action) for a in claim(store, {"page"})] == [("c1", "unhide")]


def test_backoff_doubles_and_a_longer_wait_asked_for_wins(tmp_path) -> None:
    store, clock = store_at(tmp_path)
    decide(store, [("page", "c1")], "moderation", "hidden", officer="Sam", plan=PLAN)
    waits = []
    for asked in (None, None, 600.0):
        [action] = claim(store, {"page"})
        record(store, action, "retry", "HTTP 500", asked)
        next_at = store.query("SELECT next_at FROM outbox")[0][0]
        waits.append((dt.datetime.fromisoformat(next_at.replace("Z", "+00:00")) - clock.now).total_seconds())
        assert claim(store, {"page"}) == []  # not due yet
        clock.now = dt.datetime.fromisoformat(next_at.replace("Z", "+00:00"))
    assert waits == [30.0, 60.0, 600.0]


def test_a_claim_by_a_sender_still_alive_elsewhere_is_taken_back_only_after_its_lease(tmp_path) -> None:
    store, clock = store_at(tmp_path)
    decide(store, [("page", "c1")], "moderation", "hidden", officer="Sam", plan=PLAN)
    decide(store, [("masto", "m1")], "moderation", "escalated", officer="Sam", plan=PLAN, reason="threats")
    claim(store, {"page", "masto"})
    with store.write() as conn:  # as if another machine's dashboard held them
        conn.execute("UPDATE outbox SET claimed_by = 'other-host:1'")
    clock.now = NOW + LEASE - dt.timedelta(seconds=1)
    assert claim(store, {"page", "masto"}) == []
    clock.now = NOW + LEASE + dt.timedelta(seconds=1)
    [again] = claim(store, {"page", "masto"})
    assert (again.item_id, again.resumed) == ("c1", True)  # a hide is re-checked, then sent
    reason = store.query("SELECT state, reason FROM outbox WHERE item_id = 'm1'")[0]
    assert reason[0] == "failed" and "may have been filed" in reason[1]  # a report is never repeated by itself
    assert stamp(clock.now) == store.query("SELECT claimed_at FROM outbox WHERE item_id = 'c1'")[0][0]


def test_undo_cancels_an_unsent_action_and_reverses_a_sent_one(tmp_path) -> None:
    store, _ = store_at(tmp_path)
    [unsent] = decide(store, [("page", "c1")], "moderation", "hidden", officer="Sam", plan=PLAN)
    [sent] = decide(store, [("page", "c2")], "moderation", "hidden", officer="Sam", plan=PLAN)
    [rejected] = decide(store, [("yt", "y1")], "moderation", "hidden", officer="Sam", plan=PLAN)
    for action in claim(store, {"page", "yt"}):
        if action.item_id != "c1":
            record(store, action, "applied")
    with store.write() as conn:
        conn.execute("UPDATE outbox SET state = 'pending', claimed_by = NULL WHERE item_id = 'c1'")
    undo(store, [unsent, sent, rejected], officer="Sam")
    assert rows(store) == [
        ("page", "c1", "hide", "cancelled"),
        ("page", "c2", "hide", "applied"),
        ("yt", "y1", "reject", "applied"),  # a rejected comment cannot be published: nothing queued
        ("page", "c2", "unhide", "pending"),
    ]

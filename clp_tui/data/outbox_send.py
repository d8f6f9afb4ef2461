"""Sending the outbox: claim what is due, send each action, record how it went.

The dashboard runs `send_due` on its poller's loop after each decision lands and
on a timer; `clp-tui sync` and `clp-tui decide` run it at their end. Claims are
transactions of their own (outbox.claim), so any number of these may run at once
against one cache and each action is sent by one of them only. `would_send` is
what `sync --dry-run-actions` prints instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from clp_tui.config import Config, token_for
from clp_tui.data.fetch import Fetcher
from clp_tui.data.outbox import LEASE, Action, Plan, claim, due, record
from clp_tui.data.outbox_words import WORDS
from clp_tui.data.secrets import scrub
from clp_tui.data.sources import SOURCES
from clp_tui.data.sources.actions import Outcome, perform, request_for, unsure
from clp_tui.data.store import Store
from clp_tui.data.text import one_line

MAX_ROUNDS = 50  # claims of up to 20 per run: an item's next action waits for the one before


@dataclass(frozen=True, slots=True)
class Sent:
    action: Action
    outcome: Outcome
    platform: str = ""  # the platform's name, for people

    def line(self, name: str | None = None) -> str:
        """One line for people (the platform's words through the sanitiser); `name`: what
        the dashboard calls the comment, instead of FEED/ID."""
        a, o = self.action, self.outcome
        head = f"{WORDS.get(a.action, a.action)} {a.feed}/{a.item_id}"
        if name is not None:
            head = f"{self.platform}: {WORDS.get(a.action, a.action)} {name}"
        if o.outcome == "applied":
            return one_line(f"{head}: applied" + (f" ({o.reason})" if o.reason else ""), 300)
        if o.outcome == "retry":
            return one_line(f"{head}: still pending, will try again: {o.reason}", 300)
        return one_line(f"{head}: FAILED: {o.reason}", 300)

    def as_json(self) -> dict[str, object]:
        return {
            "action": self.action.action,
            "feed": self.action.feed,
            "id": self.action.item_id,
            "outcome": {"retry": "pending"}.get(self.outcome.outcome, self.outcome.outcome),
            "reason": self.outcome.reason,
        }


async def send_due(
    store: Store,
    config: Config,
    *,
    fetcher: Fetcher | None = None,
    feeds: set[str] | None = None,
) -> list[Sent]:
    """Send every due action of the feeds that apply decisions (or of `feeds` among them)."""
    plan = Plan.of(config)
    names = set(plan.feeds) if feeds is None else set(plan.feeds) & feeds
    if not names:
        return []
    if fetcher is None:
        from clp_tui.data.sync import limits_from

        async with Fetcher(limits_from(config)) as own:
            return await send_due(store, config, fetcher=own, feeds=feeds)
    sent: list[Sent] = []
    lease = max(LEASE, dt.timedelta(seconds=2 * config.network.deadline))  # never while a request may run
    for _round in range(MAX_ROUNDS):
        # The cache's work off the loop: a claim may wait for another process's write.
        batch = await asyncio.to_thread(claim, store, names, lease=lease)
        if not batch:
            break
        for action in batch:
            feed = plan.feeds[action.feed]
            token = token_for(feed)
            try:
                outcome = await perform(fetcher, feed, action, token, now=store.clock().timestamp())
            except asyncio.CancelledError:  # the dashboard closing mid-request: the next sender resumes it
                stopped = unsure(action, f"{SOURCES[feed.source].label}: stopped before the platform answered")
                record(store, action, stopped.outcome, stopped.reason, unsure=stopped.unsure)
                raise
            except Exception as exc:  # noqa: BLE001 - a bug must not strand the action in `sending`
                outcome = unsure(action, f"{SOURCES[feed.source].label}: sending failed ({type(exc).__name__}: {exc})")
            if outcome.reason:  # a platform may quote the request, and so the token
                outcome = Outcome(outcome.outcome, scrub(outcome.reason, (token,)), outcome.wait, outcome.unsure)
            await asyncio.to_thread(
                record, store, action, outcome.outcome, outcome.reason, outcome.wait, unsure=outcome.unsure
            )
            sent.append(Sent(action, outcome, SOURCES[feed.source].label))
    return sent


def would_send(store: Store, config: Config) -> list[str]:
    """What the next run would send, one line each, sending nothing."""
    plan = Plan.of(config)
    lines = []
    for action in due(store, set(plan.feeds)):
        feed = plan.feeds[action.feed]
        request = request_for(feed, action)
        label = SOURCES[feed.source].label
        when = "" if action.state == "pending" else f" ({action.state})"
        line = f"{WORDS.get(action.action, action.action)} {action.feed}/{action.item_id} on {label}{when}: {request.shown()}"
        lines.append(one_line(line, 400))
    return lines
